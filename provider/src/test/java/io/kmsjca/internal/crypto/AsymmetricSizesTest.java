package io.kmsjca.internal.crypto;

import io.kmsjca.keys.EncryptionAlgorithm;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import java.security.KeyPair;
import java.security.spec.MGF1ParameterSpec;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sizes a remote answer is held to are those real keys' operations give: every signature of
 * every spec and algorithm, every ECDH secret, every OAEP plaintext the JDK encrypts, and one byte
 * more (or less, where the size is exact) is refused.
 */
class AsymmetricSizesTest {

    private final AsymmetricPrimitives primitives = new AsymmetricPrimitives();

    @ParameterizedTest
    @MethodSource("io.kmsjca.internal.crypto.AsymmetricPrimitivesTest#signingPairs")
    void everySignatureOfARealKey_hasALengthOfItsSpec_andOfItsAlgorithm(KeySpec spec, SigningAlgorithm algorithm)
            throws Exception {
        KeyPair pair = TestKeyPairs.of(spec);
        for (int i = 0; i < 20; i++) { // ECDSA's length varies with r and s
            byte[] message = ("message " + i).getBytes();
            byte[] signature = primitives.sign(pair.getPrivate(), spec, algorithm, MessageType.RAW, message, 0, message.length);
            assertTrue(AsymmetricSizes.isSignatureLength(spec, signature.length), spec + " " + signature.length);
            assertTrue(AsymmetricSizes.isSignatureLength(algorithm, signature.length), algorithm + " " + signature.length);
        }
    }

    @ParameterizedTest
    @EnumSource(value = KeySpec.class, names = {"RSA_2048", "RSA_3072", "RSA_4096", "ML_DSA_44", "ML_DSA_65",
            "ML_DSA_87", "ECC_NIST_EDWARDS25519"})
    void anExactSize_refusesOneByteLessAndOneMore(KeySpec spec) throws Exception {
        SigningAlgorithm algorithm = SigningAlgorithm.forKey(spec, KeyUsage.SIGN_VERIFY).get(0);
        byte[] message = {1, 2, 3};
        int length = primitives.sign(TestKeyPairs.of(spec).getPrivate(), spec, algorithm, MessageType.RAW, message, 0, 3).length;
        assertTrue(AsymmetricSizes.isSignatureLength(spec, length));
        assertFalse(AsymmetricSizes.isSignatureLength(spec, length - 1), "a dropped leading zero");
        assertFalse(AsymmetricSizes.isSignatureLength(spec, length + 1));
    }

    @Test
    void ecdsa_takesDerUpToTwoIntegersOfTheOrdersLengthWithASignByte_andNoMore() {
        // P-256 / secp256k1: 2 + 2 × (2 + 33) = 72; P-384: 2 + 2 × (2 + 49) = 104; P-521: 3 + 2 × (2 + 67) = 141
        assertBound(KeySpec.ECC_NIST_P256, 72);
        assertBound(KeySpec.ECC_SECG_P256K1, 72);
        assertBound(KeySpec.ECC_NIST_P384, 104);
        assertBound(KeySpec.ECC_NIST_P521, 141);
        assertFalse(AsymmetricSizes.isSignatureLength(KeySpec.ECC_NIST_P256, 7), "shorter than two one-byte INTEGERs");
        assertTrue(AsymmetricSizes.isSignatureLength(KeySpec.ECC_NIST_P256, 8));
        // by algorithm alone: ECDSA_SHA_256 is P-256's or secp256k1's, never P-384's length
        assertFalse(AsymmetricSizes.isSignatureLength(SigningAlgorithm.ECDSA_SHA_256, 104));
        assertTrue(AsymmetricSizes.isSignatureLength(SigningAlgorithm.ECDSA_SHA_384, 104));
        assertFalse(AsymmetricSizes.isSignatureLength(SigningAlgorithm.RSASSA_PSS_SHA_256, 255));
        assertTrue(AsymmetricSizes.isSignatureLength(SigningAlgorithm.RSASSA_PSS_SHA_256, 384));
        assertFalse(AsymmetricSizes.isSignatureLength(KeySpec.SYMMETRIC_DEFAULT, 32));
        assertFalse(AsymmetricSizes.isSignatureLength(KeySpec.HMAC_256, 32));
    }

    private static void assertBound(KeySpec spec, int max) {
        assertTrue(AsymmetricSizes.isSignatureLength(spec, max), spec + " " + max);
        assertFalse(AsymmetricSizes.isSignatureLength(spec, max + 1), spec + " " + (max + 1));
    }

    @ParameterizedTest
    @EnumSource(value = KeySpec.class, names = {"ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1"})
    void anEcdhSecret_isItsFieldsLength(KeySpec spec) throws Exception {
        KeyPair mine = TestKeyPairs.of(spec);
        KeyPair theirs = KeyPairs.generate(spec);
        byte[] secret = primitives.ecdh(mine.getPrivate(), spec, theirs.getPublic());
        assertEquals(secret.length, AsymmetricSizes.sharedSecretBytes(spec));
        assertTrue(AsymmetricSizes.isSharedSecretLength(secret.length));
    }

    @Test
    void sharedSecretLengths_areTheCurvesFields_only() {
        assertEquals(java.util.List.of(32, 48, 66),
                IntStream.rangeClosed(0, 100).filter(AsymmetricSizes::isSharedSecretLength).boxed().toList());
        assertThrows(IllegalArgumentException.class, () -> AsymmetricSizes.sharedSecretBytes(KeySpec.RSA_2048));
    }

    @ParameterizedTest
    @EnumSource(value = KeySpec.class, names = {"RSA_2048", "RSA_3072", "RSA_4096"})
    void theOaepMaximum_isWhatTheJdkEncrypts_andNotAByteMore(KeySpec spec) throws Exception {
        KeyPair pair = TestKeyPairs.of(spec);
        for (EncryptionAlgorithm algorithm : EncryptionAlgorithm.forKey(spec, KeyUsage.ENCRYPT_DECRYPT)) {
            String hash = algorithm == EncryptionAlgorithm.RSAES_OAEP_SHA_1 ? "SHA-1" : "SHA-256";
            Cipher jdk = Cipher.getInstance("RSA/ECB/OAEPPadding", "SunJCE");
            OAEPParameterSpec params = new OAEPParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), PSource.PSpecified.DEFAULT);
            int max = AsymmetricSizes.oaepMaxPlaintextBytes(spec, algorithm);
            jdk.init(Cipher.ENCRYPT_MODE, pair.getPublic(), params);
            assertEquals(spec.bits() / 8, jdk.doFinal(new byte[max]).length);
            jdk.init(Cipher.ENCRYPT_MODE, pair.getPublic(), params);
            assertThrows(IllegalBlockSizeException.class, () -> jdk.doFinal(new byte[max + 1]));
            assertTrue(AsymmetricSizes.oaepMaxPlaintextBytes(algorithm) >= max, "any spec: the longest modulus");
        }
        assertEquals(446, AsymmetricSizes.oaepMaxPlaintextBytes(EncryptionAlgorithm.RSAES_OAEP_SHA_256));
        assertThrows(IllegalArgumentException.class,
                () -> AsymmetricSizes.oaepMaxPlaintextBytes(KeySpec.ECC_NIST_P256, EncryptionAlgorithm.RSAES_OAEP_SHA_256));
        assertThrows(IllegalArgumentException.class,
                () -> AsymmetricSizes.oaepMaxPlaintextBytes(256, EncryptionAlgorithm.SYMMETRIC_DEFAULT));
    }
}
