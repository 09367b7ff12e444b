package io.kmsjca.spi.tck;

import io.kmsjca.spi.KeyRecord;
import io.kmsjca.spi.KeyRecordStore;
import io.kmsjca.spi.StaleRecordException;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A third-party style backend for tests, not a {@code SnapshotKeyRecordStore}: reads come from
 * what it read last (at open, after its own writes, and on refresh when it {@code renews}); writes
 * go to the shared storage; it has no change feed, so only {@link #refresh()} brings other
 * stores' changes. The storage belongs to the caller ({@link #close()} leaves it open).
 */
public final class CachingKeyRecordStore extends ForwardingKeyRecordStore {
    private final boolean renews;
    private final AtomicInteger refreshes = new AtomicInteger();
    private volatile Map<String, KeyRecord> records;
    private volatile Optional<byte[]> header;

    public CachingKeyRecordStore(KeyRecordStore storage, boolean renews) throws IOException {
        super(storage);
        this.renews = renews;
        reread();
    }

    private void reread() throws IOException {
        Map<String, KeyRecord> read = new HashMap<>();
        delegate.list().forEach(r -> read.put(r.keyId(), r));
        records = read;
        header = delegate.header();
    }

    @Override
    public Optional<byte[]> header() {
        return header.map(byte[]::clone);
    }

    @Override
    public void putHeader(byte[] expected, byte[] next) throws IOException, StaleRecordException {
        delegate.putHeader(expected, next);
        reread();
    }

    @Override
    public Optional<KeyRecord> get(String keyId) {
        return Optional.ofNullable(records.get(keyId));
    }

    @Override
    public List<KeyRecord> list() {
        return List.copyOf(records.values());
    }

    @Override
    public Map<String, Long> revisions() {
        Map<String, Long> revisions = new HashMap<>();
        records.forEach((id, r) -> revisions.put(id, r.revision()));
        return revisions;
    }

    @Override
    public void put(KeyRecord next) throws IOException, StaleRecordException {
        delegate.put(next);
        reread();
    }

    @Override
    public void delete(String keyId, long expectedRevision) throws IOException, StaleRecordException {
        delegate.delete(keyId, expectedRevision);
        reread();
    }

    @Override
    public Subscription subscribe(Consumer<String> changedKeyId) {
        return () -> { }; // no change feed: only refresh brings other stores' changes
    }

    /** How many times {@link #refresh()} was called. */
    public int refreshes() {
        return refreshes.get();
    }

    @Override
    public void refresh() throws IOException {
        refreshes.incrementAndGet();
        if (renews) {
            reread();
        }
    }

    @Override
    public void close() {
        // the storage is shared with the other store
    }
}
