package io.kmsjca.benchmarks;

import io.kmsjca.internal.crypto.ChunkedAead;
import io.kmsjca.keys.KmsKeyHandle;
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
 * KMSEnvelope encrypt and decrypt against a single-shot JDK AES-256-GCM of the same size, in the
 * same run. The envelope pays per message for a new data key (wrapped with KMSWrap), the header
 * and the chunk keys; the chunks themselves run on the same JDK GCM. A second baseline,
 * {@code jdkAesGcm256Chunked*}, is the JDK's GCM over 16 KiB chunks with a {@code Cipher.init}
 * and a nonce per chunk, nothing else: the floor of any chunked format on the JDK's GCM, C2SP
 * included. Warm-up is long because the GCM intrinsics take seconds to reach full speed on large
 * buffers.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 3)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class EnvelopeBenchmark {

    @Param({"1024", "65536", "1048576", "67108864"})
    public int size;

    private byte[] plaintext;
    private byte[] out;
    private byte[] rawCiphertext;
    private byte[] envelope;
    private int envelopeLength;
    private JdkGcm jdk;
    private byte[] rawNonce;
    private Cipher encrypt;
    private Cipher decrypt;
    private JdkGcm chunked;
    private byte[] chunkedCiphertext;
    private int chunkedLength;
    private long chunkedFirstCounter;

    @Setup
    public void setUp() throws Exception {
        plaintext = new byte[size];
        new SecureRandom().nextBytes(plaintext);
        jdk = new JdkGcm();
        rawCiphertext = jdk.encrypt(plaintext, null);
        rawNonce = jdk.nonce().clone();

        KmsKeyHandle master = BenchStores.service().createKey("bench", "");
        KmsProvider provider = BenchStores.PROVIDER;
        KmsEnvelopeSpec spec = KmsEnvelopeSpec.withContext(Map.of("purpose", "benchmark"));
        encrypt = Cipher.getInstance("KMSEnvelope", provider);
        encrypt.init(Cipher.ENCRYPT_MODE, master, spec);
        decrypt = Cipher.getInstance("KMSEnvelope", provider);
        decrypt.init(Cipher.DECRYPT_MODE, master, spec);
        out = new byte[size + size / 1000 + 1024];
        envelope = encrypt.doFinal(plaintext);
        envelopeLength = envelope.length;
        chunked = new JdkGcm();
        chunkedFirstCounter = chunked.counter();
        chunkedCiphertext = new byte[out.length];
        chunkedLength = chunked.encryptChunked(plaintext, ChunkedAead.CHUNK, chunkedCiphertext);
    }

    @Benchmark
    public int jdkAesGcm256Encrypt() throws Exception {
        return jdk.encrypt(plaintext, null, out);
    }

    @Benchmark
    public int jdkAesGcm256Decrypt() throws Exception {
        return jdk.decrypt(rawNonce, rawCiphertext, null, out);
    }

    @Benchmark
    public int jdkAesGcm256ChunkedEncrypt() throws Exception {
        return chunked.encryptChunked(plaintext, ChunkedAead.CHUNK, out);
    }

    @Benchmark
    public int jdkAesGcm256ChunkedDecrypt() throws Exception {
        return chunked.decryptChunked(chunkedFirstCounter, chunkedCiphertext, chunkedLength, ChunkedAead.CHUNK, out);
    }

    @Benchmark
    public int kmsEnvelopeEncrypt() throws Exception {
        return encrypt.doFinal(plaintext, 0, size, out, 0);
    }

    @Benchmark
    public int kmsEnvelopeDecrypt() throws Exception {
        return decrypt.doFinal(envelope, 0, envelopeLength, out, 0);
    }
}
