package io.kmsjca.internal.store;

import io.kmsjca.internal.crypto.Hkdf;
import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.internal.format.KeySlot;
import io.kmsjca.internal.format.KeySlots;
import io.kmsjca.internal.format.RootKeyHeader;
import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.InsufficientHeapException;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.UnrecoverableKeyException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Unlocking the root key with a credential and sealing it into a new credential slot. A
 * password slot's key-encryption key is Argon2id(password, salt) with the slot's parameters; a
 * key-file slot's is HKDF-SHA256(secret, salt, {@value #KEY_FILE_LABEL}): the secret is 256
 * random bits, so it needs no cost.
 */
public final class SlotKeys {

    static final String KEY_FILE_LABEL = "kms-jca/v2/key-file-slot";

    /**
     * The root key, the slot that opened it, and the principal's key pair (null for a slot made
     * before sealing per principal, which holds none).
     */
    public record Unlocked(RootKey root, KeySlot slot, PrincipalKeyPair keyPair) {
        public Unlocked(RootKey root, KeySlot slot) {
            this(root, slot, null);
        }
    }

    private SlotKeys() {
    }

    /**
     * Opens the root key with {@code secret}: the slot its principal names, or for a password
     * without a principal each password slot in order (each attempt costs one derivation).
     *
     * @throws UnrecoverableKeyException no slot opens with this secret ("key store password was
     *                                   incorrect" for a password, "credential was incorrect" for a key file)
     */
    public static Unlocked unlock(KeySlots header, CredentialSecret secret)
            throws UnrecoverableKeyException, InsufficientHeapException {
        List<KeySlot> candidates = new ArrayList<>();
        for (KeySlot s : header.slots()) {
            boolean kindFits = s.kind().isPassword() == secret.isPassword();
            if (kindFits && (secret.principal() == null || secret.principal().equals(s.principal()))) {
                candidates.add(s);
            }
        }
        UnrecoverableKeyException last = null;
        for (KeySlot s : candidates) {
            try {
                return open(s, secret);
            } catch (UnrecoverableKeyException e) {
                last = e;
            }
        }
        var wrong = new UnrecoverableKeyException(secret.isPassword()
                ? "key store password was incorrect" : "credential was incorrect");
        if (last != null) {
            wrong.initCause(last.getCause());
        }
        throw wrong;
    }

    /** Whether {@code secret} opens {@code slot} to this very root key (constant-time comparison). */
    public static boolean opens(RootKey root, KeySlot slot, CredentialSecret secret) throws InsufficientHeapException {
        if (slot.kind().isPassword() != secret.isPassword()) {
            return false;
        }
        try {
            Unlocked candidate = open(slot, secret);
            boolean same = candidate.root().sameAs(root);
            candidate.root().destroy();
            if (candidate.keyPair() != null) {
                candidate.keyPair().destroy();
            }
            return same;
        } catch (UnrecoverableKeyException e) {
            return false;
        }
    }

    /**
     * A new slot for {@code principal} holding {@code root} and {@code pair} (null: a slot without
     * a key pair), under {@code secret}, with fresh salt and nonce.
     */
    public static KeySlot seal(RootKey root, String principal, int flags, Argon2Params kdf, CredentialSecret secret,
                               PrincipalKeyPair pair) throws InsufficientHeapException {
        KeySlot.Kind kind = secret.isPassword() ? KeySlot.Kind.PASSWORD : KeySlot.Kind.KEY_FILE;
        byte[] salt = new byte[RootKeyHeader.SALT_BYTES];
        KmsRandom.nextBytes(salt);
        Argon2Params params = kind.isPassword() ? kdf : null;
        byte[] kek = kek(kind, params, salt, secret);
        try {
            return root.wrap(kind, principal, flags, params, salt, kek, pair);
        } finally {
            Arrays.fill(kek, (byte) 0);
        }
    }

    private static Unlocked open(KeySlot slot, CredentialSecret secret) throws UnrecoverableKeyException, InsufficientHeapException {
        byte[] kek = kek(slot.kind(), slot.kdf(), slot.salt(), secret);
        try {
            return RootKey.unwrap(slot, kek);
        } finally {
            Arrays.fill(kek, (byte) 0);
        }
    }

    private static byte[] kek(KeySlot.Kind kind, Argon2Params kdf, byte[] salt, CredentialSecret secret)
            throws InsufficientHeapException {
        if (kind.isPassword()) {
            return kdf.derive(secret.passwordChars(), salt, 32);
        }
        try {
            return Hkdf.derive("HmacSHA256", salt, secret.keyFileBytes(),
                    KEY_FILE_LABEL.getBytes(StandardCharsets.US_ASCII), 32);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 failed", e);
        }
    }
}
