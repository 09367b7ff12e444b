package io.kmsjca.internal.service;

import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.internal.store.MasterKeyCodec;

import io.kmsjca.internal.audit.AuditCheckpoints;

import java.io.IOException;
import java.security.KeyStoreException;
import java.time.Clock;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The audit logs' checkpoints, kept in the store as tags of the provider-owned audit key: tag
 * {@code kms:audit-log/CHAIN} (the first 32 hex digits of the log's chain id), value
 * {@code SEQ HASH EPOCH-SECOND}. The key's record is sealed under the root key and written by
 * compare-and-set like any key change, so every process sharing the store sees one checkpoint per
 * log, and whoever can cut the log cannot move it back. Customers cannot set {@code kms:} tags.
 * Beside them, tag {@code kms:audit-at/LOCATION} (the first 32 hex digits of the location's hash),
 * value {@code CHAIN EPOCH-SECOND}: the chain last checkpointed at that host and path, so a log
 * deleted whole or replaced there is found. A key holds at most {@link MasterKeyCodec#MAX_TAGS}
 * tags: past that, the audit tag updated longest ago (a log no longer written) gives way.
 */
public final class AuditLogCheckpoints implements AuditCheckpoints {

    static final String TAG_PREFIX = "kms:audit-log/";
    static final String LOCATION_PREFIX = "kms:audit-at/";
    private static final Pattern LOCATION_VALUE = Pattern.compile("([0-9a-f]{32}) (\\d{1,19})");
    private static final Pattern VALUE = Pattern.compile("(\\d{1,19}) ([0-9a-f]{64}) (\\d{1,19})");

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
        String value = checkpoint.seq() + " " + checkpoint.hash() + " " + clock.instant().getEpochSecond();
        update(tag(chainId), stored -> parse(stored).map(cp -> cp.seq() < checkpoint.seq()).orElse(true), value);
    }

    @Override
    public Optional<String> chainAt(String location) throws IOException {
        return parseLocation(fresh().tags().get(locationTag(location)));
    }

    @Override
    public void settle(String location, String chainId) throws IOException {
        // the first chain checkpointed at a location stays until retired: a replacement never settles itself
        update(locationTag(location), stored -> parseLocation(stored).isEmpty(),
                chainId.substring(0, 32) + " " + clock.instant().getEpochSecond());
    }

    /**
     * Forgets which chain lives at {@code location}: an administrator's act after archiving a log
     * on purpose, so the next log written there is checkpointed as its own.
     *
     * @return whether the store held a chain for the location
     */
    boolean retire(String location) throws IOException {
        return update(locationTag(location), stored -> stored != null, null);
    }

    /**
     * Sets (or, with a null value, removes) one audit tag by compare-and-set, if {@code wanted}
     * accepts the value the store holds now; the registry's transaction retries when another
     * process changed the key meanwhile.
     */
    private boolean update(String tag, Predicate<String> wanted, String value) throws IOException {
        boolean[] applied = {false};
        try {
            MasterKey stored = fresh();
            registry.change(stored, key -> {
                applied[0] = wanted.test(key.tags().get(tag));
                return applied[0] ? key.withTags(withTag(key.tags(), tag, value)) : key; // else e.g. another writer is further
            });
            return applied[0];
        } catch (KeyStoreException e) {
            throw new IOException("cannot keep the audit log's checkpoint in the store: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> withTag(Map<String, String> current, String tag, String value) {
        Map<String, String> tags = new TreeMap<>(current);
        if (value == null) {
            tags.remove(tag);
        } else {
            tags.put(tag, value);
        }
        while (tags.size() > MasterKeyCodec.MAX_TAGS) {
            tags.keySet().stream().filter(t -> t.startsWith(TAG_PREFIX) || t.startsWith(LOCATION_PREFIX))
                    .min(Comparator.comparingLong(t -> updated(tags.get(t)))).ifPresent(tags::remove);
        }
        return tags;
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

    private static String locationTag(String location) {
        return LOCATION_PREFIX + location.substring(0, 32);
    }

    private static Optional<String> parseLocation(String value) {
        Matcher m = value == null ? null : LOCATION_VALUE.matcher(value);
        return m != null && m.matches() ? Optional.of(m.group(1)) : Optional.empty();
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
        if (value == null) {
            return 0;
        }
        Matcher m = VALUE.matcher(value);
        if (m.matches()) {
            return Long.parseLong(m.group(3));
        }
        m = LOCATION_VALUE.matcher(value);
        return m.matches() ? Long.parseLong(m.group(2)) : 0;
    }
}
