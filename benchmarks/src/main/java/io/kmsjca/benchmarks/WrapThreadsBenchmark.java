package io.kmsjca.benchmarks;

import io.kmsjca.keys.KmsKeyHandle;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.security.Key;
import java.util.concurrent.TimeUnit;

/**
 * Wrap + unwrap throughput with 1 and 2 threads on one master key (run with {@code -t 1} and
 * {@code -t 2}): the hot path takes no lock, so two threads on two cores should do about twice
 * the work. Each thread has its own ciphers, as JCA ciphers are not thread-safe; the key
 * service and its key are shared.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WrapThreadsBenchmark {

    /** The master key every thread uses. */
    @State(Scope.Benchmark)
    public static class SharedKey {
        KmsKeyHandle master;

        @Setup
        public void setUp() throws Exception {
            master = BenchStores.service().createKey("shared", "");
        }
    }

    /** One thread's ciphers. */
    @State(Scope.Thread)
    public static class ThreadCiphers {
        WrapRoundTrip roundTrip;

        @Setup
        public void setUp(SharedKey shared) throws Exception {
            roundTrip = new WrapRoundTrip(shared.master);
        }
    }

    @Benchmark
    public Key wrapUnwrap32(ThreadCiphers c) throws Exception {
        return c.roundTrip.run();
    }
}
