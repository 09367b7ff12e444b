package io.kmsjca.postgres;

import io.kmsjca.spi.CorruptStoreException;
import io.kmsjca.spi.KeyRecord;
import io.kmsjca.spi.KeyRecordStore;
import io.kmsjca.spi.OutOfSyncException;
import io.kmsjca.spi.StaleRecordException;
import io.kmsjca.spi.audit.AuditListener;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A key store in PostgreSQL, shared by every JVM that opens the same database and store name.
 * One row per key holds its sealed record (the database never sees key material in the clear)
 * and a revision that every change compares and sets in its {@code WHERE} clause, so of two
 * JVMs changing one key at once exactly one wins and the other gets
 * {@link StaleRecordException}. Every change also {@code NOTIFY}s in its transaction; the
 * {@link ChangeFeed} of the other JVMs hears it. The key service reads the store when it opens
 * and when told of a change, never on the hot path.
 */
public final class PostgresKeyRecordStore implements KeyRecordStore {

    private static final System.Logger LOG = System.getLogger("io.kmsjca.postgres");
    private static final String READ_SEALED = "CASE WHEN octet_length(sealed) <= " + KeyRecord.MAX_SEALED_BYTES
            + " THEN sealed END";

    private final PostgresSettings settings;
    private final String instanceId = UUID.randomUUID().toString();
    private final StoreQueries queries;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final ChangeFeed feed;
    private final PostgresAuditListener auditListener;

    private PostgresKeyRecordStore(PostgresSettings settings) throws IOException {
        this.settings = settings;
        this.queries = StoreQueries.open(settings);
        this.auditListener = settings.auditTable() ? new PostgresAuditListener(queries.pool(), settings.storeName()) : null;
        try {
            this.feed = new ChangeFeed(settings, instanceId, this::tell, queries::dropPooledConnections);
        } catch (IOException e) {
            queries.closePool();
            throw e;
        }
        queries.runOnFeedThreadWith(feed);
    }

    /**
     * Connects, creates or migrates the tables, and starts the change feed.
     *
     * @throws IOException the database cannot be reached or its schema is newer than this kms-jca
     */
    public static PostgresKeyRecordStore open(PostgresSettings settings) throws IOException {
        return new PostgresKeyRecordStore(settings);
    }

    /** Whether the change feed is connected (false during a database outage). */
    public boolean changeFeedConnected() {
        return feed.connected();
    }

    @Override
    public Optional<byte[]> header() throws IOException {
        return query("read the store header", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT CASE WHEN octet_length(header) <= " + MAX_HEADER_BYTES
                    + " THEN header END FROM kmsjca_store WHERE store = ?")) {
                s.setString(1, settings.storeName());
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return Optional.<byte[]>empty();
                    }
                    byte[] header = r.getBytes(1);
                    if (header == null) {
                        throw new CorruptStoreException("the header of store " + settings.storeName() + " is larger than "
                                + MAX_HEADER_BYTES + " bytes: it was written outside kms-jca");
                    }
                    return Optional.of(header);
                }
            }
        });
    }

    @Override
    public void putHeader(byte[] expected, byte[] next) throws IOException, StaleRecordException {
        if (next == null || next.length == 0 || next.length > MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("header must be 1.." + MAX_HEADER_BYTES + " bytes");
        }
        int rows = query("write the store header", c -> {
            String sql = expected == null
                    ? "INSERT INTO kmsjca_store (store, header) VALUES (?, ?) ON CONFLICT (store) DO NOTHING"
                    : "UPDATE kmsjca_store SET header = ?, updated = now() WHERE store = ? AND header = ?";
            try (PreparedStatement s = c.prepareStatement(sql)) {
                if (expected == null) {
                    s.setString(1, settings.storeName());
                    s.setBytes(2, next);
                } else {
                    s.setBytes(1, next);
                    s.setString(2, settings.storeName());
                    s.setBytes(3, expected);
                }
                return s.executeUpdate();
            }
        });
        if (rows == 0) {
            throw new StaleRecordException("store header changed since it was read");
        }
    }

    @Override
    public Optional<KeyRecord> get(String keyId) throws IOException {
        List<KeyRecord> found = records("read key " + keyId, "AND key_id = ?", keyId);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    @Override
    public List<KeyRecord> list() throws IOException {
        return records("read the keys", "", null);
    }

    @Override
    public Map<String, Long> revisions() throws IOException {
        return query("read the key revisions", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT key_id, revision FROM kmsjca_key WHERE store = ?")) {
                s.setString(1, settings.storeName());
                Map<String, Long> out = new HashMap<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.put(r.getString(1), r.getLong(2));
                    }
                }
                return out;
            }
        });
    }

    private List<KeyRecord> records(String what, String filter, String keyId) throws IOException {
        return query(what, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT key_id, revision, " + READ_SEALED
                    + " FROM kmsjca_key WHERE store = ? " + filter)) {
                s.setString(1, settings.storeName());
                if (keyId != null) {
                    s.setString(2, keyId);
                }
                List<KeyRecord> out = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(record(r.getString(1), r.getLong(2), r.getBytes(3)));
                    }
                }
                return out;
            }
        });
    }

    /** A row as a record; a row no kms-jca could have written is reported, not trusted. */
    private static KeyRecord record(String keyId, long revision, byte[] sealed) throws CorruptStoreException {
        if (sealed == null) {
            throw new CorruptStoreException("the record of key " + keyId + " is larger than "
                    + KeyRecord.MAX_SEALED_BYTES + " bytes: it was written outside kms-jca");
        }
        try {
            return new KeyRecord(keyId, revision, sealed);
        } catch (IllegalArgumentException e) {
            throw new CorruptStoreException("a row of kmsjca_key is invalid (" + e.getMessage()
                    + "): it was written outside kms-jca", e);
        }
    }

    @Override
    public void put(KeyRecord next) throws IOException, StaleRecordException {
        boolean first = next.revision() == 1;
        String sql = first
                ? "INSERT INTO kmsjca_key (store, key_id, revision, sealed) VALUES (?, ?, 1, ?) ON CONFLICT DO NOTHING"
                : "UPDATE kmsjca_key SET revision = ?, sealed = ?, updated = now() WHERE store = ? AND key_id = ? AND revision = ?";
        change("write key " + next.keyId(), next.keyId(), c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                if (first) {
                    s.setString(1, settings.storeName());
                    s.setString(2, next.keyId());
                    s.setBytes(3, next.sealed());
                } else {
                    s.setLong(1, next.revision());
                    s.setBytes(2, next.sealed());
                    s.setString(3, settings.storeName());
                    s.setString(4, next.keyId());
                    s.setLong(5, next.revision() - 1);
                }
                return s.executeUpdate() == 1 ? null
                        : "key " + next.keyId() + " is not at revision " + (next.revision() - 1);
            }
        });
    }

    @Override
    public void delete(String keyId, long expectedRevision) throws IOException, StaleRecordException {
        change("delete key " + keyId, keyId, c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "DELETE FROM kmsjca_key WHERE store = ? AND key_id = ? AND revision = ?")) {
                s.setString(1, settings.storeName());
                s.setString(2, keyId);
                s.setLong(3, expectedRevision);
                return s.executeUpdate() == 1 ? null : "key " + keyId + " is not at revision " + expectedRevision;
            }
        });
    }

    /**
     * Runs one compare-and-set and its notification in a transaction; a lost comparison rolls
     * back and throws. Listeners here hear the change once it committed.
     */
    private void change(String what, String keyId, StoreQueries.Sql<String> compareAndSet) throws IOException, StaleRecordException {
        String lost;
        try {
            lost = compareAndSetOnce(what, keyId, compareAndSet);
        } catch (IOException e) {
            if (e.getCause() instanceof SQLException sql && isConcurrentUpdate(sql)) {
                // the server refused a transaction that raced another on this row: nothing was
                // written, exactly as when the revision comparison loses, so the caller re-reads
                StaleRecordException stale = new StaleRecordException("key " + keyId
                        + " was changed by a concurrent transaction (SQLSTATE " + sql.getSQLState() + ")");
                stale.initCause(sql);
                throw stale;
            }
            throw e;
        }
        if (lost != null) {
            throw new StaleRecordException(lost);
        }
        try {
            tell(keyId);
        } catch (RuntimeException e) { // the change is durable: a listener's trouble must not make it look failed
            LOG.log(System.Logger.Level.WARNING, "kms-jca: a listener did not take in key " + keyId + ": " + e.getMessage());
        }
    }

    /**
     * serialization_failure (under a database or role whose default isolation is REPEATABLE READ
     * or SERIALIZABLE) and deadlock_detected: PostgreSQL rolled the transaction back.
     */
    private static boolean isConcurrentUpdate(SQLException e) {
        return "40001".equals(e.getSQLState()) || "40P01".equals(e.getSQLState());
    }

    /** The compare-and-set in its transaction: null when it won, else why it lost. */
    private String compareAndSetOnce(String what, String keyId, StoreQueries.Sql<String> compareAndSet) throws IOException {
        return query(what, c -> {
            c.setAutoCommit(false);
            try {
                String reason = compareAndSet.run(c);
                if (reason != null) {
                    c.rollback();
                    return reason;
                }
                try (PreparedStatement n = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                    n.setString(1, ChangeFeed.CHANNEL);
                    n.setString(2, ChangeFeed.payload(settings.storeName(), keyId, instanceId));
                    n.execute();
                }
                c.commit();
                return null;
            } catch (Exception e) { // nothing half-done may be committed by the autocommit below
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        });
    }

    /**
     * Tells every listener; if one throws, the others are still told and the first failure is
     * rethrown, so the change feed knows the change was not taken in and catches up later.
     */
    private void tell(String keyId) {
        RuntimeException failed = null;
        for (Consumer<String> l : listeners) {
            try {
                l.accept(keyId);
            } catch (RuntimeException e) {
                if (failed == null) {
                    failed = e;
                } else {
                    failed.addSuppressed(e);
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    @Override
    public Subscription subscribe(Consumer<String> changedKeyId) {
        queries.ensureOpen();
        listeners.add(changedKeyId);
        feed.catchUp(); // what changed between the listener's first read and now reaches it
        return () -> listeners.remove(changedKeyId);
    }

    /** Every read goes to the database, so there is nothing kept to renew. */
    @Override
    public void refresh() {
        queries.ensureOpen();
    }

    /** Fails once this JVM has gone {@code maxStaleness} without confirming it holds every change. */
    @Override
    public void checkInSync() throws OutOfSyncException {
        feed.checkInSync();
    }

    @Override
    public Optional<AuditListener> auditListener() {
        return Optional.ofNullable(auditListener);
    }

    @Override
    public void close() {
        if (queries.markClosed()) {
            feed.close();
            queries.closePool();
        }
    }

    /** A connection of the pool ({@link StoreQueries#pooledConnection}). */
    Connection pooledConnection() throws SQLException {
        return queries.pooledConnection();
    }

    private <T> T query(String what, StoreQueries.Sql<T> sql) throws IOException {
        return queries.query(what, sql);
    }
}
