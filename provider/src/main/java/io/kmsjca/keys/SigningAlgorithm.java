package io.kmsjca.keys;

import java.util.List;

/** AWS KMS's SigningAlgorithmSpec: how Sign and Verify use an asymmetric key. */
public enum SigningAlgorithm {
    RSASSA_PSS_SHA_256("SHA-256"),
    RSASSA_PSS_SHA_384("SHA-384"),
    RSASSA_PSS_SHA_512("SHA-512"),
    RSASSA_PKCS1_V1_5_SHA_256("SHA-256"),
    RSASSA_PKCS1_V1_5_SHA_384("SHA-384"),
    RSASSA_PKCS1_V1_5_SHA_512("SHA-512"),
    ECDSA_SHA_256("SHA-256"),
    ECDSA_SHA_384("SHA-384"),
    ECDSA_SHA_512("SHA-512"),
    /** FIPS 204 ML-DSA; a DIGEST message is not allowed, EXTERNAL_MU is the 64-byte mu. */
    ML_DSA_SHAKE_256(null),
    /** Pure Ed25519 (RFC 8032) of a RAW message. */
    ED25519_SHA_512(null),
    /** HashEdDSA (Ed25519ph) of a SHA-512 digest. */
    ED25519_PH_SHA_512("SHA-512");

    private final String digest;

    SigningAlgorithm(String digest) {
        this.digest = digest;
    }

    /** The JDK name of the digest a DIGEST message must be, or null when the algorithm takes none. */
    public String digestAlgorithm() {
        return digest;
    }

    /** The signing algorithms AWS KMS lists for a key of this spec and usage (none unless SIGN_VERIFY). */
    public static List<SigningAlgorithm> forKey(KeySpec spec, KeyUsage usage) {
        if (usage != KeyUsage.SIGN_VERIFY) {
            return List.of();
        }
        return switch (spec.family()) {
            case RSA -> List.of(RSASSA_PSS_SHA_256, RSASSA_PSS_SHA_384, RSASSA_PSS_SHA_512, RSASSA_PKCS1_V1_5_SHA_256,
                    RSASSA_PKCS1_V1_5_SHA_384, RSASSA_PKCS1_V1_5_SHA_512);
            case EC -> switch (spec) {
                case ECC_NIST_P384 -> List.of(ECDSA_SHA_384);
                case ECC_NIST_P521 -> List.of(ECDSA_SHA_512);
                default -> List.of(ECDSA_SHA_256);
            };
            case ML_DSA -> List.of(ML_DSA_SHAKE_256);
            case EDDSA -> List.of(ED25519_SHA_512, ED25519_PH_SHA_512);
            case AES, HMAC -> List.of();
        };
    }
}
