package io.kmsjca.spi;

import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One master key as a backend stores it: an id, a revision for compare-and-set, and an opaque
 * sealed payload. The key service seals the payload (key material, versions, state, aliases)
 * under the store's root key before a backend sees it, so a backend never holds anything it
 * could read or silently alter.
 *
 * @param keyId    the master key's id (a UUID string in practice); 1..128 characters of
 *                 {@code [A-Za-z0-9._:/-]}
 * @param revision starts at 1 and grows by exactly 1 with every change of the record
 * @param sealed   the sealed payload, at most {@link #MAX_SEALED_BYTES} bytes
 */
public record KeyRecord(String keyId, long revision, byte[] sealed) {

    /** The largest sealed payload a backend must accept: a key with thousands of versions fits. */
    public static final int MAX_SEALED_BYTES = 1 << 20;
    /** The longest key id. */
    public static final int MAX_KEY_ID_LENGTH = 128;

    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._:/-]{1," + MAX_KEY_ID_LENGTH + "}");

    public KeyRecord {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(sealed, "sealed");
        if (!KEY_ID.matcher(keyId).matches()) {
            throw new IllegalArgumentException("key id must be 1.." + MAX_KEY_ID_LENGTH
                    + " characters of [A-Za-z0-9._:/-]");
        }
        if (revision < 1) {
            throw new IllegalArgumentException("revision must be at least 1, was " + revision);
        }
        if (sealed.length == 0 || sealed.length > MAX_SEALED_BYTES) {
            throw new IllegalArgumentException("sealed payload must be 1.." + MAX_SEALED_BYTES
                    + " bytes, was " + sealed.length);
        }
        sealed = sealed.clone();
    }

    /** A copy of the sealed payload. */
    @Override
    public byte[] sealed() {
        return sealed.clone();
    }

    /** Whether this record has the given id and revision. */
    public boolean isAt(String id, long rev) {
        return keyId.equals(id) && revision == rev;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyRecord other && keyId.equals(other.keyId)
                && revision == other.revision && Arrays.equals(sealed, other.sealed);
    }

    @Override
    public int hashCode() {
        return Objects.hash(keyId, revision, Arrays.hashCode(sealed));
    }

    @Override
    public String toString() {
        return "KeyRecord[" + keyId + " r" + revision + ", " + sealed.length + " sealed bytes]";
    }
}
