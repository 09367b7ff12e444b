package io.kmsjca.keys;

import java.security.GeneralSecurityException;

/** The outcome of re-encrypting one blob of a batch: the new blob, or why it failed. */
public record ReEncryptResult(byte[] blob, GeneralSecurityException error) {
    public boolean succeeded() {
        return error == null;
    }
}
