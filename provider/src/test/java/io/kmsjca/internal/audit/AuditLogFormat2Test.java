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
 * Audit log format 2 (docs/FORMAT.md, "Audit log"): a write of several records starts with a
 * MACed write record that announces them, and only its last line carries a MAC again, which
 * covers the lines before it through the hash chain. What the format must keep: every record a
 * verifier counts is covered by a MAC; a line altered, inserted or removed anywhere is found; a
 * line without a MAC that no write announced is found (ALTERED), as every such line was in format
 * 1; only the lines of a write that has not ended are left uncounted, and the writer cuts them
 * (and only them) before it goes on, so no later MAC ever covers a line it did not write.
 */
class AuditLogFormat2Test {

    @TempDir
    Path dir;
    private final SecretBytes mac = new SecretBytes(new byte[32], "HmacSHA256");

    private static AuditEvent event(int i) {
        return event(i, Map.of("c", "v" + i));
    }

    private static AuditEvent event(int i, Map<String, String> context) {
        return new AuditEvent(new UUID(1, i), Instant.parse("2026-03-01T10:00:00Z"), AuditOperation.ENCRYPT,
                "k", 1, "k" + i, "alice", "os-user", AuditOutcome.SUCCESS, null, null, context, "req",
                "inst", "host", null, 0);
    }

    /** Writes {@code batches} writes of {@code size} events each through the asynchronous delivery's path. */
    private Path writeBatches(int batches, int size) throws Exception {
        Path log = dir.resolve("audit.jsonl");
        JsonLinesAuditSink sink = batchedSink(log);
        for (int b = 0, n = 0; b < batches; b++) {
            for (int i = 0; i < size; i++) {
                sink.onEvent(event(n++));
            }
            sink.flush();
        }
        sink.close();
        return log;
    }

    /** The sink as the asynchronous delivery's thread uses it: one write per flush. */
    private JsonLinesAuditSink batchedSink(Path log) throws java.io.IOException {
        return new JsonLinesAuditSink(log, mac, false, true, 1 << 20);
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
        return AuditRecords.carriesMac(line);
    }

    private static String forgedAfter(String line, int seq) throws Exception {
        return "{\"seq\":" + seq + ",\"prev\":\"" + sha256(line) + "\",\"eventId\":\"forged\",\"destinationKeyVersion\":0}";
    }

    @Test
    void aWriteOfFiveEvents_isAnnouncedThenFiveChainedLines_onlyTheAnnouncementAndTheLastMaced() throws Exception {
        Path log = writeBatches(2, 5);
        List<String> lines = lines(log);
        assertEquals(12, lines.size());
        for (int i = 0; i < 12; i++) {
            assertEquals(i == 0 || i == 5 || i == 6 || i == 11, hasMac(lines.get(i)), "line " + (i + 1));
            assertTrue(lines.get(i).startsWith("{\"seq\":" + (i + 1) + ",\"prev\":\""), lines.get(i));
        }
        assertTrue(lines.get(6).contains("\"record\":\"write\",\"lines\":5,\"mac\""), lines.get(6));
        assertFalse(AuditRecords.isEvent(lines.get(6)), "kms audit tail shows events, not write records");
        assertTrue(AuditRecords.isEvent(lines.get(7)));
        for (int i = 1; i < 12; i++) {
            assertTrue(lines.get(i).contains("\"prev\":\"" + sha256(lines.get(i - 1)) + "\""), "chained: line " + (i + 1));
        }
        Report report = verify(log);
        assertTrue(report.intact(), report.detail());
        assertEquals(12, report.records());
        assertEquals(12, report.lastSeq());
        assertFalse(report.tornTail(), report.detail());
    }

    @Test
    void twoWritesOfSeveralEvents_areOneLinePerEvent_eachHoldingItsOwnEventOnly() throws Exception {
        Path log = writeBatches(2, 3);
        List<String> events = lines(log).stream().filter(AuditRecords::isEvent).toList();
        assertEquals(6, events.size());
        for (int i = 0; i < 6; i++) {
            String line = events.get(i);
            String id = new UUID(1, i).toString();
            assertTrue(line.contains("\"eventId\":\"" + id + "\""), "event " + i + " in its own line: " + line);
            assertEquals(line.indexOf("\"eventId\""), line.lastIndexOf("\"eventId\""), "no other event in it: " + line);
            assertTrue(line.endsWith("}"), line);
            assertEquals(-1, line.indexOf('\0'), line);
        }
    }

    /** A write record numbered 1 announcing {@code lines}, MACed with the store's key. */
    private String writeRecord(int lines) {
        LineBuffer out = new LineBuffer(256);
        byte[] fields = AuditRecords.writeFields(lines);
        new AuditRecords(mac).appendLine(out, 1, AuditRecords.GENESIS.getBytes(StandardCharsets.US_ASCII), fields, 0,
                fields.length, true);
        return out.utf8(0, out.size() - 1);
    }

    @Test
    void aWriteRecord_mayAnnounceTheLargestWrite_butNotOneLineMore() {
        AuditRecords records = new AuditRecords(mac);
        AuditRecords.Parsed largest = records.parse(writeRecord(AuditRecords.MAX_WRITE_LINES));
        assertNotNull(largest);
        assertEquals(AuditRecords.MAX_WRITE_LINES, largest.announces());
        assertNull(records.parse(writeRecord(AuditRecords.MAX_WRITE_LINES + 1)), "MACed, but more than a writer writes");
    }

    @Test
    void anUnmacedLineAltered_isFound_evenWithTheChainMadeAgain_andNothingPastTheLastMacIsCalledVerified() throws Exception {
        Path log = writeBatches(1, 5);
        List<String> lines = lines(log);
        List<String> altered = new java.util.ArrayList<>(lines);
        altered.set(2, lines.get(2).replace("\"alias\":\"k1\"", "\"alias\":\"kX\""));
        write(log, altered);
        Report broken = verify(log);
        assertEquals(Problem.ALTERED, broken.problem(), broken.detail());
        // whoever lacks the key can chain the lines again, up to the MACed one, whose MAC then fails
        for (int i = 3; i < 6; i++) {
            String line = altered.get(i);
            int at = line.indexOf("\"prev\":\"") + 8;
            altered.set(i, line.substring(0, at) + sha256(altered.get(i - 1)) + line.substring(at + 64));
        }
        write(log, altered);
        Report rechained = verify(log);
        assertEquals(Problem.ALTERED, rechained.problem(), rechained.detail());
        assertEquals(6, rechained.line(), "found at the MACed line: " + rechained.detail());
        assertEquals(0, rechained.records(), "a write's records count once its last MAC holds: " + rechained.detail());
        assertEquals(0, rechained.lastSeq(), "no line a MAC does not cover is reported verified: " + rechained.detail());
    }

    @Test
    void aLineRemovedFromTheMiddleOfAWrite_isFound() throws Exception {
        Path log = writeBatches(1, 5);
        List<String> lines = new java.util.ArrayList<>(lines(log));
        lines.remove(3);
        write(log, lines);
        Report report = verify(log);
        assertFalse(report.intact(), report.detail());
    }

    @Test
    void aWriteCutShort_isNotCounted_andTheWriterCutsItBeforeGoingOn() throws Exception {
        Path log = writeBatches(2, 5);
        List<String> lines = lines(log);
        write(log, lines.subList(0, 9)); // the second write lost its last three lines, its MAC among them
        Report cut = verify(log);
        assertTrue(cut.intact(), cut.detail());
        assertTrue(cut.tornTail(), cut.detail());
        assertEquals(6, cut.records(), "only the lines a MAC covers: " + cut.detail());
        assertEquals(6, cut.lastSeq());
        assertTrue(cut.detail().contains("3 of its announced lines"), cut.detail());

        JsonLinesAuditSink sink = batchedSink(log);
        assertEquals(lines.subList(0, 6), lines(log), "the unfinished write, announcement and all, is cut when the writer opens the log");
        sink.onEvent(event(100));
        sink.close();
        List<String> after = lines(log);
        assertEquals(7, after.size());
        assertTrue(after.get(6).startsWith("{\"seq\":7,\"prev\":\"" + sha256(lines.get(5)) + "\""), after.get(6));
        Report goesOn = verify(log);
        assertTrue(goesOn.intact(), goesOn.detail());
        assertEquals(7, goesOn.records());
    }

    @Test
    void aWriteCutShort_longerThanOneReadFromTheEnd_isCutBackToItsAnnouncement() throws Exception {
        Path log = writeBatches(2, 400); // the second write alone spans more than the 64 KiB the writer reads at a time
        List<String> lines = lines(log);
        assertTrue(Files.size(log) / 2 > 2 * 65536, "the second write is longer than two reads: " + Files.size(log));
        write(log, lines.subList(0, lines.size() - 1)); // its last, MACed line lost

        JsonLinesAuditSink sink = batchedSink(log);
        assertEquals(lines.subList(0, 401), lines(log), "cut back to the end of the first write, exactly");
        sink.close();
        Report report = verify(log);
        assertTrue(report.intact(), report.detail());
        assertEquals(401, report.records());
    }

    @Test
    void aWritesLastLineStrippedOfItsMac_isNotAWriteCutShort_theWriterRefusesToCutIt() throws Exception {
        Path log = writeBatches(1, 3);
        List<String> lines = new java.util.ArrayList<>(lines(log)); // the announcement and its three events
        String last = lines.get(3);
        lines.set(3, last.substring(0, last.lastIndexOf(",\"mac\":\"")) + "}");
        write(log, lines);
        assertEquals(Problem.ALTERED, verify(log).problem());
        assertThrows(java.io.IOException.class, () -> batchedSink(log), "every line it announced is there: not cut short");
        assertEquals(lines, lines(log), "the acknowledged write is left for the verifier to report, not cut");
    }

    @Test
    void aTornLastLine_isCutBeforeTheWriterGoesOn() throws Exception {
        Path log = writeBatches(1, 3);
        List<String> lines = lines(log);
        Files.writeString(log, "{\"seq\":5,\"prev\":\"ab", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        assertTrue(verify(log).tornTail());

        JsonLinesAuditSink sink = batchedSink(log);
        assertEquals(lines, lines(log), "the torn line is cut");
        sink.onEvent(event(100));
        sink.close();
        Report report = verify(log);
        assertTrue(report.intact(), report.detail());
        assertFalse(report.tornTail(), report.detail());
        assertEquals(5, report.records());
    }

    @Test
    void aLineAppendedWithoutTheKey_isAltered_andTheWriterKeepsItForTheVerifier() throws Exception {
        Path log = writeBatches(1, 3);
        List<String> lines = new java.util.ArrayList<>(lines(log));
        String forged = forgedAfter(lines.get(3), 5); // well chained, but no write announced it and no MAC covers it
        lines.add(forged);
        write(log, lines);
        Report report = verify(log);
        assertEquals(Problem.ALTERED, report.problem(), report.detail());
        assertEquals(4, report.records(), report.detail());
        assertEquals(4, report.lastSeq(), report.detail());

        var refused = assertThrows(java.io.IOException.class, () -> batchedSink(log));
        assertTrue(refused.getMessage().contains("no write announced"), refused.getMessage());
        assertTrue(Files.readString(log, StandardCharsets.UTF_8).contains("forged"), "the evidence stays");
    }

    @Test
    void linesAddedToAnUnfinishedWrite_beyondWhatItAnnounced_areRefusedToo() throws Exception {
        Path log = writeBatches(1, 3);
        List<String> lines = new java.util.ArrayList<>(lines(log).subList(0, 3)); // announcement + 2 of 3 events
        lines.add(forgedAfter(lines.get(2), 4));
        lines.add(forgedAfter(lines.get(3), 5)); // one more than announced
        write(log, lines);
        assertEquals(Problem.ALTERED, verify(log).problem());
        assertThrows(java.io.IOException.class, () -> batchedSink(log));
    }

    @Test
    void aCallersContextKeyNamedMac_isAnEventLikeAnyOther() throws Exception {
        Path log = dir.resolve("audit.jsonl");
        Map<String, String> context = Map.of("aad", "hmac-sha256:00", "mac", "hmac-sha256:11");
        JsonLinesAuditSink sink = batchedSink(log);
        for (int i = 0; i < 3; i++) {
            sink.onEvent(event(i, context));
        }
        sink.flush();
        sink.close();
        List<String> lines = lines(log);
        assertTrue(lines.get(2).contains(",\"mac\":\"hmac-sha256:11\""), "the text of a MAC field, inside an event");
        assertFalse(hasMac(lines.get(2)), "but only a line's end carries a MAC");
        Report report = verify(log);
        assertTrue(report.intact(), report.detail());
        assertEquals(4, report.records());
        write(log, lines.subList(0, 3)); // a crash before the write's last line
        batchedSink(log).close();
        assertEquals(0, lines(log).size(), "the unfinished write is cut, the event with the key among it");
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
        JsonLinesAuditSink batched = batchedSink(log);
        for (int i = 3; i < 7; i++) {
            batched.onEvent(event(i));
        }
        batched.close();
        assertEquals(List.of(true, true, true, true, false, false, false, true),
                lines(log).stream().map(AuditLogFormat2Test::hasMac).toList());
        Report report = verify(log);
        assertTrue(report.intact(), report.detail());
        assertEquals(8, report.records());
    }

    @Test
    void aRotatedFileThatEndsInsideAWrite_isAltered_andNoWriterGoesOnFromIt() throws Exception {
        Path log = writeBatches(1, 3);
        List<String> lines = lines(log);
        write(AuditLogFiles.rotated(log, 1), lines.subList(0, 3)); // the chain ends in a rotated file, inside a write
        Files.writeString(log, "");
        Report report = verify(log);
        assertEquals(Problem.ALTERED, report.problem(), report.detail());
        var refused = assertThrows(java.io.IOException.class, () -> batchedSink(log));
        assertTrue(refused.getMessage().contains("fails verification"), refused.getMessage());
    }

    private static String sha256(String line) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(line.getBytes(StandardCharsets.UTF_8)));
    }
}
