package io.kmsjca.benchmarks;

import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.KmsKeyRing;
import io.kmsjca.provider.KmsEnvelopeSpec;
import io.kmsjca.provider.KmsProvider;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What signing costs: KMSEnvelope to two master keys, signed against unsigned, in the same run.
 * A signed message pays per message for a P-384 key pair and a signature (verification when
 * decrypting), and per byte for SHA-384 over the ciphertext.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class SignedEnvelopeBenchmark {

    @Param({"1024", "1048576"})
    public int size;

    private byte[] plaintext;
    private byte[] out;
    private Cipher encryptUnsigned;
    private Cipher encryptSigned;
    private Cipher decryptUnsigned;
    private Cipher decryptSigned;
    private byte[] unsigned;
    private byte[] signed;

    @Setup
    public void setUp() throws Exception {
        plaintext = new byte[size];
        new SecureRandom().nextBytes(plaintext);
        KmsKeyHandle a = BenchStores.service().createKey("signed-a", "");
        KmsKeyHandle b = BenchStores.service().createKey("signed-b", "");
        KmsKeyRing both = KmsKeyRing.of(a, b);
        KmsProvider provider = BenchStores.PROVIDER;
        KmsEnvelopeSpec spec = KmsEnvelopeSpec.withContext(Map.of("purpose", "benchmark"));
        encryptUnsigned = Cipher.getInstance("KMSEnvelope", provider);
        encryptUnsigned.init(Cipher.ENCRYPT_MODE, both, spec);
        encryptSigned = Cipher.getInstance("KMSEnvelope", provider);
        encryptSigned.init(Cipher.ENCRYPT_MODE, both, spec.signed());
        decryptUnsigned = Cipher.getInstance("KMSEnvelope", provider);
        decryptUnsigned.init(Cipher.DECRYPT_MODE, b, spec);
        decryptSigned = Cipher.getInstance("KMSEnvelope", provider);
        decryptSigned.init(Cipher.DECRYPT_MODE, b, spec.signed());
        out = new byte[size + size / 1000 + 2048];
        unsigned = encryptUnsigned.doFinal(plaintext);
        signed = encryptSigned.doFinal(plaintext);
    }

    @Benchmark
    public int unsignedEncrypt() throws Exception {
        return encryptUnsigned.doFinal(plaintext, 0, size, out, 0);
    }

    @Benchmark
    public int signedEncrypt() throws Exception {
        return encryptSigned.doFinal(plaintext, 0, size, out, 0);
    }

    @Benchmark
    public int unsignedDecrypt() throws Exception {
        return decryptUnsigned.doFinal(unsigned, 0, unsigned.length, out, 0);
    }

    @Benchmark
    public int signedDecrypt() throws Exception {
        return decryptSigned.doFinal(signed, 0, signed.length, out, 0);
    }
}
