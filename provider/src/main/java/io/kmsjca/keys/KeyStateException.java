package io.kmsjca.keys;


import java.security.KeyStoreException;

/**
 * A management request refused by a lifecycle rule: the key's state does not allow it, or the
 * key is provider-managed. The message names the key, its state and what to do; audit records
 * these as DENIED. Nothing was changed.
 */
public final class KeyStateException extends KeyStoreException {
    private static final long serialVersionUID = 1L;

    public KeyStateException(String message, Throwable cause) {
        super(message, cause);
    }
}
