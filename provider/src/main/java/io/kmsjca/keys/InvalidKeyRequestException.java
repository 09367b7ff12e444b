package io.kmsjca.keys;

import java.security.KeyStoreException;

/**
 * A management request that is wrong in itself, whatever the key's state: a rotation period
 * outside 90..2560 days, an invalid or reserved alias, an alias already taken, a version the key
 * does not have, key material of the wrong length, tags over the limits (KMS
 * {@code ValidationException}). The message names the bad value and the allowed range; audit
 * records these as FAILED with this class as the error class. Nothing was changed.
 */
public final class InvalidKeyRequestException extends KeyStoreException {
    private static final long serialVersionUID = 1L;

    public InvalidKeyRequestException(String message) {
        super(message);
    }

    public InvalidKeyRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
