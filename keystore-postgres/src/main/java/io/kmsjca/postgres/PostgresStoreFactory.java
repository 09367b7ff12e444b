package io.kmsjca.postgres;

import com.google.auto.service.AutoService;
import io.kmsjca.spi.KeyRecordStore;
import io.kmsjca.spi.KeyRecordStoreFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Opens {@code store.url=jdbc:postgresql://...} of a provider configuration; found through
 * ServiceLoader when this module is on the class path.
 */
@AutoService(KeyRecordStoreFactory.class)
public final class PostgresStoreFactory implements KeyRecordStoreFactory {

    @Override
    public boolean accepts(String url) {
        return url.startsWith("jdbc:postgresql:");
    }

    @Override
    public Set<String> settingNames() {
        return PostgresSettings.NAMES;
    }

    @Override
    public KeyRecordStore open(String url, Map<String, String> settings, Path configFolder) throws IOException {
        return PostgresKeyRecordStore.open(PostgresSettings.fromConfig(url, settings, configFolder));
    }
}
