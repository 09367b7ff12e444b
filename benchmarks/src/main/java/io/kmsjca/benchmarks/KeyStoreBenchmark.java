package io.kmsjca.benchmarks;

import io.kmsjca.keys.KeyService;
import io.kmsjca.internal.service.KeyStores;
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
public class KeyStoreBenchmark {

    private static final char[] PASSWORD = "benchmark".toCharArray();

    /** The sealed image of a store of {@code keys} keys. */
    @State(Scope.Thread)
    public static class Image {
        @Param({"10", "1000", "10000"})
        public int keys;

        byte[] bytes;

        @Setup
        public void setUp() throws Exception {
            bytes = image(keys);
        }
    }

    /** The image of a store of 10 keys: the first use of a key does not depend on how many others there are. */
    @State(Scope.Thread)
    public static class TenKeys {
        byte[] bytes;

        @Setup
        public void setUp() throws Exception {
            bytes = image(10);
        }
    }

    static byte[] image(int keys) throws Exception {
        try (KeyService service = BenchStores.service()) {
            for (int i = 0; i < keys; i++) {
                service.createKey("key-" + i, "");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            KeyStores.write(service, out, PASSWORD);
            return out.toByteArray();
        }
    }

    /** A live store with one key to rotate, new each iteration so versions do not pile up across iterations. */
    @State(Scope.Thread)
    public static class Rotating {
        KeyService store;

        @Setup(Level.Iteration)
        public void open() throws Exception {
            store = BenchStores.service();
            store.createKey("rotated", "");
        }

        @TearDown(Level.Iteration)
        public void close() throws Exception {
            store.close();
        }
    }

    @Benchmark
    public KeyService openStore(Image image) throws Exception {
        try (KeyService opened = KeyStores.read(new ByteArrayInputStream(image.bytes), PASSWORD, BenchStores.options())) {
            return opened;
        }
    }

    @Benchmark
    public byte[] openStoreAndFirstUseOfOneKey(TenKeys image) throws Exception {
        try (KeyService opened = KeyStores.read(new ByteArrayInputStream(image.bytes), PASSWORD, BenchStores.options())) {
            KmsKeyHandle key = opened.findKey("key-5").orElseThrow();
            return BenchStores.cipher("KMSWrap", Cipher.WRAP_MODE, key).wrap(new SecretKeySpec(new byte[32], "AES"));
        }
    }

    @Benchmark
    public int rotateOnDemand(Rotating rotating) throws Exception {
        return rotating.store.rotateKeyOnDemand("rotated");
    }
}
