package io.kmsjca.benchmarks;

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
import org.openjdk.jmh.annotations.Warmup;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.security.Key;
import java.util.concurrent.TimeUnit;

/**
 * Wrap/unwrap cost against the number of key versions (1 vs 100): wraps use the current
 * version, unwraps look the blob's version up by number, so neither should grow.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class VersionsBenchmark {

    @Param({"1", "100"})
    public int versions;

    private final SecretKey dataKey = new SecretKeySpec(new byte[32], "AES");
    private Cipher wrapper;
    private Cipher unwrapper;
    private byte[] oldestBlob;

    @Setup
    public void setUp() throws Exception {
        KeyService keys = BenchStores.service();
        KmsKeyHandle master = keys.createKey("bench", "");
        wrapper = BenchStores.cipher("KMSWrap", Cipher.WRAP_MODE, master);
        oldestBlob = wrapper.wrap(dataKey);
        for (int v = 1; v < versions; v++) {
            keys.rotateKeyOnDemand("bench");
        }
        unwrapper = BenchStores.cipher("KMSWrap", Cipher.UNWRAP_MODE, master);
    }

    @Benchmark
    public Key wrapUnwrapCurrentVersion() throws Exception {
        return unwrapper.unwrap(wrapper.wrap(dataKey), "AES", Cipher.SECRET_KEY);
    }

    @Benchmark
    public Key unwrapOldestVersion() throws Exception {
        return unwrapper.unwrap(oldestBlob, "AES", Cipher.SECRET_KEY);
    }
}
