package io.kmsjca.keys;

import io.kmsjca.internal.engine.CachedDataKeys;

import java.time.Clock;
import java.time.Duration;

/**
 * Reuse of envelope data keys, like the AWS Encryption SDK's caching materials manager: a data
 * key (and its wrapped copies) serves further messages to the same master keys and context
 * until it has served {@code maxMessages} messages, encrypted {@code maxBytes} bytes, or lived
 * {@code maxAge}, whichever comes first. Streams of unknown size count their bytes as they are
 * encrypted; a limit crossed during a message retires the key when that message ends.
 *
 * <p>Unlike the ESDK's cache, this one knows the keys' lifecycle: a cached data key is reused
 * only while every recipient master key may encrypt now and its current version is still the
 * one the cached copy was wrapped under. A disabled, pending-deletion or destroyed key, a
 * rotation, an imported version or a revocation (which needs a rotation first) therefore ends
 * the reuse; the entry is dropped, its key wiped, and the message gets a fresh data key or is
 * refused as any new one would be (docs/decisions.md).
 *
 * <p>The messages of a cached data key are KMSEnvelope version 4 (docs/FORMAT.md): they share
 * one derivation of the body's chunk key, base nonce and commitment, and each carries its own
 * number, which gives it its own nonces; so a reuse costs no random bytes and no key derivation,
 * only the body's GCM. The cache keeps that derivation, not the data key. A JVM restored from a
 * snapshot (CRaC) reuses no entry made before it: each copy gets a fresh data key.
 *
 * <p>It holds at most {@code maxEntries} entries; beyond that the oldest is evicted. Expired
 * entries are swept whenever the cache is used, whoever they were for. Every dropped key is
 * wiped at once: messages under way hold their own copy, and the JDK's AES-GCM object inside each
 * cipher that encrypted with it keeps the key's schedule until that cipher's next message. Every
 * reuse is audited (REUSE_CACHED_DATA_KEY). Off unless a cipher is given one. Thread-safe;
 * share it between the ciphers that should reuse keys.
 */
public final class DataKeyCache {

    /** Entries kept when the caller names no bound: ample for the recipient sets of one service. */
    public static final int DEFAULT_MAX_ENTRIES = 1000;

    static {
        CachedDataKeys.bridge(cache -> cache.entries);
    }

    private final CachedDataKeys entries;

    /** A cache of at most {@link #DEFAULT_MAX_ENTRIES} entries on the system clock. */
    public DataKeyCache(int maxMessages, long maxBytes, Duration maxAge) {
        this(maxMessages, maxBytes, maxAge, DEFAULT_MAX_ENTRIES, Clock.systemUTC());
    }

    public DataKeyCache(int maxMessages, long maxBytes, Duration maxAge, Clock clock) {
        this(maxMessages, maxBytes, maxAge, DEFAULT_MAX_ENTRIES, clock);
    }

    /** @param maxEntries how many recipient sets (keys and context) it keeps a data key for */
    public DataKeyCache(int maxMessages, long maxBytes, Duration maxAge, int maxEntries) {
        this(maxMessages, maxBytes, maxAge, maxEntries, Clock.systemUTC());
    }

    /** @throws IllegalArgumentException a limit is not positive */
    public DataKeyCache(int maxMessages, long maxBytes, Duration maxAge, int maxEntries, Clock clock) {
        this.entries = new CachedDataKeys(maxMessages, maxBytes, maxAge, maxEntries, clock);
    }
}
