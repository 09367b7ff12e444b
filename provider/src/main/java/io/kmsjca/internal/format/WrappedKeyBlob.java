package io.kmsjca.internal.format;

import javax.crypto.BadPaddingException;
import javax.crypto.IllegalBlockSizeException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.UUID;

/**
 * The KMSWrap blob, versions 2 (written) and 1 (read) (docs/FORMAT.md, "Wrapped key"). The two
 * share this layout; all integers big-endian.
 * <pre>
 *  offset size
 *     0     4  magic "KMSW"
 *     4     1  version 0x02 (0x01)
 *     5    16  master key id (UUID, most significant half first)
 *    21     4  master key version, 1 .. 2^31-1
 *    25    32  salt: picks the derived key (HKDF info, see docs/decisions.md)
 *    57    32  key commitment of the derived key
 *    89    12  GCM nonce
 *   101     n  AES-256-GCM ciphertext, n = plaintext length, 0 .. 4096
 *  101+n   16  GCM tag
 * </pre>
 * The version names the derived key's label and the GCM AAD: version 1 authenticates the 101
 * header bytes, the encryption context and the caller's AAD; version 2 binds the header through
 * the derived key alone and authenticates the context and the caller's AAD, nothing when both
 * are empty ({@code WrapEngine}).
 */
public final class WrappedKeyBlob {

    public static final byte[] MAGIC = {'K', 'M', 'S', 'W'};
    /** The version written. */
    public static final int VERSION = 2;
    /** The first version, still read. */
    public static final int VERSION_1 = 1;
    public static final int SALT_BYTES = 32;
    public static final int COMMITMENT_BYTES = 32;
    public static final int NONCE_BYTES = 12;
    public static final int TAG_BYTES = 16;
    public static final int HEADER_BYTES = 4 + 1 + 16 + 4 + SALT_BYTES + COMMITMENT_BYTES + NONCE_BYTES;
    public static final int OVERHEAD = HEADER_BYTES + TAG_BYTES;
    /** The largest payload: KMS Encrypt's limit. */
    public static final int MAX_PLAINTEXT_BYTES = 4096;
    public static final int MAX_BLOB_BYTES = MAX_PLAINTEXT_BYTES + OVERHEAD;

    static final int KEY_ID_OFFSET = 5;
    static final int KEY_VERSION_OFFSET = 21;
    public static final int SALT_OFFSET = 25;
    public static final int COMMITMENT_OFFSET = SALT_OFFSET + SALT_BYTES;
    public static final int NONCE_OFFSET = COMMITMENT_OFFSET + COMMITMENT_BYTES;

    private WrappedKeyBlob() {
    }

    /**
     * Writes a header for a blob of {@code plaintextLength} into a new array sized for the whole
     * blob, the nonce being 4 zero bytes and {@code counter} (docs/FORMAT.md, "Nonce").
     */
    public static byte[] newBlob(UUID keyId, int keyVersion, byte[] salt, byte[] commitment, long counter,
                                 int plaintextLength) {
        byte[] blob = new byte[plaintextLength + OVERHEAD];
        ByteBuffer b = ByteBuffer.wrap(blob);
        b.put(MAGIC).put((byte) VERSION)
                .putLong(keyId.getMostSignificantBits()).putLong(keyId.getLeastSignificantBits())
                .putInt(keyVersion).put(salt).put(commitment).putInt(0).putLong(counter);
        return blob;
    }

    /**
     * Checks the length, magic and version of a blob, before anything else reads it.
     *
     * @throws IllegalBlockSizeException the blob is shorter than a header and tag, or longer than
     *                                   {@link #MAX_BLOB_BYTES}
     * @throws BadPaddingException       the magic, version or key version is not one this code reads
     */
    public static void check(byte[] blob) throws IllegalBlockSizeException, BadPaddingException {
        if (blob.length < OVERHEAD) {
            throw new IllegalBlockSizeException("KMSWrap blob is " + blob.length
                    + " bytes, shorter than the " + OVERHEAD + " of an empty one (truncated?)");
        }
        if (blob.length > MAX_BLOB_BYTES) {
            throw new IllegalBlockSizeException("KMSWrap blob is " + blob.length
                    + " bytes, longer than the " + MAX_BLOB_BYTES + " allowed");
        }
        if (!Arrays.equals(blob, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new BadPaddingException("not a KMSWrap blob (bad magic)");
        }
        if (blob[4] != VERSION && blob[4] != VERSION_1) {
            throw new BadPaddingException("unsupported KMSWrap blob version " + (blob[4] & 0xFF));
        }
        if (keyVersion(blob) < 1) {
            throw new BadPaddingException("KMSWrap blob names key version " + keyVersion(blob) + ", not 1 or more");
        }
    }

    /** The format version of a checked blob: {@link #VERSION} or {@link #VERSION_1}. */
    public static int version(byte[] blob) {
        return blob[4];
    }

    public static UUID keyId(byte[] blob) {
        ByteBuffer b = ByteBuffer.wrap(blob);
        return new UUID(b.getLong(KEY_ID_OFFSET), b.getLong(KEY_ID_OFFSET + 8));
    }

    public static int keyVersion(byte[] blob) {
        return ByteBuffer.wrap(blob).getInt(KEY_VERSION_OFFSET);
    }

    /** The length of the payload inside a checked blob. */
    public static int plaintextLength(byte[] blob) {
        return blob.length - OVERHEAD;
    }
}
