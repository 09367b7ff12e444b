package io.kmsjca.keys;

import java.security.InvalidKeyException;

/**
 * A master key exists but its state refuses the operation (Disabled, PendingDeletion). The
 * message names the key and its state; audit records these as DENIED.
 */
public final class KeyUnavailableException extends InvalidKeyException {
    private static final long serialVersionUID = 1L;

    public KeyUnavailableException(String message) {
        super(message);
    }
}
