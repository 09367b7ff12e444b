package io.kmsjca.spring.boot;

import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KmsCredential;
import io.kmsjca.provider.KmsAdmin;
import io.kmsjca.spi.KeyRecordStore;
import io.kmsjca.spi.KeyRecordStoreFactory;
import io.kmsjca.spi.audit.AuditListener;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Provider;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.TreeSet;

/** Opens the store {@link KmsProperties} names, through {@link KmsAdmin}. */
final class KmsStoreOpener {

    private KmsStoreOpener() {
    }

    /**
     * @param service the open store
     * @param backend the shared backend it runs on, whose change feed the health check watches; null for a file
     */
    record OpenedStore(KeyService service, KeyRecordStore backend) {
    }

    static OpenedStore open(KmsProperties p, Provider provider, List<AuditListener> listeners) throws IOException {
        int named = (p.configFile() != null ? 1 : 0) + (p.store().file() != null ? 1 : 0) + (p.store().url() != null ? 1 : 0);
        if (named != 1) {
            throw new IllegalStateException("name exactly one of kms.config-file, kms.store.file and kms.store.url ("
                    + named + " given)");
        }
        if (p.credentialFile() != null) {
            return openWithKeyFile(p, listeners);
        }
        char[] password = KmsPasswordSource.read(p.password());
        try {
            if (p.configFile() != null) {
                KeyService service = viaConfiguredProvider(provider, password);
                listeners.forEach(service::addAuditListener);
                return new OpenedStore(service, null);
            }
            var options = KmsOptions.of(p, listeners);
            if (p.store().file() != null) {
                return new OpenedStore(KmsAdmin.open(p.store().file(), password, options), null);
            }
            KeyRecordStore backend = backend(p.store().url(), p.store().settings());
            return new OpenedStore(KmsAdmin.open(backend, password, options), backend);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** The store opened as the principal of the key file {@code kms.credential-file}. */
    private static OpenedStore openWithKeyFile(KmsProperties p, List<AuditListener> listeners) throws IOException {
        var pw = p.password();
        if (p.configFile() != null || pw.file() != null || pw.env() != null || pw.value() != null) {
            throw new IllegalStateException("kms.credential-file opens the store by itself: set no kms.password.* beside it,"
                    + " and use kms.store.file or kms.store.url (a kms.config-file names its own credential.file)");
        }
        KmsCredential credential = KmsCredential.keyFile(p.credentialFile());
        var options = KmsOptions.of(p, listeners);
        if (p.store().file() != null) {
            return new OpenedStore(KmsAdmin.open(p.store().file(), credential, options), null);
        }
        KeyRecordStore backend = backend(p.store().url(), p.store().settings());
        return new OpenedStore(KmsAdmin.open(backend, credential, options), backend);
    }

    /** The store of a provider configured by {@code kms.config-file}, opened once by that provider. */
    private static KeyService viaConfiguredProvider(Provider provider, char[] password) throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance("KMS", provider);
            ks.load(null, password);
            return KmsAdmin.open(ks, password);
        } catch (GeneralSecurityException e) {
            throw new IOException("kms.config-file: the configured store does not open: " + e.getMessage(), e);
        }
    }

    private static KeyRecordStore backend(String url, Map<String, String> settings) throws IOException {
        for (KeyRecordStoreFactory f : ServiceLoader.load(KeyRecordStoreFactory.class)) {
            if (f.accepts(url)) {
                return f.open(url, backendSettings(f, settings), Path.of("").toAbsolutePath());
            }
        }
        throw new IllegalStateException("kms.store.url: no backend on the class path opens " + redacted(url)
                + " (add keystore-postgres for jdbc:postgresql URLs)");
    }

    /**
     * {@code settings} under the backend's own names ({@code store.} and the name it spells):
     * Spring may have lower-cased a key ({@code postgres.poolsize} for {@code postgres.poolSize}).
     */
    private static Map<String, String> backendSettings(KeyRecordStoreFactory f, Map<String, String> settings) {
        Map<String, String> byLowerCase = new TreeMap<>();
        f.settingNames().forEach(n -> byLowerCase.put(n.toLowerCase(Locale.ROOT), n));
        Map<String, String> named = new TreeMap<>();
        var unknown = new TreeSet<String>();
        settings.forEach((k, v) -> {
            String name = byLowerCase.get(("store." + k).toLowerCase(Locale.ROOT));
            if (name == null) {
                unknown.add("store." + k);
            } else {
                named.put(name, v);
            }
        });
        if (!unknown.isEmpty()) {
            throw new IllegalStateException("kms.store.settings: unknown setting(s) " + unknown
                    + "; this backend takes " + new TreeSet<>(f.settingNames()) + " (named without store.)");
        }
        return named;
    }

    /** A URL without what may be credentials in it (user:password@, query parameters). */
    private static String redacted(String url) {
        return url.replaceAll("//[^/@]*@", "//…@").replaceAll("\\?.*", "?…");
    }
}
