package io.kmsjca.spi;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The compare-and-set rules of {@link KeyRecordStore} in one place, over an immutable snapshot
 * of the whole store. Subclasses decide only how a new snapshot is made durable
 * ({@link #persist}); readers never block, writers are serialized.
 */
public abstract class SnapshotKeyRecordStore implements KeyRecordStore {

    /** The whole store at one moment; never modified after construction. */
    protected record Snapshot(byte[] header, Map<String, KeyRecord> records) {
        public Snapshot {
            header = header == null ? null : header.clone();
            records = Map.copyOf(records);
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
        Snapshot current = snapshot();
        if (!Arrays.equals(current.header, expected)) {
            throw new StaleRecordException("store header changed since it was read");
        }
        commit(new Snapshot(next, current.records), null);
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
        Snapshot current = snapshot();
        KeyRecord stored = current.records.get(next.keyId());
        long storedRevision = stored == null ? 0 : stored.revision();
        if (storedRevision != next.revision() - 1) {
            throw new StaleRecordException("key " + next.keyId() + " is at revision " + storedRevision
                    + ", not " + (next.revision() - 1));
        }
        Map<String, KeyRecord> records = new HashMap<>(current.records);
        records.put(next.keyId(), next);
        commit(new Snapshot(current.header, records), next.keyId());
    }

    @Override
    public synchronized void delete(String keyId, long expectedRevision) throws IOException, StaleRecordException {
        Snapshot current = snapshot();
        KeyRecord stored = current.records.get(keyId);
        if (stored == null || stored.revision() != expectedRevision) {
            throw new StaleRecordException("key " + keyId + " is not at revision " + expectedRevision);
        }
        Map<String, KeyRecord> records = new HashMap<>(current.records);
        records.remove(keyId);
        commit(new Snapshot(current.header, records), keyId);
    }

    private void commit(Snapshot next, String changedKeyId) throws IOException {
        persist(next);
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
