package io.kmsjca.provider;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.Provider;

/**
 * {@link KmsLoadParameter#builder}: a {@code KeyStore.Builder} that loads a {@code KeyStore "KMS"}
 * with its parameter when first asked (a live file, or a view of a key service), and returns that
 * same store afterwards, as the JDK's own builders do.
 */
final class LoadingBuilder extends KeyStore.Builder {

    private final KmsLoadParameter parameter;
    private final Provider provider;
    private KeyStore keyStore;

    LoadingBuilder(KmsLoadParameter parameter, Provider provider) {
        this.parameter = parameter;
        this.provider = provider;
    }

    @Override
    public synchronized KeyStore getKeyStore() throws KeyStoreException {
        if (keyStore == null) {
            KeyStore ks = provider == null ? KeyStore.getInstance(KmsProvider.NAME)
                    : KeyStore.getInstance(KmsProvider.NAME, provider);
            try {
                ks.load(parameter);
            } catch (IOException | GeneralSecurityException e) {
                throw new KeyStoreException("cannot load the KMS key store: " + e.getMessage(), e);
            }
            keyStore = ks;
        }
        return keyStore;
    }

    /** The load's password protection: a KMS store has no per-entry passwords, so the same for every alias. */
    @Override
    public synchronized KeyStore.ProtectionParameter getProtectionParameter(String alias) {
        if (alias == null) {
            throw new NullPointerException("alias");
        }
        if (keyStore == null) {
            throw new IllegalStateException("getKeyStore() has not been called");
        }
        KeyStore.ProtectionParameter protection = parameter.getProtectionParameter();
        return protection != null ? protection : new KeyStore.PasswordProtection(null);
    }
}
