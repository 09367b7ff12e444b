package io.kmsjca.internal.audit;

import io.kmsjca.audit.AuditLogVerifier.Problem;
import io.kmsjca.audit.AuditLogVerifier.Report;
import io.kmsjca.internal.crypto.SecretBytes;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Audit log format 2 (docs/FORMAT.md, "Audit log"): one MAC per write, on its last line, which
 * covers the lines before it through the hash chain. What the format must keep: every record a
 * verifier counts is covered by a MAC; a line altered, inserted or removed anywhere is found; the
 * lines of a write cut short (or lines added without the key) are never counted, and the writer
 * cuts them before it goes on, so no later MAC ever covers them.
 */
class AuditLogFormat2Test {

    @TempDir
    Path dir;
    private final SecretBytes mac = new SecretBytes(new byte[32], "HmacSHA256");

    private static AuditEvent event(int i) {
        return new AuditEvent(new UUID(1, i), Instant.parse("2026-03-01T10:00:00Z"), AuditOperation.ENCRYPT,
                "k", 1, "k" + i, "alice", "os-user", AuditOutcome.SUCCESS, null, null, Map.of("c", "v" + i), "req",
                "inst", "host", null, 0);
    }

    /** Writes {@code batches} writes of {@code size} events each through the asynchronous delivery's path. */
    private Path writeBatches(int batches, int size) throws Exception {
        Path log = dir.resolve("audit.jsonl");
        JsonLinesAuditSink sink = new JsonLinesAuditSink(log, mac, false, true, 1 << 20);
        for (int b = 0, n = 0; b < batches; b++) {
            for (int i = 0; i < size; i++) {
                sink.onEvent(event(n++));
            }
            sink.flush();
        }
        sink.close();
        return log;
    }

    private Report verify(Path log) throws Exception {
        return new ChainedLogVerifier(mac).verify(log);
    }

    private static List<String> lines(Path log) throws Exception {
        return Files.readAllLines(log, StandardCharsets.UTF_8);
    }

    private static void write(Path log, List<String> lines) throws Exception {
        Files.writeString(log, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    private static boolean hasMac(String line) {
        return line.contains(",\"mac\":\"");
    }

    @Test
    void aWriteOfFiveEvents_isFiveChainedLines_onlyTheLastMaced_andAllFiveVerify() throws Exception {
        Path log = writeBatches(2, 5);
        List<String> lines = lines(log);
        assertEquals(10, lines.size());
        for (int i = 0; i < 10; i++) {
            assertEquals(i == 4 || i == 9, hasMac(lines.get(i)), "line " + (i + 1));
            assertTrue(lines.get(i).startsWith("{\"seq\":" + (i + 1) + ",\"prev\":\""), lines.get(i));
        }
        for (int i = 1; i < 10; i++) {
            assertTrue(lines.get(i).contains("\"prev\":\"" + sha256(lines.get(i - 1)) + "\""), "chained: line " + (i + 1));
        }
        Report report = verify(log);
        assertTrue(report.intact(), report.detail());
        assertEquals(10, report.records());
        assertEquals(10, report.lastSeq());
        assertFalse(report.tornTail(), report.detail());
    }

    @Test
    void anUnmacedLineAltered_isFound_evenWithTheChainMadeAgain() throws Exception {
        Path log = writeBatches(1, 5);
        List<String> lines = lines(log);
        List<String> altered = new java.util.ArrayList<>(lines);
        altered.set(1, lines.get(1).replace("\"alias\":\"k1\"", "\"alias\":\"kX\""));
        write(log, altered);
        Report broken = verify(log);
        assertFalse(broken.intact());
        assertEquals(Problem.ALTERED, broken.problem(), broken.detail());
        // whoever lacks the key can chain the lines again, up to the MACed one, whose MAC then fails
        for (int i = 2; i < 5; i++) {
            String line = altered.get(i);
            int at = line.indexOf("\"prev\":\"") + 8;
            altered.set(i, line.substring(0, at) + sha256(altered.get(i - 1)) + line.substring(at + 64));
        }
        write(log, altered);
        Report rechained = verify(log);
        assertEquals(Problem.ALTERED, rechained.problem(), rechained.detail());
        assertEquals(5, rechained.lastSeq() + 1, "found at the MACed line: " + rechained.detail());
    }

    @Test
    void aLineRemovedFromTheMiddleOfAWrite_isFound() throws Exception {
        Path log = writeBatches(1, 5);
        List<String> lines = new java.util.ArrayList<>(lines(log));
        lines.remove(2);
        write(log, lines);
        Report report = verify(log);
        assertFalse(report.intact(), report.detail());
    }

    @Test
    void aWriteCutShort_isNotCounted_andTheWriterCutsItBeforeGoingOn() throws Exception {
        Path log = writeBatches(2, 5);
        List<String> lines = lines(log);
        write(log, lines.subList(0, 8)); // the second write lost its last two lines, its MAC among them
        Report cut = verify(log);
        assertTrue(cut.intact(), cut.detail());
        assertTrue(cut.tornTail(), cut.detail());
        assertEquals(5, cut.records(), "only the lines a MAC covers: " + cut.detail());
        assertEquals(5, cut.lastSeq());
        assertTrue(cut.detail().contains("the last 3 lines"), cut.detail());

        JsonLinesAuditSink sink = new JsonLinesAuditSink(log, mac, false, true, 1 << 20);
        assertEquals(lines.subList(0, 5), lines(log), "the lines no MAC covers are cut when the writer opens the log");
        sink.onEvent(event(100));
        sink.close();
        List<String> after = lines(log);
        assertEquals(6, after.size());
        assertTrue(after.get(5).startsWith("{\"seq\":6,\"prev\":\"" + sha256(lines.get(4)) + "\""), after.get(5));
        Report goesOn = verify(log);
        assertTrue(goesOn.intact(), goesOn.detail());
        assertEquals(6, goesOn.records());
    }

    @Test
    void linesAppendedWithoutTheKey_areNeverCounted_norCoveredByTheWritersNextMac() throws Exception {
        Path log = writeBatches(1, 3);
        List<String> lines = new java.util.ArrayList<>(lines(log));
        // a forger without the key appends a well-chained record with no MAC
        String forged = "{\"seq\":4,\"prev\":\"" + sha256(lines.get(2)) + "\",\"eventId\":\"forged\",\"destinationKeyVersion\":0}";
        lines.add(forged);
        write(log, lines);
        Report report = verify(log);
        assertEquals(3, report.records(), report.detail());
        assertEquals(3, report.lastSeq(), report.detail());
        assertTrue(report.tornTail(), report.detail());

        JsonLinesAuditSink sink = new JsonLinesAuditSink(log, mac, false, true, 1 << 20);
        sink.onEvent(event(100));
        sink.close();
        String written = Files.readString(log, StandardCharsets.UTF_8);
        assertFalse(written.contains("forged"), "the writer cut the line no MAC covered");
        Report after = verify(log);
        assertTrue(after.intact(), after.detail());
        assertEquals(4, after.records());
    }

    @Test
    void aLogStartedInFormat1_goesOnInFormat2_andVerifiesWhole() throws Exception {
        Path log = dir.resolve("audit.jsonl");
        JsonLinesAuditSink perEvent = new JsonLinesAuditSink(log, mac, false, false, 1 << 20);
        for (int i = 0; i < 3; i++) {
            perEvent.onEvent(event(i)); // synchronous delivery: each write one line, so every line has its MAC (format 1)
        }
        perEvent.close();
        assertTrue(lines(log).stream().allMatch(AuditLogFormat2Test::hasMac));
        JsonLinesAuditSink batched = new JsonLinesAuditSink(log, mac, false, true, 1 << 20);
        for (int i = 3; i < 7; i++) {
            batched.onEvent(event(i));
        }
        batched.close();
        assertEquals(List.of(true, true, true, false, false, false, true),
                lines(log).stream().map(AuditLogFormat2Test::hasMac).toList());
        Report report = verify(log);
        assertTrue(report.intact(), report.detail());
        assertEquals(7, report.records());
    }

    @Test
    void theWriterRefusesToGoOnFromARotatedFileThatEndsWithoutAMac() throws Exception {
        Path log = writeBatches(1, 3);
        List<String> lines = new java.util.ArrayList<>(lines(log));
        lines.add("{\"seq\":4,\"prev\":\"" + sha256(lines.get(2)) + "\",\"eventId\":\"forged\",\"destinationKeyVersion\":0}");
        write(AuditLogFiles.rotated(log, 1), lines); // the chain ends in a rotated file, in a line no MAC covers
        Files.writeString(log, "");
        var refused = assertThrows(java.io.IOException.class, () -> new JsonLinesAuditSink(log, mac, false, true, 1 << 20));
        assertTrue(refused.getMessage().contains("fails verification"), refused.getMessage());
    }

    private static String sha256(String line) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(line.getBytes(StandardCharsets.UTF_8)));
    }
}
