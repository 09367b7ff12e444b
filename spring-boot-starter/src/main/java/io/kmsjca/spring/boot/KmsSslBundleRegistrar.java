package io.kmsjca.spring.boot;

import io.kmsjca.keys.KeyService;
import io.kmsjca.provider.KmsLoadParameter;
import io.kmsjca.provider.KmsProvider;
import org.springframework.boot.autoconfigure.ssl.JksSslBundleProperties;
import org.springframework.boot.autoconfigure.ssl.PropertiesSslBundle;
import org.springframework.boot.autoconfigure.ssl.SslBundleRegistrar;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleRegistry;
import org.springframework.core.Ordered;
import org.springframework.core.io.ResourceLoader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Provider;
import java.util.Arrays;
import java.util.Map;

/**
 * Replaces each {@code spring.ssl.bundle.jks.NAME} of {@code keystore.type=KMS} that Spring's own
 * registrar registered (its key store is loaded lazily, so Spring never read it) by the same bundle
 * (key alias, options, protocol, trust store) over the live KMS store. Checks at start-up what a
 * handshake would otherwise find late: the key alias names a key pair with a certificate chain, a
 * given store password is the store's, and a given location is the store {@code kms.*} opened.
 */
final class KmsSslBundleRegistrar implements SslBundleRegistrar, Ordered {

    private final Map<String, JksSslBundleProperties> bundles;
    private final KmsProperties kms;
    private final KeyService keyService;
    private final Provider provider;
    private final ResourceLoader resourceLoader;

    KmsSslBundleRegistrar(Map<String, JksSslBundleProperties> bundles, KmsProperties kms, KeyService keyService,
                          Provider provider, ResourceLoader resourceLoader) {
        this.bundles = bundles;
        this.kms = kms;
        this.keyService = keyService;
        this.provider = provider;
        this.resourceLoader = resourceLoader;
    }

    /** After Spring's properties registrar, whose bundles it replaces. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public void registerBundles(SslBundleRegistry registry) {
        bundles.forEach((name, properties) -> {
            if (KmsProvider.NAME.equalsIgnoreCase(properties.getKeystore().getType())) {
                SslBundle bundle = kmsBundle(name, properties);
                try {
                    registry.updateBundle(name, bundle);
                } catch (NoSuchSslBundleException notYetRegistered) {
                    registry.registerBundle(name, bundle);
                }
            }
        });
    }

    private SslBundle kmsBundle(String name, JksSslBundleProperties properties) {
        String prefix = "spring.ssl.bundle.jks." + name + ".";
        JksSslBundleProperties.Store store = properties.getKeystore();
        if (properties.isReloadOnUpdate()) {
            throw new IllegalStateException(prefix + "reload-on-update: a KMS key store is live, there is no file to"
                    + " watch; leave it false (a new certificate chain is used from the next start)");
        }
        if (hasText(store.getProvider()) && !KmsProvider.NAME.equals(store.getProvider())) {
            throw new IllegalStateException(prefix + "keystore.provider=" + store.getProvider()
                    + ": a KMS key store comes from the provider KMS; leave it empty");
        }
        checkLocation(prefix, store.getLocation());
        checkPassword(prefix, store.getPassword());
        KeyStore live = liveStore();
        checkKey(prefix, live, properties.getKey().getAlias());
        // Spring's bundle of the same properties, for its key alias, options, protocol and trust store;
        // its key store (of type KMS, read from a stream as an image) is never loaded
        SslBundle spring = PropertiesSslBundle.get(properties, resourceLoader);
        return SslBundle.of(new KmsSslStoreBundle(live, store.getPassword(), spring.getStores()),
                spring.getKey(), spring.getOptions(), spring.getProtocol());
    }

    /** A use-only view of the application's store: it signs, it cannot export or manage keys. */
    private KeyStore liveStore() {
        try {
            KeyStore ks = KeyStore.getInstance(KmsProvider.NAME, provider);
            ks.load(KmsLoadParameter.of(keyService));
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("the KMS key store does not open: " + e.getMessage(), e);
        }
    }

    /** A location may name the store {@code kms.store.file} opened, so nothing reads it a second time. */
    private void checkLocation(String prefix, String location) {
        if (!hasText(location)) {
            return;
        }
        Path file = kms.store().file();
        if (file == null) {
            throw new IllegalStateException(prefix + "keystore.location: a KMS bundle uses the store kms.* opens"
                    + " (kms.store.url or kms.config-file here); leave the location empty");
        }
        Path named;
        try {
            named = resourceLoader.getResource(location).getFile().toPath();
        } catch (IOException e) {
            throw new IllegalStateException(prefix + "keystore.location=" + location + " is not a file", e);
        }
        if (!sameFile(named, file)) {
            throw new IllegalStateException(prefix + "keystore.location=" + location + " is not the application's KMS"
                    + " store kms.store.file=" + file + "; a KMS bundle uses that store (or leave the location empty)");
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(a) && Files.exists(b) ? Files.isSameFile(a, b)
                    : a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        } catch (IOException e) {
            return false;
        }
    }

    /** A password given in the bundle must be the store's (it is optional: {@code kms.password.*} opened the store). */
    private void checkPassword(String prefix, String password) {
        if (password == null) {
            return;
        }
        char[] chars = password.toCharArray();
        try {
            if (!keyService.verifyPassword(chars)) {
                throw new IllegalStateException(prefix + "keystore.password is not the password of the application's"
                        + " KMS store (leave it empty: kms.password.* opens the store)");
            }
        } catch (IOException e) {
            throw new IllegalStateException(prefix + "keystore.password cannot be checked: " + e.getMessage(), e);
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    /** The alias must name a key pair with its certificate chain: a KMS store holds many keys, TLS uses one. */
    private static void checkKey(String prefix, KeyStore live, String alias) {
        if (!hasText(alias)) {
            throw new IllegalStateException(prefix + "key.alias is required for a KMS key store: name the key pair"
                    + " whose certificate the server presents");
        }
        try {
            if (!live.containsAlias(alias)) {
                throw new IllegalStateException(prefix + "key.alias=" + alias + ": the KMS store has no key of that alias");
            }
            if (!live.entryInstanceOf(alias, KeyStore.PrivateKeyEntry.class)) {
                throw new IllegalStateException(prefix + "key.alias=" + alias + " is a symmetric key; TLS needs a key pair");
            }
            if (live.getCertificateChain(alias) == null) {
                throw new IllegalStateException(prefix + "key.alias=" + alias + " has no certificate chain: set one"
                        + " (keytool -importcert, KeyStore.setKeyEntry with its handle, or KeyService.setCertificateChain)");
            }
        } catch (java.security.KeyStoreException e) {
            throw new IllegalStateException(prefix + "key.alias=" + alias + ": " + e.getMessage(), e);
        }
    }

    private static boolean hasText(String s) {
        return s != null && !s.isBlank();
    }
}
