package io.kmsjca.keys;

import io.kmsjca.internal.store.KeyFileFormat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * A credential just added to a store. For a key-file credential it carries the key file's bytes,
 * which exist nowhere else: write them with {@link #writeKeyFile} (owner-only), then
 * {@link #wipe()}.
 */
public final class CreatedCredential {

    private final CredentialInfo info;
    private final byte[] keyFile;

    /** For the provider's key service. */
    public CreatedCredential(CredentialInfo info, byte[] keyFile) {
        this.info = info;
        this.keyFile = keyFile;
    }

    public CredentialInfo info() {
        return info;
    }

    /** A copy of the key file's bytes (text, {@code kms-jca-credential 1}); empty for a password credential. */
    public Optional<byte[]> keyFile() {
        return keyFile == null ? Optional.empty() : Optional.of(keyFile.clone());
    }

    /**
     * Writes the key file to {@code file}, readable and writable by its owner only where the file
     * system has POSIX permissions; refuses to overwrite a file.
     *
     * @throws IllegalStateException for a password credential, or after {@link #wipe()}
     */
    public void writeKeyFile(Path file) throws IOException {
        if (keyFile == null) {
            throw new IllegalStateException("a password credential has no key file");
        }
        KeyFileFormat.write(file, keyFile);
    }

    /** Zeroes this object's copy of the key file. */
    public void wipe() {
        if (keyFile != null) {
            Arrays.fill(keyFile, (byte) 0);
        }
    }

    @Override
    public String toString() {
        return "CreatedCredential[" + info + "]";
    }
}
