package io.kmsjca.spring.boot;

import io.kmsjca.spi.tck.ForwardingKeyRecordStore;
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
    static final class Store extends ForwardingKeyRecordStore {
        final String lagSetting;
        volatile boolean behind;

        Store(String lagSetting) {
            super(new MemoryKeyRecordStore());
            this.lagSetting = lagSetting;
        }

        @Override
        public void checkInSync() throws OutOfSyncException {
            if (behind) {
                throw new OutOfSyncException("no change confirmed for 31 s (bound 30 s)");
            }
        }
    }
}
