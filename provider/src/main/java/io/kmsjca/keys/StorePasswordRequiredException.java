package io.kmsjca.keys;


import java.security.KeyStoreException;

/**
 * A change refused because the {@code KeyStore} asking for it was loaded without the store
 * password: exporting the store, adding key material, deleting an entry, changing the password.
 * The message says how the store was loaded and how to load it with the password; audit records
 * these as DENIED. Nothing was changed.
 */
public final class StorePasswordRequiredException extends KeyStoreException {
    private static final long serialVersionUID = 1L;

    public StorePasswordRequiredException(String message) {
        super(message);
    }
}
