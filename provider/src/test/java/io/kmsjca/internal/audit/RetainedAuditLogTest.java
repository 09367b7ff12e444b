package io.kmsjca.internal.audit;

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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A writer started again on a log whose first files a retention job verified and deleted
 * (docs/audit.md): it goes on under the log's chain id, which the deleted first record named, so
 * its signatures verify with the verification that began with those files, and its checkpoints
 * advance the log's own.
 */
class RetainedAuditLogTest {
    @TempDir
    Path dir;
    private final SecretBytes mac = new SecretBytes(new byte[32], "HmacSHA256");
    private final Clock clock = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);

    private static AuditEvent event(int i) {
        return new AuditEvent(new UUID(1, i), Instant.parse("2026-03-01T10:00:00Z"), AuditOperation.ENCRYPT,
                "k", 1, "k" + i, "alice", "os-user", AuditOutcome.SUCCESS, null, null, Map.of(), "req", "inst", "host",
                null, 0);
    }

    @Test
    void aWriterRestartedAfterARetentionJobDeletedVerifiedFiles_goesOnSigningTheSameChain() throws Exception {
        AuditSigningKey key = AuditSigningKey.fromSeed(new byte[32]);
        Path log = dir.resolve("audit.jsonl");
        JsonLinesAuditSink sink = new JsonLinesAuditSink(log, mac, false, false, 2048,
                new AuditLogSigner(key, 1000, Duration.ofHours(1), clock));
        for (int i = 0; i < 30; i++) {
            sink.onEvent(event(i));
        }
        sink.close();
        ChainedLogVerifier.Verification v = new ChainedLogVerifier(mac, AuditCheckpoints.NONE, key.verificationKey()).start();
        List<Path> rotated = AuditLogFiles.inOrder(log).stream().filter(p -> AuditLogFiles.number(p) > 0).toList();
        assertNull(v.verify(rotated.subList(0, 2), false));
        for (Path p : rotated.subList(0, 2)) {
            Files.delete(p); // the retention job: verified, deleted
        }
        JsonLinesAuditSink restarted = new JsonLinesAuditSink(log, mac, false, false, 2048,
                new AuditLogSigner(key, 1000, Duration.ofHours(1), clock));
        restarted.onEvent(event(100));
        restarted.close();
        assertNull(v.verify(AuditLogFiles.inOrder(log), true), "the restarted writer's signature names this log's chain");
        Report r = v.finish(log, AuditDispatcher.host());
        assertTrue(r.intact(), r.detail());
    }

    @Test
    void aWriterRestartedAfterARetentionJobDeletedVerifiedFiles_checkpointsTheSameChain() throws Exception {
        AuditSigningKey key = AuditSigningKey.fromSeed(new byte[32]);
        CutOrReplacedAuditLogTest.Store store = new CutOrReplacedAuditLogTest.Store();
        Path log = dir.resolve("audit.jsonl");
        JsonLinesAuditSink sink = new JsonLinesAuditSink(log, mac, false, false, 2048,
                new AuditLogSigner(key, 1000, Duration.ofHours(1), clock));
        for (int i = 0; i < 30; i++) {
            sink.onEvent(event(i));
        }
        sink.checkpoint(store);
        sink.close();
        List<Path> rotated = AuditLogFiles.inOrder(log).stream().filter(p -> AuditLogFiles.number(p) > 0).toList();
        String chain = AuditRecords.hash(Files.readAllLines(rotated.get(0), StandardCharsets.UTF_8).get(0));
        long before = store.read(chain).orElseThrow().seq();
        for (Path p : rotated.subList(0, 2)) {
            Files.delete(p);
        }
        JsonLinesAuditSink restarted = new JsonLinesAuditSink(log, mac, false, false, 2048,
                new AuditLogSigner(key, 1000, Duration.ofHours(1), clock));
        restarted.onEvent(event(100));
        restarted.checkpoint(store); // no "log replaced": the same log, its first files retired
        restarted.close();
        assertTrue(store.read(chain).orElseThrow().seq() > before, "the log's own checkpoint moved forward");
    }
}
