package io.kmsjca.keys;

import java.security.KeyStoreException;

/** No master key has the alias or key id a request named (KMS NotFoundException). Nothing was changed. */
public final class KeyNotFoundException extends KeyStoreException {
    private static final long serialVersionUID = 1L;

    public KeyNotFoundException(String aliasOrKeyId) {
        super("no key with alias or id '" + aliasOrKeyId + "'");
    }
}
