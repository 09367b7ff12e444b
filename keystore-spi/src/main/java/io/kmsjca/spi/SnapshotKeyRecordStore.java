package io.kmsjca.spi;

import io.kmsjca.spi.internal.PersistentMap;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The compare-and-set rules of {@link KeyRecordStore} in one place, over an immutable snapshot
 * of the whole store. Subclasses decide only how a new snapshot is made durable
 * ({@link #persist}); readers never block, writers are serialized.
 */
public abstract class SnapshotKeyRecordStore implements KeyRecordStore {

    /**
     * The whole store at one moment; never modified after construction. Its records are a
     * {@link PersistentMap}, so a change copies only the path to the changed key, not the store.
     */
    protected record Snapshot(byte[] header, Map<String, KeyRecord> records) {
        public Snapshot {
            header = header == null ? null : header.clone();
            records = PersistentMap.copyOf(records);
        }

        /** The records, as the persistent map they are. */
        public PersistentMap<String, KeyRecord> recordMap() {
            return (PersistentMap<String, KeyRecord>) records;
        }

        /** This snapshot with {@code record} stored (its key's previous record replaced). */
        public Snapshot with(KeyRecord record) {
            return new Snapshot(header, recordMap().with(record.keyId(), record));
        }

        /** This snapshot without the record of {@code keyId}. */
        public Snapshot without(String keyId) {
            return new Snapshot(header, recordMap().without(keyId));
        }

        @Override
        public byte[] header() {
            return header == null ? null : header.clone();
        }
    }

    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private volatile Snapshot snapshot;
    private volatile boolean closed;

    protected SnapshotKeyRecordStore(Snapshot initial) {
        this.snapshot = initial;
    }

    /** Makes {@code next} durable before it becomes visible; throw to leave the store unchanged. */
    protected abstract void persist(Snapshot next) throws IOException;

    /**
     * Makes {@code next} durable, knowing it is {@code current} with one change: the record of
     * {@code changedKeyId} stored or removed, or (null) a new header. A backend that writes only
     * what changed overrides this; the default writes the whole snapshot.
     */
    protected void persist(Snapshot current, Snapshot next, String changedKeyId) throws IOException {
        persist(next);
    }

    /**
     * Called under the write lock before each change is checked: a backend shared with other
     * processes returns what they wrote since (null if nothing), so compare-and-set runs against
     * the newest state. Listeners hear the ids that changed.
     */
    protected Snapshot refresh(Snapshot current) throws IOException {
        return null;
    }

    /** Runs {@code change} under the backend's cross-process lock, if it has one. */
    protected <T> T exclusively(IoSupplier<T> change) throws IOException, StaleRecordException {
        return change.get();
    }

    /** A change that may fail with I/O or a lost compare-and-set. */
    @FunctionalInterface
    protected interface IoSupplier<T> {
        T get() throws IOException, StaleRecordException;
    }

    private Snapshot fresh() throws IOException {
        Snapshot current = snapshot();
        Snapshot newer = refresh(current);
        if (newer == null) {
            return current;
        }
        snapshot = newer;
        var changed = PersistentMap.changedKeys(current.recordMap(), newer.recordMap());
        changed.forEach(id -> listeners.forEach(l -> l.accept(id)));
        return newer;
    }

    /**
     * Re-reads what other writers changed (through {@link #refresh(Snapshot)}, under the
     * backend's lock); the ids of changed records reach the listeners.
     */
    @Override
    public synchronized void refresh() throws IOException {
        try {
            exclusively(() -> fresh());
        } catch (StaleRecordException e) {
            throw new IllegalStateException(e); // a re-read compares nothing
        }
    }

    /**
     * {@link #refresh()}, returning the ids of the records it found changed (each also reached
     * the listeners): a caller that keeps what it read re-reads these instead of comparing every
     * record, so a re-read costs what changed, not what the store holds.
     */
    public synchronized Set<String> refreshChanged() throws IOException {
        try {
            return exclusively(() -> {
                Snapshot current = snapshot();
                Snapshot newer = fresh();
                return newer == current ? Set.<String>of() : PersistentMap.changedKeys(current.recordMap(), newer.recordMap());
            });
        } catch (StaleRecordException e) {
            throw new IllegalStateException(e); // a re-read compares nothing
        }
    }

    /**
     * The same as {@link #refresh()}.
     *
     * @deprecated the storage SPI's {@link KeyRecordStore#refresh()} does this for every backend
     */
    @Deprecated
    public void reload() throws IOException {
        refresh();
    }

    protected final Snapshot snapshot() {
        ensureOpen();
        return snapshot;
    }

    @Override
    public Optional<byte[]> header() {
        return Optional.ofNullable(snapshot().header());
    }

    @Override
    public synchronized void putHeader(byte[] expected, byte[] next) throws IOException, StaleRecordException {
        if (next == null || next.length == 0 || next.length > MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("header must be 1.." + MAX_HEADER_BYTES + " bytes");
        }
        exclusively(() -> {
            Snapshot current = fresh();
            if (!Arrays.equals(current.header, expected)) {
                throw new StaleRecordException("store header changed since it was read");
            }
            commit(current, new Snapshot(next, current.records), null);
            return null;
        });
    }

    /**
     * Persists the store as it is now as a whole ({@link #persist(Snapshot, Snapshot, String)}
     * with no key changed, as a header change does): a backend that keeps a journal and a
     * previous generation writes both afresh.
     */
    @Override
    public synchronized void compact() throws IOException {
        try {
            exclusively(() -> {
                Snapshot current = fresh();
                commit(current, current, null);
                return null;
            });
        } catch (StaleRecordException e) {
            throw new IOException("the store changed while it was compacted", e);
        }
    }

    @Override
    public Optional<KeyRecord> get(String keyId) {
        return Optional.ofNullable(snapshot().records.get(keyId));
    }

    @Override
    public List<KeyRecord> list() {
        return List.copyOf(snapshot().records.values());
    }

    @Override
    public synchronized void put(KeyRecord next) throws IOException, StaleRecordException {
        exclusively(() -> {
            Snapshot current = fresh();
            KeyRecord stored = current.records.get(next.keyId());
            long storedRevision = stored == null ? 0 : stored.revision();
            if (storedRevision != next.revision() - 1) {
                throw new StaleRecordException("key " + next.keyId() + " is at revision " + storedRevision
                        + ", not " + (next.revision() - 1));
            }
            commit(current, current.with(next), next.keyId());
            return null;
        });
    }

    @Override
    public synchronized void delete(String keyId, long expectedRevision) throws IOException, StaleRecordException {
        exclusively(() -> {
            Snapshot current = fresh();
            KeyRecord stored = current.records.get(keyId);
            if (stored == null || stored.revision() != expectedRevision) {
                throw new StaleRecordException("key " + keyId + " is not at revision " + expectedRevision);
            }
            commit(current, current.without(keyId), keyId);
            return null;
        });
    }

    private void commit(Snapshot current, Snapshot next, String changedKeyId) throws IOException {
        persist(current, next, changedKeyId);
        snapshot = next;
        if (changedKeyId != null) {
            listeners.forEach(l -> l.accept(changedKeyId));
        }
    }

    @Override
    public Subscription subscribe(Consumer<String> changedKeyId) {
        listeners.add(changedKeyId);
        return () -> listeners.remove(changedKeyId);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listeners.clear();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("key record store is closed");
        }
    }
}
