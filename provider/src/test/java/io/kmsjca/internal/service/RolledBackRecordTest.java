package io.kmsjca.internal.service;

import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KeyState;

import io.kmsjca.internal.service.KeyStores;

import io.kmsjca.keys.Argon2Params;
import io.kmsjca.spi.CorruptStoreException;
import io.kmsjca.spi.KeyRecord;
import io.kmsjca.spi.KeyRecordStore;
import io.kmsjca.spi.MemoryKeyRecordStore;
import io.kmsjca.spi.tck.ForwardingKeyRecordStore;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A re-read of a shared store that meets a record rolled back outside kms-jca (a restored row)
 * refuses that record, and still publishes what changed in every other key: one bad row must not
 * hide a disable made elsewhere, now that a re-read that reported it counts as confirmation.
 */
class RolledBackRecordTest {

    private static final char[] PASSWORD = "rolled back".toCharArray();
    private static final KeyServiceOptions OPTIONS = KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests())
            .withMaintenanceInterval(Duration.ZERO);

    @Test
    void aRolledBackRecord_isRefused_andTheOtherChangesOfTheReReadStillArrive() throws Exception {
        MemoryKeyRecordStore shared = new MemoryKeyRecordStore();
        RollingBackView view = new RollingBackView(shared);
        EmbeddedKeyService writer = KeyStores.open(shared, PASSWORD, OPTIONS);
        try (EmbeddedKeyService reader = KeyStores.open(view, PASSWORD, OPTIONS)) {
            String rolled = writer.createKey("rolled", "").keyId().toString();
            writer.createKey("other", "");
            reader.refresh();
            KeyRecord enabled = shared.get(rolled).orElseThrow();
            writer.disableKey("rolled");
            reader.refresh();

            writer.disableKey("other");
            view.rollBack(enabled); // listed first, so a re-read meets it before the other key
            var refused = assertThrows(CorruptStoreException.class, reader::refresh);
            assertTrue(refused.getMessage().contains("rolled back"), refused.getMessage());
            assertEquals(KeyState.DISABLED, reader.describeKey("rolled").state(), "the newer state stands");
            assertEquals(KeyState.DISABLED, reader.describeKey("other").state(), "the disable of the other key arrived");
        } finally {
            writer.close();
        }
    }

    /**
     * Another process's view of {@code shared}: it hears no change (its change feed is down) and,
     * once told, serves one record at an older revision, as a restored database row would.
     */
    private static final class RollingBackView extends ForwardingKeyRecordStore {
        private volatile KeyRecord rolledBack;

        RollingBackView(KeyRecordStore shared) {
            super(shared);
        }

        void rollBack(KeyRecord older) {
            rolledBack = older;
        }

        @Override
        public Optional<KeyRecord> get(String keyId) throws IOException {
            KeyRecord r = rolledBack;
            return r != null && r.keyId().equals(keyId) ? Optional.of(r) : delegate.get(keyId);
        }

        @Override
        public Map<String, Long> revisions() throws IOException {
            Map<String, Long> ordered = new LinkedHashMap<>();
            KeyRecord r = rolledBack;
            if (r != null) {
                ordered.put(r.keyId(), r.revision());
            }
            delegate.revisions().forEach(ordered::putIfAbsent);
            return ordered;
        }

        @Override
        public Subscription subscribe(Consumer<String> changedKeyId) {
            return () -> { };
        }

        @Override
        public void close() {
            // the shared store belongs to the writer
        }
    }
}
