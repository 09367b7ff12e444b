package io.kmsjca.keys;


import java.security.InvalidKeyException;

/**
 * A master key (or the key version a blob names) exists but its state refuses a cryptographic
 * operation: Disabled, PendingDeletion, Destroyed, a revoked or retired version. The message
 * names the key and its state; audit records these as DENIED.
 */
public final class KeyUnavailableException extends InvalidKeyException {
    private static final long serialVersionUID = 1L;

    public KeyUnavailableException(String message) {
        super(message);
    }

    public KeyUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
