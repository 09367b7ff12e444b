package io.kmsjca.internal.format;

import io.kmsjca.keys.Argon2Params;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The key store header: the store's root key, wrapped under a key derived from the store
 * password (docs/FORMAT.md, "Root key header"). Changing the password rewraps the root key; no
 * record is touched. Layout, big-endian:
 * <pre>
 *   0  4  magic "KMSR"      |  4 1  version 0x01      |  5 1 KDF 0x01 = Argon2id
 *   6  4  memory KiB        | 10 4  iterations        | 14 1 parallelism
 *  15 16  KDF salt          | 31 12 GCM nonce         | 43 48 root key (32) + GCM tag (16)
 * </pre>
 * Bytes 0..31 are the AAD of the root-key wrap, so the KDF parameters cannot be changed
 * without the password check failing.
 */
public record RootKeyHeader(Argon2Params kdf, byte[] salt, byte[] nonce, byte[] wrappedRootKey) {

    public static final int SALT_BYTES = 16;
    public static final int WRAPPED_BYTES = 48;
    public static final int AAD_BYTES = 31;
    public static final int BYTES = AAD_BYTES + 12 + WRAPPED_BYTES;
    private static final byte[] MAGIC = {'K', 'M', 'S', 'R'};
    private static final int VERSION = 1;
    private static final int KDF_ARGON2ID = 1;

    public RootKeyHeader {
        salt = salt.clone();
        nonce = nonce.clone();
        wrappedRootKey = wrappedRootKey.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    @Override
    public byte[] wrappedRootKey() {
        return wrappedRootKey.clone();
    }

    /** The bytes authenticated along with the wrapped root key. */
    public static byte[] aad(Argon2Params kdf, byte[] salt) {
        return ByteBuffer.allocate(AAD_BYTES).put(MAGIC).put((byte) VERSION).put((byte) KDF_ARGON2ID)
                .putInt(kdf.memoryKiB()).putInt(kdf.iterations()).put((byte) kdf.parallelism())
                .put(salt).array();
    }

    public byte[] aad() {
        return aad(kdf, salt);
    }

    public byte[] encode() {
        return ByteBuffer.allocate(BYTES).put(aad()).put(nonce).put(wrappedRootKey).array();
    }

    /**
     * Parses a header, bounding the KDF parameters before anyone uses them.
     *
     * @throws IllegalArgumentException anything but a version-1 Argon2id header with parameters
     *                                  inside {@link Argon2Params}'s bounds
     */
    public static RootKeyHeader decode(byte[] bytes) {
        if (bytes.length != BYTES) {
            throw new IllegalArgumentException("root key header is " + bytes.length + " bytes, not " + BYTES);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte[] magic = new byte[4];
        b.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IllegalArgumentException("not a kms-jca root key header (bad magic)");
        }
        int version = b.get() & 0xFF;
        int kdf = b.get() & 0xFF;
        if (version != VERSION || kdf != KDF_ARGON2ID) {
            throw new IllegalArgumentException("unsupported root key header version " + version + " / KDF " + kdf);
        }
        Argon2Params params = Argon2Params.of(b.getInt(), b.getInt(), b.get() & 0xFF);
        byte[] salt = new byte[SALT_BYTES];
        byte[] nonce = new byte[12];
        byte[] wrapped = new byte[WRAPPED_BYTES];
        b.get(salt).get(nonce).get(wrapped);
        return new RootKeyHeader(params, salt, nonce, wrapped);
    }
}
