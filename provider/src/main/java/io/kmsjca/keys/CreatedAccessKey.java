package io.kmsjca.keys;

import java.util.Arrays;

/**
 * An access key just made, with its secret, which the store keeps sealed and never returns
 * again: show it once (as IAM's {@code CreateAccessKey} does), then {@link #wipe()}.
 */
public final class CreatedAccessKey {

    private final AccessKeyInfo info;
    private final char[] secretAccessKey;

    /** For the provider's key service. */
    public CreatedAccessKey(AccessKeyInfo info, char[] secretAccessKey) {
        this.info = info;
        this.secretAccessKey = secretAccessKey;
    }

    public AccessKeyInfo info() {
        return info;
    }

    /** A copy of the secret access key (40 characters); the caller wipes it. */
    public char[] secretAccessKey() {
        return secretAccessKey.clone();
    }

    /** Overwrites the secret held here. */
    public void wipe() {
        Arrays.fill(secretAccessKey, '\0');
    }

    @Override
    public String toString() {
        return "CreatedAccessKey[" + info + ", secretAccessKey=(hidden)]";
    }
}
