package io.kmsjca.internal.audit;

import io.kmsjca.audit.AuditLogVerifier.Problem;
import io.kmsjca.audit.AuditLogVerifier.Report;
import io.kmsjca.internal.crypto.SecretBytes;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A verification fed a log's files a batch at a time, deleting each batch once verified (what a
 * retention job or the hour-long soak does): the same verdict as verifying the whole log at once.
 */
class ChainedLogVerificationInBatchesTest {

    @TempDir
    Path dir;
    private final SecretBytes mac = new SecretBytes(new byte[32], "HmacSHA256");
    private Path log;

    @BeforeEach
    void writeALogOfManyFiles() throws Exception {
        log = dir.resolve("audit.jsonl");
        JsonLinesAuditSink sink = new JsonLinesAuditSink(log, mac, false, false, 2048);
        for (int i = 0; i < 100; i++) {
            sink.onEvent(new AuditEvent(new UUID(1, i), Instant.parse("2026-03-01T10:00:00Z"), AuditOperation.ENCRYPT,
                    "k", 1, "k" + i, "alice", "os-user", AuditOutcome.SUCCESS, null, null, Map.of(), "req", "inst", "host",
                    null, 0));
        }
        sink.close();
        assertTrue(rotated().size() >= 10, "the log spans many rotated files: " + rotated().size());
    }

    private List<Path> rotated() throws Exception {
        return AuditLogFiles.inOrder(log).stream().filter(p -> AuditLogFiles.number(p) > 0).toList();
    }

    /** Verifies two rotated files at a time, deleting them, then the rest with the current file. */
    private Report inBatchesDeleting(ChainedLogVerifier.Verification verification) throws Exception {
        List<Path> rotated = rotated();
        for (int i = 0; i < rotated.size(); i += 2) {
            List<Path> batch = rotated.subList(i, Math.min(i + 2, rotated.size()));
            Report problem = verification.verify(batch, false);
            if (problem != null) {
                return problem;
            }
            for (Path p : batch) {
                Files.delete(p);
            }
        }
        Report problem = verification.verify(AuditLogFiles.inOrder(log), true);
        return problem != null ? problem : verification.finish(log, AuditDispatcher.host());
    }

    @Test
    void batchesDeletedOnceVerified_giveTheVerdictOfTheWholeLog() throws Exception {
        Report whole = new ChainedLogVerifier(mac).verify(log);
        assertTrue(whole.intact(), whole.detail());
        assertEquals(100, whole.records());

        Report batched = inBatchesDeleting(new ChainedLogVerifier(mac).start());
        assertTrue(batched.intact(), batched.detail());
        assertEquals(whole.records(), batched.records());
        assertEquals(whole.lastSeq(), batched.lastSeq());
        assertEquals(List.of(log.toAbsolutePath()), AuditLogFiles.inOrder(log), "every rotated file was verified and deleted");
    }

    @Test
    void aRecordRemovedAtABatchsFirstLine_isFound_andEndsTheVerification() throws Exception {
        Path third = rotated().get(2);
        List<String> lines = Files.readAllLines(third, StandardCharsets.UTF_8);
        Files.write(third, lines.subList(1, lines.size()), StandardCharsets.UTF_8);

        ChainedLogVerifier.Verification verification = new ChainedLogVerifier(mac).start();
        Report report = inBatchesDeleting(verification);
        assertFalse(report.intact());
        assertEquals(Problem.REMOVED, report.problem(), report.detail());
        assertEquals(third.toAbsolutePath(), report.file());
        assertEquals(1, report.line());
        assertSame(report, verification.verify(AuditLogFiles.inOrder(log), true), "a verification that failed stays failed");
        assertSame(report, verification.finish(log, AuditDispatcher.host()));
    }

    @Test
    void aBatchSkipped_isMissingRecords_notAnIntactLog() throws Exception {
        ChainedLogVerifier.Verification verification = new ChainedLogVerifier(mac).start();
        List<Path> rotated = rotated();
        assertNull(verification.verify(rotated.subList(0, 2), false));
        Report report = verification.verify(rotated.subList(3, rotated.size()), false);
        assertEquals(Problem.REMOVED, report.problem(), report.detail());
    }
}
