package io.kmsjca.keys;

/** What a key may be used for (AWS KMS's KeyUsage). */
public enum KeyUsage {
    /** Wrap, unwrap, encrypt, decrypt, generate data keys, re-encrypt. */
    ENCRYPT_DECRYPT
}
