package io.kmsjca.keys;

/** Where a key version's material came from (AWS KMS's Origin). */
public enum KeyOrigin {
    /** Generated inside the provider; no caller ever saw it (KMS origin AWS_KMS). */
    GENERATED,
    /** Supplied by a caller, through {@code KeyStore.setKeyEntry} or the import API (KMS origin EXTERNAL). */
    IMPORTED
}
