package io.kmsjca.spi;

import java.io.IOException;

/**
 * Stored bytes that do not parse or do not authenticate: a torn, truncated, tampered or foreign
 * file. The message says which check failed; it never contains stored bytes.
 */
public final class CorruptStoreException extends IOException {
    private static final long serialVersionUID = 1L;

    public CorruptStoreException(String message) {
        super(message);
    }

    public CorruptStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
