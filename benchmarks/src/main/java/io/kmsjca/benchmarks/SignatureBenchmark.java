package io.kmsjca.benchmarks;

import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;
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

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Signature;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Signing a 1 KiB message through a KMS private-key handle against the JDK's {@code Signature}
 * with the same raw key, in the same run (issue #19's target: at most 1.1x), for ECDSA P-256
 * ({@code SHA256withECDSA}), RSA-2048 ({@code SHA256withRSA}, and {@code RSASSA-PSS} with SHA-256)
 * and Ed25519. The key pair is made
 * by the JDK and imported into an in-memory store with no audit listener
 * ({@link KeyService#importKeyPair}).
 * <p>
 * Two shapes of use, each on both sides:
 * <ul>
 *   <li>{@code *Sign}: a {@code Signature} initialised once and reused ({@code update} +
 *       {@code sign} per message), as a JWT issuer would;</li>
 *   <li>{@code *InitSign}: {@code getInstance} + {@code initSign} + {@code update} + {@code sign}
 *       per message, as TLS does per handshake. The JDK side names its provider; the KMS side
 *       names none ({@code Signature.getInstance("SHA256withECDSA")}, as users call it), so JCA's
 *       delayed provider selection routes the handle to the installed KMS provider.</li>
 * </ul>
 * {@code kmsKeyServiceSign} is KMS Sign of the RAW message straight through the key service
 * (no JCA object), to show what the JCA layer adds.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(3)
@State(Scope.Thread)
public class SignatureBenchmark {

    static final int MESSAGE_BYTES = 1024;
    private static final String ALIAS = "bench-signing";

    /**
     * The key spec; {@code RSA_2048} signs PKCS#1 v1.5 ({@code SHA256withRSA}), {@code RSA_2048_PSS}
     * is the same spec signing RSASSA-PSS with SHA-256 (what TLS 1.3 signs with an RSA key).
     */
    @Param({"ECC_NIST_P256", "RSA_2048", "RSA_2048_PSS", "ECC_NIST_EDWARDS25519"})
    public String spec;

    private final byte[] message = new byte[MESSAGE_BYTES];
    private KeyService keys;
    private KeyPair raw;
    private KmsPrivateKeyHandle handle;
    private String algorithm;
    private SigningAlgorithm kmsAlgorithm;
    private AlgorithmParameterSpec parameters;
    private Provider jdkProvider;
    private Signature jdkSigner;
    private Signature kmsSigner;

    @Setup
    public void setUp() throws Exception {
        BenchStores.install();
        new Random(19).nextBytes(message);
        JdkKeyPair pair = JdkKeyPair.valueOf(spec);
        raw = pair.generate();
        algorithm = pair.signatureAlgorithm;
        kmsAlgorithm = pair.kmsAlgorithm;
        parameters = pair.parameters();
        jdkProvider = pair.provider();
        keys = BenchStores.service();
        handle = keys.importKeyPair(ALIAS, KeyUsage.SIGN_VERIFY, raw.getPrivate(), List.of());

        jdkSigner = Signature.getInstance(algorithm, jdkProvider);
        jdkSigner.initSign(raw.getPrivate());
        setParameters(jdkSigner);
        kmsSigner = Signature.getInstance(algorithm);
        kmsSigner.initSign(handle);
        setParameters(kmsSigner);
        if (!BenchStores.PROVIDER.getName().equals(kmsSigner.getProvider().getName())) {
            throw new IllegalStateException("the KMS handle was routed to " + kmsSigner.getProvider().getName());
        }
        // every variant must produce a signature the public key verifies
        verify("jdkSign", jdkSign());
        verify("kmsSign", kmsSign());
        verify("jdkInitSign", jdkInitSign());
        verify("kmsInitSign", kmsInitSign());
        verify("kmsKeyServiceSign", kmsKeyServiceSign());
    }

    private void verify(String variant, byte[] signature) throws Exception {
        Signature verifier = Signature.getInstance(algorithm, jdkProvider);
        verifier.initVerify(raw.getPublic());
        setParameters(verifier);
        verifier.update(message);
        if (!verifier.verify(signature)) {
            throw new IllegalStateException(variant + " made a signature the public key does not verify");
        }
    }

    /** PSS's parameters, after init: set before, they would make delayed selection pick the first provider. */
    private void setParameters(Signature s) throws Exception {
        if (parameters != null) {
            s.setParameter(parameters);
        }
    }

    @TearDown
    public void tearDown() throws Exception {
        keys.close();
    }

    @Benchmark
    public byte[] jdkSign() throws Exception {
        jdkSigner.update(message);
        return jdkSigner.sign();
    }

    @Benchmark
    public byte[] kmsSign() throws Exception {
        kmsSigner.update(message);
        return kmsSigner.sign();
    }

    @Benchmark
    public byte[] jdkInitSign() throws Exception {
        Signature s = Signature.getInstance(algorithm, jdkProvider);
        s.initSign(raw.getPrivate());
        setParameters(s);
        s.update(message);
        return s.sign();
    }

    @Benchmark
    public byte[] kmsInitSign() throws Exception {
        Signature s = Signature.getInstance(algorithm);
        s.initSign(handle);
        setParameters(s);
        s.update(message);
        return s.sign();
    }

    @Benchmark
    public byte[] kmsKeyServiceSign() throws Exception {
        return keys.sign(ALIAS, message, MessageType.RAW, kmsAlgorithm);
    }

    /** How the JDK makes and signs with a key pair of each spec measured. */
    enum JdkKeyPair {
        ECC_NIST_P256("EC", "SunEC", "SHA256withECDSA", SigningAlgorithm.ECDSA_SHA_256),
        RSA_2048("RSA", "SunRsaSign", "SHA256withRSA", SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_256),
        RSA_2048_PSS("RSA", "SunRsaSign", "RSASSA-PSS", SigningAlgorithm.RSASSA_PSS_SHA_256),
        ECC_NIST_EDWARDS25519("Ed25519", "SunEC", "Ed25519", SigningAlgorithm.ED25519_SHA_512);

        final String keyAlgorithm;
        final String providerName;
        final String signatureAlgorithm;
        final SigningAlgorithm kmsAlgorithm;

        JdkKeyPair(String keyAlgorithm, String providerName, String signatureAlgorithm, SigningAlgorithm kmsAlgorithm) {
            this.keyAlgorithm = keyAlgorithm;
            this.providerName = providerName;
            this.signatureAlgorithm = signatureAlgorithm;
            this.kmsAlgorithm = kmsAlgorithm;
        }

        /** PSS with SHA-256 as AWS KMS signs it (salt = hash length, MGF1 SHA-256), else none. */
        AlgorithmParameterSpec parameters() {
            return this == RSA_2048_PSS
                    ? new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, PSSParameterSpec.TRAILER_FIELD_BC)
                    : null;
        }

        Provider provider() {
            Provider p = java.security.Security.getProvider(providerName);
            if (p == null) {
                throw new IllegalStateException("no JDK provider " + providerName);
            }
            return p;
        }

        KeyPair generate() throws Exception {
            KeyPairGenerator g = KeyPairGenerator.getInstance(keyAlgorithm, provider());
            switch (this) {
                case ECC_NIST_P256 -> g.initialize(new ECGenParameterSpec("secp256r1"));
                case RSA_2048, RSA_2048_PSS -> g.initialize(2048);
                case ECC_NIST_EDWARDS25519 -> { }
            }
            return g.generateKeyPair();
        }
    }
}
