package io.kmsjca.benchmarks;

import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsDataKeySpec;
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

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.security.Key;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

/**
 * Wrap + unwrap of a 32-byte data key with {@code KMSWrap}, against its physical floor in the
 * same run: the JDK's raw AES-256-GCM encrypt + decrypt of 32 bytes with one key (a fresh IV per
 * encryption, as GCM requires). Each side reuses its {@code Cipher} objects, as their documentation
 * recommends. Target: KMSWrap within 2x of the baseline.
 * <p>
 * Generating a data key ({@code KeyGenerator "KMSDataKey"}, KMS GenerateDataKey) against its
 * floor: 32 random bytes from the same kind of {@code SecureRandom} and one JDK AES-256-GCM
 * encryption of them.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class WrapBenchmark {

    private final SecretKey dataKey = new SecretKeySpec(new byte[32], "AES");
    private final byte[] plaintext = new byte[32];
    private JdkGcm jdk;
    private Cipher wrapper;
    private Cipher unwrapper;
    private KeyGenerator dataKeys;
    private final SecureRandom random = new SecureRandom();

    @Setup
    public void setUp() throws Exception {
        jdk = new JdkGcm();

        KmsKeyHandle master = BenchStores.service().createKey("bench", "benchmark key");
        wrapper = BenchStores.cipher("KMSWrap", Cipher.WRAP_MODE, master);
        unwrapper = BenchStores.cipher("KMSWrap", Cipher.UNWRAP_MODE, master);
        dataKeys = KeyGenerator.getInstance("KMSDataKey", BenchStores.PROVIDER);
        dataKeys.init(KmsDataKeySpec.aes256(master));
    }

    @Benchmark
    public byte[] jdkAesGcm256EncryptDecrypt32() throws Exception {
        byte[] ct = jdk.encrypt(plaintext, null);
        return jdk.decrypt(jdk.nonce(), ct, null);
    }

    @Benchmark
    public Key kmsWrapUnwrap32() throws Exception {
        byte[] blob = wrapper.wrap(dataKey);
        return unwrapper.unwrap(blob, "AES", Cipher.SECRET_KEY);
    }

    @Benchmark
    public byte[] jdkRandomKeyAndEncrypt32() throws Exception {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return jdk.encrypt(key, null);
    }

    @Benchmark
    public Key kmsGenerateDataKey() {
        return dataKeys.generateKey();
    }
}
