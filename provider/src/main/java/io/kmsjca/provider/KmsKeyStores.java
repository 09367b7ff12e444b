package io.kmsjca.provider;

import io.kmsjca.keys.KeyService;

import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.UnrecoverableEntryException;
import java.util.Objects;

/**
 * The management API of a loaded {@code KMS} key store:
 * <pre>{@code
 * KeyStore ks = KeyStore.getInstance("KMS");
 * ks.load(in, password);
 * KeyService keys = KmsKeyStores.keyService(ks, password);
 * keys.disableKey("orders");
 * }</pre>
 * The store password is checked again, so code that only holds a loaded {@code KeyStore} (and
 * can therefore wrap and unwrap) cannot manage its keys without the password.
 */
public final class KmsKeyStores {

    /** The entry name behind which the service is reached; not a valid alias, so never a key's. */
    static final String MANAGEMENT_ENTRY = "#kms-management";

    private KmsKeyStores() {
    }

    /**
     * @throws KeyStoreException           {@code keyStore} is not a loaded KMS key store
     * @throws UnrecoverableEntryException the password is wrong
     */
    public static KeyService keyService(KeyStore keyStore, char[] password)
            throws KeyStoreException, UnrecoverableEntryException {
        Objects.requireNonNull(password, "password");
        if (!"KMS".equals(keyStore.getType())) {
            throw new KeyStoreException("not a KMS key store: " + keyStore.getType());
        }
        try {
            return ((ManagementEntry) keyStore.getEntry(MANAGEMENT_ENTRY, new KeyStore.PasswordProtection(password))).service();
        } catch (NoSuchAlgorithmException e) {
            throw new KeyStoreException(e);
        }
    }

    /** The entry {@code KeyStore.getEntry(MANAGEMENT_ENTRY, password)} returns. */
    record ManagementEntry(KeyService service) implements KeyStore.Entry {
    }
}
