package io.kmsjca.internal.crypto;

import io.kmsjca.keys.EncryptionAlgorithm;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.SigningAlgorithm;

import java.util.Arrays;

/**
 * The sizes the results of an asymmetric key's operations have, by key spec: what a result made
 * elsewhere (a kms-jca or AWS KMS server's answer) is held to before a caller sees it. A result of
 * another size is never right, and the classic wrong one (a leading zero byte dropped, as
 * {@code BigInteger.toByteArray} does) would otherwise fail one time in 256, far from its cause.
 */
public final class AsymmetricSizes {

    /** ML-DSA's signature sizes (FIPS 204 table 2): ML-DSA-44, -65, -87. */
    private static final int ML_DSA_44_SIGNATURE = 2420;
    private static final int ML_DSA_65_SIGNATURE = 3309;
    private static final int ML_DSA_87_SIGNATURE = 4627;
    /** Ed25519's signature, R || S (RFC 8032 section 5.1.6). */
    private static final int ED25519_SIGNATURE = 64;
    /** The shortest DER ECDSA signature: a SEQUENCE of two one-byte INTEGERs. */
    private static final int MIN_DER_ECDSA_SIGNATURE = 8;

    private AsymmetricSizes() {
    }

    /**
     * Whether a signature by a key of {@code spec} can be {@code length} bytes: an RSA signature
     * is exactly the modulus's length (RFC 8017 section 8.1.1 step 2c, I2OSP to k bytes), ECDSA's
     * DER (as AWS KMS returns it) at most two INTEGERs of the group order's length plus a sign
     * byte, Ed25519's 64 bytes, ML-DSA's its parameter set's.
     */
    public static boolean isSignatureLength(KeySpec spec, int length) {
        return switch (spec.family()) {
            case RSA -> length == bytes(spec);
            case EC -> length >= MIN_DER_ECDSA_SIGNATURE && length <= maxDerEcdsaSignature(bytes(spec));
            case EDDSA -> length == ED25519_SIGNATURE;
            case ML_DSA -> length == switch (spec) {
                case ML_DSA_44 -> ML_DSA_44_SIGNATURE;
                case ML_DSA_65 -> ML_DSA_65_SIGNATURE;
                default -> ML_DSA_87_SIGNATURE;
            };
            case AES, HMAC -> false;
        };
    }

    /**
     * Whether a signature made with {@code algorithm} by a key of some spec that signs with it
     * can be {@code length} bytes: what is known when only the key's id is.
     */
    public static boolean isSignatureLength(SigningAlgorithm algorithm, int length) {
        return Arrays.stream(KeySpec.values())
                .filter(spec -> SigningAlgorithm.forKey(spec, KeyUsage.SIGN_VERIFY).contains(algorithm))
                .anyMatch(spec -> isSignatureLength(spec, length));
    }

    /** The raw ECDH shared secret's length for a key of the EC {@code spec}: its field's bytes (SEC 1 section 3.3.1). */
    public static int sharedSecretBytes(KeySpec spec) {
        if (spec.family() != KeySpec.Family.EC) {
            throw new IllegalArgumentException(spec + " is not an EC key spec");
        }
        return bytes(spec);
    }

    /** Whether {@code length} is the shared secret's length of some EC spec: what is known when only the key's id is. */
    public static boolean isSharedSecretLength(int length) {
        return Arrays.stream(KeySpec.values())
                .anyMatch(spec -> spec.family() == KeySpec.Family.EC && bytes(spec) == length);
    }

    /** The longest plaintext RSA-OAEP with {@code algorithm} encrypts under a modulus of {@code modulusBytes} (RFC 8017 section 7.1.1 step 1b). */
    public static int oaepMaxPlaintextBytes(int modulusBytes, EncryptionAlgorithm algorithm) {
        int hashBytes = switch (algorithm) {
            case RSAES_OAEP_SHA_1 -> 20;
            case RSAES_OAEP_SHA_256 -> 32;
            case SYMMETRIC_DEFAULT -> throw new IllegalArgumentException(algorithm + " is not RSA-OAEP");
        };
        return modulusBytes - 2 * hashBytes - 2;
    }

    /** The longest plaintext RSA-OAEP with {@code algorithm} encrypts under a key of {@code spec}. */
    public static int oaepMaxPlaintextBytes(KeySpec spec, EncryptionAlgorithm algorithm) {
        if (spec.family() != KeySpec.Family.RSA) {
            throw new IllegalArgumentException(spec + " is not an RSA key spec");
        }
        return oaepMaxPlaintextBytes(bytes(spec), algorithm);
    }

    /** The longest plaintext RSA-OAEP with {@code algorithm} encrypts under a key of any RSA spec. */
    public static int oaepMaxPlaintextBytes(EncryptionAlgorithm algorithm) {
        return oaepMaxPlaintextBytes(KeySpec.RSA_4096, algorithm);
    }

    /** A key's size in bytes: an RSA modulus's, an EC field's (and, for these curves, its group order's). */
    private static int bytes(KeySpec spec) {
        return (spec.bits() + 7) / 8;
    }

    /** SEQUENCE { INTEGER r, INTEGER s }, each at most the order's bytes plus a zero sign byte. */
    private static int maxDerEcdsaSignature(int orderBytes) {
        int integer = 2 + orderBytes + 1;
        int content = 2 * integer;
        return (content < 128 ? 2 : 3) + content;
    }
}
