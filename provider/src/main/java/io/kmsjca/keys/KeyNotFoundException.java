package io.kmsjca.keys;

import java.security.KeyStoreException;

/** No master key has the alias or key id a request named, or no grant the grant id (KMS NotFoundException). Nothing was changed. */
public final class KeyNotFoundException extends KeyStoreException {
    private static final long serialVersionUID = 1L;

    public KeyNotFoundException(String aliasOrKeyId) {
        super("no key with alias or id '" + aliasOrKeyId + "'");
    }

    private KeyNotFoundException(String message, boolean whole) {
        super(message);
    }

    /** No grant with {@code grantId} on key {@code keyId}. */
    public static KeyNotFoundException grant(String grantId, String keyId) {
        return new KeyNotFoundException("key " + keyId + " has no grant '" + grantId + "'", true);
    }
}
