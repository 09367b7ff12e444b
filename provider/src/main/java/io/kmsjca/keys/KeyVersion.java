package io.kmsjca.keys;

import io.kmsjca.crypto.SecretBytes;
import io.kmsjca.format.WrappedKeyBlob;

import javax.crypto.Mac;
import java.security.InvalidKeyException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One version of a master key: its material and the derived keys in use. Shared, unchanged,
 * by every snapshot that holds the key, so its caches survive rotations and alias changes.
 * Lock-free: wraps and unwraps on many threads only read and compare-and-set.
 */
public final class KeyVersion {

    /**
     * Wraps per derived key before a fresh salt is drawn. Nonces are a per-session counter, so
     * they never repeat; the cap bounds what one derived key protects (docs/decisions.md).
     */
    static final long MAX_WRAPS_PER_SESSION = 1L << 20;
    private static final int UNWRAP_CACHE_SLOTS = 16;

    private final int number;
    private final Instant created;
    private final KeyOrigin origin;
    private final SecretBytes material;
    private final AtomicReference<WrapSession> session = new AtomicReference<>();
    private final AtomicReferenceArray<DerivedKey> unwrapCache = new AtomicReferenceArray<>(UNWRAP_CACHE_SLOTS);

    KeyVersion(int number, Instant created, KeyOrigin origin, byte[] material) {
        if (number < 1) {
            throw new IllegalArgumentException("key version must be 1 or more, was " + number);
        }
        if (material.length != 32) {
            throw new IllegalArgumentException("master key material must be 32 bytes (AES-256), was " + material.length);
        }
        this.number = number;
        this.created = created;
        this.origin = origin;
        this.material = new SecretBytes(material, "HmacSHA256");
    }

    public int number() {
        return number;
    }

    public Instant created() {
        return created;
    }

    public KeyOrigin origin() {
        return origin;
    }

    /** The material, for sealing into a record only; the caller wipes it. */
    byte[] materialCopy() {
        return material.getEncoded();
    }

    /** A derived key and the unique counter value one wrap may use with it. */
    record Lease(DerivedKey key, long counter) {
    }

    /** Takes the next counter value of the current session, opening a new session when it is used up. */
    Lease lease(UUID keyId, Mac mac, SecureRandom random) throws InvalidKeyException {
        while (true) {
            WrapSession s = session.get();
            if (s != null) {
                long n = s.uses.getAndIncrement();
                if (n < MAX_WRAPS_PER_SESSION) {
                    return new Lease(s.key, n);
                }
            }
            byte[] salt = new byte[WrappedKeyBlob.SALT_BYTES];
            random.nextBytes(salt);
            WrapSession fresh = new WrapSession(DerivedKey.derive(material, keyId, number, salt, mac));
            if (session.compareAndSet(s, fresh)) {
                remember(fresh.key);
            }
        }
    }

    /** The derived key a blob's salt selects, from the cache or derived now. */
    DerivedKey forBlob(UUID keyId, byte[] blob, Mac mac) throws InvalidKeyException {
        int slot = blob[WrappedKeyBlob.SALT_OFFSET] & (UNWRAP_CACHE_SLOTS - 1);
        DerivedKey cached = unwrapCache.get(slot);
        if (cached != null && cached.hasSalt(blob)) {
            return cached;
        }
        byte[] salt = Arrays.copyOfRange(blob, WrappedKeyBlob.SALT_OFFSET,
                WrappedKeyBlob.SALT_OFFSET + WrappedKeyBlob.SALT_BYTES);
        DerivedKey derived = DerivedKey.derive(material, keyId, number, salt, mac);
        unwrapCache.set(slot, derived);
        return derived;
    }

    private void remember(DerivedKey key) {
        unwrapCache.set(key.salt[0] & (UNWRAP_CACHE_SLOTS - 1), key);
    }

    /** Wipes the material. Derived keys still referenced by a running wrap are left to it. */
    void destroy() {
        material.destroy();
    }

    boolean isDestroyed() {
        return material.isDestroyed();
    }

    private static final class WrapSession {
        final DerivedKey key;
        final AtomicLong uses = new AtomicLong();

        WrapSession(DerivedKey key) {
            this.key = key;
        }
    }
}
