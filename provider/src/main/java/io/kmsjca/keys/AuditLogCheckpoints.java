package io.kmsjca.keys;

import io.kmsjca.audit.AuditCheckpoints;
import io.kmsjca.spi.StaleRecordException;

import java.io.IOException;
import java.security.KeyStoreException;
import java.time.Clock;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The audit logs' checkpoints, kept in the store as tags of the provider-owned audit key: tag
 * {@code kms:audit-log/CHAIN} (the first 32 hex digits of the log's chain id), value
 * {@code SEQ HASH EPOCH-SECOND}. The key's record is sealed under the root key and written by
 * compare-and-set like any key change, so every process sharing the store sees one checkpoint per
 * log, and whoever can cut the log cannot move it back. Customers cannot set {@code kms:} tags.
 * A key holds at most {@link MasterKeyCodec#MAX_TAGS} tags: past that, the checkpoint updated
 * longest ago (a log no longer written) gives way.
 */
final class AuditLogCheckpoints implements AuditCheckpoints {

    static final String TAG_PREFIX = "kms:audit-log/";
    private static final Pattern VALUE = Pattern.compile("(\\d{1,19}) ([0-9a-f]{64}) (\\d{1,19})");
    private static final int ATTEMPTS = 3;

    private final KeyRegistry registry;
    private final UUID auditKey;
    private final Clock clock;

    AuditLogCheckpoints(KeyRegistry registry, UUID auditKey, Clock clock) {
        this.registry = registry;
        this.auditKey = auditKey;
        this.clock = clock;
    }

    @Override
    public Optional<Checkpoint> read(String chainId) throws IOException {
        return parse(fresh().tags().get(tag(chainId)));
    }

    @Override
    public void advance(String chainId, Checkpoint checkpoint) throws IOException {
        synchronized (registry) {
            for (int attempt = 1; ; attempt++) {
                MasterKey key = fresh();
                Optional<Checkpoint> stored = parse(key.tags().get(tag(chainId)));
                if (stored.isPresent() && stored.get().seq() >= checkpoint.seq()) {
                    return; // another writer of the log is as far or further
                }
                Map<String, String> tags = new TreeMap<>(key.tags());
                tags.put(tag(chainId), checkpoint.seq() + " " + checkpoint.hash() + " " + clock.instant().getEpochSecond());
                while (tags.size() > MasterKeyCodec.MAX_TAGS) {
                    tags.keySet().stream().filter(t -> t.startsWith(TAG_PREFIX))
                            .min(Comparator.comparingLong(t -> updated(tags.get(t)))).ifPresent(tags::remove);
                }
                try {
                    registry.commit(key.withTags(tags));
                    return;
                } catch (KeyStoreException e) {
                    if (!(e.getCause() instanceof StaleRecordException) || attempt == ATTEMPTS) {
                        throw new IOException("cannot keep the audit log's checkpoint in the store: " + e.getMessage(), e);
                    }
                    // another process changed the audit key (its own checkpoint): read it again and retry
                }
            }
        }
    }

    /** The audit key as the store holds it now: other processes move checkpoints too. */
    private MasterKey fresh() throws IOException {
        MasterKey key = registry.reread(auditKey);
        if (key == null) {
            throw new IOException("the store's audit key " + auditKey + " is missing");
        }
        return key;
    }

    private static String tag(String chainId) {
        return TAG_PREFIX + chainId.substring(0, 32);
    }

    private static Optional<Checkpoint> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        Matcher m = VALUE.matcher(value);
        if (!m.matches()) {
            return Optional.empty(); // sealed, so written by kms-jca: a value it cannot read is from a later version
        }
        return Optional.of(new Checkpoint(Long.parseLong(m.group(1)), m.group(2)));
    }

    private static long updated(String value) {
        Matcher m = value == null ? null : VALUE.matcher(value);
        return m != null && m.matches() ? Long.parseLong(m.group(3)) : 0;
    }
}
