package io.kmsjca.spring.boot;

import io.kmsjca.spi.KeyRecord;
import io.kmsjca.spi.KeyRecordStore;
import io.kmsjca.spi.KeyRecordStoreFactory;
import io.kmsjca.spi.MemoryKeyRecordStore;
import io.kmsjca.spi.OutOfSyncException;
import io.kmsjca.spi.StaleRecordException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A shared backend for tests ({@code test-lagging:NAME}): memory records whose change feed the
 * test can make fall behind, as a lost database connection would.
 */
public final class LaggingStoreFactory implements KeyRecordStoreFactory {

    static volatile Store last;

    @Override
    public boolean accepts(String url) {
        return url.startsWith("test-lagging:");
    }

    @Override
    public Set<String> settingNames() {
        return Set.of("store.lag.maxSeconds");
    }

    @Override
    public KeyRecordStore open(String url, Map<String, String> settings, Path configFolder) {
        last = new Store(settings.get("store.lag.maxSeconds"));
        return last;
    }

    /** A memory store whose {@link #checkInSync} fails while {@link #behind} is set. */
    static final class Store implements KeyRecordStore {
        final String lagSetting;
        final MemoryKeyRecordStore records = new MemoryKeyRecordStore();
        volatile boolean behind;

        Store(String lagSetting) {
            this.lagSetting = lagSetting;
        }

        @Override
        public void checkInSync() throws OutOfSyncException {
            if (behind) {
                throw new OutOfSyncException("no change confirmed for 31 s (bound 30 s)");
            }
        }

        @Override
        public Optional<byte[]> header() throws IOException {
            return records.header();
        }

        @Override
        public void putHeader(byte[] expected, byte[] next) throws IOException, StaleRecordException {
            records.putHeader(expected, next);
        }

        @Override
        public Optional<KeyRecord> get(String keyId) throws IOException {
            return records.get(keyId);
        }

        @Override
        public List<KeyRecord> list() throws IOException {
            return records.list();
        }

        @Override
        public void put(KeyRecord next) throws IOException, StaleRecordException {
            records.put(next);
        }

        @Override
        public void delete(String keyId, long expectedRevision) throws IOException, StaleRecordException {
            records.delete(keyId, expectedRevision);
        }

        @Override
        public Subscription subscribe(Consumer<String> changedKeyId) {
            return records.subscribe(changedKeyId);
        }

        @Override
        public void refresh() throws IOException {
            records.refresh();
        }

        @Override
        public void close() throws IOException {
            records.close();
        }
    }
}
