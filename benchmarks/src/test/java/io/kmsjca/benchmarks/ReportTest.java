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
            "{\"benchmark\":\"io.kmsjca.benchmarks.WrapBenchmark.kmsWrapUnwrap32\",\"primaryMetric\":"
                    + "{\"score\":1850,\"scoreError\":20,\"scoreUnit\":\"ns/op\"}}",
            "{\"benchmark\":\"io.kmsjca.benchmarks.WrapBenchmark.jdkAesGcm256EncryptDecrypt32\",\"primaryMetric\":"
                    + "{\"score\":1030,\"scoreError\":20,\"scoreUnit\":\"ns/op\"}}") + "]";

    @Test
    void parse_readsSystemDirectionSizeAndConvertsUnitsToMicroseconds() {
        List<Report.Result> results = Report.parse(JSON);
        assertEquals(7, results.size());
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
        assertTrue(md.contains("| wrap + unwrap of 32 bytes within 2× of JDK GCM | 1.80× (1.85 vs 1.03 µs) | met |"), md);
        assertTrue(md.contains("| envelope encrypt of 1 MiB at ≥ 0.9× JDK GCM throughput | 0.80× | **missed** |"), md);
        assertTrue(md.contains("| encrypt 1 MiB faster than tinkStreaming | 250 vs 300 µs | met |"), md);
        assertTrue(md.contains("| encrypt 1 MiB faster than esdkCommitting | 250 vs 400 µs | met |"), md);
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
