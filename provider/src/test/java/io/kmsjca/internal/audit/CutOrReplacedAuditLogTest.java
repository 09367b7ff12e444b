package io.kmsjca.internal.audit;

import io.kmsjca.audit.AuditLogCutException;
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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The store's checkpoints against a log cut from its end, cut and written again, or deleted whole
 * and started again: the writer's next checkpoint reports it once and never moves the checkpoint
 * back, and the verifier reports the log {@code TRUNCATED}; a log that only grew passes both.
 */
class CutOrReplacedAuditLogTest {

    @TempDir
    Path dir;
    private final SecretBytes mac = new SecretBytes(new byte[32], "HmacSHA256");
    private final Store store = new Store();
    private int events;

    /**
     * A key store's checkpoints, in memory: per chain its checkpoint, per location the chain settled
     * there; a chain is named by the first 32 hex digits of its id, as the key store names it.
     */
    static final class Store implements AuditCheckpoints {
        final Map<String, Checkpoint> checkpoints = new ConcurrentHashMap<>();
        final Map<String, String> chains = new ConcurrentHashMap<>();

        @Override
        public Optional<Checkpoint> read(String chainId) {
            return Optional.ofNullable(checkpoints.get(chainId.substring(0, 32)));
        }

        @Override
        public void advance(String chainId, Checkpoint checkpoint) {
            checkpoints.merge(chainId.substring(0, 32), checkpoint, (old, now) -> now.seq() > old.seq() ? now : old);
        }

        @Override
        public Optional<String> chainAt(String location) {
            return Optional.ofNullable(chains.get(location));
        }

        @Override
        public void settle(String location, String chainId) {
            chains.putIfAbsent(location, chainId.substring(0, 32));
        }
    }

    private AuditEvent event() {
        int i = events++;
        return new AuditEvent(new UUID(1, i), Instant.parse("2026-03-01T10:00:00Z"), AuditOperation.ENCRYPT,
                "k", 1, "k" + i, "alice", "os-user", AuditOutcome.SUCCESS, null, null, Map.of(), "req", "inst", "host",
                null, 0);
    }

    private JsonLinesAuditSink sink(Path log) throws Exception {
        return new JsonLinesAuditSink(log, mac, false, false, 1 << 20);
    }

    private void log(JsonLinesAuditSink sink, int n) {
        for (int i = 0; i < n; i++) {
            sink.onEvent(event());
        }
    }

    private Report verify(Path log) throws Exception {
        return new ChainedLogVerifier(mac, store).verify(log);
    }

    private static String chainOf(Path log) throws Exception {
        return AuditRecords.hash(Files.readAllLines(log, StandardCharsets.UTF_8).get(0));
    }

    private static void keepFirst(Path log, int lines) throws Exception {
        List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
        Files.writeString(log, String.join("\n", all.subList(0, lines)) + "\n", StandardCharsets.UTF_8);
    }

    @Test
    void aLogThatOnlyGrew_passesEveryCheckpoint_andTheCheckpointMovesForward() throws Exception {
        Path log = dir.resolve("audit.jsonl");
        JsonLinesAuditSink sink = sink(log);
        log(sink, 3);
        sink.checkpoint(store);
        log(sink, 2);
        Report midway = verify(log);
        assertTrue(midway.intact(), "past the checkpoint at record 3: " + midway.detail());
        assertEquals(5, midway.records());
        sink.checkpoint(store);
        sink.close();
        assertEquals(5, store.read(chainOf(log)).orElseThrow().seq(), "moved forward to the last record");
        Report r = verify(log);
        assertTrue(r.intact(), r.detail());
    }

    @Test
    void twoLogsInTwoFolders_eachSettlesItsOwnLocation_andBothVerify() throws Exception {
        Path a = dir.resolve("a").resolve("audit.jsonl");
        Path b = dir.resolve("b").resolve("audit.jsonl");
        for (Path log : List.of(a, b)) {
            JsonLinesAuditSink sink = sink(log);
            log(sink, 2);
            sink.checkpoint(store); // would report the log replaced if both had one location
            sink.close();
        }
        assertEquals(2, store.chains.size(), "one location per log");
        for (Path log : List.of(a, b)) {
            Report r = verify(log);
            assertTrue(r.intact(), r.detail());
        }
    }

    @Test
    void aLogDeletedWholeAndStartedAgain_isReportedOnceByTheWriter_andTruncatedByTheVerifier() throws Exception {
        Path log = dir.resolve("audit.jsonl");
        JsonLinesAuditSink first = sink(log);
        log(first, 3);
        first.checkpoint(store);
        first.close();
        Files.delete(log);

        JsonLinesAuditSink again = sink(log);
        log(again, 2);
        AuditLogCutException cut = assertThrows(AuditLogCutException.class, () -> again.checkpoint(store));
        assertTrue(cut.getMessage().contains("records 1..3 were deleted or the log replaced"), cut.getMessage());
        again.checkpoint(store); // reported once
        again.close();

        Report r = verify(log);
        assertEquals(Problem.TRUNCATED, r.problem(), r.detail());
        assertEquals(log.toAbsolutePath(), r.file());
        assertEquals(1, r.line(), r.detail());
        assertTrue(r.detail().contains("records 1..3 were deleted"), r.detail());
    }

    @Test
    void aLogDeletedUnderARunningWriter_startsAgainFromGenesis_andItsNextCheckpointReportsTheOldChain() throws Exception {
        Path log = dir.resolve("audit.jsonl");
        JsonLinesAuditSink sink = sink(log);
        log(sink, 2);
        sink.checkpoint(store);
        Files.delete(log);
        sink.checkpoint(store); // finds the file gone: an empty log, nothing to checkpoint
        log(sink, 1);
        AuditLogCutException cut = assertThrows(AuditLogCutException.class, () -> sink.checkpoint(store));
        assertTrue(cut.getMessage().contains("records 1..2 were deleted"), cut.getMessage());
        sink.close();

        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).startsWith("{\"seq\":1,\"prev\":\"" + AuditRecords.GENESIS + "\""), lines.get(0));
        Report alone = new ChainedLogVerifier(mac).verify(log);
        assertTrue(alone.intact(), "a chain of its own: " + alone.detail());
        assertEquals(Problem.TRUNCATED, verify(log).problem(), "the store remembers the chain deleted");
    }

    @Test
    void aLogCutFromItsEnd_isReportedByTheWritersNextCheckpoint_andTruncatedByTheVerifier() throws Exception {
        Path log = dir.resolve("audit.jsonl");
        JsonLinesAuditSink sink = sink(log);
        log(sink, 5);
        sink.checkpoint(store);
        keepFirst(log, 3);

        AuditLogCutException cut = assertThrows(AuditLogCutException.class, () -> sink.checkpoint(store));
        assertTrue(cut.getMessage().contains("ends at sequence 3, the store's checkpoint is at 5"), cut.getMessage());
        sink.checkpoint(store); // reported once
        sink.close();
        assertEquals(5, store.read(chainOf(log)).orElseThrow().seq(), "never moved back");

        Report r = verify(log);
        assertEquals(Problem.TRUNCATED, r.problem(), r.detail());
        assertEquals(3, r.line(), "reported at the last record left: " + r.detail());
        assertTrue(r.detail().contains("the log ends at sequence 3, the store's checkpoint is at 5"), r.detail());
    }

    @Test
    void aLogCutAndWrittenAgainPastItsCheckpoint_isReportedByTheWriter_andTruncatedAtTheCheckpointsRecord() throws Exception {
        Path log = dir.resolve("audit.jsonl");
        JsonLinesAuditSink sink = sink(log);
        log(sink, 5);
        sink.checkpoint(store);
        AuditCheckpoints.Checkpoint checkpoint = store.read(chainOf(log)).orElseThrow();
        keepFirst(log, 3);
        log(sink, 3); // records 4, 5 and 6 again, other events: the chain is whole, record 5 is not the one checkpointed

        AuditLogCutException cut = assertThrows(AuditLogCutException.class, () -> sink.checkpoint(store));
        assertTrue(cut.getMessage().contains("record 5 of the audit log"), cut.getMessage());
        sink.checkpoint(store); // reported once
        sink.close();
        assertEquals(checkpoint, store.read(chainOf(log)).orElseThrow(), "the checkpoint stays where it was");

        Report r = verify(log);
        assertEquals(Problem.TRUNCATED, r.problem(), r.detail());
        assertEquals(5, r.line(), "found at the record the checkpoint names: " + r.detail());
    }
}
