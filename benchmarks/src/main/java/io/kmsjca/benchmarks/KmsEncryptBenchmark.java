package io.kmsjca.benchmarks;

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
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code KMSWrap} in {@code ENCRYPT_MODE} (KMS Encrypt: a payload of up to 4 KiB straight under
 * the master key) against the JDK's raw AES-256-GCM encryption of the same payload with one key,
 * in the same run. Both reuse their {@code Cipher}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class KmsEncryptBenchmark {

    @Param({"1024", "4096"})
    public int size;

    private byte[] payload;
    private JdkGcm jdk;
    private Cipher kms;

    @Setup
    public void setUp() throws Exception {
        SecureRandom random = new SecureRandom();
        payload = new byte[size];
        random.nextBytes(payload);
        jdk = new JdkGcm();
        KmsKeyHandle master = BenchStores.service().createKey("bench", "benchmark key");
        kms = BenchStores.cipher("KMSWrap", Cipher.ENCRYPT_MODE, master);
    }

    @Benchmark
    public byte[] jdkEncrypt() throws Exception {
        return jdk.encrypt(payload, null);
    }

    @Benchmark
    public byte[] kmsWrapEncrypt() throws Exception {
        return kms.doFinal(payload);
    }
}
