package io.kmsjca.keys;

import io.kmsjca.crypto.SecretBytes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reuse of envelope data keys, like the AWS Encryption SDK's caching materials manager: a data
 * key (and its wrapped copies) serves further messages to the same master keys and context
 * until it has served {@code maxMessages} messages, encrypted {@code maxBytes} bytes, or lived
 * {@code maxAge}, whichever comes first. Streams of unknown size count their bytes as they are
 * encrypted; a limit crossed during a message retires the key when that message ends. Every
 * reuse is audited (REUSE_CACHED_DATA_KEY). Off unless a cipher is given one. Thread-safe; share
 * it between the ciphers that should reuse keys.
 */
public final class DataKeyCache {

    private final int maxMessages;
    private final long maxBytes;
    private final Duration maxAge;
    private final Clock clock;
    private final Map<String, Entry> entries = new HashMap<>();

    /** One cached data key, with what the message header needs and its usage so far. */
    static final class Entry {
        final SecretBytes dataKey;
        final byte[] header;
        final Instant created;
        int messages;
        final AtomicLong bytes = new AtomicLong();

        Entry(byte[] dataKey, byte[] header, Instant created) {
            this.dataKey = new SecretBytes(dataKey, "AES");
            this.header = header.clone();
            this.created = created;
        }
    }

    public DataKeyCache(int maxMessages, long maxBytes, Duration maxAge) {
        this(maxMessages, maxBytes, maxAge, Clock.systemUTC());
    }

    public DataKeyCache(int maxMessages, long maxBytes, Duration maxAge, Clock clock) {
        if (maxMessages < 1 || maxBytes < 1 || maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("data key cache limits must be positive");
        }
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /** A cached entry taken for one message, with its own copy of the data key (the caller wipes it). */
    record Reuse(Entry entry, byte[] dataKey) {
    }

    /** The entry for {@code recipients} if it may serve one more message (counted), else null. */
    synchronized Reuse take(String recipients) {
        Entry e = entries.get(recipients);
        if (e == null) {
            return null;
        }
        if (e.messages >= maxMessages || e.bytes.get() >= maxBytes
                || !clock.instant().isBefore(e.created.plus(maxAge))) {
            entries.remove(recipients);
            e.dataKey.destroy(); // messages under way derived their own chunk keys: nothing needs it any more
            return null;
        }
        e.messages++;
        return new Reuse(e, e.dataKey.getEncoded());
    }

    /** Caches a fresh data key; its first message is counted. */
    synchronized Entry put(String recipients, byte[] dataKey, byte[] header) {
        Entry e = new Entry(dataKey, header, clock.instant());
        e.messages = 1;
        Entry old = entries.put(recipients, e);
        if (old != null) {
            old.dataKey.destroy();
        }
        return e;
    }

    /** How many messages the current key for these recipients has served (tests, diagnostics). */
    synchronized int messagesServed(String recipients) {
        Entry e = entries.get(recipients);
        return e == null ? 0 : e.messages;
    }

    static String recipients(KmsKeyRing ring, byte[] context) {
        StringBuilder sb = new StringBuilder();
        ring.encryptionKeys().forEach(k -> sb.append(k.keyId()).append(','));
        return sb.append(Arrays.toString(context)).toString();
    }
}
