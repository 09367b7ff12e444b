package io.kmsjca.internal.service;

import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KeyState;

import io.kmsjca.internal.service.KeyStores;

import io.kmsjca.keys.Argon2Params;
import io.kmsjca.spi.MemoryKeyRecordStore;
import io.kmsjca.spi.tck.CachingKeyRecordStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;

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
        CachingKeyRecordStore backend = new CachingKeyRecordStore(shared, true);
        try (EmbeddedKeyService reader = KeyStores.open(backend, PASSWORD, OPTIONS)) {
            writer.createKey("orders", "");
            assertTrue(reader.findKey("orders").isEmpty(), "the backend has no change feed: nothing arrived yet");

            assertEquals(1, reader.refresh());
            assertTrue(backend.refreshes() > 0, "the key service asked the backend to re-read");
            assertTrue(reader.findKey("orders").isPresent(), "the key written elsewhere arrived");

            writer.disableKey("orders");
            assertEquals(1, reader.refresh());
            assertEquals(KeyState.DISABLED, reader.describeKey("orders").state());
        } finally {
            writer.close();
        }
    }
}
