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
            sink.onEvent(event(i));
        }
        sink.close();
        JsonLinesAuditSink more = new JsonLinesAuditSink(log, mac, false, false, 1 << 20); // the chain goes on in the current file
        for (int i = 100; i < 103; i++) {
            more.onEvent(event(i));
        }
        more.close();
        assertTrue(rotated().size() >= 10, "the log spans many rotated files: " + rotated().size());
    }

    private static AuditEvent event(int i) {
        return new AuditEvent(new UUID(1, i), Instant.parse("2026-03-01T10:00:00Z"), AuditOperation.ENCRYPT,
                "k", 1, "k" + i, "alice", "os-user", AuditOutcome.SUCCESS, null, null, Map.of(), "req", "inst", "host",
                null, 0);
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
        assertEquals(103, whole.records());

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

    /** A store's checkpoints, kept in memory: what maintenance advances while a long verification runs. */
    private static final class Checkpoints implements AuditCheckpoints {
        final java.util.Map<String, Checkpoint> held = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public java.util.Optional<Checkpoint> read(String chainId) {
            return java.util.Optional.ofNullable(held.get(chainId));
        }

        @Override
        public void advance(String chainId, Checkpoint checkpoint) {
            held.put(chainId, checkpoint);
        }
    }

    private static AuditCheckpoints.Checkpoint checkpointAt(String line) {
        return new AuditCheckpoints.Checkpoint(AuditRecords.seqOf(line), AuditRecords.hash(line));
    }

    private String chainId() throws Exception {
        return AuditRecords.hash(Files.readAllLines(rotated().get(0), StandardCharsets.UTF_8).get(0));
    }

    @Test
    void aCheckpointAdvancedDuringTheBatches_holdsTheLastBatch_soACutOfTheCurrentFileIsTruncated() throws Exception {
        Checkpoints store = new Checkpoints();
        String chain = chainId();
        store.advance(chain, checkpointAt(Files.readAllLines(rotated().get(0), StandardCharsets.UTF_8).get(0)));
        ChainedLogVerifier.Verification verification = new ChainedLogVerifier(mac, store).start();
        assertNull(verification.verify(rotated(), false));

        List<String> current = Files.readAllLines(log, StandardCharsets.UTF_8);
        store.advance(chain, checkpointAt(current.get(current.size() - 1))); // maintenance, meanwhile
        Files.write(log, current.subList(0, current.size() - 2), StandardCharsets.UTF_8); // then a cut

        assertEquals(Problem.TRUNCATED, new ChainedLogVerifier(mac, store).verify(log).problem(), "the whole log");
        assertNull(verification.verify(List.of(log), true));
        Report batched = verification.finish(log, AuditDispatcher.host());
        assertEquals(Problem.TRUNCATED, batched.problem(), batched.detail());
    }

    @Test
    void aCheckpointMadeAfterTheFirstBatch_whenTheLogHadNone_catchesTheCurrentFileDeleted() throws Exception {
        Checkpoints store = new Checkpoints();
        ChainedLogVerifier.Verification verification = new ChainedLogVerifier(mac, store).start();
        assertNull(verification.verify(rotated(), false));
        List<String> current = Files.readAllLines(log, StandardCharsets.UTF_8);
        store.advance(chainId(), checkpointAt(current.get(current.size() - 1)));
        Files.delete(log);

        assertNull(verification.verify(List.of(), true), "no current file left to read");
        assertEquals(Problem.TRUNCATED, verification.finish(log, AuditDispatcher.host()).problem());
    }

    @Test
    void aCheckpointAtTheFirstRecordNotYetVerified_catchesTheCurrentFileDeleted() throws Exception {
        Checkpoints store = new Checkpoints();
        ChainedLogVerifier.Verification verification = new ChainedLogVerifier(mac, store).start();
        assertNull(verification.verify(rotated(), false));
        store.advance(chainId(), checkpointAt(Files.readAllLines(log, StandardCharsets.UTF_8).get(0))); // the next record to come
        Files.delete(log);

        assertNull(verification.verify(List.of(), true), "no current file left to read");
        Report report = verification.finish(log, AuditDispatcher.host());
        assertEquals(Problem.TRUNCATED, report.problem(), report.detail());
    }

    @Test
    void aCheckpointAtTheLastVerifiedRecord_isComparedAtOnce() throws Exception {
        Checkpoints store = new Checkpoints();
        ChainedLogVerifier.Verification verification = new ChainedLogVerifier(mac, store).start();
        List<Path> rotated = rotated();
        assertNull(verification.verify(rotated, false));
        List<String> lastRotated = Files.readAllLines(rotated.get(rotated.size() - 1), StandardCharsets.UTF_8);
        String lastLine = lastRotated.get(lastRotated.size() - 1);
        store.advance(chainId(), new AuditCheckpoints.Checkpoint(AuditRecords.seqOf(lastLine), "0".repeat(64)));
        assertEquals(Problem.TRUNCATED, verification.verify(List.of(log), true).problem(),
                "the record the checkpoint names is not the one verified");
    }

    @Test
    void aFileThatCannotBeRead_endsTheVerification_itNeverFinishesIntact() throws Exception {
        ChainedLogVerifier.Verification verification = new ChainedLogVerifier(mac).start();
        assertNull(verification.verify(rotated(), false));
        Files.delete(log);
        Files.createDirectory(log);
        assertThrows(java.io.IOException.class, () -> verification.verify(List.of(log), true));
        assertThrows(java.io.IOException.class, () -> verification.finish(log, AuditDispatcher.host()));
        assertThrows(java.io.IOException.class, () -> verification.verify(List.of(), true));
    }

    @Test
    void nothingFollowsTheBatchWithTheCurrentFile() throws Exception {
        ChainedLogVerifier.Verification verification = new ChainedLogVerifier(mac).start();
        assertNull(verification.verify(AuditLogFiles.inOrder(log), true));
        assertThrows(IllegalStateException.class, () -> verification.verify(List.of(), false));
    }

    @Test
    void aLinkToAnEndlessDevice_inPlaceOfARotatedFile_isAnError_notAnEndlessRead() throws Exception {
        Path first = rotated().get(0);
        Files.delete(first);
        Files.createSymbolicLink(first, Path.of("/dev/zero"));
        assertThrows(java.io.IOException.class, () -> new ChainedLogVerifier(mac).verify(log));
    }

    @Test
    void aSparseGigabyteAppended_isALineTooLong_readOnlyToTheLimit() throws Exception {
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(log.toFile(), "rw")) {
            f.setLength(f.length() + (1L << 30)); // a gigabyte of zeros, no newline: not a torn write
        }
        Report report = new ChainedLogVerifier(mac).verify(log);
        assertEquals(Problem.ALTERED, report.problem(), report.detail());
        assertTrue(report.detail().contains("longer than"), report.detail());
    }
}
