package io.kmsjca.keys;

/** Who manages a master key (AWS KMS's KeyManager). */
public enum KeyManagerType {
    /** Created and fully controlled by the application. */
    CUSTOMER,
    /**
     * Created on first use for a named service (alias {@code kms/managed/NAME}) and rotated
     * yearly by the provider; its users cannot disable, delete or change its rotation.
     */
    PROVIDER,
    /** Internal to the provider (to protect the store or the audit log): never listed, never returned. */
    PROVIDER_OWNED
}
