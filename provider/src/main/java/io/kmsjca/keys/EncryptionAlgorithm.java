package io.kmsjca.keys;

import java.util.List;

/** AWS KMS's EncryptionAlgorithmSpec. */
public enum EncryptionAlgorithm {
    /** AES-256-GCM under a symmetric key (KMSWrap). */
    SYMMETRIC_DEFAULT,
    /** RSA-OAEP with SHA-1 and MGF1 SHA-1. */
    RSAES_OAEP_SHA_1,
    /** RSA-OAEP with SHA-256 and MGF1 SHA-256. */
    RSAES_OAEP_SHA_256;

    /** The algorithms AWS KMS lists for a key of this spec and usage. */
    public static List<EncryptionAlgorithm> forKey(KeySpec spec, KeyUsage usage) {
        if (usage != KeyUsage.ENCRYPT_DECRYPT) {
            return List.of();
        }
        return spec.family() == KeySpec.Family.HMAC ? List.of() : spec == KeySpec.SYMMETRIC_DEFAULT ? List.of(SYMMETRIC_DEFAULT) : List.of(RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256);
    }
}
