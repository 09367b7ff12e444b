package io.kmsjca.benchmarks;

import io.kmsjca.audit.AuditOptions;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KmsKeyHandle;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.util.concurrent.TimeUnit;

/**
 * The synchronous audit file and its group commit (run with {@code -t 1} and {@code -t 2}): every
 * wrap and every unwrap returns only once its event is in the tamper-evident file and, with
 * {@code fsync}, on disk. One store and one log are shared by the threads, each with its own
 * ciphers; a request whose line another request's fsync already covered does not fsync again,
 * so two threads should make nearly twice the requests of one. The log is in the temporary
 * folder, on the machine's disk (not a memory file system, where an fsync costs nothing).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AuditGroupCommitBenchmark {

    /** The store, its audit log and the master key every thread uses. */
    @State(Scope.Benchmark)
    public static class SharedLog {
        /** none: no audit listener (the baseline); file-sync: each line written before its request returns; -fsync: and on disk. */
        @Param({"none", "file-sync", "file-sync-fsync"})
        public String sink;

        Path dir;
        KeyService keys;
        KmsKeyHandle master;

        @Setup
        public void setUp() throws Exception {
            dir = Files.createTempDirectory("kms-group-commit");
            AuditOptions audit = AuditOptions.DEFAULTS.withListeners(false, java.util.List.of(), false);
            if (!sink.equals("none")) {
                audit = audit.withFile(dir.resolve("audit.jsonl"), sink.equals("file-sync-fsync"), 1L << 40);
            }
            keys = BenchStores.service(audit);
            master = keys.createKey("shared", "");
        }

        @TearDown
        public void tearDown() throws Exception {
            keys.close();
            BenchStores.deleteTree(dir);
        }
    }

    /** One thread's ciphers. */
    @State(Scope.Thread)
    public static class ThreadCiphers {
        WrapRoundTrip roundTrip;

        @Setup
        public void setUp(SharedLog shared) throws Exception {
            roundTrip = new WrapRoundTrip(shared.master);
        }
    }

    /** Wrap + unwrap: two requests, two events, each durable before its request returns. */
    @Benchmark
    public Key wrapUnwrap32(ThreadCiphers c) throws Exception {
        return c.roundTrip.run();
    }
}
