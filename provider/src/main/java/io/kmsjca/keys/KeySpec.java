package io.kmsjca.keys;

/** The kind of key material (AWS KMS's KeySpec). kms-jca master keys are AES-256. */
public enum KeySpec {
    /** A 256-bit AES key used through KMSWrap (KMS SYMMETRIC_DEFAULT). */
    SYMMETRIC_DEFAULT
}
