package io.kmsjca.internal.store;

import java.util.Arrays;

/**
 * The secret a credential presents to unlock the store: a password (Argon2id), optionally with
 * the principal whose slot it opens, or a key file's principal and 32 random bytes. Holds the
 * caller's arrays; {@link #wipe()} zeroes them.
 */
public final class CredentialSecret {

    /** The bytes of a key file's secret. */
    public static final int KEY_FILE_SECRET_BYTES = 32;

    private final String principal;
    private final char[] password;
    private final byte[] keyFileSecret;

    private CredentialSecret(String principal, char[] password, byte[] keyFileSecret) {
        this.principal = principal;
        this.password = password;
        this.keyFileSecret = keyFileSecret;
    }

    /** A password, for the slot of {@code principal} (null: whichever password slot it opens). */
    public static CredentialSecret password(String principal, char[] password) {
        return new CredentialSecret(principal, password, null);
    }

    /** A key file's secret for the slot of {@code principal}; this object now owns {@code secret}. */
    public static CredentialSecret keyFile(String principal, byte[] secret) {
        if (principal == null || secret.length != KEY_FILE_SECRET_BYTES) {
            throw new IllegalArgumentException("a key file names a principal and holds " + KEY_FILE_SECRET_BYTES + " bytes");
        }
        return new CredentialSecret(principal, null, secret);
    }

    /** The principal named, or null for a password that tries every password slot. */
    public String principal() {
        return principal;
    }

    public boolean isPassword() {
        return password != null;
    }

    char[] passwordChars() {
        return password;
    }

    byte[] keyFileBytes() {
        return keyFileSecret;
    }

    /** Zeroes the key file's secret (a password belongs to its caller, who wipes it). */
    public void wipe() {
        if (keyFileSecret != null) {
            Arrays.fill(keyFileSecret, (byte) 0);
        }
    }
}
