package io.kmsjca.benchmarks;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Turns the JMH JSON of a {@code benchmarks/run} into {@code peers-jdkN.md} (each result as a
 * ratio to the JDK baseline and to the best peer, the targets met or missed, the other operations
 * and the streaming heap) and {@code throughput-jdkN.png} (throughput by message size, one line per
 * system), N being the feature version of the JDK that ran them (this one), so runs on JDK 17 and
 * JDK 25 stand side by side. Usage: {@code Report OUTPUT_FOLDER PROFILE PART.json...}: the parts
 * are merged into {@code peers-PROFILE-jdkN.json}; {@code heap-PROFILE-jdkN.json}, if there, adds
 * the heap table.
 */
public final class Report {

    /** Systems of {@link PeerBenchmark} in report order, with what they are. */
    static final Map<String, String> SYSTEMS = new LinkedHashMap<>();

    static {
        SYSTEMS.put("kmsEnvelope", "kms-jca KMSEnvelope (data key per message, chunked AES-256-GCM)");
        SYSTEMS.put("kmsEnvelopeCached", "kms-jca KMSEnvelope with a DataKeyCache (a data key per "
                + PeerBenchmark.CACHE_MESSAGES + " messages)");
        SYSTEMS.put("jdk", "JDK AES-256-GCM, one key, no envelope (the floor)");
        SYSTEMS.put("bc", "Bouncy Castle AES-256-GCM, one key, no envelope");
        SYSTEMS.put("tinkAead", "Tink AEAD AES256_GCM, one key, no envelope");
        SYSTEMS.put("tinkEnvelope", "Tink KmsEnvelopeAead, local KEK");
        SYSTEMS.put("tinkStreaming", "Tink StreamingAead AES256_GCM_HKDF_1MB");
        SYSTEMS.put("esdkCommitting", "AWS Encryption SDK 3, raw AES keyring, committing suite without signing");
        SYSTEMS.put("esdkDefault", "AWS Encryption SDK 3, raw AES keyring, default suite (committing + ECDSA P-384)");
        SYSTEMS.put("esdkCaching", "AWS Encryption SDK 3, committing suite, caching CMM over a raw AES master key "
                + "(a data key per " + PeerBenchmark.CACHE_MESSAGES + " messages)");
    }

    /** The envelope peers kms-jca is compared with ("best peer"); each with a new data key per message. */
    static final List<String> PEERS = List.of("tinkEnvelope", "tinkStreaming", "esdkCommitting", "esdkDefault");

    /** Closer to a target than this, one run does not decide it: runs differ by 10-20 % here. */
    static final double CLOSE = 0.10;

    /** One measured operation: microseconds per message (or per wrap + unwrap). */
    record Result(String system, String direction, int size, double micros, double error) {
        double megabytesPerSecond() {
            return size / micros; // bytes per µs = MB/s
        }
    }

    private Report() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        String profile = args[1];
        JsonArray merged = new JsonArray();
        for (int i = 2; i < args.length; i++) {
            merged.addAll(JsonParser.parseString(Files.readString(Path.of(args[i]))).getAsJsonArray());
        }
        String json = new GsonBuilder().setPrettyPrinting().create().toJson(merged);
        Files.createDirectories(out);
        String jdk = jdk();
        String source = "peers-" + profile + "-" + jdk + ".json";
        Files.writeString(out.resolve(source), json + "\n");
        List<Result> results = parse(json);
        Path heap = out.resolve("heap-" + profile + "-" + jdk + ".json");
        String md = markdown(results, profile, source) + Operations.markdown(Operations.parse(json))
                + (Files.exists(heap) ? Operations.heapMarkdown(Files.readString(heap)) : "");
        Files.writeString(out.resolve("peers-" + jdk + ".md"), md);
        ThroughputChart.write(results, out.resolve("throughput-" + jdk + ".png"));
    }

    /** "jdk17", "jdk25": the JDK running the report, which is the one that ran the benchmarks. */
    static String jdk() {
        return "jdk" + Runtime.version().feature();
    }

    static List<Result> parse(String json) {
        List<Result> results = new ArrayList<>();
        for (JsonElement e : JsonParser.parseString(json).getAsJsonArray()) {
            JsonObject run = e.getAsJsonObject();
            String benchmark = run.get("benchmark").getAsString();
            String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            if (!benchmark.contains(".PeerBenchmark.") && !benchmark.contains(".WrapBenchmark.")) {
                continue; // the other operations: Operations
            }
            JsonObject metric = run.getAsJsonObject("primaryMetric");
            double score = metric.get("score").getAsDouble();
            double error = metric.get("scoreError").getAsDouble();
            double scale = switch (metric.get("scoreUnit").getAsString()) {
                case "ns/op" -> 0.001;
                case "us/op" -> 1;
                case "ms/op" -> 1000;
                default -> throw new IllegalArgumentException("unexpected unit " + metric.get("scoreUnit"));
            };
            if (benchmark.contains(".PeerBenchmark.")) {
                String direction = method.endsWith("Encrypt") ? "encrypt" : "decrypt";
                String system = method.substring(0, method.length() - "Encrypt".length());
                int size = run.getAsJsonObject("params").get("size").getAsInt();
                results.add(new Result(system, direction, size, score * scale, error * scale));
            } else if (benchmark.contains(".WrapBenchmark.")) {
                results.add(new Result(method, "wrap", 32, score * scale, error * scale));
            }
        }
        return results;
    }

    static Optional<Result> find(List<Result> results, String system, String direction, int size) {
        return results.stream().filter(r -> r.system.equals(system) && r.direction.equals(direction) && r.size == size)
                .findFirst();
    }

    static Optional<Result> bestPeer(List<Result> results, String direction, int size) {
        return results.stream().filter(r -> PEERS.contains(r.system) && r.direction.equals(direction) && r.size == size)
                .min((a, b) -> Double.compare(a.micros, b.micros));
    }

    static String markdown(List<Result> results, String profile, String source) {
        StringBuilder md = new StringBuilder();
        md.append("# kms-jca against its peers (").append(profile).append(" profile, JDK ")
                .append(Runtime.version().feature()).append(")\n\n");
        md.append("Generated by `benchmarks/run ").append(profile).append("` from `").append(source)
                .append("`: JMH, one thread, every system in the same run on the same machine (")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(Runtime.version()).append("). How each peer is used: README.md.\n\n");
        md.append("Cells: µs per message (MB/s); then the time as a ratio to the JDK floor and to the fastest ")
                .append("envelope peer at that size (below 1 = faster).\n\n");
        List<Integer> sizes = new ArrayList<>(new TreeSet<>(results.stream().filter(r -> r.size > 32).map(Result::size).toList()));
        for (String direction : List.of("encrypt", "decrypt")) {
            md.append("## ").append(direction.substring(0, 1).toUpperCase(Locale.ROOT)).append(direction.substring(1))
                    .append("\n\n| system |");
            sizes.forEach(s -> md.append(' ').append(sizeName(s)).append(" |"));
            md.append("\n|---|").append("---|".repeat(sizes.size())).append('\n');
            for (String system : SYSTEMS.keySet()) {
                md.append("| ").append(system).append(" |");
                for (int size : sizes) {
                    Optional<Result> r = find(results, system, direction, size);
                    Optional<Result> jdk = find(results, "jdk", direction, size);
                    Optional<Result> peer = bestPeer(results, direction, size);
                    md.append(r.map(x -> String.format(Locale.ROOT, " %s (%.0f)<br>%.2f× jdk, %.2f× %s |", micros(x.micros),
                            x.megabytesPerSecond(), x.micros / jdk.map(Result::micros).orElse(Double.NaN),
                            x.micros / peer.map(Result::micros).orElse(Double.NaN), peer.map(Result::system).orElse("-")))
                            .orElse(" – |"));
                }
                md.append('\n');
            }
            md.append('\n');
        }
        md.append("## Targets\n\n").append(targets(results, sizes)).append('\n');
        md.append("## Systems\n\n");
        SYSTEMS.forEach((k, v) -> md.append("- `").append(k).append("`: ").append(v).append('\n'));
        return md.append('\n').toString();
    }

    static String targets(List<Result> results, List<Integer> sizes) {
        StringBuilder t = new StringBuilder("| target | measured | |\n|---|---|---|\n");
        Optional<Result> wrap = find(results, "kmsWrapUnwrap32", "wrap", 32);
        Optional<Result> wrapFloor = find(results, "jdkAesGcm256EncryptDecrypt32", "wrap", 32);
        if (wrap.isPresent() && wrapFloor.isPresent()) {
            t.append(String.format(Locale.ROOT, "| wrap + unwrap of 32 bytes within 1.3× of JDK GCM (#21) | %s (%.2f vs %.2f µs) | %s |%n",
                    ratio(wrap.get(), wrapFloor.get()), wrap.get().micros, wrapFloor.get().micros,
                    verdict(wrap.get(), wrapFloor.get(), 1.3, true)));
        }
        for (String direction : List.of("encrypt", "decrypt")) {
            Optional<Result> kms = find(results, "kmsEnvelope", direction, 1 << 20);
            Optional<Result> jdk = find(results, "jdk", direction, 1 << 20);
            if (kms.isPresent() && jdk.isPresent()) {
                t.append(String.format(Locale.ROOT, "| envelope %s of 1 MiB at ≥ 0.95× JDK GCM throughput (#21) | %s | %s |%n",
                        direction, ratio(jdk.get(), kms.get()), verdict(jdk.get(), kms.get(), 0.95, false)));
            }
            Optional<Result> cached = find(results, "kmsEnvelopeCached", direction, 1024);
            Optional<Result> uncached = find(results, "kmsEnvelope", direction, 1024);
            if (cached.isPresent() && uncached.isPresent()) {
                t.append(String.format(Locale.ROOT, "| kmsEnvelopeCached %s 1 KiB at ≤ 0.5× kmsEnvelope (#21) | %s (%s vs %s µs) | %s |%n",
                        direction, ratio(cached.get(), uncached.get()), micros(cached.get().micros),
                        micros(uncached.get().micros), verdict(cached.get(), uncached.get(), 0.5, true)));
            }
            for (int size : sizes) {
                String tink = size < (1 << 20) ? "tinkEnvelope" : "tinkStreaming";
                for (String peer : List.of(tink, "esdkCommitting", "esdkDefault")) {
                    faster(t, find(results, "kmsEnvelope", direction, size), find(results, peer, direction, size));
                }
                faster(t, find(results, "kmsEnvelopeCached", direction, size), find(results, "esdkCaching", direction, size));
            }
        }
        return t.toString();
    }

    private static void faster(StringBuilder t, Optional<Result> mine, Optional<Result> other) {
        if (mine.isPresent() && other.isPresent()) {
            Result m = mine.get();
            Result o = other.get();
            t.append(String.format(Locale.ROOT, "| %s %s %s faster than %s | %s vs %s µs | %s |%n", m.system, m.direction,
                    sizeName(m.size), o.system, micros(m.micros), micros(o.micros), verdict(m, o, 1, true)));
        }
    }

    /** {@code a / b} and its error, from both results' JMH errors (relative errors added in quadrature). */
    static double[] ratioAndError(Result a, Result b) {
        double ratio = a.micros / b.micros;
        double ea = a.error / a.micros;
        double eb = b.error / b.micros;
        return new double[] {ratio, ratio * Math.sqrt(ea * ea + eb * eb)};
    }

    private static String ratio(Result a, Result b) {
        double[] r = ratioAndError(a, b);
        return String.format(Locale.ROOT, "%.2f ± %.2f×", r[0], r[1]);
    }

    /**
     * Whether {@code a / b} is at most (or at least) {@code threshold}: "met" only when its whole
     * error bar is on the right side, "**missed**" when it is all on the wrong side, and "not
     * decided" when the bar spans the threshold (#21: a target is met on the error bar, not the mean).
     * A "(within 10 %)" flag marks a mean closer than one run's variation on a shared machine.
     */
    static String verdict(Result a, Result b, double threshold, boolean atMost) {
        double[] r = ratioAndError(a, b);
        double best = atMost ? r[0] - r[1] : r[0] + r[1];
        double worst = atMost ? r[0] + r[1] : r[0] - r[1];
        boolean metWorst = atMost ? worst <= threshold : worst >= threshold;
        boolean metBest = atMost ? best <= threshold : best >= threshold;
        String close = Math.abs(r[0] - threshold) / threshold < CLOSE ? " (within 10 %)" : "";
        return (metWorst ? "met" : metBest ? "**not decided**: the error bar spans the target" : "**missed**") + close;
    }

    static String sizeName(int size) {
        return size >= 1 << 20 ? (size >> 20) + " MiB" : size >= 1024 ? (size >> 10) + " KiB" : size + " B";
    }

    private static String micros(double us) {
        return Operations.micros(us);
    }
}
