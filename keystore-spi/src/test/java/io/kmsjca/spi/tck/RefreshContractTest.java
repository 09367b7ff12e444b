package io.kmsjca.spi.tck;

import io.kmsjca.spi.KeyRecordStore;
import io.kmsjca.spi.MemoryKeyRecordStore;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

import java.io.IOException;

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
            return new CachingKeyRecordStore(storage, renews);
        }

        @Override
        protected KeyRecordStore openSecond(KeyRecordStore current) throws IOException {
            return new CachingKeyRecordStore(storage, renews);
        }
    }
}
