package io.kmsjca.internal.store;

import io.kmsjca.internal.crypto.AesGcm;
import io.kmsjca.keys.Argon2Params;
import io.kmsjca.internal.crypto.Hkdf;
import io.kmsjca.keys.InsufficientHeapException;
import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.internal.crypto.Primitives;
import io.kmsjca.internal.crypto.SecretBytes;
import io.kmsjca.internal.format.KeySlot;
import io.kmsjca.internal.format.RootKeyHeader;
import io.kmsjca.spi.CorruptStoreException;
import io.kmsjca.spi.KeyRecord;

import javax.crypto.AEADBadTagException;
import javax.crypto.Mac;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.UnrecoverableKeyException;
import java.util.Arrays;

/**
 * The store's root key: a random AES-256 key that seals every key record, kept wrapped under a
 * key derived from each of the store's credentials ({@link RootKeyHeader}, {@link SlotKeys}). Keys are derived from it with
 * HKDF-Expand-SHA256, one per purpose: a key per sealed record ({@link RecordSeal}) and the key
 * that authenticates whole store images (HMAC-SHA256).
 */
public final class RootKey {

    private static final byte[] IMAGE_LABEL = "kms-jca/v1/image-mac".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] IMPORT_LABEL = "kms-jca/v1/import-mac".getBytes(StandardCharsets.US_ASCII);

    private final SecretBytes root;
    private final RecordSeal records;
    private final SecretBytes imageKey;
    private final SecretBytes importKey;

    private RootKey(byte[] rootBytes) throws GeneralSecurityException {
        this.root = new SecretBytes(rootBytes, "HmacSHA256");
        this.records = new RecordSeal(root);
        Mac mac = Primitives.mac("HmacSHA256");
        mac.init(root);
        byte[] i = Hkdf.expand(mac, IMAGE_LABEL, 32);
        this.imageKey = new SecretBytes(i, "HmacSHA256");
        Arrays.fill(i, (byte) 0);
        byte[] m = Hkdf.expand(mac, IMPORT_LABEL, 32);
        this.importKey = new SecretBytes(m, "HmacSHA256");
        Arrays.fill(m, (byte) 0);
    }

    public static RootKey generate() {
        byte[] bytes = new byte[32];
        KmsRandom.nextBytes(bytes);
        try {
            return new RootKey(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * Wraps this root key under {@code password} with fresh salt and nonce: a version-1 header,
     * what a new store and a stream image are written with. {@code kdf} comes from
     * {@link io.kmsjca.keys.KeyServiceOptions}, which holds it to the floor for new passwords.
     */
    public RootKeyHeader wrap(char[] password, Argon2Params kdf) throws InsufficientHeapException {
        byte[] salt = new byte[RootKeyHeader.SALT_BYTES];
        byte[] nonce = new byte[AesGcm.NONCE_BYTES];
        KmsRandom.nextBytes(salt);
        KmsRandom.nextBytes(nonce);
        byte[] kek = kdf.derive(password, salt, 32);
        SecretBytes kekKey = new SecretBytes(kek, "AES");
        Arrays.fill(kek, (byte) 0);
        byte[] rootBytes = root.getEncoded();
        try {
            byte[] wrapped = AesGcm.encrypt(kekKey, nonce, RootKeyHeader.aad(kdf, salt), rootBytes);
            return new RootKeyHeader(kdf, salt, nonce, wrapped);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM failed", e);
        } finally {
            kekKey.destroy();
            Arrays.fill(rootBytes, (byte) 0);
        }
    }

    /**
     * Recovers the root key, and the principal's key pair if the slot holds one, from one
     * credential slot of a version-2 header, given the slot's key-encryption key ({@link SlotKeys#kek}).
     *
     * @throws UnrecoverableKeyException the secret is wrong, or the slot was altered
     */
    static SlotKeys.Unlocked unwrap(KeySlot slot, byte[] kek) throws UnrecoverableKeyException {
        SecretBytes kekKey = new SecretBytes(kek, "AES");
        byte[] secrets = null;
        try {
            secrets = AesGcm.decrypt(kekKey, slot.nonce(), slot.aad(), slot.wrappedRootKey());
            RootKey root = new RootKey(Arrays.copyOfRange(secrets, 0, 32));
            PrincipalKeyPair pair = null;
            if (slot.holdsKeyPair()) {
                byte[] k = Arrays.copyOfRange(secrets, 32, 64);
                pair = PrincipalKeyPair.of(k);
                Arrays.fill(k, (byte) 0);
                if (!pair.hasPublicKey(slot.publicKey())) {
                    pair.destroy();
                    root.destroy();
                    throw new UnrecoverableKeyException("credential slot's key pair does not match its public key");
                }
            }
            return new SlotKeys.Unlocked(root, slot, pair);
        } catch (AEADBadTagException e) {
            var wrong = new UnrecoverableKeyException("credential was incorrect");
            wrong.initCause(e);
            throw wrong;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM failed", e);
        } finally {
            kekKey.destroy();
            if (secrets != null) {
                Arrays.fill(secrets, (byte) 0);
            }
        }
    }

    /**
     * Wraps this root key, and {@code pair}'s private key when given, into a new credential slot
     * describing {@code kind, principal, flags, kdf, salt} (with {@link KeySlot#HOLDS_KEY_PAIR} and
     * the public key when {@code pair} is given).
     */
    KeySlot wrap(KeySlot.Kind kind, String principal, int flags, Argon2Params kdf, byte[] salt, byte[] kek,
                 PrincipalKeyPair pair) {
        byte[] nonce = new byte[AesGcm.NONCE_BYTES];
        KmsRandom.nextBytes(nonce);
        SecretBytes kekKey = new SecretBytes(kek, "AES");
        byte[] secrets = root.getEncoded();
        int slotFlags = pair == null ? flags & ~KeySlot.HOLDS_KEY_PAIR : flags | KeySlot.HOLDS_KEY_PAIR;
        byte[] publicKey = pair == null ? null : pair.publicKey();
        if (pair != null) {
            byte[] k = pair.privateKeyCopy();
            byte[] both = Arrays.copyOf(secrets, 64);
            System.arraycopy(k, 0, both, 32, 32);
            Arrays.fill(k, (byte) 0);
            Arrays.fill(secrets, (byte) 0);
            secrets = both;
        }
        try {
            byte[] wrapped = AesGcm.encrypt(kekKey, nonce, KeySlot.aad(kind, principal, slotFlags, kdf, salt, publicKey),
                    secrets);
            return new KeySlot(kind, principal, slotFlags, kdf, salt, nonce, wrapped, publicKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM failed", e);
        } finally {
            kekKey.destroy();
            Arrays.fill(secrets, (byte) 0);
        }
    }

    /** Seals a record payload for {@code keyId} at {@code revision}, under a key of its own. */
    public byte[] seal(String keyId, long revision, byte[] payload) {
        try {
            return records.seal(keyId, revision, payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM failed", e);
        }
    }

    /**
     * Opens a record; a record altered, moved to another key id or revision, or sealed under
     * another root key fails here.
     */
    public byte[] open(KeyRecord record) throws CorruptStoreException {
        try {
            return records.open(record.keyId(), record.revision(), record.sealed());
        } catch (AEADBadTagException e) {
            throw new CorruptStoreException("record of key " + record.keyId() + " failed authentication: "
                    + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM failed", e);
        }
    }

    /**
     * HMAC-SHA256 of {@code data[offset, offset + length)} under the image subkey: the tag of a
     * whole store image (the file backend's {@code ImageAuthenticator} is {@code root::imageTag}).
     */
    public byte[] imageTag(byte[] data, int offset, int length) {
        try {
            Mac mac = Primitives.mac("HmacSHA256");
            mac.init(imageKey);
            mac.update(data, offset, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 failed", e);
        }
    }

    /**
     * HMAC-SHA256 of {@code label | parts...} under the import subkey (HKDF of the root key,
     * label {@code kms-jca/v1/import-mac}): the tag of an import token and the keyed digest of
     * imported material (docs/FORMAT.md). Each use names its own {@code label}.
     */
    public byte[] importTag(byte[] label, byte[]... parts) {
        try {
            Mac mac = Primitives.mac("HmacSHA256");
            mac.init(importKey);
            mac.update(label);
            for (byte[] p : parts) {
                mac.update(p);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 failed", e);
        }
    }

    /** Whether {@code other} holds the same root key (constant time). */
    boolean sameAs(RootKey other) {
        byte[] a = root.getEncoded();
        byte[] b = other.root.getEncoded();
        try {
            return java.security.MessageDigest.isEqual(a, b);
        } finally {
            Arrays.fill(a, (byte) 0);
            Arrays.fill(b, (byte) 0);
        }
    }

    public boolean isDestroyed() {
        return root.isDestroyed();
    }

    public void destroy() {
        root.destroy();
        records.destroy();
        imageKey.destroy();
        importKey.destroy();
    }
}
