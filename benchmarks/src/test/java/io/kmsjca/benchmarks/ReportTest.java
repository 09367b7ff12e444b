package io.kmsjca.benchmarks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ReportTest {

    private static String run(String method, int size, double score, String unit) {
        return "{\"benchmark\":\"io.kmsjca.benchmarks.PeerBenchmark." + method + "\",\"params\":{\"size\":\"" + size
                + "\"},\"primaryMetric\":{\"score\":" + score + ",\"scoreError\":0.1,\"scoreUnit\":\"" + unit + "\"}}";
    }

    private static final String JSON = "[" + String.join(",",
            run("kmsEnvelopeEncrypt", 1 << 20, 250, "us/op"),
            run("jdkEncrypt", 1 << 20, 200, "us/op"),
            run("tinkStreamingEncrypt", 1 << 20, 0.3, "ms/op"),
            run("esdkCommittingEncrypt", 1 << 20, 400, "us/op"),
            run("esdkDefaultEncrypt", 1 << 20, 5000, "us/op"),
            run("kmsEnvelopeCachedEncrypt", 1 << 20, 260, "us/op"),
            run("esdkCachingEncrypt", 1 << 20, 240, "us/op"),
            "{\"benchmark\":\"io.kmsjca.benchmarks.WrapBenchmark.kmsWrapUnwrap32\",\"primaryMetric\":"
                    + "{\"score\":1850,\"scoreError\":20,\"scoreUnit\":\"ns/op\"}}",
            "{\"benchmark\":\"io.kmsjca.benchmarks.WrapBenchmark.jdkAesGcm256EncryptDecrypt32\",\"primaryMetric\":"
                    + "{\"score\":1030,\"scoreError\":20,\"scoreUnit\":\"ns/op\"}}") + "]";

    @Test
    void parse_readsSystemDirectionSizeAndConvertsUnitsToMicroseconds() {
        List<Report.Result> results = Report.parse(JSON);
        assertEquals(9, results.size());
        Report.Result tink = Report.find(results, "tinkStreaming", "encrypt", 1 << 20).orElseThrow();
        assertEquals(300, tink.micros(), 1e-9);
        assertEquals((1 << 20) / 300.0, tink.megabytesPerSecond(), 1e-9);
        assertEquals(1.85, Report.find(results, "kmsWrapUnwrap32", "wrap", 32).orElseThrow().micros(), 1e-9);
        assertEquals("tinkStreaming", Report.bestPeer(results, "encrypt", 1 << 20).orElseThrow().system());
    }

    @Test
    void markdown_givesRatiosToTheJdkAndTheBestPeer_andSaysWhichTargetsAreMissed() {
        String md = Report.markdown(Report.parse(JSON), "quick", "peers-quick.json");
        assertTrue(md.contains("| kmsEnvelope | 250 (4194)<br>1.25× jdk, 0.83× tinkStreaming |"), md);
        assertTrue(md.contains("| envelope encrypt of 1 MiB at ≥ 0.95× JDK GCM throughput (#21) | 0.80 ± 0.00× | **missed** |"), md);
        // 250 ± 0.1 against 300 ± 100 µs: faster on the means, but the error bar spans 1
        assertTrue(md.contains("| kmsEnvelope encrypt 1 MiB faster than tinkStreaming | 250 vs 300 µs | **not decided**: "
                + "the error bar spans the target |"), md);
        assertTrue(md.contains("| kmsEnvelope encrypt 1 MiB faster than esdkCommitting | 250 vs 400 µs | met |"), md);
        assertTrue(md.contains("| kmsEnvelopeCached encrypt 1 MiB faster than esdkCaching | 260 vs 240 µs | **missed** (within 10 %) |"), md);
        assertTrue(md.contains("| wrap + unwrap of 32 bytes within 1.3× of JDK GCM (#21) | 1.80 ± 0.04× (1.85 vs 1.03 µs) | **missed** |"), md);
        assertFalse(md.contains("at ≤ 0.5× kmsEnvelope"), "no 1 KiB results, no cache target");
        String small = "[" + run("kmsEnvelopeDecrypt", 1024, 4.0, "us/op") + "," + run("kmsEnvelopeCachedDecrypt", 1024, 1.5, "us/op")
                + "," + run("kmsEnvelopeEncrypt", 1024, 4.0, "us/op") + "," + run("kmsEnvelopeCachedEncrypt", 1024, 1.9, "us/op") + "]";
        String cache = Report.markdown(Report.parse(small), "quick", "peers-quick.json");
        assertTrue(cache.contains("| kmsEnvelopeCached decrypt 1 KiB at ≤ 0.5× kmsEnvelope (#21) | 0.38 ± 0.03× (1.50 vs 4.00 µs) | met |"),
                cache);
        // 0.48 on the means, but 0.50 and more at the top of its error bar
        assertTrue(cache.contains("| kmsEnvelopeCached encrypt 1 KiB at ≤ 0.5× kmsEnvelope (#21) | 0.48 ± 0.03× (1.90 vs 4.00 µs) | "
                + "**not decided**: the error bar spans the target (within 10 %) |"), cache);
    }

    private static String op(String benchmark, String params, int threads, double score, String unit) {
        return "{\"benchmark\":\"io.kmsjca.benchmarks." + benchmark + "\",\"threads\":" + threads + ",\"params\":{" + params
                + "},\"primaryMetric\":{\"score\":" + score + ",\"scoreError\":0.1,\"scoreUnit\":\"" + unit + "\"}}";
    }

    @Test
    void otherOperations_standBesideTheirBaselines() {
        String json = "[" + String.join(",",
                op("WrapBenchmark.kmsGenerateDataKey", "", 1, 1500, "ns/op"),
                op("WrapBenchmark.jdkRandomKeyAndEncrypt32", "", 1, 1000, "ns/op"),
                op("KmsEncryptBenchmark.kmsWrapEncrypt", "\"size\":\"4096\"", 1, 3000, "ns/op"),
                op("KmsEncryptBenchmark.jdkEncrypt", "\"size\":\"4096\"", 1, 2000, "ns/op"),
                op("AuditBenchmark.wrapUnwrap32", "\"sink\":\"none\"", 1, 2000, "ns/op"),
                op("AuditBenchmark.wrapUnwrap32", "\"sink\":\"file-async\"", 1, 5000, "ns/op"),
                op("WrapThreadsBenchmark.wrapUnwrap32", "", 1, 500, "ops/ms"),
                op("WrapThreadsBenchmark.wrapUnwrap32", "", 2, 950, "ops/ms"),
                op("KeyStoreBenchmark.openStore", "\"keys\":\"1000\"", 1, 8.0, "ms/op"),
                op("KeyStoreBenchmark.openStore", "\"keys\":\"10\"", 1, 0.2, "ms/op"),
                op("KeyStoreBenchmark.openStoreAndFirstUseOfOneKey", "", 1, 0.3, "ms/op")) + "]";
        String md = Operations.markdown(Operations.parse(json));
        assertTrue(md.contains("| generate a data key (KMSDataKey) | 1.50 µs | 32 random bytes + JDK GCM encrypt: 1.00 µs | 1.50× |"), md);
        assertTrue(md.contains("| KMSWrap encrypt of 4 KiB | 3.00 µs | JDK GCM encrypt of 4 KiB: 2.00 µs | 1.50× |"), md);
        assertTrue(md.contains("| wrap + unwrap, audited to file-async | 5.00 µs | no audit listener: 2.00 µs | 2.50× |"), md);
        assertTrue(md.contains("| wrap + unwrap on 2 threads, one shared key | 950 ops/ms | 1 thread: 500 ops/ms | 1.90× the work |"), md);
        assertTrue(md.contains("| open a store of 1000 keys | 8000 µs | – | – |"), md);
        assertTrue(md.contains("| open a store of 10 keys and use one once | 300 µs | open alone: 200 µs | 1.50× |"), md);
        assertFalse(md.contains("KMSWrap encrypt of 1 KiB"), "a result not measured gets no row");
        assertEquals("", Operations.markdown(List.of()));
    }

    @Test
    void main_mergesTheParts_andAddsTheHeapTable(@TempDir Path dir) throws Exception {
        Path a = Files.writeString(dir.resolve("a.json"), JSON);
        Path b = Files.writeString(dir.resolve("b.json"), "[" + op("WrapBenchmark.kmsGenerateDataKey", "", 1, 1500, "ns/op")
                + "," + op("WrapThreadsBenchmark.wrapUnwrap32", "", 2, 950, "ops/ms") + "]");
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        String jdk = "jdk" + Runtime.version().feature();
        Files.writeString(out.resolve("heap-quick-" + jdk + ".json"), "{\"floor\": {\"smallestHeapKiB\": 4217, \"allocatedBytes\": 80416},"
                + " \"kmsEnvelope\": {\"smallestHeapKiB\": 4608, \"allocatedBytes\": 8468152}}");
        Report.main(new String[]{out.toString(), "quick", a.toString(), b.toString()});
        assertEquals(Report.parse(JSON).size() + 1, Report.parse(Files.readString(out.resolve("peers-quick-" + jdk + ".json"))).size());
        String md = Files.readString(out.resolve("peers-" + jdk + ".md"));
        assertTrue(md.startsWith("# kms-jca against its peers (quick profile, JDK " + Runtime.version().feature() + ")"), md);
        assertTrue(md.contains("| kmsEnvelope | 4.5 MiB | 8.5 MB |"), md);
        assertTrue(md.contains("| generate a data key (KMSDataKey) | 1.50 µs |"), md);
        assertEquals(1, Operations.parse(Files.readString(out.resolve("peers-quick-" + jdk + ".json"))).stream()
                .filter(r -> r.name().startsWith("WrapThreadsBenchmark")).count(), "a throughput result is kept, not refused");
        assertTrue(Files.size(out.resolve("throughput-" + jdk + ".png")) > 5000);
    }

    @Test
    void chart_isAPngOfBothPanels(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("t.png");
        ThroughputChart.write(Report.parse(JSON), png);
        byte[] bytes = Files.readAllBytes(png);
        assertEquals((byte) 0x89, bytes[0]);
        assertEquals("PNG", new String(bytes, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(bytes.length > 5000, "a chart with lines and text, not an empty image: " + bytes.length);
    }
}
