package io.kmsjca.keys;

/**
 * The kind of key material (AWS KMS's KeySpec), with AWS's names. The order is part of the
 * key record format (docs/FORMAT.md): new specs are only ever appended.
 */
public enum KeySpec {
    /** A 256-bit AES key used through KMSWrap (KMS SYMMETRIC_DEFAULT). */
    SYMMETRIC_DEFAULT(Family.AES, 256),
    RSA_2048(Family.RSA, 2048),
    RSA_3072(Family.RSA, 3072),
    RSA_4096(Family.RSA, 4096),
    ECC_NIST_P256(Family.EC, 256),
    ECC_NIST_P384(Family.EC, 384),
    ECC_NIST_P521(Family.EC, 521),
    /** secp256k1 (signing only in AWS KMS; here also key agreement, see docs/decisions.md). */
    ECC_SECG_P256K1(Family.EC, 256),
    ML_DSA_44(Family.ML_DSA, 0),
    ML_DSA_65(Family.ML_DSA, 0),
    ML_DSA_87(Family.ML_DSA, 0),
    /** Ed25519 (AWS KMS's ECC_NIST_EDWARDS25519): pure EdDSA and HashEdDSA signing. */
    ECC_NIST_EDWARDS25519(Family.EDDSA, 255),
    /** An HMAC key of 224 bits used with HMAC-SHA-224 (usage GENERATE_VERIFY_MAC). */
    HMAC_224(Family.HMAC, 224),
    HMAC_256(Family.HMAC, 256),
    HMAC_384(Family.HMAC, 384),
    HMAC_512(Family.HMAC, 512);

    /** The algorithm family of a key spec. */
    public enum Family {
        AES, RSA, EC, ML_DSA, EDDSA, HMAC
    }

    private final Family family;
    private final int bits;

    KeySpec(Family family, int bits) {
        this.family = family;
        this.bits = bits;
    }

    public Family family() {
        return family;
    }

    /** The key size in bits (RSA modulus, curve field, HMAC key), 0 for ML-DSA. */
    public int bits() {
        return bits;
    }

    /** Whether the key is a key pair whose private half stays inside the provider. */
    public boolean isAsymmetric() {
        return family != Family.AES && family != Family.HMAC;
    }

    /** The key usages AWS KMS allows for this spec; the first is the default at CreateKey. */
    public java.util.List<KeyUsage> allowedUsages() {
        return switch (family) {
            case AES -> java.util.List.of(KeyUsage.ENCRYPT_DECRYPT);
            case RSA -> java.util.List.of(KeyUsage.ENCRYPT_DECRYPT, KeyUsage.SIGN_VERIFY);
            case EC -> java.util.List.of(KeyUsage.SIGN_VERIFY, KeyUsage.KEY_AGREEMENT);
            case ML_DSA, EDDSA -> java.util.List.of(KeyUsage.SIGN_VERIFY);
            case HMAC -> java.util.List.of(KeyUsage.GENERATE_VERIFY_MAC);
        };
    }
}
