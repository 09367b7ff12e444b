package io.kmsjca.internal.model;

import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.internal.crypto.SecretBytes;
import io.kmsjca.internal.engine.DerivedKey;
import io.kmsjca.internal.format.WrappedKeyBlob;

import javax.crypto.Mac;
import java.security.InvalidKeyException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The KMSWrap keys derived from one version's AES material (docs/FORMAT.md): the wrap session,
 * one derived key and the nonce counter its wraps share, and the unwrap cache, where a blob's
 * format version and salt select a derived key. Lock-free: wraps and unwraps on many threads
 * only read and compare-and-set.
 *
 * <p>Every derived key is wiped, either by {@link #wipe()}, or, if it was published while that
 * sweep ran, by the thread that derived it: {@link #lease} and {@link #forBlob} check the
 * material after publishing.
 */
final class DerivedKeys {

    private static final int UNWRAP_CACHE_SLOTS = 16;

    private final KeyVersion version;
    private final AtomicReference<WrapSession> session = new AtomicReference<>();
    private final AtomicReferenceArray<DerivedKey> unwrapCache = new AtomicReferenceArray<>(UNWRAP_CACHE_SLOTS);

    /** The derived keys of {@code version}, whose material they are derived from. */
    DerivedKeys(KeyVersion version) {
        this.version = version;
    }

    /**
     * Takes the next counter value of the current session, opening a new session of at most
     * {@code limit} wraps when it is used up or was opened before the last restore from a snapshot.
     */
    KeyVersion.Lease lease(UUID keyId, Mac mac, long limit) throws InvalidKeyException {
        while (true) {
            WrapSession s = session.get();
            if (s != null && s.epoch == KmsRandom.epoch()) {
                KeyVersion.Lease lease = s.next();
                if (lease != null) {
                    return lease;
                }
            }
            // the epoch is read before the salt is drawn: a session opened across a restore is never used;
            // during a checkpoint (an odd epoch, which no session has) this waits for the restore
            int epoch = KmsRandom.sessionEpoch();
            byte[] salt = new byte[WrappedKeyBlob.SALT_BYTES];
            KmsRandom.nextBytes(salt);
            WrapSession fresh = new WrapSession(derive(WrappedKeyBlob.VERSION, keyId, salt, mac), epoch, limit);
            if (session.compareAndSet(s, fresh)) {
                remember(fresh.key);
                if (version.wiped()) { // wiped meanwhile: its sweep may have missed this key, so wipe it here
                    session.compareAndSet(fresh, null);
                    forget(fresh.key);
                    throw version.wipedException();
                }
            } else {
                fresh.key.destroy(); // another thread's session won: this key was never handed out
            }
        }
    }

    /** The derived key a blob's format version and salt select, from the cache or derived now. */
    DerivedKey forBlob(UUID keyId, byte[] blob, Mac mac) throws InvalidKeyException {
        int slot = blob[WrappedKeyBlob.SALT_OFFSET] & (UNWRAP_CACHE_SLOTS - 1);
        DerivedKey cached = unwrapCache.get(slot);
        if (cached != null && cached.opens(blob)) {
            return cached;
        }
        byte[] salt = Arrays.copyOfRange(blob, WrappedKeyBlob.SALT_OFFSET,
                WrappedKeyBlob.SALT_OFFSET + WrappedKeyBlob.SALT_BYTES);
        DerivedKey derived = derive(WrappedKeyBlob.version(blob), keyId, salt, mac);
        unwrapCache.set(slot, derived);
        if (version.wiped()) { // wiped meanwhile: its sweep of the cache may have missed this key
            forget(derived);
            throw version.wipedException();
        }
        return derived;
    }

    /** The derived keys held now: the session's and the unwrap cache's. */
    List<DerivedKey> held() {
        List<DerivedKey> held = new ArrayList<>();
        WrapSession open = session.get();
        if (open != null) {
            held.add(open.key);
        }
        for (int i = 0; i < UNWRAP_CACHE_SLOTS; i++) {
            DerivedKey cached = unwrapCache.get(i);
            if (cached != null) {
                held.add(cached);
            }
        }
        return held;
    }

    /** Ends the session and empties the cache, wiping every derived key they held. */
    void wipe() {
        WrapSession open = session.getAndSet(null);
        if (open != null) {
            open.key.destroy();
        }
        for (int i = 0; i < UNWRAP_CACHE_SLOTS; i++) {
            DerivedKey cached = unwrapCache.getAndSet(i, null);
            if (cached != null) {
                cached.destroy();
            }
        }
    }

    /**
     * The derived key {@code salt} selects for blobs of {@code format}; a wipe that lands while
     * the material is read refuses it.
     */
    private DerivedKey derive(int format, UUID keyId, byte[] salt, Mac mac) throws InvalidKeyException {
        SecretBytes live = version.liveAesMaterial();
        try {
            return DerivedKey.derive(live, format, keyId, version.number(), salt, mac);
        } catch (IllegalStateException e) { // the JDK's Mac read the material as the wipe zeroed it
            if (live.isDestroyed()) {
                throw (InvalidKeyException) version.wipedException().initCause(e);
            }
            throw e;
        }
    }

    private void remember(DerivedKey key) {
        unwrapCache.set(key.salt[0] & (UNWRAP_CACHE_SLOTS - 1), key);
    }

    /** Wipes {@code key} and takes it out of the unwrap cache if it is still there. */
    private void forget(DerivedKey key) {
        unwrapCache.compareAndSet(key.salt[0] & (UNWRAP_CACHE_SLOTS - 1), key, null);
        key.destroy();
    }

    /**
     * One derived key, the epoch it was opened in, and its nonce counters up to its limit. The
     * counter values are striped: stripe {@code i} of {@code S} hands out {@code i}, {@code i + S},
     * {@code i + 2S}, ..., so no value is handed out twice. Threads take stripes round robin in the
     * order they first wrap in this JVM, so up to S threads that start wrapping together get
     * different stripes (others may share one, which costs speed, never uniqueness). Each
     * stripe's counter sits alone in its cache line: two threads wrapping under one version on
     * two cores each increment their own, where one shared counter (and whatever the heap put in
     * its line) was passed between the cores on every wrap.
     */
    private static final class WrapSession {
        private static final int STRIPES = KeyVersion.NONCE_STRIPES;
        private static final int SPACING = 16; // longs: 128 bytes between two stripes' counters
        // a thread's stripe, round robin in the order threads first wrap in this JVM
        private static final AtomicInteger THREADS = new AtomicInteger();
        private static final ThreadLocal<Integer> STRIPE = ThreadLocal.withInitial(() -> THREADS.getAndIncrement() & (STRIPES - 1));
        final DerivedKey key;
        final int epoch;
        private final long perStripe;
        private final AtomicLongArray counters = new AtomicLongArray((STRIPES + 1) * SPACING);

        WrapSession(DerivedKey key, int epoch, long limit) {
            this.key = key;
            this.epoch = epoch;
            this.perStripe = Math.max(1, limit / STRIPES); // at most max(limit, STRIPES) wraps in all
        }

        /** The next counter value of this thread's stripe, or null when that stripe is used up. */
        KeyVersion.Lease next() {
            int stripe = STRIPE.get();
            long k = counters.getAndIncrement((stripe + 1) * SPACING);
            return k < perStripe ? new KeyVersion.Lease(key, k * STRIPES + stripe, k) : null;
        }
    }
}
