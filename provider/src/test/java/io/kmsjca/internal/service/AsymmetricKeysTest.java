package io.kmsjca.internal.service;

import io.kmsjca.internal.engine.PrivateKeyEngine;
import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.DataKeyPair;
import io.kmsjca.keys.EncryptionAlgorithm;
import io.kmsjca.keys.KeyAgreementAlgorithm;
import io.kmsjca.keys.KeyMetadata;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyState;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;
import io.kmsjca.provider.KmsEncryptionContextSpec;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every asymmetric key spec with every usage AWS allows it, through the key service: created
 * inside, its metadata listing AWS's algorithms, and every operation checked by the JDK (Bouncy
 * Castle where the JDK lacks the curve or algorithm) on the other side.
 */
class AsymmetricKeysTest {

    @TempDir
    Path dir;
    LifecycleFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new LifecycleFixture(dir);
    }

    static List<Object[]> specsAndUsages() {
        return AsymmetricTestSupport.specsAndUsages();
    }

    private KmsPrivateKeyHandle create(KeySpec spec, KeyUsage usage) throws Exception {
        return f.keys.createKeyPair(CreateKeyRequest.withAlias(alias(spec, usage)).keySpec(spec).keyUsage(usage));
    }

    private static String alias(KeySpec spec, KeyUsage usage) {
        return (spec + "-" + usage).toLowerCase().replace('_', '-');
    }

    @ParameterizedTest
    @MethodSource("specsAndUsages")
    void createdKeysDescribeThemselvesAsAwsDoes(KeySpec spec, KeyUsage usage) throws Exception {
        KmsPrivateKeyHandle handle = create(spec, usage);
        KeyMetadata m = f.keys.describeKey(alias(spec, usage));
        assertEquals(spec, m.keySpec());
        assertEquals(usage, m.keyUsage());
        assertEquals(KeyState.ENABLED, m.state());
        assertEquals(KeyOrigin.GENERATED, m.origin());
        assertEquals(1, m.versionCount());
        assertEquals(0, m.rotationPeriodDays());
        assertEquals(expectedSigning(spec, usage), m.signingAlgorithms());
        assertEquals(usage == KeyUsage.ENCRYPT_DECRYPT
                ? List.of(EncryptionAlgorithm.RSAES_OAEP_SHA_1, EncryptionAlgorithm.RSAES_OAEP_SHA_256) : List.of(),
                m.encryptionAlgorithms());
        assertEquals(usage == KeyUsage.KEY_AGREEMENT ? List.of(KeyAgreementAlgorithm.ECDH) : List.of(),
                m.keyAgreementAlgorithms());
        assertEquals(spec, handle.keySpec());
        assertEquals(usage, handle.keyUsage());
        assertArrayEquals(f.keys.getPublicKey(alias(spec, usage)).getEncoded(), handle.publicKey().getEncoded());
        assertEquals(AuditOutcome.SUCCESS, f.last(AuditOperation.GET_PUBLIC_KEY).outcome());
        assertEquals(handle.keyId().toString(), f.last(AuditOperation.CREATE_KEY).keyId());
        assertEquals(handle, f.keys.findPrivateKey(handle.keyId().toString()).orElseThrow());
    }

    /** AWS KMS's SigningAlgorithms per key spec, written out (not computed by the code under test). */
    private static List<SigningAlgorithm> expectedSigning(KeySpec spec, KeyUsage usage) {
        if (usage != KeyUsage.SIGN_VERIFY) {
            return List.of();
        }
        return switch (spec) {
            case RSA_2048, RSA_3072, RSA_4096 -> List.of(SigningAlgorithm.RSASSA_PSS_SHA_256, SigningAlgorithm.RSASSA_PSS_SHA_384,
                    SigningAlgorithm.RSASSA_PSS_SHA_512, SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_256,
                    SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_384, SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_512);
            case ECC_NIST_P256, ECC_SECG_P256K1 -> List.of(SigningAlgorithm.ECDSA_SHA_256);
            case ECC_NIST_P384 -> List.of(SigningAlgorithm.ECDSA_SHA_384);
            case ECC_NIST_P521 -> List.of(SigningAlgorithm.ECDSA_SHA_512);
            case ML_DSA_44, ML_DSA_65, ML_DSA_87 -> List.of(SigningAlgorithm.ML_DSA_SHAKE_256);
            case ECC_NIST_EDWARDS25519 -> List.of(SigningAlgorithm.ED25519_SHA_512, SigningAlgorithm.ED25519_PH_SHA_512);
            case HMAC_224, HMAC_256, HMAC_384, HMAC_512 -> List.of();
            case SYMMETRIC_DEFAULT -> throw new AssertionError();
        };
    }

    @ParameterizedTest
    @EnumSource(value = KeySpec.class, names = {"SYMMETRIC_DEFAULT", "HMAC_.*"}, mode = EnumSource.Mode.MATCH_NONE) // key pairs only
    void signaturesVerifyWithTheJdkAndWithKmsAndAlteredOnesDoNot(KeySpec spec) throws Exception {
        KmsPrivateKeyHandle key = create(spec, KeyUsage.SIGN_VERIFY);
        String alias = alias(spec, KeyUsage.SIGN_VERIFY);
        PublicKey pub = f.keys.getPublicKey(alias);
        byte[] message = ("the message of " + spec).getBytes(StandardCharsets.UTF_8);
        for (SigningAlgorithm algorithm : expectedSigning(spec, KeyUsage.SIGN_VERIFY)) {
            // DIGEST where the algorithm takes one (the key signs the hash), else RAW
            boolean digest = algorithm.digestAlgorithm() != null && algorithm != SigningAlgorithm.ED25519_SHA_512;
            byte[] input = digest ? MessageDigest.getInstance(algorithm.digestAlgorithm()).digest(message) : message;
            MessageType type = digest ? MessageType.DIGEST : MessageType.RAW;
            byte[] signature = f.keys.sign(alias, input, type, algorithm);
            assertTrue(AsymmetricTestSupport.jdkVerifies(spec, algorithm, pub, message, signature), spec + " " + algorithm);
            assertEquals(AuditOutcome.SUCCESS, f.last(AuditOperation.SIGN).outcome());
            assertEquals(key.keyId().toString(), f.last(AuditOperation.SIGN).keyId());
            assertEquals(1, f.last(AuditOperation.SIGN).keyVersion());
            assertTrue(f.keys.verify(alias, input, type, signature, algorithm), spec + " " + algorithm);
            byte[] altered = signature.clone();
            altered[altered.length / 2] ^= 1;
            assertFalse(f.keys.verify(alias, input, type, altered, algorithm), spec + " " + algorithm);
            byte[] otherInput = input.clone();
            otherInput[0] ^= 1;
            assertFalse(f.keys.verify(alias, otherInput, type, signature, algorithm), spec + " " + algorithm);
            assertEquals(AuditOutcome.SUCCESS, f.last(AuditOperation.VERIFY).outcome());
            if (algorithm.digestAlgorithm() != null && algorithm != SigningAlgorithm.ED25519_PH_SHA_512
                    && algorithm != SigningAlgorithm.ED25519_SHA_512) {
                // RAW: the key hashes the message itself
                byte[] raw = f.keys.sign(alias, message, MessageType.RAW, algorithm);
                assertTrue(AsymmetricTestSupport.jdkVerifies(spec, algorithm, pub, message, raw), spec + " RAW " + algorithm);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = KeySpec.class, names = {"RSA_2048", "RSA_3072", "RSA_4096"})
    void rsaOaepBothWaysAndWithTheJdk(KeySpec spec) throws Exception {
        create(spec, KeyUsage.ENCRYPT_DECRYPT);
        String alias = alias(spec, KeyUsage.ENCRYPT_DECRYPT);
        PublicKey pub = f.keys.getPublicKey(alias);
        byte[] secret = "a data key of 32 bytes, or so...".getBytes(StandardCharsets.UTF_8);
        for (EncryptionAlgorithm algorithm : List.of(EncryptionAlgorithm.RSAES_OAEP_SHA_1, EncryptionAlgorithm.RSAES_OAEP_SHA_256)) {
            byte[] ciphertext = f.keys.encrypt(alias, secret, algorithm);
            assertEquals(spec.bits() / 8, ciphertext.length);
            assertArrayEquals(secret, f.keys.decrypt(alias, ciphertext, algorithm));
            assertEquals(AuditOutcome.SUCCESS, f.last(AuditOperation.DECRYPT).outcome());
            String hash = algorithm == EncryptionAlgorithm.RSAES_OAEP_SHA_1 ? "SHA-1" : "SHA-256";
            OAEPParameterSpec oaep = new OAEPParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), PSource.PSpecified.DEFAULT);
            Cipher jdk = Cipher.getInstance("RSA/ECB/OAEPPadding");
            jdk.init(Cipher.ENCRYPT_MODE, pub, oaep);
            assertArrayEquals(secret, f.keys.decrypt(alias, jdk.doFinal(secret), algorithm), "the JDK's ciphertext " + algorithm);
        }
    }

    @ParameterizedTest
    @EnumSource(value = KeySpec.class, names = {"ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1"})
    void ecdhGivesWhatThePeerComputes(KeySpec spec) throws Exception {
        KmsPrivateKeyHandle key = create(spec, KeyUsage.KEY_AGREEMENT);
        KeyPair peer = AsymmetricTestSupport.peer(spec);
        byte[] ours = f.keys.deriveSharedSecret(alias(spec, KeyUsage.KEY_AGREEMENT), KeyAgreementAlgorithm.ECDH,
                peer.getPublic().getEncoded());
        KeyAgreement theirs = spec == KeySpec.ECC_SECG_P256K1 ? KeyAgreement.getInstance("ECDH", AsymmetricTestSupport.BC)
                : KeyAgreement.getInstance("ECDH");
        theirs.init(peer.getPrivate());
        PublicKey kmsPublic = spec == KeySpec.ECC_SECG_P256K1
                ? KeyFactory.getInstance("EC", AsymmetricTestSupport.BC).generatePublic(new X509EncodedKeySpec(key.publicKey().getEncoded()))
                : key.publicKey();
        theirs.doPhase(kmsPublic, true);
        assertArrayEquals(theirs.generateSecret(), ours);
        assertEquals((spec.bits() + 7) / 8, ours.length);
        assertEquals(AuditOutcome.SUCCESS, f.last(AuditOperation.DERIVE_SHARED_SECRET).outcome());
        // the engine the JCA KeyAgreement uses gives the same secret from the handle
        assertArrayEquals(ours, new PrivateKeyEngine().deriveSharedSecret(key, peer.getPublic()));
    }

    @ParameterizedTest
    @EnumSource(value = KeySpec.class, names = {"RSA_2048", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521",
            "ECC_SECG_P256K1", "ECC_NIST_EDWARDS25519"})
    void dataKeyPairsUnwrapThroughKmsWrapToTheSamePrivateKey(KeySpec pairSpec) throws Exception {
        f.keys.createKey("wrapping", "");
        Map<String, String> context = Map.of("purpose", "signing", "tenant", "42");
        DataKeyPair withPlain = f.keys.generateDataKeyPair("wrapping", pairSpec, context, true);
        assertEquals(AuditOutcome.SUCCESS, f.last(AuditOperation.GENERATE_DATA_KEY_PAIR).outcome());
        assertEquals(pairSpec, withPlain.keyPairSpec());
        assertEquals(f.keys.describeKey("wrapping").keyId(), withPlain.keyId());
        assertNotNull(withPlain.privateKeyPlaintext());
        assertArrayEquals(withPlain.privateKeyPlaintext(), unwrap(withPlain.privateKeyCiphertext(), context));
        assertPair(pairSpec, withPlain.privateKeyPlaintext(), withPlain.publicKey());

        DataKeyPair without = f.keys.generateDataKeyPair("wrapping", pairSpec, context, false);
        assertEquals(AuditOutcome.SUCCESS, f.last(AuditOperation.GENERATE_DATA_KEY_PAIR_WITHOUT_PLAINTEXT).outcome());
        assertNull(without.privateKeyPlaintext());
        byte[] pkcs8 = unwrap(without.privateKeyCiphertext(), context);
        assertPair(pairSpec, pkcs8, without.publicKey());
        assertFalse(Arrays.equals(pkcs8, withPlain.privateKeyPlaintext()), "each call makes a fresh pair");
        var wrongContext = assertThrows(java.security.InvalidKeyException.class,
                () -> unwrap(without.privateKeyCiphertext(), Map.of("purpose", "other")), "the context is bound");
        assertInstanceOf(javax.crypto.AEADBadTagException.class, wrongContext.getCause());
        withPlain.wipe();
        assertArrayEquals(new byte[withPlain.privateKeyPlaintext().length], withPlain.privateKeyPlaintext());
    }

    private byte[] unwrap(byte[] blob, Map<String, String> context) throws Exception {
        Cipher c = Cipher.getInstance("KMSWrap", LifecycleFixture.PROVIDER);
        c.init(Cipher.UNWRAP_MODE, f.keys.findKey("wrapping").orElseThrow(), new KmsEncryptionContextSpec(context));
        return c.unwrap(blob, "RAW", Cipher.SECRET_KEY).getEncoded();
    }

    /** The private key signs what the public key verifies: they are one pair (checked by the JDK or Bouncy Castle). */
    private static void assertPair(KeySpec spec, byte[] pkcs8, byte[] x509) throws Exception {
        boolean bc = spec == KeySpec.ECC_SECG_P256K1;
        String family = switch (spec.family()) {
            case RSA -> "RSA";
            case EC -> "EC";
            case EDDSA -> "Ed25519";
            default -> throw new AssertionError(spec);
        };
        KeyFactory kf = bc ? KeyFactory.getInstance(family, AsymmetricTestSupport.BC) : KeyFactory.getInstance(family);
        PrivateKey priv = kf.generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        PublicKey pub = kf.generatePublic(new X509EncodedKeySpec(x509));
        String algorithm = switch (spec.family()) {
            case RSA -> "SHA256withRSA";
            case EC -> "SHA256withECDSA";
            default -> "Ed25519";
        };
        Signature s = bc ? Signature.getInstance(algorithm, AsymmetricTestSupport.BC) : Signature.getInstance(algorithm);
        s.initSign(priv);
        s.update(new byte[] {1, 2, 3});
        byte[] sig = s.sign();
        s.initVerify(pub);
        s.update(new byte[] {1, 2, 3});
        assertTrue(s.verify(sig), spec + ": the public key is the private key's");
    }

    /** Many threads, each with its own engine (as each JCA object has), sign with one handle at once. */
    @Test
    void signingIsSafeFromManyThreadsAtOnce() throws Exception {
        KmsPrivateKeyHandle key = create(KeySpec.ECC_NIST_EDWARDS25519, KeyUsage.SIGN_VERIFY);
        int threads = 8;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            var start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                byte[] message = ("thread " + t).getBytes(StandardCharsets.UTF_8);
                results.add(pool.submit(() -> {
                    start.await();
                    PrivateKeyEngine engine = new PrivateKeyEngine();
                    boolean all = true;
                    for (int i = 0; i < 50; i++) {
                        byte[] sig = engine.sign(key, message, 0, message.length, MessageType.RAW,
                                SigningAlgorithm.ED25519_SHA_512);
                        all &= AsymmetricTestSupport.jdkVerifies(KeySpec.ECC_NIST_EDWARDS25519,
                                SigningAlgorithm.ED25519_SHA_512, key.publicKey(), message, sig);
                    }
                    return all;
                }));
            }
            start.countDown();
            for (var r : results) {
                assertTrue(r.get(), "every signature verifies");
            }
        } finally {
            pool.shutdownNow();
        }
        f.keys.auditRecorder().flush();
        assertEquals(threads * 50, f.audit.stream().filter(e -> e.operation() == AuditOperation.SIGN
                && e.outcome() == AuditOutcome.SUCCESS).count(), "each signature audited once");
    }

    /** Nothing secret in an audit event or a refusal: the private key's bytes appear nowhere. */
    @Test
    void noPrivateKeyBytesInAuditEventsOrMessages() throws Exception {
        create(KeySpec.RSA_2048, KeyUsage.SIGN_VERIFY);
        String alias = alias(KeySpec.RSA_2048, KeyUsage.SIGN_VERIFY);
        byte[] pkcs8 = f.keys.registry().lookup(alias).orElseThrow().keyPair().orElseThrow().pkcs8Copy();
        String hex = java.util.HexFormat.of().formatHex(pkcs8, pkcs8.length - 40, pkcs8.length);
        String b64 = java.util.Base64.getEncoder().encodeToString(Arrays.copyOfRange(pkcs8, 100, 130));
        StringBuilder seen = new StringBuilder();
        try {
            f.keys.sign(alias, new byte[5], MessageType.DIGEST, SigningAlgorithm.RSASSA_PSS_SHA_256);
        } catch (java.security.GeneralSecurityException e) {
            seen.append(e).append(e.getCause());
        }
        try {
            f.keys.decrypt(alias, new byte[256], EncryptionAlgorithm.RSAES_OAEP_SHA_256);
        } catch (java.security.GeneralSecurityException e) {
            seen.append(e);
        }
        seen.append(f.keys.findPrivateKey(alias).orElseThrow()).append(f.keys.describeKey(alias));
        f.keys.auditRecorder().flush();
        f.audit.forEach(seen::append);
        assertTrue(seen.length() > 200, "something was said");
        String all = seen.toString();
        assertFalse(all.toLowerCase().contains(hex) || all.contains(b64), "no private key bytes");
    }

    @Test
    void theEngineTheJcaUsesSignsThroughTheHandleAndAudits() throws Exception {
        KmsPrivateKeyHandle key = create(KeySpec.ECC_NIST_P256, KeyUsage.SIGN_VERIFY);
        byte[] message = "hello".getBytes(StandardCharsets.UTF_8);
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(message);
        PrivateKeyEngine engine = new PrivateKeyEngine();
        engine.checkUsable(key, AuditOperation.SIGN);
        byte[] sig = engine.sign(key, digest, 0, digest.length, MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_256);
        assertTrue(AsymmetricTestSupport.jdkVerifies(KeySpec.ECC_NIST_P256, SigningAlgorithm.ECDSA_SHA_256, key.publicKey(),
                message, sig));
        assertEquals(AuditOutcome.SUCCESS, f.last(AuditOperation.SIGN).outcome());
        assertEquals("ecc-nist-p256-sign-verify", f.last(AuditOperation.SIGN).alias());
    }
}
