package io.kmsjca.conformance;

import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;

import static io.kmsjca.conformance.AsymmetricFixtures.withKmsInstalled;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * {@code Signature} with KMS private-key handles, by the JDK's standard names: signed inside KMS
 * (audited), verified by another provider with the public key; JCA's delayed provider selection
 * routes a handle to KMS and any other key to the JDK, with KMS installed first or last.
 */
class PrivateKeySignatureTest {

    private static final Provider BC = new BouncyCastleProvider();
    private static final byte[] MESSAGE = "a message signed inside the provider".getBytes(StandardCharsets.UTF_8);

    private static AsymmetricFixtures.Store store;
    private static final Map<KeySpec, KmsPrivateKeyHandle> KEYS = new EnumMap<>(KeySpec.class);

    @BeforeAll
    static void keys() throws Exception {
        store = AsymmetricFixtures.newStore();
        for (KeySpec spec : new KeySpec[] {KeySpec.RSA_2048, KeySpec.ECC_NIST_P256, KeySpec.ECC_NIST_P384,
                KeySpec.ECC_NIST_P521, KeySpec.ECC_SECG_P256K1, KeySpec.ECC_NIST_EDWARDS25519, KeySpec.ML_DSA_44,
                KeySpec.ML_DSA_65, KeySpec.ML_DSA_87}) {
            KEYS.put(spec, store.create("sign-" + spec.name().toLowerCase(), spec));
        }
    }

    /** Name, key spec, and whether the JDK 17 lacks the verifier (secp256k1, ML-DSA: Bouncy Castle verifies). */
    static Stream<Arguments> signatures() {
        return Stream.of(
                arguments("SHA256withRSA", KeySpec.RSA_2048, false),
                arguments("SHA384withRSA", KeySpec.RSA_2048, false),
                arguments("SHA512withRSA", KeySpec.RSA_2048, false),
                arguments("SHA256withECDSA", KeySpec.ECC_NIST_P256, false),
                arguments("SHA384withECDSA", KeySpec.ECC_NIST_P384, false),
                arguments("SHA512withECDSA", KeySpec.ECC_NIST_P521, false),
                arguments("SHA256withECDSA", KeySpec.ECC_SECG_P256K1, true),
                arguments("Ed25519", KeySpec.ECC_NIST_EDWARDS25519, false),
                arguments("EdDSA", KeySpec.ECC_NIST_EDWARDS25519, false),
                arguments("ML-DSA", KeySpec.ML_DSA_65, true),
                arguments("ML-DSA-44", KeySpec.ML_DSA_44, true),
                arguments("ML-DSA-65", KeySpec.ML_DSA_65, true),
                arguments("ML-DSA-87", KeySpec.ML_DSA_87, true));
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("signatures")
    void signsInsideKms_andAnotherProviderVerifies(String algorithm, KeySpec spec, boolean bcVerifies) throws Exception {
        KmsPrivateKeyHandle key = KEYS.get(spec);
        withKmsInstalled(0, () -> {
            long before = store.events(AuditOperation.SIGN, AuditOutcome.SUCCESS, key);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            assertEquals("KMS", signer.getProvider().getName());
            signer.update(MESSAGE, 0, 10);
            signer.update(MESSAGE, 10, MESSAGE.length - 10);
            byte[] signature = signer.sign();
            assertEquals(before + 1, store.events(AuditOperation.SIGN, AuditOutcome.SUCCESS, key), "one audited KMS Sign");

            Signature verifier = bcVerifies ? Signature.getInstance(algorithm, BC) : Signature.getInstance(algorithm);
            PublicKey publicKey = bcVerifies ? bcKey(key.publicKey()) : key.publicKey();
            verifier.initVerify(publicKey);
            assertNotEquals("KMS", verifier.getProvider().getName());
            verifier.update(MESSAGE);
            assertTrue(verifier.verify(signature), algorithm + " signature verifies");

            verifier.initVerify(publicKey);
            verifier.update("another message".getBytes(StandardCharsets.UTF_8));
            assertFalse(verifier.verify(signature), "and not for another message");

            // the Signature signs again after sign(), as the JCA says
            signer.update(MESSAGE);
            byte[] again = signer.sign();
            verifier.initVerify(publicKey);
            verifier.update(MESSAGE);
            assertTrue(verifier.verify(again));
        });
    }

    private static PublicKey bcKey(PublicKey key) throws Exception {
        String algorithm = key.getAlgorithm().startsWith("ML-DSA") ? "ML-DSA" : "EC";
        return KeyFactory.getInstance(algorithm, BC).generatePublic(new X509EncodedKeySpec(key.getEncoded()));
    }

    @ParameterizedTest(name = "KMS installed {0} (1: first, 0: last)")
    @ValueSource(ints = {1, 0})
    void delayedSelection_routesAHandleToKms_andAnyOtherKeyToTheJdk(int position) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair jdkPair = g.generateKeyPair();
        KeyPair jdkEd = KeyPairGenerator.getInstance("Ed25519", "SunEC").generateKeyPair();
        withKmsInstalled(position, () -> {
            assertEquals("KMS", initSign("SHA256withECDSA", KEYS.get(KeySpec.ECC_NIST_P256)).getProvider().getName());
            assertEquals("KMS", initSign("SHA256withRSA", KEYS.get(KeySpec.RSA_2048)).getProvider().getName());
            assertEquals("KMS", initSign("Ed25519", KEYS.get(KeySpec.ECC_NIST_EDWARDS25519)).getProvider().getName());

            assertEquals("SunEC", initSign("SHA256withECDSA", jdkPair.getPrivate()).getProvider().getName());
            assertEquals("SunEC", initSign("Ed25519", jdkEd.getPrivate()).getProvider().getName());
            Signature verify = Signature.getInstance("SHA256withECDSA");
            verify.initVerify(KEYS.get(KeySpec.ECC_NIST_P256).publicKey());
            assertEquals("SunEC", verify.getProvider().getName());
            Signature verifyRsa = Signature.getInstance("SHA256withRSA");
            verifyRsa.initVerify(KEYS.get(KeySpec.RSA_2048).publicKey());
            assertEquals("SunRsaSign", verifyRsa.getProvider().getName());
        });
    }

    @Test
    void everyPrivateKeyService_declaresTheHandleAsItsOnlyKeyClass() throws Exception {
        KeyPair jdk = KeyPairGenerator.getInstance("EC", "SunEC").generateKeyPair();
        KmsPrivateKeyHandle handle = KEYS.get(KeySpec.ECC_NIST_P256);
        var services = Fixtures.PROVIDER.getServices().stream()
                .filter(s -> s.getType().equals("Signature") || s.getType().equals("KeyAgreement")
                        || (s.getType().equals("Cipher") && s.getAlgorithm().startsWith("RSA/"))).toList();
        assertEquals(16, services.size(), services.toString());
        for (Provider.Service s : services) {
            assertTrue(s.supportsParameter(handle), s.toString());
            assertFalse(s.supportsParameter(jdk.getPrivate()), s.toString());
            assertFalse(s.supportsParameter(handle.publicKey()), s.toString());
        }
    }

    private static Signature initSign(String algorithm, java.security.PrivateKey key) throws Exception {
        Signature s = Signature.getInstance(algorithm);
        s.initSign(key);
        return s;
    }

    @Test
    void rsassaPss_signsWithAwsParameters_andRefusesOthers() throws Exception {
        KmsPrivateKeyHandle key = KEYS.get(KeySpec.RSA_2048);
        for (String hash : new String[] {"SHA-256", "SHA-384", "SHA-512"}) {
            int saltLength = Integer.parseInt(hash.substring(4)) / 8;
            PSSParameterSpec pss = new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), saltLength, 1);
            Signature signer = Signature.getInstance("RSASSA-PSS", Fixtures.PROVIDER);
            signer.setParameter(pss); // before initSign, as JSSE does
            signer.initSign(key);
            signer.update(MESSAGE);
            byte[] signature = signer.sign();
            assertNotNull(signer.getParameters(), "the parameters, for the certificate's AlgorithmIdentifier");

            Signature verifier = Signature.getInstance("RSASSA-PSS", "SunRsaSign");
            verifier.setParameter(pss);
            verifier.initVerify(key.publicKey());
            verifier.update(MESSAGE);
            assertTrue(verifier.verify(signature), hash);
        }

        Signature pss = Signature.getInstance("RSASSA-PSS", Fixtures.PROVIDER);
        pss.initSign(key);
        var salt20 = assertThrows(InvalidAlgorithmParameterException.class, () -> pss.setParameter(
                new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 20, 1)));
        assertTrue(salt20.getMessage().contains("salt"), salt20.getMessage());
        var mgfSha1 = assertThrows(InvalidAlgorithmParameterException.class, () -> pss.setParameter(
                new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA1, 32, 1)));
        assertTrue(mgfSha1.getMessage().contains("MGF1"), mgfSha1.getMessage());
        assertThrows(InvalidAlgorithmParameterException.class, () -> pss.setParameter(
                new PSSParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1, 20, 1)));
        assertThrows(InvalidAlgorithmParameterException.class, () -> pss.setParameter(
                new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 2)));
        var none = assertThrows(SignatureException.class, () -> pss.update(MESSAGE), "no parameters set: nothing to hash with");
        assertTrue(none.getMessage().contains("PSSParameterSpec"), none.getMessage());
    }

    @Test
    void aKeyOfAnotherKind_orAnotherAlgorithm_isRefusedAtInit() throws Exception {
        var rsaWithEcdsa = assertThrows(InvalidKeyException.class,
                () -> Signature.getInstance("SHA256withECDSA", Fixtures.PROVIDER).initSign(KEYS.get(KeySpec.RSA_2048)));
        assertTrue(rsaWithEcdsa.getMessage().contains("RSA_2048"), rsaWithEcdsa.getMessage());
        // AWS KMS signs with a P-384 key by ECDSA_SHA_384 only
        var p384WithSha256 = assertThrows(InvalidKeyException.class,
                () -> Signature.getInstance("SHA256withECDSA", Fixtures.PROVIDER).initSign(KEYS.get(KeySpec.ECC_NIST_P384)));
        assertTrue(p384WithSha256.getMessage().contains("ECDSA_SHA_384"), p384WithSha256.getMessage());
        assertThrows(InvalidKeyException.class,
                () -> Signature.getInstance("ML-DSA-44", Fixtures.PROVIDER).initSign(KEYS.get(KeySpec.ML_DSA_65)));
        var jdkKey = assertThrows(InvalidKeyException.class, () -> Signature.getInstance("SHA256withECDSA", Fixtures.PROVIDER)
                .initSign(KeyPairGenerator.getInstance("EC").generateKeyPair().getPrivate()));
        assertTrue(jdkKey.getMessage().contains("KMS private-key handle"), jdkKey.getMessage());
        var verify = assertThrows(InvalidKeyException.class, () -> Signature.getInstance("SHA256withECDSA", Fixtures.PROVIDER)
                .initVerify(KEYS.get(KeySpec.ECC_NIST_P256).publicKey()));
        assertTrue(verify.getMessage().contains("only signs"), verify.getMessage());
    }

    @Test
    void aKeyOfAnotherUsage_orDisabled_isRefusedAndAudited() throws Exception {
        var fresh = AsymmetricFixtures.newStore();
        KmsPrivateKeyHandle decrypting = fresh.create("decrypting", KeySpec.RSA_2048, KeyUsage.ENCRYPT_DECRYPT);
        assertThrows(InvalidKeyException.class, () -> Signature.getInstance("SHA256withRSA", Fixtures.PROVIDER).initSign(decrypting));
        assertEquals(1, fresh.audit().stream().filter(e -> e.operation() == AuditOperation.SIGN
                && e.outcome() != AuditOutcome.SUCCESS && decrypting.keyId().toString().equals(e.keyId())).count());

        KmsPrivateKeyHandle signing = fresh.create("signing", KeySpec.ECC_NIST_P256);
        fresh.service().disableKey("signing");
        var disabled = assertThrows(InvalidKeyException.class,
                () -> Signature.getInstance("SHA256withECDSA", Fixtures.PROVIDER).initSign(signing));
        assertTrue(disabled.getMessage().contains("Disabled"), disabled.getMessage());
        assertEquals(1, fresh.audit().stream().filter(e -> e.operation() == AuditOperation.SIGN
                && e.outcome() != AuditOutcome.SUCCESS && signing.keyId().toString().equals(e.keyId())).count());
    }

    @Test
    void ed25519_buffersAtMostAwsRawLimit() throws Exception {
        Signature signer = Signature.getInstance("Ed25519", Fixtures.PROVIDER);
        signer.initSign(KEYS.get(KeySpec.ECC_NIST_EDWARDS25519));
        byte[] message = new byte[4096];
        message[4095] = 7;
        signer.update(message);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("Ed25519", "SunEC");
        verifier.initVerify(KEYS.get(KeySpec.ECC_NIST_EDWARDS25519).publicKey());
        verifier.update(message);
        assertTrue(verifier.verify(signature), "a message of AWS's RAW limit signs");

        signer.update(message);
        var tooLong = assertThrows(SignatureException.class, () -> signer.update(new byte[1]));
        assertTrue(tooLong.getMessage().contains("at most 4096"), tooLong.getMessage());
        assertThrows(SignatureException.class, signer::sign, "no signature of a truncated message");
    }

    @Test
    void mlDsa_streamsAMessageOfAnyLength_throughExternalMu() throws Exception {
        KmsPrivateKeyHandle key = KEYS.get(KeySpec.ML_DSA_65);
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 0x5a);
        Signature signer = Signature.getInstance("ML-DSA", Fixtures.PROVIDER);
        signer.initSign(key);
        for (int i = 0; i < 32; i++) {
            signer.update(chunk); // 2 MiB, far past AWS's 4096-byte RAW limit
        }
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("ML-DSA", BC);
        verifier.initVerify(bcKey(key.publicKey()));
        for (int i = 0; i < 32; i++) {
            verifier.update(chunk);
        }
        assertTrue(verifier.verify(signature), "the signature of the message itself");
        verifier.initVerify(bcKey(key.publicKey()));
        verifier.update(chunk);
        assertFalse(verifier.verify(signature));
    }
}
