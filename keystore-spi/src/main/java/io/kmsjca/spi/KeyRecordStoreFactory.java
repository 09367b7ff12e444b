package io.kmsjca.spi;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Opens the backend a provider configuration names with {@code store.url} (for example
 * {@code jdbc:postgresql://db/kms}); found through {@link java.util.ServiceLoader}, so a backend
 * module on the class path is all it takes.
 */
public interface KeyRecordStoreFactory {

    /** Whether this factory opens stores at URLs like {@code url}. */
    boolean accepts(String url);

    /**
     * The configuration keys this backend reads besides {@code store.url}, each starting with
     * {@code store.}; any other {@code store.*} key in a configuration naming this backend is an
     * error.
     */
    Set<String> settingNames();

    /**
     * Opens the store, creating or migrating whatever the backend needs.
     *
     * @param settings     only keys of {@link #settingNames()}, as given
     * @param configFolder the configuration file's folder: relative paths in settings are against it
     * @throws IOException the store cannot be reached
     * @throws IllegalArgumentException a setting is invalid
     */
    KeyRecordStore open(String url, Map<String, String> settings, Path configFolder) throws IOException;
}
