package io.kmsjca.benchmarks;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Issue #19's speed targets from the JMH JSON of {@link SignatureBenchmark} and
 * {@link TlsHandshakeBenchmark}: each KMS result as a ratio to its same-run baseline, with the
 * ratio's error (JMH's 99.9 % intervals of both, combined to first order:
 * {@code r·sqrt((ea/a)² + (eb/b)²)}), and whether the 1.1x target is met, missed, or not decided
 * by the run (the interval straddles 1.1). Prints a markdown table:
 * {@code java -cp benchmarks.jar io.kmsjca.benchmarks.AsymmetricReport asymmetric-jdk17.json}.
 */
final class AsymmetricReport {

    static final double TARGET = 1.1;

    /** A KMS benchmark, the baseline it is compared with, what the row says, and whether the 1.1x target applies. */
    record Pair(String kms, String baseline, String what, boolean target) {
    }

    static final List<Pair> PAIRS = List.of(
            new Pair("SignatureBenchmark.kmsSign", "SignatureBenchmark.jdkSign", "sign 1 KiB, Signature reused", true),
            new Pair("SignatureBenchmark.kmsInitSign", "SignatureBenchmark.jdkInitSign", "getInstance + initSign + sign 1 KiB", true),
            new Pair("SignatureBenchmark.kmsKeyServiceSign", "SignatureBenchmark.jdkSign", "KeyService.sign of 1 KiB RAW (no JCA) vs JDK sign", false),
            new Pair("TlsHandshakeBenchmark.kmsHandshake", "TlsHandshakeBenchmark.pkcs12Handshake", "TLS 1.3 handshake", true));

    /** One JMH result: {@code Class.method}, its parameters, microseconds and their 99.9 % error. */
    record Result(String name, Map<String, String> params, double micros, double error) {
    }

    /** One row: the key, both results, the ratio and its error. */
    record Row(Pair pair, String key, Result kms, Result baseline) {
        double ratio() {
            return kms.micros / baseline.micros;
        }

        double ratioError() {
            double a = kms.error / kms.micros;
            double b = baseline.error / baseline.micros;
            return ratio() * Math.sqrt(a * a + b * b);
        }

        String verdict() {
            if (!pair.target) {
                return "–";
            }
            if (ratio() + ratioError() <= TARGET) {
                return "met";
            }
            if (ratio() - ratioError() > TARGET) {
                return String.format(Locale.ROOT, "**missed** by %.0f %%", (ratio() / TARGET - 1) * 100);
            }
            return ratio() <= TARGET ? "met (within error)" : "**missed** (within error)";
        }
    }

    private AsymmetricReport() {
    }

    public static void main(String[] args) throws IOException {
        List<Result> results = new ArrayList<>();
        for (String file : args) {
            results.addAll(parse(Files.readString(Path.of(file))));
        }
        System.out.print(markdown(rows(results)));
    }

    static List<Result> parse(String json) {
        List<Result> results = new ArrayList<>();
        for (JsonElement e : JsonParser.parseString(json).getAsJsonArray()) {
            JsonObject run = e.getAsJsonObject();
            String benchmark = run.get("benchmark").getAsString();
            String name = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
            Map<String, String> params = new java.util.TreeMap<>();
            if (run.has("params")) {
                run.getAsJsonObject("params").entrySet().forEach(p -> params.put(p.getKey(), p.getValue().getAsString()));
            }
            JsonObject metric = run.getAsJsonObject("primaryMetric");
            double scale = switch (metric.get("scoreUnit").getAsString()) {
                case "ns/op" -> 1e-3;
                case "us/op" -> 1;
                case "ms/op" -> 1e3;
                default -> throw new IllegalArgumentException("not a time per operation: " + metric.get("scoreUnit"));
            };
            double error = metric.get("scoreError").getAsDouble();
            results.add(new Result(name, params, metric.get("score").getAsDouble() * scale,
                    Double.isNaN(error) ? 0 : error * scale));
        }
        return results;
    }

    /** Every pair measured, in the order of {@link #PAIRS}, one row per parameter set of the KMS result. */
    static List<Row> rows(List<Result> results) {
        List<Row> rows = new ArrayList<>();
        for (Pair pair : PAIRS) {
            for (Result kms : results) {
                if (kms.name.equals(pair.kms)) {
                    find(results, pair.baseline, kms.params).ifPresent(base ->
                            rows.add(new Row(pair, String.join(",", kms.params.values()), kms, base)));
                }
            }
        }
        return rows;
    }

    private static Optional<Result> find(List<Result> results, String name, Map<String, String> params) {
        return results.stream().filter(r -> r.name.equals(name) && r.params.equals(params)).findFirst();
    }

    static String markdown(List<Row> rows) {
        StringBuilder md = new StringBuilder();
        md.append("| operation | key | baseline µs | KMS µs | ratio | target ≤ 1.1× |\n|---|---|---|---|---|---|\n");
        for (Row row : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.3f ± %.3f | %s |%n", row.pair.what, row.key,
                    micros(row.baseline), micros(row.kms), row.ratio(), row.ratioError(), row.verdict()));
        }
        return md.toString();
    }

    private static String micros(Result r) {
        return r.micros >= 100 ? String.format(Locale.ROOT, "%,.0f ± %,.0f", r.micros, r.error)
                : String.format(Locale.ROOT, "%.2f ± %.2f", r.micros, r.error);
    }
}
