package io.kmsjca.keys;

/** AWS KMS's MessageType for Sign and Verify. */
public enum MessageType {
    /** The message itself (at most {@link #MAX_RAW_BYTES}); the key hashes it. */
    RAW,
    /** A digest of the message, of the signing algorithm's hash length. */
    DIGEST,
    /** ML-DSA only: the 64-byte external mu (FIPS 204). */
    EXTERNAL_MU;

    /** The largest RAW message AWS KMS signs: 4096 bytes. */
    public static final int MAX_RAW_BYTES = 4096;
}
