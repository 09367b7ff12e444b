package io.kmsjca.internal.crypto;

import io.kmsjca.keys.EncryptionAlgorithm;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;
import org.bouncycastle.crypto.digests.SHAKEDigest;
import org.bouncycastle.jcajce.interfaces.MLDSAPublicKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EdDSAParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class AsymmetricPrimitivesTest {

    private static final byte[] MESSAGE = "kms-jca asymmetric signing test message".getBytes(StandardCharsets.US_ASCII);

    private final AsymmetricPrimitives primitives = new AsymmetricPrimitives();

    /** Every (spec, signing algorithm) pair AWS KMS allows. */
    static Stream<Arguments> signingPairs() {
        List<Arguments> all = new ArrayList<>();
        TestKeyPairs.asymmetricSpecs().forEach(spec -> {
            for (SigningAlgorithm a : SigningAlgorithm.forKey(spec, KeyUsage.SIGN_VERIFY)) {
                all.add(Arguments.of(spec, a));
            }
        });
        return all.stream();
    }

    /** The (spec, algorithm) pairs that take a DIGEST message. */
    static Stream<Arguments> digestPairs() {
        return signingPairs().filter(a -> ((SigningAlgorithm) a.get()[1]).digestAlgorithm() != null);
    }

    /** The standard JCA Signature that verifies a KMS signature on the RAW message. */
    private static Signature standard(KeySpec spec, SigningAlgorithm algorithm) throws Exception {
        String hash = algorithm.digestAlgorithm() == null ? null : algorithm.digestAlgorithm().replace("-", "");
        Provider bc = AsymmetricProviders.BC;
        return switch (algorithm) {
            case RSASSA_PSS_SHA_256, RSASSA_PSS_SHA_384, RSASSA_PSS_SHA_512 -> {
                Signature s = Signature.getInstance("RSASSA-PSS", "SunRsaSign");
                // AWS KMS's PSS: salt as long as the hash, MGF1 with the same hash, trailer field 1
                String h = algorithm.digestAlgorithm();
                s.setParameter(new PSSParameterSpec(h, "MGF1", new MGF1ParameterSpec(h),
                        MessageDigest.getInstance(h).getDigestLength(), PSSParameterSpec.TRAILER_FIELD_BC));
                yield s;
            }
            case RSASSA_PKCS1_V1_5_SHA_256, RSASSA_PKCS1_V1_5_SHA_384, RSASSA_PKCS1_V1_5_SHA_512 ->
                    Signature.getInstance(hash + "withRSA", "SunRsaSign");
            case ECDSA_SHA_256, ECDSA_SHA_384, ECDSA_SHA_512 -> spec == KeySpec.ECC_SECG_P256K1
                    ? Signature.getInstance(hash + "withECDSA", bc) : Signature.getInstance(hash + "withECDSA", "SunEC");
            case ED25519_SHA_512 -> Signature.getInstance("Ed25519", "SunEC");
            case ED25519_PH_SHA_512 -> {
                Signature s = Signature.getInstance("Ed25519", "SunEC");
                s.setParameter(new EdDSAParameterSpec(true));
                yield s;
            }
            case ML_DSA_SHAKE_256 -> Signature.getInstance("ML-DSA", bc);
        };
    }

    private static boolean standardVerifies(KeySpec spec, SigningAlgorithm algorithm, byte[] message, byte[] signature)
            throws Exception {
        Signature s = standard(spec, algorithm);
        s.initVerify(TestKeyPairs.of(spec).getPublic());
        s.update(message);
        return s.verify(signature);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("signingPairs")
    void signRaw_isVerifiedByTheStandardSignature_andByVerify(KeySpec spec, SigningAlgorithm algorithm) throws Exception {
        KeyPair pair = TestKeyPairs.of(spec);
        byte[] padded = new byte[MESSAGE.length + 7];
        System.arraycopy(MESSAGE, 0, padded, 3, MESSAGE.length);
        byte[] sig = primitives.sign(pair.getPrivate(), spec, algorithm, MessageType.RAW, padded, 3, MESSAGE.length);
        assertTrue(standardVerifies(spec, algorithm, MESSAGE, sig));
        assertTrue(primitives.verify(pair.getPublic(), spec, algorithm, MessageType.RAW, MESSAGE, sig));
        byte[] other = MESSAGE.clone();
        other[0] ^= 1;
        assertFalse(primitives.verify(pair.getPublic(), spec, algorithm, MessageType.RAW, other, sig));
        assertFalse(standardVerifies(spec, algorithm, other, sig));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("digestPairs")
    void signDigest_isVerifiedByTheStandardSignatureOnTheRawMessage(KeySpec spec, SigningAlgorithm algorithm)
            throws Exception {
        KeyPair pair = TestKeyPairs.of(spec);
        byte[] digest = MessageDigest.getInstance(algorithm.digestAlgorithm()).digest(MESSAGE);
        byte[] sig = primitives.sign(pair.getPrivate(), spec, algorithm, MessageType.DIGEST, digest, 0, digest.length);
        assertTrue(standardVerifies(spec, algorithm, MESSAGE, sig));
        assertTrue(primitives.verify(pair.getPublic(), spec, algorithm, MessageType.DIGEST, digest, sig));
        assertTrue(primitives.verify(pair.getPublic(), spec, algorithm, MessageType.RAW, MESSAGE, sig));
        // and a signature the standard Signature made verifies as a DIGEST
        Signature s = standard(spec, algorithm);
        s.initSign(pair.getPrivate());
        s.update(MESSAGE);
        byte[] standardSig = s.sign();
        assertTrue(primitives.verify(pair.getPublic(), spec, algorithm, MessageType.DIGEST, digest, standardSig));
        digest[digest.length - 1] ^= 1;
        assertFalse(primitives.verify(pair.getPublic(), spec, algorithm, MessageType.DIGEST, digest, standardSig));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("signingPairs")
    void verify_malformedSignatures_areFalse_neverThrown(KeySpec spec, SigningAlgorithm algorithm) throws Exception {
        KeyPair pair = TestKeyPairs.of(spec);
        byte[] sig = primitives.sign(pair.getPrivate(), spec, algorithm, MessageType.RAW, MESSAGE, 0, MESSAGE.length);
        PublicKey pub = pair.getPublic();
        for (byte[] bad : List.of(new byte[0], new byte[1], Arrays.copyOf(sig, sig.length - 1),
                Arrays.copyOf(sig, sig.length + 1), new byte[sig.length], new byte[100_000])) {
            assertFalse(primitives.verify(pub, spec, algorithm, MessageType.RAW, MESSAGE, bad));
        }
        assertFalse(primitives.verify(pub, spec, algorithm, MessageType.RAW, MESSAGE, null));
        for (int i = 0; i < sig.length; i += Math.max(1, sig.length / 16)) {
            byte[] flipped = sig.clone();
            flipped[i] ^= 0x40;
            assertFalse(primitives.verify(pub, spec, algorithm, MessageType.RAW, MESSAGE, flipped), "byte " + i);
        }
    }

    @Test
    void rsaPss_signaturesAreRandomised_pkcs1AndEd25519AreNot() throws Exception {
        KeyPair rsa = TestKeyPairs.of(KeySpec.RSA_2048);
        byte[] a = primitives.sign(rsa.getPrivate(), KeySpec.RSA_2048, SigningAlgorithm.RSASSA_PSS_SHA_256,
                MessageType.RAW, MESSAGE, 0, MESSAGE.length);
        byte[] b = primitives.sign(rsa.getPrivate(), KeySpec.RSA_2048, SigningAlgorithm.RSASSA_PSS_SHA_256,
                MessageType.RAW, MESSAGE, 0, MESSAGE.length);
        assertFalse(Arrays.equals(a, b)); // a random salt of 32 bytes each time
        byte[] c = primitives.sign(rsa.getPrivate(), KeySpec.RSA_2048, SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_256,
                MessageType.RAW, MESSAGE, 0, MESSAGE.length);
        Signature jdk = Signature.getInstance("SHA256withRSA");
        jdk.initSign(rsa.getPrivate());
        jdk.update(MESSAGE);
        assertArrayEquals(jdk.sign(), c); // PKCS#1 v1.5 is deterministic: byte for byte the JDK's
    }

    @Test
    void mlDsa_externalMu_signsWhatPureMlDsaVerifies() throws Exception {
        for (KeySpec spec : new KeySpec[] {KeySpec.ML_DSA_44, KeySpec.ML_DSA_65, KeySpec.ML_DSA_87}) {
            KeyPair pair = TestKeyPairs.of(spec);
            byte[] mu = mu(pair.getPublic(), MESSAGE);
            byte[] sig = primitives.sign(pair.getPrivate(), spec, SigningAlgorithm.ML_DSA_SHAKE_256,
                    MessageType.EXTERNAL_MU, mu, 0, mu.length);
            assertTrue(standardVerifies(spec, SigningAlgorithm.ML_DSA_SHAKE_256, MESSAGE, sig));
            assertTrue(primitives.verify(pair.getPublic(), spec, SigningAlgorithm.ML_DSA_SHAKE_256,
                    MessageType.EXTERNAL_MU, mu, sig));
            mu[0] ^= 1;
            assertFalse(primitives.verify(pair.getPublic(), spec, SigningAlgorithm.ML_DSA_SHAKE_256,
                    MessageType.EXTERNAL_MU, mu, sig));
        }
    }

    /** FIPS 204 algorithm 7 line 6, empty context: mu = SHAKE256(SHAKE256(pk, 64) || 0 || 0 || M, 64). */
    private static byte[] mu(PublicKey key, byte[] message) {
        byte[] pk = ((MLDSAPublicKey) key).getPublicData();
        SHAKEDigest tr = new SHAKEDigest(256);
        tr.update(pk, 0, pk.length);
        byte[] trBytes = new byte[64];
        tr.doFinal(trBytes, 0, 64);
        SHAKEDigest m = new SHAKEDigest(256);
        m.update(trBytes, 0, 64);
        m.update((byte) 0);
        m.update((byte) 0);
        m.update(message, 0, message.length);
        byte[] mu = new byte[64];
        m.doFinal(mu, 0, 64);
        return mu;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("digestPairs")
    void digestOfTheWrongLength_isRejected(KeySpec spec, SigningAlgorithm algorithm) throws Exception {
        KeyPair pair = TestKeyPairs.of(spec);
        int n = MessageDigest.getInstance(algorithm.digestAlgorithm()).getDigestLength();
        for (int len : new int[] {0, n - 1, n + 1, 20}) {
            byte[] d = new byte[len];
            var e = assertThrows(SignatureException.class,
                    () -> primitives.sign(pair.getPrivate(), spec, algorithm, MessageType.DIGEST, d, 0, d.length));
            assertTrue(e.getMessage().contains(Integer.toString(n)), e.getMessage());
            assertThrows(SignatureException.class,
                    () -> primitives.verify(pair.getPublic(), spec, algorithm, MessageType.DIGEST, d, new byte[8]));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("signingPairs")
    void rawMessage_upTo4096Bytes_isSigned_longerIsRejected(KeySpec spec, SigningAlgorithm algorithm) throws Exception {
        if (spec.family() == KeySpec.Family.RSA && spec != KeySpec.RSA_2048) {
            return; // the bound is the same code for every key size
        }
        KeyPair pair = TestKeyPairs.of(spec);
        byte[] max = new byte[MessageType.MAX_RAW_BYTES + 1];
        byte[] sig = primitives.sign(pair.getPrivate(), spec, algorithm, MessageType.RAW, max, 0, MessageType.MAX_RAW_BYTES);
        assertTrue(standardVerifies(spec, algorithm, Arrays.copyOf(max, MessageType.MAX_RAW_BYTES), sig));
        var e = assertThrows(SignatureException.class,
                () -> primitives.sign(pair.getPrivate(), spec, algorithm, MessageType.RAW, max, 0, max.length));
        assertTrue(e.getMessage().contains("4096"), e.getMessage());
        assertThrows(SignatureException.class,
                () -> primitives.verify(pair.getPublic(), spec, algorithm, MessageType.RAW, max, sig));
    }

    @ParameterizedTest
    @EnumSource(value = KeySpec.class, names = {"ML_DSA_44", "ML_DSA_65", "ML_DSA_87"})
    void mlDsa_digest_andWrongMuLength_areRejected(KeySpec spec) {
        KeyPair pair = TestKeyPairs.of(spec);
        byte[] d = new byte[64];
        assertThrows(SignatureException.class, () -> primitives.sign(pair.getPrivate(), spec,
                SigningAlgorithm.ML_DSA_SHAKE_256, MessageType.DIGEST, d, 0, d.length));
        assertThrows(SignatureException.class, () -> primitives.sign(pair.getPrivate(), spec,
                SigningAlgorithm.ML_DSA_SHAKE_256, MessageType.EXTERNAL_MU, d, 0, 63));
    }

    @Test
    void ed25519Pure_digest_andExternalMuElsewhere_areRejected() {
        KeyPair ed = TestKeyPairs.of(KeySpec.ECC_NIST_EDWARDS25519);
        byte[] d = new byte[64];
        assertThrows(SignatureException.class, () -> primitives.sign(ed.getPrivate(), KeySpec.ECC_NIST_EDWARDS25519,
                SigningAlgorithm.ED25519_SHA_512, MessageType.DIGEST, d, 0, d.length));
        KeyPair p256 = TestKeyPairs.of(KeySpec.ECC_NIST_P256);
        assertThrows(SignatureException.class, () -> primitives.sign(p256.getPrivate(), KeySpec.ECC_NIST_P256,
                SigningAlgorithm.ECDSA_SHA_256, MessageType.EXTERNAL_MU, d, 0, d.length));
    }

    @Test
    void algorithmOfAnotherSpec_isRejected_namingTheAllowedOnes() {
        KeyPair p256 = TestKeyPairs.of(KeySpec.ECC_NIST_P256);
        var e = assertThrows(InvalidAlgorithmParameterException.class, () -> primitives.sign(p256.getPrivate(),
                KeySpec.ECC_NIST_P256, SigningAlgorithm.ECDSA_SHA_512, MessageType.RAW, MESSAGE, 0, MESSAGE.length));
        assertTrue(e.getMessage().contains("ECDSA_SHA_256"), e.getMessage());
        assertThrows(InvalidAlgorithmParameterException.class, () -> primitives.verify(p256.getPublic(),
                KeySpec.ECC_NIST_P256, SigningAlgorithm.RSASSA_PSS_SHA_256, MessageType.RAW, MESSAGE, new byte[64]));
        KeyPair rsa = TestKeyPairs.of(KeySpec.RSA_2048);
        assertThrows(InvalidAlgorithmParameterException.class, () -> primitives.sign(rsa.getPrivate(),
                KeySpec.RSA_2048, SigningAlgorithm.ECDSA_SHA_256, MessageType.RAW, MESSAGE, 0, MESSAGE.length));
        KeyPair ml = TestKeyPairs.of(KeySpec.ML_DSA_44);
        assertThrows(InvalidAlgorithmParameterException.class, () -> primitives.sign(ml.getPrivate(),
                KeySpec.ML_DSA_44, SigningAlgorithm.ED25519_SHA_512, MessageType.RAW, MESSAGE, 0, MESSAGE.length));
    }

    // ---- RSA-OAEP

    private static OAEPParameterSpec oaep(EncryptionAlgorithm a) {
        return a == EncryptionAlgorithm.RSAES_OAEP_SHA_1
                ? new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT)
                : new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);
    }

    static Stream<Arguments> oaepPairs() {
        List<Arguments> all = new ArrayList<>();
        for (KeySpec spec : new KeySpec[] {KeySpec.RSA_2048, KeySpec.RSA_3072, KeySpec.RSA_4096}) {
            for (EncryptionAlgorithm a : EncryptionAlgorithm.forKey(spec, KeyUsage.ENCRYPT_DECRYPT)) {
                all.add(Arguments.of(spec, a));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("oaepPairs")
    void oaep_roundTrip_andInteropWithTheJdkCipher(KeySpec spec, EncryptionAlgorithm algorithm) throws Exception {
        KeyPair pair = TestKeyPairs.of(spec);
        byte[] ct = primitives.encrypt(pair.getPublic(), spec, algorithm, MESSAGE);
        assertEquals(spec.bits() / 8, ct.length);
        assertArrayEquals(MESSAGE, primitives.decrypt(pair.getPrivate(), spec, algorithm, ct));
        Cipher jdk = Cipher.getInstance("RSA/ECB/OAEPPadding");
        jdk.init(Cipher.DECRYPT_MODE, pair.getPrivate(), oaep(algorithm));
        assertArrayEquals(MESSAGE, jdk.doFinal(ct));
        jdk.init(Cipher.ENCRYPT_MODE, pair.getPublic(), oaep(algorithm));
        assertArrayEquals(MESSAGE, primitives.decrypt(pair.getPrivate(), spec, algorithm, jdk.doFinal(MESSAGE)));
        assertFalse(Arrays.equals(ct, primitives.encrypt(pair.getPublic(), spec, algorithm, MESSAGE))); // random seed
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("oaepPairs")
    void oaep_largestPlaintext_isEncrypted_oneMoreByteIsRejected(KeySpec spec, EncryptionAlgorithm algorithm)
            throws Exception {
        KeyPair pair = TestKeyPairs.of(spec);
        int h = algorithm == EncryptionAlgorithm.RSAES_OAEP_SHA_1 ? 20 : 32;
        byte[] max = new byte[spec.bits() / 8 - 2 * h - 2];
        Arrays.fill(max, (byte) 7);
        assertArrayEquals(max, primitives.decrypt(pair.getPrivate(), spec, algorithm,
                primitives.encrypt(pair.getPublic(), spec, algorithm, max)));
        var e = assertThrows(IllegalBlockSizeException.class,
                () -> primitives.encrypt(pair.getPublic(), spec, algorithm, new byte[max.length + 1]));
        // refused by the provider's own check (RFC 8017 section 7.1.1), naming the limit, not by the JDK cipher's
        assertTrue(e.getMessage().contains("encrypts at most " + max.length + " bytes"), e.getMessage());
    }

    @Test
    void oaep_everyDecryptionFailure_isOneBadPaddingException() throws Exception {
        KeySpec spec = KeySpec.RSA_2048;
        KeyPair pair = TestKeyPairs.of(spec);
        byte[] ct = primitives.encrypt(pair.getPublic(), spec, EncryptionAlgorithm.RSAES_OAEP_SHA_256, MESSAGE);
        byte[] tampered = ct.clone();
        tampered[100] ^= 1;
        List<byte[]> bad = List.of(tampered, Arrays.copyOf(ct, ct.length - 1), Arrays.copyOf(ct, ct.length + 1),
                new byte[0], new BigInteger(1, ct).add(((java.security.interfaces.RSAKey) pair.getPublic()).getModulus())
                        .toByteArray());
        List<String> messages = new ArrayList<>();
        for (byte[] c : bad) {
            messages.add(assertThrows(BadPaddingException.class, () -> primitives.decrypt(pair.getPrivate(), spec,
                    EncryptionAlgorithm.RSAES_OAEP_SHA_256, c)).getMessage());
        }
        // the right ciphertext under the other hash
        messages.add(assertThrows(BadPaddingException.class, () -> primitives.decrypt(pair.getPrivate(), spec,
                EncryptionAlgorithm.RSAES_OAEP_SHA_1, ct)).getMessage());
        assertEquals(1, messages.stream().distinct().count(), messages.toString());
    }

    @Test
    void oaep_onANonRsaSpec_orSymmetricAlgorithm_isRejected() {
        KeyPair rsa = TestKeyPairs.of(KeySpec.RSA_2048);
        assertThrows(InvalidAlgorithmParameterException.class, () -> primitives.encrypt(rsa.getPublic(),
                KeySpec.RSA_2048, EncryptionAlgorithm.SYMMETRIC_DEFAULT, MESSAGE));
        KeyPair ec = TestKeyPairs.of(KeySpec.ECC_NIST_P256);
        assertThrows(InvalidAlgorithmParameterException.class, () -> primitives.encrypt(ec.getPublic(),
                KeySpec.ECC_NIST_P256, EncryptionAlgorithm.RSAES_OAEP_SHA_256, MESSAGE));
    }

    // ---- ECDH

    @ParameterizedTest
    @EnumSource(value = KeySpec.class, names = {"ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1"})
    void ecdh_equalsTheStandardKeyAgreement_onBothSides(KeySpec spec) throws Exception {
        KeyPair ours = TestKeyPairs.of(spec);
        KeyPair peer = KeyPairs.generate(spec);
        byte[] secret = primitives.ecdh(ours.getPrivate(), spec, peer.getPublic());
        KeyAgreement ka = spec == KeySpec.ECC_SECG_P256K1 ? KeyAgreement.getInstance("ECDH", AsymmetricProviders.BC)
                : KeyAgreement.getInstance("ECDH", "SunEC");
        ka.init(peer.getPrivate());
        ka.doPhase(ours.getPublic(), true);
        assertArrayEquals(ka.generateSecret(), secret);
        assertEquals((spec.bits() + 7) / 8, secret.length);
        assertArrayEquals(secret, primitives.ecdh(peer.getPrivate(), spec, ours.getPublic()));
    }

    @Test
    void ecdh_peerOfAnotherCurve_isRejected() {
        KeyPair ours = TestKeyPairs.of(KeySpec.ECC_NIST_P256);
        for (KeySpec other : new KeySpec[] {KeySpec.ECC_NIST_P384, KeySpec.ECC_SECG_P256K1, KeySpec.RSA_2048,
                KeySpec.ECC_NIST_EDWARDS25519}) {
            assertThrows(InvalidKeyException.class,
                    () -> primitives.ecdh(ours.getPrivate(), KeySpec.ECC_NIST_P256, TestKeyPairs.of(other).getPublic()),
                    other.name());
        }
        assertThrows(InvalidKeyException.class, () -> primitives.ecdh(TestKeyPairs.of(KeySpec.RSA_2048).getPrivate(),
                KeySpec.RSA_2048, TestKeyPairs.of(KeySpec.RSA_2048).getPublic()));
    }

    @Test
    void ecdh_peerPointNotOnTheCurve_isRejected() throws Exception {
        KeyPair ours = TestKeyPairs.of(KeySpec.ECC_NIST_P256);
        ECPublicKey good = (ECPublicKey) KeyPairs.generate(KeySpec.ECC_NIST_P256).getPublic();
        PublicKey bad = KeyFactory.getInstance("EC", "SunEC").generatePublic(new ECPublicKeySpec(
                new ECPoint(good.getW().getAffineX(), good.getW().getAffineY().add(BigInteger.ONE)), good.getParams()));
        var e = assertThrows(InvalidKeyException.class,
                () -> primitives.ecdh(ours.getPrivate(), KeySpec.ECC_NIST_P256, bad));
        assertTrue(e.getMessage().contains("not on the curve"), e.getMessage());
    }
}
