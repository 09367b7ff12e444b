package io.kmsjca.internal.audit;

import io.kmsjca.audit.AuditLogVerifier.Report;
import io.kmsjca.internal.crypto.SecretBytes;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import io.kmsjca.spi.file.disk.SimulatedDisk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What the writer promises of the disk, on a disk that forgets whatever was not forced
 * ({@link SimulatedDisk}): under synchronous delivery with fsync a request returns only once its
 * line is durable, and fails if the fsync fails; a flush of the asynchronous delivery, a rotation
 * and close leave their lines durable.
 */
class DurableAuditLogTest {

    @TempDir
    Path real;
    @TempDir
    Path after;
    private final SecretBytes mac = new SecretBytes(new byte[32], "HmacSHA256");

    private static AuditEvent event(int i) {
        return new AuditEvent(new UUID(1, i), Instant.parse("2026-03-01T10:00:00Z"), AuditOperation.ENCRYPT,
                "k", 1, "k" + i, "alice", "os-user", AuditOutcome.SUCCESS, null, null, Map.of(), "req", "inst", "host",
                null, 0);
    }

    /** The log a power cut now would leave, verified with the store's key. */
    private Report afterAPowerCutNow(SimulatedDisk disk) throws Exception {
        Path dir = Files.createTempDirectory(after, "cut");
        disk.now().materialize(dir);
        return new ChainedLogVerifier(mac).verify(dir.resolve("audit.jsonl"));
    }

    @Test
    void underFsync_aRequestReturnsOnlyOnceItsLineIsDurable() throws Exception {
        SimulatedDisk disk = SimulatedDisk.over(real);
        JsonLinesAuditSink sink = new JsonLinesAuditSink(disk.root().resolve("audit.jsonl"), mac, true, false, 1 << 20);
        for (int i = 0; i < 3; i++) {
            sink.onEvent(event(i));
            Report r = afterAPowerCutNow(disk);
            assertTrue(r.intact(), r.detail());
            assertEquals(i + 1, r.records(), "every acknowledged event survives: " + r.detail());
        }
        sink.close();
    }

    @Test
    void underFsync_aRequestWhoseFsyncFails_fails() throws Exception {
        SimulatedDisk disk = SimulatedDisk.over(real);
        JsonLinesAuditSink sink = new JsonLinesAuditSink(disk.root().resolve("audit.jsonl"), mac, true, false, 1 << 20);
        sink.onEvent(event(0));
        disk.inject(SimulatedDisk.ioErrorOnForce(name -> name.endsWith("audit.jsonl")));
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> sink.onEvent(event(1)));
        assertTrue(e.getMessage().contains("cannot fsync"), e.getMessage());
        disk.heal();
        sink.close();
    }

    @Test
    void underAsynchronousDeliveryWithFsync_aFlushLeavesItsBatchDurable() throws Exception {
        SimulatedDisk disk = SimulatedDisk.over(real);
        JsonLinesAuditSink sink = new JsonLinesAuditSink(disk.root().resolve("audit.jsonl"), mac, true, true, 1 << 20);
        for (int i = 0; i < 3; i++) {
            sink.onEvent(event(i));
        }
        sink.flush();
        Report r = afterAPowerCutNow(disk);
        assertTrue(r.intact(), r.detail());
        assertEquals(4, r.records(), "the write record and its three events: " + r.detail());
        sink.close();
    }

    @Test
    void underAsynchronousDelivery_aBatchWhoseFsyncFails_isCounted_andTheFlushSaysSo() throws Exception {
        SimulatedDisk disk = SimulatedDisk.over(real);
        JsonLinesAuditSink sink = new JsonLinesAuditSink(disk.root().resolve("audit.jsonl"), mac, true, true, 1 << 20);
        AsyncDelivery delivery = new AsyncDelivery(List.of(sink), 1000, false);
        delivery.deliver(event(0));
        delivery.flush();
        disk.inject(SimulatedDisk.ioErrorOnForce(name -> name.endsWith("audit.jsonl")));
        delivery.deliver(event(1));
        java.security.ProviderException e = assertThrows(java.security.ProviderException.class, delivery::flush);
        assertTrue(e.getMessage().contains("may not be durable"), e.getMessage());
        assertEquals(1, delivery.stats().failed(), "the lost batch is counted, not only logged");
        disk.heal();
        delivery.deliver(event(2));
        delivery.flush();
        delivery.close();
    }

    @Test
    void withoutFsync_aCheckpointVouchesOnlyForLinesOnDisk() throws Exception {
        SimulatedDisk disk = SimulatedDisk.over(real);
        JsonLinesAuditSink sink = new JsonLinesAuditSink(disk.root().resolve("audit.jsonl"), mac, false, false, 1 << 20);
        sink.onEvent(event(0));
        sink.onEvent(event(1));
        sink.checkpoint(AuditCheckpoints.NONE);
        Report r = afterAPowerCutNow(disk);
        assertEquals(2, r.records(), "the checkpointed record is on disk: " + r.detail());
        sink.close();
    }

    @Test
    void withoutFsync_closeAndRotationStillLeaveTheirLinesDurable() throws Exception {
        SimulatedDisk disk = SimulatedDisk.over(real);
        JsonLinesAuditSink sink = new JsonLinesAuditSink(disk.root().resolve("audit.jsonl"), mac, false, false, 1024);
        int n = 0;
        while (!Files.exists(disk.root().resolve("audit.jsonl.000001"))) {
            sink.onEvent(event(n++));
        }
        Path dir = Files.createTempDirectory(after, "rotated");
        disk.now().materialize(dir);
        Report rotated = new ChainedLogVerifier(mac).verify(dir.resolve("audit.jsonl"));
        assertTrue(rotated.intact(), rotated.detail());
        assertEquals(n, rotated.records(), "the rotated file whole, under its new name: " + rotated.detail());

        sink.onEvent(event(n++));
        sink.close();
        Report closed = afterAPowerCutNow(disk);
        assertTrue(closed.intact(), closed.detail());
        assertEquals(n, closed.records(), "close forced the last line: " + closed.detail());
    }
}
