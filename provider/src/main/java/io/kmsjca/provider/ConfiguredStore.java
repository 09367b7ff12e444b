package io.kmsjca.provider;

import io.kmsjca.internal.remote.RemoteKeyService;
import io.kmsjca.internal.service.EmbeddedKeyService;

import java.io.IOException;
import java.security.UnrecoverableKeyException;
import java.util.Arrays;
import java.util.Optional;

/**
 * The key store a provider's configuration names, opened on the first {@code KeyStore.load(null, ...)}
 * and shared by every {@code KeyStore "KMS"} of that provider instance.
 */
final class ConfiguredStore {
    private final KmsConfig config;
    private EmbeddedKeyService configuredStore;
    /** The kms-jca server {@code store.url} names, once a load reached it. */
    private RemoteKeyService server;

    public ConfiguredStore(KmsConfig config) {
        this.config = config;
    }

    KmsConfig config() {
        return config;
    }

    /**
     * The live store the configuration names, opened once and shared by every
     * {@code KeyStore.load(null, ...)} of this provider instance, with what that load may do: a
     * password given to {@code load} is checked against the store every time (a wrong one is
     * refused even when the store is already open) and allows everything; without one, the
     * store opens from the configured password source (or {@code credential.file}, as its principal)
     * and its keys may only be used.
     *
     * @param password the store password, or null to use the configured password source
     * @return empty when no store is configured
     */
    synchronized Optional<KeyStoreAccess> configuredStore(char[] password) throws IOException {
        if (!config.namesStore()) {
            return Optional.empty();
        }
        if (config.namesServer()) {
            // the access key authenticates, so a password given to load has nothing to open (docs/decisions.md)
            if (server == null) {
                server = config.openServer();
            }
            return Optional.of(KeyStoreAccess.server(server));
        }
        if (configuredStore == null && password == null && config.hasKeyFile()) {
            configuredStore = config.openStoreWithKeyFile();
        } else if (configuredStore == null) {
            char[] pw = password != null ? password.clone() : config.password().orElseThrow(() -> new IOException(
                    "no password: pass one to KeyStore.load or set store.password.file in " + config.source(),
                    new UnrecoverableKeyException("no password given")));
            try {
                configuredStore = config.openStore(pw);
            } finally {
                Arrays.fill(pw, '\0');
            }
            if (password != null) {
                return Optional.of(KeyStoreAccess.administrator(configuredStore));
            }
        } else if (password != null) {
            return Optional.of(KeyStoreAccess.checkPassword(configuredStore, password));
        }
        return Optional.of(KeyStoreAccess.keysOnly(configuredStore, "without the store password (load(null, null): "
                + "the configured password source, or the store already open)"));
    }
}
