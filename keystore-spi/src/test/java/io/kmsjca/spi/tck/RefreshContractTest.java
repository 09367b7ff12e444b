package io.kmsjca.spi.tck;

import io.kmsjca.spi.KeyRecord;
import io.kmsjca.spi.KeyRecordStore;
import io.kmsjca.spi.MemoryKeyRecordStore;
import io.kmsjca.spi.StaleRecordException;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The TCK's refresh test can fail: a backend that keeps what it read passes it only when its
 * {@code refresh()} renews what it keeps.
 */
class RefreshContractTest {

    @Test
    void aBackendWhoseRefreshRenewsItsCache_passes() throws Exception {
        runRefreshTest(true);
    }

    @Test
    void aBackendWhoseRefreshDoesNothing_fails() {
        assertThrows(AssertionFailedError.class, () -> runRefreshTest(false));
    }

    private static void runRefreshTest(boolean renews) throws Exception {
        var contract = new CachingStoreContract(renews);
        contract.openStore();
        try {
            contract.refresh_showsWhatAnotherStoreOverTheSameStorageWrote();
        } finally {
            contract.closeStore();
        }
    }

    /** The TCK run over caching stores that share one storage, as processes share a database. */
    static final class CachingStoreContract extends KeyRecordStoreContract {
        private final boolean renews;
        private final MemoryKeyRecordStore storage = new MemoryKeyRecordStore();

        CachingStoreContract(boolean renews) {
            this.renews = renews;
        }

        @Override
        protected KeyRecordStore newStore() throws IOException {
            return new CachingStore(storage, renews);
        }

        @Override
        protected KeyRecordStore openSecond(KeyRecordStore current) throws IOException {
            return new CachingStore(storage, renews);
        }
    }

    /**
     * A third-party style backend: reads come from what it read last (at open, after its own
     * writes, and on refresh when it {@code renews}); writes go to the shared storage.
     */
    static final class CachingStore extends ForwardingKeyRecordStore {
        private final boolean renews;
        private volatile Map<String, KeyRecord> records;
        private volatile Optional<byte[]> header;

        CachingStore(KeyRecordStore storage, boolean renews) throws IOException {
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

        @Override
        public void refresh() throws IOException {
            if (renews) {
                reread();
            }
        }

        @Override
        public void close() {
            // the storage is shared with the other store
        }
    }
}
