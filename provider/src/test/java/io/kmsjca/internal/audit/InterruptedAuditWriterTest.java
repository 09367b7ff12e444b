package io.kmsjca.internal.audit;

import io.kmsjca.audit.AuditLogVerifier.Report;
import io.kmsjca.internal.crypto.SecretBytes;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A request thread interrupted when it writes to the synchronous, fsync'ed audit log: a
 * {@code FileChannel} used by an interrupted thread closes itself, for every thread that shares
 * it. The interrupted request fails (its event is not in the log); the requests after it and
 * closing the log carry on with the channel opened again, and the log verifies. (The group
 * commit's leader forces with its interrupt status clear: {@link GroupCommitTest}.)
 */
class InterruptedAuditWriterTest {

    @TempDir
    Path dir;
    private final SecretBytes mac = new SecretBytes(new byte[32], "HmacSHA256");

    private static AuditEvent event(int i) {
        return new AuditEvent(new UUID(1, i), Instant.parse("2026-03-01T10:00:00Z"), AuditOperation.ENCRYPT,
                "k", 1, "k" + i, "alice", "os-user", AuditOutcome.SUCCESS, null, null, Map.of(), "req",
                "inst", "host", null, 0);
    }

    @Test
    void anInterruptedRequestFails_theNextOnesAndCloseReopenTheFile_andTheLogVerifies() throws Exception {
        Path log = dir.resolve("audit.jsonl");
        JsonLinesAuditSink sink = new JsonLinesAuditSink(log, mac, true, false, 1 << 20);
        sink.onEvent(event(1));
        Throwable failed = CompletableFuture.supplyAsync(() -> {
            Thread.currentThread().interrupt();
            try {
                sink.onEvent(event(2));
                return null;
            } catch (UncheckedIOException e) {
                return e.getCause();
            } finally {
                Thread.interrupted();
            }
        }, runnable -> new Thread(runnable).start()).get();
        // refused where it first waited: the log's lock (FileLockInterruptionException closes the lock's channel)
        assertInstanceOf(java.io.IOException.class, failed, "the interrupted request's event was refused");
        sink.onEvent(event(3)); // the channel the interrupt closed is opened again
        sink.close();
        assertEquals(2, Files.readAllLines(log, StandardCharsets.UTF_8).size());
        Report report = new ChainedLogVerifier(mac).verify(log);
        assertTrue(report.intact(), report.detail());
        // the lock was released: another writer appends
        JsonLinesAuditSink next = new JsonLinesAuditSink(log, mac, true, false, 1 << 20);
        next.onEvent(event(4));
        next.close();
        assertTrue(new ChainedLogVerifier(mac).verify(log).intact());
    }
}
