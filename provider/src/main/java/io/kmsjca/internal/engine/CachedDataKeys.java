package io.kmsjca.internal.engine;

import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.KmsKeyRing;

import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.internal.crypto.SecretBytes;
import io.kmsjca.internal.format.EncryptionContext;

import io.kmsjca.keys.DataKeyCache;
import java.time.Clock;
import java.util.function.Function;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** The entries of one {@link DataKeyCache} and the rules for reusing them (see that class). */
public final class CachedDataKeys {

    /** How the engine reaches the cache behind the public {@link DataKeyCache}, set by that class. */
    private static volatile Function<DataKeyCache, CachedDataKeys> ofPublic;

    /** Called once, by {@link DataKeyCache}'s initializer. */
    public static void bridge(Function<DataKeyCache, CachedDataKeys> accessor) {
        ofPublic = accessor;
    }

    /** The cache behind {@code cache} (its class is initialized: an instance exists). */
    public static CachedDataKeys of(DataKeyCache cache) {
        return ofPublic.apply(cache);
    }


    /**
     * The most bytes a cached key starts messages for, whatever the cache's own limit: what one
     * C2SP message may hold (2^38 chunks of 16 KiB). Its messages share one AES key, so this keeps
     * the data under that key within what a single message may put under its own.
     */
    static final long MAX_BYTES_PER_KEY = 1L << 52;

    private final int maxMessages;
    private final long maxBytes;
    private final Duration maxAge;
    private final int maxEntries;
    private final Clock clock;
    /**
     * In insertion order, which is creation order (a new key for known recipients is inserted
     * anew) and so expiry order, as every entry lives {@code maxAge}: the oldest entries, the
     * ones to sweep and to evict, come first.
     */
    private final LinkedHashMap<Recipients, Entry> entries = new LinkedHashMap<>();

    /** Who a message is for: its recipient keys (handles compare by key store and key id) and context. */
    record Recipients(List<KmsKeyHandle> keys, EncryptionContext context) {
        static Recipients of(KmsKeyRing ring, EncryptionContext context) {
            return new Recipients(ring.encryptionKeys(), context);
        }
    }

    /**
     * One cached data key: not the key itself but what its messages share (KMSEnvelope version
     * 4): the body's chunk key and base nonce, derived once, and the bytes each message starts
     * with (header, salt, commitment). Its message count is the next message's number.
     */
    static final class Entry {
        final SecretBytes chunkKey;
        final byte[] baseNonce;
        /** Every byte a message of this key writes before its number: the header, the salt and the commitment. */
        final byte[] prefix;
        /** The version of each recipient key, in ring order, that its wrapped copy in the header names. */
        private final int[] versions;
        final Instant created;
        /** The random epoch its data key and salt were drawn in: reused in no other (a restored snapshot's copy). */
        final int epoch;
        int messages;
        final AtomicLong bytes = new AtomicLong();

        Entry(byte[] chunkKey, byte[] baseNonce, byte[] prefix, int[] versions, Instant created, int epoch) {
            this.chunkKey = new SecretBytes(chunkKey, "AES");
            this.baseNonce = baseNonce.clone();
            this.prefix = prefix.clone();
            this.versions = versions.clone();
            this.created = created;
            this.epoch = epoch;
        }

        /** The version of the first recipient key, for the audit event of a reuse. */
        int firstVersion() {
            return versions[0];
        }
    }

    public CachedDataKeys(int maxMessages, long maxBytes, Duration maxAge, int maxEntries, Clock clock) {
        if (maxMessages < 1 || maxBytes < 1 || maxAge.isNegative() || maxAge.isZero() || maxEntries < 1) {
            throw new IllegalArgumentException("data key cache limits must be positive");
        }
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.maxAge = maxAge;
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    /** A cached entry taken for one message: its own copy of the chunk key (the caller wipes it) and its number. */
    record Reuse(Entry entry, byte[] chunkKey, int number) {
    }

    /**
     * The entry for {@code recipients} if it may serve one more message (counted, and numbered
     * with the count before), else null. An entry that may not is dropped and its key wiped. Under
     * this lock, so no number is handed out twice; and only in the epoch its random bytes were
     * drawn in, so the copies of a restored snapshot do not go on numbering the same messages.
     */
    synchronized Reuse take(Recipients recipients) {
        Instant now = clock.instant();
        sweep(now);
        Entry e = entries.get(recipients);
        if (e == null) {
            return null;
        }
        if (!withinLimits(e, now) || e.epoch != KmsRandom.epoch() || !wrappedUnderCurrentVersions(recipients, e)) {
            drop(recipients, e);
            return null;
        }
        Reuse reuse = new Reuse(e, e.chunkKey.getEncoded(), e.messages++);
        if (e.messages >= maxMessages) {
            drop(recipients, e); // its last message: the key need not stay in memory until the next one asks
        }
        return reuse;
    }

    /**
     * Caches what the messages of a fresh data key share, whose copy for each recipient key was
     * wrapped under {@code versions} and whose random bytes were drawn in {@code epoch}; its first
     * message (number 0) is counted.
     */
    synchronized Entry put(Recipients recipients, byte[] chunkKey, byte[] baseNonce, byte[] prefix, int[] versions,
                           int epoch) {
        Instant now = clock.instant();
        sweep(now);
        Entry e = new Entry(chunkKey, baseNonce, prefix, versions, now, epoch);
        e.messages = 1;
        Entry old = entries.remove(recipients); // removed, not replaced: the new entry goes last, as the newest
        if (old != null) {
            old.chunkKey.destroy();
        }
        if (e.messages < maxMessages) {
            entries.put(recipients, e);
            evictBeyond(maxEntries);
        } else {
            e.chunkKey.destroy(); // a limit of one message: never reused, so not kept
        }
        return e;
    }

    /**
     * The rule of reuse: every recipient key may encrypt now, and its current version is the one
     * its cached copy was wrapped under. A message must be readable by whoever may read a message
     * written now: after a rotation that is the new version (and the old one may be revoked next).
     * Lock-free and without I/O: it reads the key store's immutable snapshot.
     */
    private static boolean wrappedUnderCurrentVersions(Recipients recipients, Entry e) {
        List<KmsKeyHandle> keys = recipients.keys();
        for (int i = 0; i < keys.size(); i++) {
            KmsKeyHandle k = keys.get(i);
            boolean reusable = k instanceof MasterKeyOperations.Remote remote
                    ? remote.operations().mayReuse(k, recipients.context(), e.versions[i])
                    : WrapEngine.mayReuseEmbedded(k, recipients.context(), e.versions[i]);
            if (!reusable) {
                return false;
            }
        }
        return true;
    }

    private boolean withinLimits(Entry e, Instant now) {
        return e.messages < maxMessages && e.bytes.get() < Math.min(maxBytes, MAX_BYTES_PER_KEY) && !expired(e, now);
    }

    /**
     * Past {@code maxAge}, or made "after" now: the clock stepped back (NTP step, VM restore) and
     * the entry's age is unknown, so it is not trusted to be younger than {@code maxAge}.
     */
    private boolean expired(Entry e, Instant now) {
        // the age, not created + maxAge, is compared: a maxAge as long as Duration allows cannot overflow
        return now.isBefore(e.created) || Duration.between(e.created, now).compareTo(maxAge) >= 0;
    }

    /**
     * Drops expired entries from the oldest on, stopping at the first live one: amortised, each
     * entry is swept once. Should the clock step back, the entries made "after" now count as
     * expired; those the sweep does not reach are dropped when their own recipients ask.
     */
    private void sweep(Instant now) {
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (!expired(e, now)) {
                return;
            }
            it.remove();
            e.chunkKey.destroy();
        }
    }

    /** Evicts the oldest entries, their keys wiped, until at most {@code bound} remain. */
    private void evictBeyond(int bound) {
        for (Iterator<Entry> it = entries.values().iterator(); entries.size() > bound && it.hasNext(); ) {
            Entry e = it.next();
            it.remove();
            e.chunkKey.destroy();
        }
    }

    private void drop(Recipients recipients, Entry e) {
        entries.remove(recipients);
        e.chunkKey.destroy();
    }

    /** How many recipient sets have a data key cached now (tests, diagnostics). */
    synchronized int size() {
        return entries.size();
    }
}
