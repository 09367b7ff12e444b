package io.kmsjca.keys;

/** Who manages a master key (AWS KMS's KeyManager). */
public enum KeyManagerType {
    /** Created and fully controlled by the application. */
    CUSTOMER,
    /** Created on first use for a named service and rotated by the provider. */
    PROVIDER
}
