package io.kmsjca.provider;

import io.kmsjca.keys.KeyService;

import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.UnrecoverableEntryException;

/**
 * The key service behind a loaded {@code KMS} key store: now {@link KmsAdmin#open(KeyStore, char[])},
 * the one way in for administration. This class keeps the old name working and the name of the
 * management entry both use.
 */
public final class KmsKeyStores {

    /** The entry name behind which the service is reached; not a valid alias, so never a key's. */
    public static final String MANAGEMENT_ENTRY = "#kms-management";

    private KmsKeyStores() {
    }

    /**
     * The same as {@link KmsAdmin#open(KeyStore, char[])}.
     *
     * @throws KeyStoreException           {@code keyStore} is not a loaded KMS key store
     * @throws UnrecoverableEntryException the password is wrong
     * @deprecated use {@link KmsAdmin#open(KeyStore, char[])}, the one way in for administration
     */
    @Deprecated
    public static KeyService keyService(KeyStore keyStore, char[] password)
            throws KeyStoreException, UnrecoverableEntryException {
        return KmsAdmin.open(keyStore, password);
    }

    /** The entry {@code KeyStore.getEntry(MANAGEMENT_ENTRY, password)} returns. */
    public record ManagementEntry(KeyService service) implements KeyStore.Entry {
    }
}
