package io.kmsjca.internal.audit;

import io.kmsjca.audit.AuditLogVerifier.Problem;
import io.kmsjca.audit.AuditLogVerifier.Report;
import io.kmsjca.audit.AuditVerificationKey;
import io.kmsjca.internal.crypto.SecretBytes;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A log written by the sink, then replayed into, reordered or cut by whoever can write the file
 * but holds neither the MAC key nor the signing key: both verifiers (the store's, with the MAC
 * key; the public key's, with signatures only) find it, and name what was done, where.
 */
class TamperedAuditLogTest {

    @TempDir
    Path dir;
    private final SecretBytes mac = new SecretBytes(new byte[32], "HmacSHA256");
    private final AuditSigningKey signing = AuditSigningKey.fromSeed(new byte[32]);
    private final AuditVerificationKey key = signing.verificationKey();
    private final Clock clock = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);

    private static AuditEvent event(int i) {
        return new AuditEvent(new UUID(1, i), Instant.parse("2026-03-01T10:00:00Z"), AuditOperation.ENCRYPT,
                "k", 1, "k" + i, "alice", "os-user", AuditOutcome.SUCCESS, null, null, Map.of(), "req", "inst", "host",
                null, 0);
    }

    /** Six events, then the closing signature record (record 7), in one file. */
    private Path signedLog() throws Exception {
        Path log = dir.resolve("audit.jsonl");
        JsonLinesAuditSink sink = new JsonLinesAuditSink(log, mac, false, false, 1 << 20,
                new AuditLogSigner(signing, 1000, Duration.ofHours(1), clock));
        for (int i = 0; i < 6; i++) {
            sink.onEvent(event(i));
        }
        sink.close();
        return log;
    }

    private static List<String> lines(Path log) throws Exception {
        return new ArrayList<>(Files.readAllLines(log, StandardCharsets.UTF_8));
    }

    private static void write(Path log, List<String> lines) throws Exception {
        Files.writeString(log, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    private Report withMac(Path log) throws Exception {
        return new ChainedLogVerifier(mac, AuditCheckpoints.NONE, key).verify(log);
    }

    private Report withPublicKey(Path log) throws Exception {
        return new SignedChainVerifier(key).verify(log);
    }

    @Test
    void anUntouchedSignedLog_verifiesWithTheMacKeyAndWithThePublicKey() throws Exception {
        Path log = signedLog();
        for (Report r : List.of(withMac(log), withPublicKey(log))) {
            assertTrue(r.intact(), r.detail());
            assertEquals(7, r.records(), r.detail());
            assertEquals(7, r.lastSeq(), r.detail());
            assertEquals(1, r.signatures(), r.detail());
            assertEquals(7, r.lastSignedSeq(), r.detail());
        }
    }

    @Test
    void aRecordReplayedFurtherOn_isInserted_byBothVerifiers() throws Exception {
        Path log = signedLog();
        List<String> lines = lines(log);
        lines.add(3, lines.get(0)); // record 1 again, after record 3
        write(log, lines);
        for (Report r : List.of(withMac(log), withPublicKey(log))) {
            assertEquals(Problem.INSERTED, r.problem(), r.detail());
            assertEquals(4, r.line(), r.detail());
            assertEquals(3, r.lastSeq(), "records 1..3 verified before it: " + r.detail());
            assertTrue(r.detail().contains("record 1 appears twice"), r.detail());
        }
    }

    @Test
    void twoRecordsSwapped_areReordered_notRemoved_byBothVerifiers() throws Exception {
        Path log = signedLog();
        List<String> lines = lines(log);
        String second = lines.get(1);
        lines.set(1, lines.get(2));
        lines.set(2, second);
        write(log, lines);
        for (Report r : List.of(withMac(log), withPublicKey(log))) {
            assertEquals(Problem.REORDERED, r.problem(), "record 2 comes later: " + r.detail());
            assertEquals(2, r.line(), r.detail());
            assertEquals(1, r.lastSeq(), r.detail());
        }
    }

    @Test
    void recordsCutFromTheMiddle_areRemoved_andTheDetailNamesThem_byBothVerifiers() throws Exception {
        Path log = signedLog();
        List<String> lines = lines(log);
        lines.subList(1, 3).clear(); // records 2 and 3
        write(log, lines);
        for (Report r : List.of(withMac(log), withPublicKey(log))) {
            assertEquals(Problem.REMOVED, r.problem(), r.detail());
            assertEquals(2, r.line(), r.detail());
            assertTrue(r.detail().contains("records 2..3 are missing"), r.detail());
        }
    }

    @Test
    void theLastRecordsWrittenAfterTheLastSignature_areCountedButReportedUnsigned_toThePublicKey() throws Exception {
        Path log = dir.resolve("audit.jsonl");
        JsonLinesAuditSink sink = new JsonLinesAuditSink(log, mac, false, false, 1 << 20,
                new AuditLogSigner(signing, 2, Duration.ofHours(1), clock));
        for (int i = 0; i < 5; i++) {
            sink.onEvent(event(i));
        }
        // not closed yet: events 1, 2, a signature, events 3, 4, a signature, event 5
        Report r = withPublicKey(log);
        sink.close();
        assertTrue(r.intact(), r.detail());
        assertEquals(7, r.records(), r.detail());
        assertEquals(2, r.signatures(), r.detail());
        assertEquals(6, r.lastSignedSeq(), r.detail());
        assertEquals(1, r.unsignedRecords(), r.detail());
        assertTrue(r.detail().contains("the last 1 records are not signed yet"), r.detail());
    }

    @Test
    void anEmptyLog_isIntactAndEmpty_toThePublicKey_notUnsigned() throws Exception {
        Path log = Files.createFile(dir.resolve("audit.jsonl"));
        Report r = withPublicKey(log);
        assertTrue(r.intact(), r.detail());
        assertEquals(0, r.records());
        assertNull(r.problem());
    }
}
