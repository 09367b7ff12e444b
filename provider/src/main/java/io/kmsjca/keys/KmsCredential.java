package io.kmsjca.keys;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What a store is opened with: a password (optionally naming the principal whose credential it
 * is; without a principal each password credential is tried in order, like LUKS), or a key file.
 * The principal of every request made through the opened store is the credential's (see
 * docs/authorization.md, "Credentials").
 * <pre>{@code
 * KmsAdmin.open(Path.of("keys.kms"), KmsCredential.keyFile(Path.of("/etc/kms/orders.key")), options);
 * }</pre>
 * The password array stays the caller's: wipe it after the store opens.
 */
public final class KmsCredential {

    private final String principal;
    private final char[] password;
    private final Path keyFile;

    private KmsCredential(String principal, char[] password, Path keyFile) {
        this.principal = principal;
        this.password = password;
        this.keyFile = keyFile;
    }

    /** A password; the first password credential it opens is the one used. */
    public static KmsCredential password(char[] password) {
        return new KmsCredential(null, Objects.requireNonNull(password, "password"), null);
    }

    /** The password of {@code principal}'s credential. */
    public static KmsCredential password(String principal, char[] password) {
        return new KmsCredential(Objects.requireNonNull(principal, "principal"),
                Objects.requireNonNull(password, "password"), null);
    }

    /**
     * A key file written by {@link CreatedCredential#writeKeyFile}. It is read when the store
     * opens, and refused if group or others may read it (on file systems with POSIX permissions).
     */
    public static KmsCredential keyFile(Path file) {
        return new KmsCredential(null, null, Objects.requireNonNull(file, "file"));
    }

    /** The principal a password names, if it names one. */
    public Optional<String> principal() {
        return Optional.ofNullable(principal);
    }

    /** The password (the caller's array, not a copy), if this is a password. */
    public Optional<char[]> password() {
        return Optional.ofNullable(password);
    }

    /** The key file, if this is one. */
    public Optional<Path> keyFile() {
        return Optional.ofNullable(keyFile);
    }

    @Override
    public String toString() {
        return keyFile != null ? "KmsCredential[key file " + keyFile + "]"
                : "KmsCredential[password" + (principal == null ? "" : " of " + principal) + "]";
    }
}
