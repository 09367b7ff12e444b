package io.kmsjca.benchmarks;

import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyStores;
import io.kmsjca.keys.KmsKeyHandle;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.TimeUnit;

/**
 * Opening a key store of 10, 1,000 and 10,000 keys (reading, authenticating and unsealing
 * every record) and then using one key for the first time (a wrap: the version's derived key is
 * made on first use); and a rotation on demand. The KDF is the cheap test setting, so what is
 * measured is the records: the store password's Argon2id (64 MiB × 3, about 0.6 s here) comes
 * on top of every open, once.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class KeyStoreBenchmark {

    private static final char[] PASSWORD = "benchmark".toCharArray();

    @Param({"10", "1000", "10000"})
    public int keys;

    private byte[] image;
    private KeyService rotating;

    @Setup
    public void setUp() throws Exception {
        try (KeyService service = BenchStores.service()) {
            for (int i = 0; i < keys; i++) {
                service.createKey("key-" + i, "");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            KeyStores.write(service, out, PASSWORD);
            image = out.toByteArray();
        }
    }

    @Setup(Level.Iteration)
    public void newRotatingStore() throws Exception {
        rotating = BenchStores.service();
        rotating.createKey("rotated", "");
    }

    @TearDown(Level.Iteration)
    public void closeRotatingStore() throws Exception {
        rotating.close();
    }

    @Benchmark
    public KeyService openStore() throws Exception {
        try (KeyService opened = KeyStores.read(new ByteArrayInputStream(image), PASSWORD, BenchStores.options())) {
            return opened;
        }
    }

    @Benchmark
    public byte[] openStoreAndFirstUseOfOneKey() throws Exception {
        try (KeyService opened = KeyStores.read(new ByteArrayInputStream(image), PASSWORD, BenchStores.options())) {
            KmsKeyHandle key = opened.findKey("key-" + (keys / 2)).orElseThrow();
            return BenchStores.cipher("KMSWrap", Cipher.WRAP_MODE, key).wrap(new SecretKeySpec(new byte[32], "AES"));
        }
    }

    @Benchmark
    public int rotateOnDemand() throws Exception {
        return rotating.rotateKeyOnDemand("rotated");
    }
}
