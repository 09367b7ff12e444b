package io.kmsjca.internal.service;

import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KeyState;

import io.kmsjca.internal.service.KeyStores;

import io.kmsjca.keys.Argon2Params;
import io.kmsjca.spi.KeyRecord;
import io.kmsjca.spi.KeyRecordStore;
import io.kmsjca.spi.MemoryKeyRecordStore;
import io.kmsjca.spi.tck.ForwardingKeyRecordStore;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * EmbeddedKeyService.refresh reaches every backend through the SPI's refresh(), not only the first-party
 * snapshot stores: a third-party backend that keeps what it read renews it there, and the key
 * service then sees what another process wrote.
 */
class ThirdPartyBackendRefreshTest {

    private static final char[] PASSWORD = "third party".toCharArray();
    private static final KeyServiceOptions OPTIONS = KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests())
            .withMaintenanceInterval(Duration.ZERO);

    @Test
    void keyServiceRefresh_callsTheBackendsRefresh_andSeesWhatAnotherProcessWrote() throws Exception {
        MemoryKeyRecordStore shared = new MemoryKeyRecordStore();
        EmbeddedKeyService writer = KeyStores.open(shared, PASSWORD, OPTIONS);
        CachingBackend backend = new CachingBackend(shared);
        try (EmbeddedKeyService reader = KeyStores.open(backend, PASSWORD, OPTIONS)) {
            writer.createKey("orders", "");
            assertTrue(reader.findKey("orders").isEmpty(), "the backend has no change feed: nothing arrived yet");

            assertEquals(1, reader.refresh());
            assertTrue(backend.refreshes.get() > 0, "the key service asked the backend to re-read");
            assertTrue(reader.findKey("orders").isPresent(), "the key written elsewhere arrived");

            writer.disableKey("orders");
            assertEquals(1, reader.refresh());
            assertEquals(KeyState.DISABLED, reader.describeKey("orders").state());
        } finally {
            writer.close();
        }
    }

    /**
     * A backend that is not a SnapshotKeyRecordStore: it serves the records it read last and hears
     * no change feed, so only its refresh() brings other processes' changes.
     */
    private static final class CachingBackend extends ForwardingKeyRecordStore {
        final AtomicInteger refreshes = new AtomicInteger();
        private volatile Map<String, KeyRecord> records;

        CachingBackend(KeyRecordStore shared) throws IOException {
            super(shared);
            reread();
        }

        private void reread() throws IOException {
            Map<String, KeyRecord> read = new HashMap<>();
            delegate.list().forEach(r -> read.put(r.keyId(), r));
            records = read;
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
        public void put(KeyRecord next) throws IOException, io.kmsjca.spi.StaleRecordException {
            delegate.put(next);
            reread();
        }

        @Override
        public Subscription subscribe(Consumer<String> changedKeyId) {
            return () -> { };
        }

        @Override
        public void refresh() throws IOException {
            refreshes.incrementAndGet();
            reread();
        }

        @Override
        public void close() {
            // the shared store belongs to the writer
        }
    }
}
