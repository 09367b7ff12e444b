package io.kmsjca.keys;

/**
 * What a key may be used for (AWS KMS's KeyUsage), fixed when the key is created. The order is
 * part of the key record format: new usages are only ever appended.
 */
public enum KeyUsage {
    /** Symmetric: wrap, unwrap, encrypt, decrypt, generate data keys, re-encrypt. RSA: OAEP encrypt and decrypt. */
    ENCRYPT_DECRYPT,
    /** Sign and verify (RSA, ECC, ML-DSA, Ed25519). */
    SIGN_VERIFY,
    /** ECDH (KMS DeriveSharedSecret). */
    KEY_AGREEMENT,
    /** HMAC keys: generate and verify MACs (KMS GenerateMac, VerifyMac). */
    GENERATE_VERIFY_MAC
}
