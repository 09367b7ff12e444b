package io.kmsjca.keys;

/** AWS KMS's AlgorithmSpec for GetParametersForImport: how key material is wrapped for import. */
public enum WrappingAlgorithm {
    /** The material encrypted directly with RSA-OAEP SHA-1 (MGF1 SHA-1). */
    RSAES_OAEP_SHA_1,
    /** The material encrypted directly with RSA-OAEP SHA-256 (MGF1 SHA-256). */
    RSAES_OAEP_SHA_256,
    /** A fresh AES-256 key wrapped with RSA-OAEP SHA-1, then the material with AES key wrap with padding (RFC 5649). */
    RSA_AES_KEY_WRAP_SHA_1,
    /** As {@link #RSA_AES_KEY_WRAP_SHA_1} with OAEP SHA-256. */
    RSA_AES_KEY_WRAP_SHA_256
}
