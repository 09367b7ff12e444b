package io.kmsjca.benchmarks;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The report's sections beyond the peers: each single operation of kms-jca against the baseline
 * measured beside it in the same run (wrap, data-key generation, KMSWrap encryption, audit
 * sinks, two threads, key store open and rotation), and the heap that streaming decryption needs.
 */
final class Operations {

    /** One JMH result: {@code Class.method}, its parameters and thread count, the score in its unit. */
    record Run(String name, Map<String, String> params, int threads, double score, String unit) {
        /** Microseconds per operation, or the throughput as it is for throughput results. */
        double micros() {
            return switch (unit) {
                case "ns/op" -> score / 1000;
                case "us/op" -> score;
                case "ms/op" -> score * 1000;
                default -> score;
            };
        }
    }

    private Operations() {
    }

    static List<Run> parse(String json) {
        List<Run> runs = new ArrayList<>();
        for (JsonElement e : JsonParser.parseString(json).getAsJsonArray()) {
            JsonObject run = e.getAsJsonObject();
            String benchmark = run.get("benchmark").getAsString();
            String name = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
            Map<String, String> params = new TreeMap<>();
            if (run.has("params")) {
                run.getAsJsonObject("params").entrySet().forEach(p -> params.put(p.getKey(), p.getValue().getAsString()));
            }
            int threads = run.has("threads") ? run.get("threads").getAsInt() : 1;
            JsonObject metric = run.getAsJsonObject("primaryMetric");
            runs.add(new Run(name, params, threads, metric.get("score").getAsDouble(), metric.get("scoreUnit").getAsString()));
        }
        return runs;
    }

    static Optional<Run> find(List<Run> runs, String name, int threads, String... params) {
        return runs.stream().filter(r -> r.name.equals(name) && r.threads == threads).filter(r -> {
            for (int i = 0; i < params.length; i += 2) {
                if (!params[i + 1].equals(r.params.get(params[i]))) {
                    return false;
                }
            }
            return true;
        }).findFirst();
    }

    /** The "Other operations" table, or nothing when the run measured none of them. */
    static String markdown(List<Run> runs) {
        StringBuilder rows = new StringBuilder();
        row(rows, "wrap + unwrap of a 32-byte key (KMSWrap)", find(runs, "WrapBenchmark.kmsWrapUnwrap32", 1),
                "JDK GCM encrypt + decrypt of 32 B", find(runs, "WrapBenchmark.jdkAesGcm256EncryptDecrypt32", 1));
        row(rows, "generate a data key (KMSDataKey)", find(runs, "WrapBenchmark.kmsGenerateDataKey", 1),
                "32 random bytes + JDK GCM encrypt", find(runs, "WrapBenchmark.jdkRandomKeyAndEncrypt32", 1));
        for (String size : List.of("1024", "4096")) {
            String bytes = Report.sizeName(Integer.parseInt(size));
            row(rows, "KMSWrap encrypt of " + bytes, find(runs, "KmsEncryptBenchmark.kmsWrapEncrypt", 1, "size", size),
                    "JDK GCM encrypt of " + bytes, find(runs, "KmsEncryptBenchmark.jdkEncrypt", 1, "size", size));
        }
        for (String sink : List.of("file-sync", "file-sync-fsync", "file-async")) {
            row(rows, "wrap + unwrap, audited to " + sink, find(runs, "AuditBenchmark.wrapUnwrap32", 1, "sink", sink),
                    "no audit listener", find(runs, "AuditBenchmark.wrapUnwrap32", 1, "sink", "none"));
        }
        Optional<Run> one = find(runs, "WrapThreadsBenchmark.wrapUnwrap32", 1);
        Optional<Run> two = find(runs, "WrapThreadsBenchmark.wrapUnwrap32", 2);
        if (one.isPresent() && two.isPresent()) {
            rows.append(String.format(Locale.ROOT, "| wrap + unwrap on 2 threads, one shared key | %.0f ops/ms | 1 thread: %.0f ops/ms | %.2f× the work |%n",
                    two.get().score, one.get().score, two.get().score / one.get().score));
        }
        for (String keys : List.of("10", "1000", "10000")) {
            row(rows, "open a store of " + keys + " keys", find(runs, "KeyStoreBenchmark.openStore", 1, "keys", keys),
                    null, Optional.empty());
        }
        row(rows, "open a store of 10 keys and use one once", find(runs, "KeyStoreBenchmark.openStoreAndFirstUseOfOneKey", 1),
                "open alone", find(runs, "KeyStoreBenchmark.openStore", 1, "keys", "10"));
        row(rows, "rotate a key on demand (in memory)", find(runs, "KeyStoreBenchmark.rotateOnDemand", 1),
                null, Optional.empty());
        if (rows.length() == 0) {
            return "";
        }
        return "## Other operations\n\nEach kms-jca operation beside the baseline measured in the same run; µs per operation. "
                + "Stores use a cheap KDF: the store password's Argon2id comes once on top of every open.\n\n"
                + "| operation | kms-jca | baseline | ratio |\n|---|---|---|---|\n" + rows + '\n';
    }

    private static void row(StringBuilder rows, String what, Optional<Run> mine, String baselineName, Optional<Run> baseline) {
        if (mine.isEmpty()) {
            return;
        }
        rows.append("| ").append(what).append(" | ").append(micros(mine.get().micros())).append(" µs | ");
        if (baseline.isPresent()) {
            rows.append(baselineName).append(": ").append(micros(baseline.get().micros())).append(" µs | ")
                    .append(String.format(Locale.ROOT, "%.2f×", mine.get().micros() / baseline.get().micros()));
        } else {
            rows.append("– | –");
        }
        rows.append(" |\n");
    }

    /** The "Streaming decryption of 64 MiB: heap" table from {@link StreamingHeap}'s JSON. */
    static String heapMarkdown(String json) {
        JsonObject systems = JsonParser.parseString(json).getAsJsonObject();
        StringBuilder md = new StringBuilder("## Streaming decryption of 64 MiB: heap\n\n")
                .append("The smallest `-Xmx` (Serial GC, searched to 128 KiB) at which a fresh JVM decrypts a 64 MiB ")
                .append("message from a file through each system's streaming API, 64 KiB reads, and the bytes the ")
                .append("decrypting thread allocates on the way (garbage included). `floor` copies the file without ")
                .append("decrypting: below it the JVM does not run at all.\n\n")
                .append("| system | smallest heap | allocated for 64 MiB |\n|---|---|---|\n");
        for (String system : systems.keySet()) {
            JsonObject s = systems.getAsJsonObject(system);
            md.append(String.format(Locale.ROOT, "| %s | %.1f MiB | %.1f MB |%n", system,
                    s.get("smallestHeapKiB").getAsInt() / 1024.0, s.get("allocatedBytes").getAsLong() / 1e6));
        }
        return md.append('\n').toString();
    }

    static String micros(double us) {
        return us >= 100 ? String.format(Locale.ROOT, "%.0f", us) : String.format(Locale.ROOT, "%.2f", us);
    }
}
