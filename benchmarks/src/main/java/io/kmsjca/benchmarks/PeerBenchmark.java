package io.kmsjca.benchmarks;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CommitmentPolicy;
import com.amazonaws.encryptionsdk.CryptoAlgorithm;
import com.amazonaws.encryptionsdk.CryptoMaterialsManager;
import com.amazonaws.encryptionsdk.caching.CachingCryptoMaterialsManager;
import com.amazonaws.encryptionsdk.caching.LocalCryptoMaterialsCache;
import com.amazonaws.encryptionsdk.jce.JceMasterKey;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.KmsEnvelopeAead;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import io.kmsjca.keys.DataKeyCache;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsEnvelopeSpec;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
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
import software.amazon.cryptography.materialproviders.IKeyring;
import software.amazon.cryptography.materialproviders.MaterialProviders;
import software.amazon.cryptography.materialproviders.model.AesWrappingAlg;
import software.amazon.cryptography.materialproviders.model.CreateRawAesKeyringInput;
import software.amazon.cryptography.materialproviders.model.MaterialProvidersConfig;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Encrypting and decrypting a message of each size with kms-jca's {@code KMSEnvelope} and with
 * the peers, in the same run, each through its own recommended API with its objects made once
 * and reused (docs/benchmarks/README.md says how each is used):
 * <ul>
 *   <li>{@code jdk}: the JDK's raw AES-256-GCM, single shot, one key: the floor, no envelope;</li>
 *   <li>{@code bc}: Bouncy Castle's AES-GCM (lightweight API), the same work as {@code jdk};</li>
 *   <li>{@code tinkAead}: Tink AES256_GCM AEAD, one key, no envelope;</li>
 *   <li>{@code tinkEnvelope}: Tink {@code KmsEnvelopeAead}, a data key per message wrapped by a local AEAD;</li>
 *   <li>{@code tinkStreaming}: Tink {@code StreamingAead} AES256_GCM_HKDF_1MB, for large data;</li>
 *   <li>{@code esdkCommitting}: the AWS Encryption SDK 3, raw AES keyring, key-committing suite without signing;</li>
 *   <li>{@code esdkDefault}: the same with the SDK's default suite (key commitment and ECDSA P-384 signatures);</li>
 *   <li>{@code kmsEnvelopeCached} and {@code esdkCaching}: each with its data-key cache (the same limits:
 *   {@value #CACHE_MESSAGES} messages or 5 minutes per data key), where one data key serves many messages.</li>
 * </ul>
 * Every system returns a new array, as the peers' APIs do. Each message carries the same
 * 1-pair encryption context (or associated data). Large single-shot GCM needs long warm-up on
 * JDK 17 (the intrinsics take seconds): the runner's profiles set it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class PeerBenchmark {

    @Param({"1024", "65536", "1048576", "67108864"})
    public int size;

    private static final Map<String, String> CONTEXT = Map.of("purpose", "benchmark");
    private static final byte[] AAD = "purpose=benchmark".getBytes(StandardCharsets.UTF_8);
    static final int CACHE_MESSAGES = 1000;
    private static final Duration CACHE_AGE = Duration.ofMinutes(5);

    private byte[] plaintext;
    private final byte[] iv = new byte[12];
    private long counter;
    private SecretKeySpec rawKey;
    private byte[] rawKeyBytes;
    private JdkGcm jdk;
    private byte[] jdkCiphertext;
    private byte[] jdkIv;
    private GCMModeCipher bcGcm;
    private byte[] bcCiphertext;
    private byte[] bcIv;
    private Cipher kmsEncrypt;
    private Cipher kmsDecrypt;
    private byte[] kmsCiphertext;
    private Cipher kmsCachedEncrypt;
    private Cipher kmsCachedDecrypt;
    private byte[] kmsCachedCiphertext;
    private Aead tinkAead;
    private byte[] tinkAeadCiphertext;
    private Aead tinkEnvelope;
    private byte[] tinkEnvelopeCiphertext;
    private StreamingAead tinkStreaming;
    private byte[] tinkStreamingCiphertext;
    private IKeyring esdkKeyring;
    private AwsCrypto esdkCommitting;
    private AwsCrypto esdkDefault;
    private byte[] esdkCommittingCiphertext;
    private byte[] esdkDefaultCiphertext;
    private CryptoMaterialsManager esdkCachingCmm;
    private byte[] esdkCachingCiphertext;

    @Setup
    public void setUp() throws Exception {
        SecureRandom random = new SecureRandom();
        plaintext = new byte[size];
        random.nextBytes(plaintext);
        rawKeyBytes = JdkGcm.randomKey();
        rawKey = new SecretKeySpec(rawKeyBytes, "AES");

        jdk = new JdkGcm(rawKeyBytes);
        jdkCiphertext = jdkEncrypt();
        jdkIv = jdk.nonce().clone();
        bcGcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
        bcCiphertext = bcEncrypt();
        bcIv = iv.clone();

        KmsKeyHandle master = BenchStores.service().createKey("bench", "");
        KmsEnvelopeSpec spec = KmsEnvelopeSpec.withContext(CONTEXT);
        kmsEncrypt = Cipher.getInstance("KMSEnvelope", BenchStores.PROVIDER);
        kmsEncrypt.init(Cipher.ENCRYPT_MODE, master, spec);
        kmsDecrypt = Cipher.getInstance("KMSEnvelope", BenchStores.PROVIDER);
        kmsDecrypt.init(Cipher.DECRYPT_MODE, master, spec);
        kmsCiphertext = kmsEnvelopeEncrypt();
        KmsEnvelopeSpec cached = spec.withDataKeyCache(new DataKeyCache(CACHE_MESSAGES, Long.MAX_VALUE, CACHE_AGE));
        kmsCachedEncrypt = Cipher.getInstance("KMSEnvelope", BenchStores.PROVIDER);
        kmsCachedEncrypt.init(Cipher.ENCRYPT_MODE, master, cached);
        kmsCachedDecrypt = Cipher.getInstance("KMSEnvelope", BenchStores.PROVIDER);
        kmsCachedDecrypt.init(Cipher.DECRYPT_MODE, master, cached);
        kmsCachedCiphertext = kmsEnvelopeCachedEncrypt();

        AeadConfig.register();
        StreamingAeadConfig.register();
        tinkAead = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)
                .getPrimitive(RegistryConfiguration.get(), Aead.class);
        tinkAeadCiphertext = tinkAeadEncrypt();
        Aead localKek = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)
                .getPrimitive(RegistryConfiguration.get(), Aead.class);
        tinkEnvelope = KmsEnvelopeAead.create(PredefinedAeadParameters.AES256_GCM, localKek);
        tinkEnvelopeCiphertext = tinkEnvelopeEncrypt();
        tinkStreaming = KeysetHandle.generateNew(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB)
                .getPrimitive(RegistryConfiguration.get(), StreamingAead.class);
        tinkStreamingCiphertext = tinkStreamingEncrypt();

        MaterialProviders mpl = MaterialProviders.builder()
                .MaterialProvidersConfig(MaterialProvidersConfig.builder().build()).build();
        esdkKeyring = mpl.CreateRawAesKeyring(CreateRawAesKeyringInput.builder().keyNamespace("kms-jca")
                .keyName("benchmark").wrappingKey(ByteBuffer.wrap(rawKeyBytes.clone()))
                .wrappingAlg(AesWrappingAlg.ALG_AES256_GCM_IV12_TAG16).build());
        esdkCommitting = AwsCrypto.builder().withCommitmentPolicy(CommitmentPolicy.RequireEncryptRequireDecrypt)
                .withEncryptionAlgorithm(CryptoAlgorithm.ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY).build();
        esdkDefault = AwsCrypto.standard(); // ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384
        esdkCommittingCiphertext = esdkCommittingEncrypt();
        esdkDefaultCiphertext = esdkDefaultEncrypt();
        // ESDK 3 keeps data-key caching in its (deprecated) caching CMM, which takes a master key
        // provider: JceMasterKey is the raw AES key of the master-key API.
        esdkCachingCmm = CachingCryptoMaterialsManager.newBuilder()
                .withMasterKeyProvider(JceMasterKey.getInstance(rawKey, "kms-jca", "benchmark", "AES/GCM/NoPadding"))
                .withCache(new LocalCryptoMaterialsCache(10))
                .withMaxAge(CACHE_AGE.toSeconds(), TimeUnit.SECONDS)
                .withMessageUseLimit(CACHE_MESSAGES)
                .build();
        esdkCachingCiphertext = esdkCachingEncrypt();
    }

    // ---------------------------------------------------------------- kms-jca

    @Benchmark
    public byte[] kmsEnvelopeEncrypt() throws Exception {
        return kmsEncrypt.doFinal(plaintext);
    }

    @Benchmark
    public byte[] kmsEnvelopeDecrypt() throws Exception {
        return kmsDecrypt.doFinal(kmsCiphertext);
    }

    @Benchmark
    public byte[] kmsEnvelopeCachedEncrypt() throws Exception {
        return kmsCachedEncrypt.doFinal(plaintext);
    }

    @Benchmark
    public byte[] kmsEnvelopeCachedDecrypt() throws Exception {
        return kmsCachedDecrypt.doFinal(kmsCachedCiphertext);
    }

    // ---------------------------------------------------------------- the floor: JDK and Bouncy Castle AES-GCM

    @Benchmark
    public byte[] jdkEncrypt() throws Exception {
        return jdk.encrypt(plaintext, AAD);
    }

    @Benchmark
    public byte[] jdkDecrypt() throws Exception {
        return jdk.decrypt(jdkIv, jdkCiphertext, AAD);
    }

    @Benchmark
    public byte[] bcEncrypt() throws Exception {
        ByteBuffer.wrap(iv).putLong(4, ++counter);
        return bc(true, plaintext, iv.clone());
    }

    @Benchmark
    public byte[] bcDecrypt() throws Exception {
        return bc(false, bcCiphertext, bcIv);
    }

    private byte[] bc(boolean encrypt, byte[] in, byte[] nonce) throws Exception {
        bcGcm.init(encrypt, new AEADParameters(new KeyParameter(rawKeyBytes), 128, nonce, AAD));
        byte[] out = new byte[bcGcm.getOutputSize(in.length)];
        int n = bcGcm.processBytes(in, 0, in.length, out, 0);
        bcGcm.doFinal(out, n);
        return out;
    }

    // ---------------------------------------------------------------- Google Tink

    @Benchmark
    public byte[] tinkAeadEncrypt() throws Exception {
        return tinkAead.encrypt(plaintext, AAD);
    }

    @Benchmark
    public byte[] tinkAeadDecrypt() throws Exception {
        return tinkAead.decrypt(tinkAeadCiphertext, AAD);
    }

    @Benchmark
    public byte[] tinkEnvelopeEncrypt() throws Exception {
        return tinkEnvelope.encrypt(plaintext, AAD);
    }

    @Benchmark
    public byte[] tinkEnvelopeDecrypt() throws Exception {
        return tinkEnvelope.decrypt(tinkEnvelopeCiphertext, AAD);
    }

    @Benchmark
    public byte[] tinkStreamingEncrypt() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream(size + size / 100 + 64);
        try (OutputStream out = tinkStreaming.newEncryptingStream(sink, AAD)) {
            out.write(plaintext);
        }
        return sink.toByteArray();
    }

    @Benchmark
    public byte[] tinkStreamingDecrypt() throws Exception {
        try (InputStream in = tinkStreaming.newDecryptingStream(new ByteArrayInputStream(tinkStreamingCiphertext), AAD)) {
            return in.readAllBytes();
        }
    }

    // ---------------------------------------------------------------- AWS Encryption SDK

    @Benchmark
    public byte[] esdkCommittingEncrypt() {
        return esdkCommitting.encryptData(esdkKeyring, plaintext, CONTEXT).getResult();
    }

    @Benchmark
    public byte[] esdkCommittingDecrypt() {
        return esdkCommitting.decryptData(esdkKeyring, esdkCommittingCiphertext, CONTEXT).getResult();
    }

    @Benchmark
    public byte[] esdkDefaultEncrypt() {
        return esdkDefault.encryptData(esdkKeyring, plaintext, CONTEXT).getResult();
    }

    @Benchmark
    public byte[] esdkDefaultDecrypt() {
        return esdkDefault.decryptData(esdkKeyring, esdkDefaultCiphertext, CONTEXT).getResult();
    }

    @Benchmark
    public byte[] esdkCachingEncrypt() {
        return esdkCommitting.encryptData(esdkCachingCmm, plaintext, CONTEXT).getResult();
    }

    @Benchmark
    public byte[] esdkCachingDecrypt() {
        return esdkCommitting.decryptData(esdkCachingCmm, esdkCachingCiphertext).getResult();
    }
}
