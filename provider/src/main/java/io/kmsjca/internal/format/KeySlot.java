package io.kmsjca.internal.format;

import io.kmsjca.keys.Argon2Params;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One credential of a store, like a LUKS keyslot: the root key wrapped under a key derived from
 * the credential's secret, with the principal the credential names and what it may do
 * (docs/FORMAT.md, "Root key header", version 2). The AES-256-GCM wrap authenticates the slot's
 * whole description (kind, flags, principal, KDF parameters, salt), so none of it can be changed
 * without the credential failing to unlock.
 *
 * @param kind      how the key-encryption key is derived
 * @param principal the principal every request through this credential is made as
 * @param flags     {@link #ADMINISTRATOR} and {@link #ACTS_FOR_OTHERS}
 * @param kdf       the Argon2id parameters of a password slot; null for a key-file slot
 */
public record KeySlot(Kind kind, String principal, int flags, Argon2Params kdf, byte[] salt, byte[] nonce,
                      byte[] wrappedRootKey, byte[] publicKey) {

    /** The credential may do every store operation and manage credentials. */
    public static final int ADMINISTRATOR = 1;
    /** The credential may name the principal of a request (a JAAS Subject, {@code KmsAuditContext.runAs}). */
    public static final int ACTS_FOR_OTHERS = 2;
    /**
     * The slot carries its principal's X25519 key pair: the public key in its description, the
     * private key wrapped beside the root key (docs/FORMAT.md, "Version 6: sealing per principal").
     */
    public static final int HOLDS_KEY_PAIR = 4;
    /** Bytes of a principal's public key. */
    public static final int PUBLIC_KEY_BYTES = 32;
    /** Bytes of the wrap of a slot with a key pair: root key (32), private key (32), GCM tag (16). */
    public static final int WRAPPED_WITH_KEY_PAIR_BYTES = 80;
    /** The principal of the version-1 password slot. */
    public static final String V1_PRINCIPAL = "admin";
    /** The most bytes of a principal's UTF-8 name. */
    public static final int MAX_PRINCIPAL_BYTES = 256;

    /** How a slot's key-encryption key is made from its secret. */
    public enum Kind {
        /** The version-1 header's password slot, carried as it was: implied principal and flags, v1 AAD. */
        V1_PASSWORD(0),
        /** A password, through Argon2id. */
        PASSWORD(1),
        /** A key file's 32 random bytes, through HKDF-SHA256: no password cost, for services. */
        KEY_FILE(2);

        final int code;

        Kind(int code) {
            this.code = code;
        }

        static Kind of(int code) {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown key slot kind " + code);
        }

        public boolean isPassword() {
            return this != KEY_FILE;
        }
    }

    public KeySlot {
        if (kind == Kind.V1_PASSWORD) {
            principal = V1_PRINCIPAL;
            flags = ADMINISTRATOR | ACTS_FOR_OTHERS;
        }
        checkPrincipal(principal);
        if ((flags & ~(ADMINISTRATOR | ACTS_FOR_OTHERS | HOLDS_KEY_PAIR)) != 0) {
            throw new IllegalArgumentException("unknown key slot flags " + flags);
        }
        if (kind.isPassword() != (kdf != null)) {
            throw new IllegalArgumentException("a password slot has KDF parameters, a key-file slot none");
        }
        boolean pair = (flags & HOLDS_KEY_PAIR) != 0;
        if (pair != (publicKey != null) || publicKey != null && publicKey.length != PUBLIC_KEY_BYTES) {
            throw new IllegalArgumentException("a key slot flagged as holding a key pair has a 32-byte public key, others none");
        }
        int wrapped = pair ? WRAPPED_WITH_KEY_PAIR_BYTES : RootKeyHeader.WRAPPED_BYTES;
        if (salt.length != RootKeyHeader.SALT_BYTES || nonce.length != 12 || wrappedRootKey.length != wrapped) {
            throw new IllegalArgumentException("key slot salt, nonce or wrapped key of the wrong length");
        }
        salt = salt.clone();
        nonce = nonce.clone();
        wrappedRootKey = wrappedRootKey.clone();
        publicKey = publicKey == null ? null : publicKey.clone();
    }

    /** A slot without a key pair (every slot written before sealing per principal). */
    public KeySlot(Kind kind, String principal, int flags, Argon2Params kdf, byte[] salt, byte[] nonce,
                   byte[] wrappedRootKey) {
        this(kind, principal, flags, kdf, salt, nonce, wrappedRootKey, null);
    }

    /**
     * Refuses a principal name that is empty, longer than {@link #MAX_PRINCIPAL_BYTES} UTF-8
     * bytes, has control characters or starts or ends with white space.
     */
    public static void checkPrincipal(String principal) {
        if (principal == null || principal.isEmpty()
                || principal.getBytes(StandardCharsets.UTF_8).length > MAX_PRINCIPAL_BYTES) {
            throw new IllegalArgumentException("a principal name is 1 to " + MAX_PRINCIPAL_BYTES + " bytes of UTF-8");
        }
        if (!principal.strip().equals(principal) || principal.codePoints().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("a principal name has no control characters and no surrounding white space");
        }
    }

    public boolean administrator() {
        return (flags & ADMINISTRATOR) != 0;
    }

    public boolean actsForOthers() {
        return (flags & ACTS_FOR_OTHERS) != 0;
    }

    /** Whether this slot carries its principal's key pair, so key versions can be sealed to it. */
    public boolean holdsKeyPair() {
        return publicKey != null;
    }

    /** The principal's X25519 public key, or null for a slot without a key pair. */
    @Override
    public byte[] publicKey() {
        return publicKey == null ? null : publicKey.clone();
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

    /** The bytes the root-key wrap authenticates: the v1 AAD for a v1 slot, else "KMSR" 0x02 and the slot's description. */
    public byte[] aad() {
        return aad(kind, principal, flags, kdf, salt, publicKey);
    }

    /** {@link #aad()} of a slot about to be sealed ({@code publicKey} null for a slot without a key pair). */
    public static byte[] aad(Kind kind, String principal, int flags, Argon2Params kdf, byte[] salt, byte[] publicKey) {
        if (kind == Kind.V1_PASSWORD) {
            return RootKeyHeader.aad(kdf, salt);
        }
        byte[] description = description(kind, principal, flags, kdf, salt, publicKey);
        return ByteBuffer.allocate(5 + description.length).put(KeySlots.MAGIC).put((byte) KeySlots.VERSION_2)
                .put(description).array();
    }

    /**
     * Kind, then for v2 slots flags and principal, then KDF parameters of password slots, then
     * salt, then the public key of a slot that holds a key pair.
     */
    private static byte[] description(Kind kind, String principal, int flags, Argon2Params kdf, byte[] salt,
                                      byte[] publicKey) {
        byte[] name = principal.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(1 + 1 + 2 + name.length + 9 + salt.length + PUBLIC_KEY_BYTES)
                .put((byte) kind.code);
        if (kind != Kind.V1_PASSWORD) {
            b.put((byte) flags).putShort((short) name.length).put(name);
        }
        if (kind.isPassword()) {
            b.putInt(kdf.memoryKiB()).putInt(kdf.iterations()).put((byte) kdf.parallelism());
        }
        b.put(salt);
        if (publicKey != null) {
            b.put(publicKey);
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    void encode(ByteBuffer out) {
        out.put(description(kind, principal, flags, kdf, salt, publicKey)).put(nonce).put(wrappedRootKey);
    }

    int encodedLength() {
        return description(kind, principal, flags, kdf, salt, publicKey).length + nonce.length + wrappedRootKey.length;
    }

    /** Reads one slot, bounding every length before it is used. */
    static KeySlot decode(ByteBuffer in) {
        Kind kind = Kind.of(in.get() & 0xFF);
        String principal = V1_PRINCIPAL;
        int flags = ADMINISTRATOR | ACTS_FOR_OTHERS;
        if (kind != Kind.V1_PASSWORD) {
            flags = in.get() & 0xFF;
            int length = in.getShort() & 0xFFFF;
            if (length < 1 || length > MAX_PRINCIPAL_BYTES) {
                throw new IllegalArgumentException("key slot principal of " + length + " bytes");
            }
            byte[] name = new byte[length];
            in.get(name);
            principal = KeySlots.utf8(name);
        }
        Argon2Params kdf = kind.isPassword() ? Argon2Params.of(in.getInt(), in.getInt(), in.get() & 0xFF) : null;
        byte[] salt = new byte[RootKeyHeader.SALT_BYTES];
        in.get(salt);
        byte[] publicKey = null;
        if ((flags & HOLDS_KEY_PAIR) != 0) {
            publicKey = new byte[PUBLIC_KEY_BYTES];
            in.get(publicKey);
        }
        byte[] nonce = new byte[12];
        byte[] wrapped = new byte[publicKey != null ? WRAPPED_WITH_KEY_PAIR_BYTES : RootKeyHeader.WRAPPED_BYTES];
        in.get(nonce).get(wrapped);
        return new KeySlot(kind, principal, flags, kdf, salt, nonce, wrapped, publicKey);
    }

    /** The version-1 header's one slot. */
    static KeySlot ofV1(RootKeyHeader v1) {
        return new KeySlot(Kind.V1_PASSWORD, V1_PRINCIPAL, ADMINISTRATOR | ACTS_FOR_OTHERS, v1.kdf(), v1.salt(),
                v1.nonce(), v1.wrappedRootKey());
    }
}
