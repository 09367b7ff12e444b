package io.kmsjca.benchmarks;

import io.kmsjca.internal.audit.AuditJson;
import io.kmsjca.internal.audit.JsonLinesAuditSink;
import io.kmsjca.internal.crypto.SecretBytes;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The tamper-evident file sink alone, in events a second's terms (issue #21: the writer must
 * sustain far more events than one core makes wraps): the time per event of formatting an event
 * ({@code format}), of the sink writing each event as it comes (synchronous delivery, one write
 * and one file lock per event: {@code perEvent}), and of the sink writing batches of 256 as the
 * asynchronous delivery's thread does ({@code batchOf256}, per event). No fsync: that is the
 * disk's, and so is rotation (which forces the file it closes): the sink writes one growing
 * file in memory ({@code /dev/shm} where there is one), so what is measured is the writer's own work. A typical event: a
 * wrap with an encryption context of one pair.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(3)
@State(Scope.Thread)
public class AuditSinkBenchmark {

    private static final int BATCH = 256;
    private static final long NEVER_ROTATE = 1L << 40;

    private Path dir;
    private JsonLinesAuditSink perEvent;
    private JsonLinesAuditSink batched;
    private long n;

    @Setup
    public void setUp() throws Exception {
        // in memory where the machine has it (tmpfs): the page cache's write-back of a file that grows by
        // gigabytes throttles the writer at the disk's speed, which is not the writer's work
        Path shm = Path.of("/dev/shm");
        dir = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "kms-audit-sink-bench")
                : Files.createTempDirectory("kms-audit-sink-bench");
    }

    /**
     * New logs each iteration, the last ones deleted: a file that grows by gigabytes costs the
     * machine memory it has to find (first touches of a virtual machine's memory, write-back),
     * which is not the writer's work, and made later iterations twice as slow as the first.
     */
    @Setup(Level.Iteration)
    public void newLogs() throws Exception {
        closeLogs();
        SecretBytes mac = new SecretBytes(new byte[32], "HmacSHA256");
        perEvent = new JsonLinesAuditSink(dir.resolve("per-event.jsonl"), mac, false, false, NEVER_ROTATE);
        batched = new JsonLinesAuditSink(dir.resolve("batched.jsonl"), mac, false, true, NEVER_ROTATE);
    }

    private void closeLogs() throws Exception {
        if (perEvent != null) {
            perEvent.close();
            batched.close();
            Files.delete(dir.resolve("per-event.jsonl"));
            Files.delete(dir.resolve("batched.jsonl"));
        }
    }

    @TearDown
    public void tearDown() throws Exception {
        closeLogs();
        BenchStores.deleteTree(dir);
    }

    private AuditEvent event() {
        n++;
        return new AuditEvent(new UUID(0x1234_5678_9abc_def0L, n), Instant.ofEpochSecond(1_780_000_000L + n / 1000,
                (n % 1000) * 1_000_000L + 123_456), AuditOperation.WRAP_KEY, "0c3f7a52-8a3e-4c1b-9f53-2a6b1c9d0e11", 3,
                "alias/orders", "orders-service", "credential", AuditOutcome.SUCCESS, null, null,
                Map.of("tenant", "hmac-sha256:9f2c0b7e5d1a4c3b8e6f0a9d2c7b4e1f3a5d8c0b6e9f2a4c7d1b3e5f8a0c2d4e6"),
                "0c3f7a52-0000-0000-0000-00000000002a", "5f1e2d3c4b5a6978", "bench-host", null, 0, -1);
    }

    @Benchmark
    public String format() {
        return AuditJson.toJson(event());
    }

    @Benchmark
    public void perEvent() {
        perEvent.onEvent(event());
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void batchOf256() {
        for (int i = 0; i < BATCH; i++) {
            batched.onEvent(event());
        }
        batched.flush();
    }
}
