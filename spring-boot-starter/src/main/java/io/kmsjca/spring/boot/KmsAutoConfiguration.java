package io.kmsjca.spring.boot;

import io.kmsjca.keys.KeyService;
import io.kmsjca.provider.KmsLoadParameter;
import io.kmsjca.provider.KmsProvider;
import io.kmsjca.spi.audit.AuditListener;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;

/**
 * The provider, installed once per JVM, and the {@link KeyService} of the store {@code kms.*}
 * names, with every {@link AuditListener} bean of the application added to it; closed with the
 * application context. A {@code KeyStore "KMS"} bean gives application code the use of the keys only.
 */
@AutoConfiguration
@EnableConfigurationProperties(KmsProperties.class)
public class KmsAutoConfiguration {

    /** The provider instance the beans use: configured by {@code kms.config-file}, or a plain one. */
    @Bean
    @ConditionalOnMissingBean(name = "kmsProvider")
    public Provider kmsProvider(KmsProperties properties) {
        Provider provider = properties.configFile() != null
                ? new KmsProvider().configure(properties.configFile().toString()) : new KmsProvider();
        installOnce(provider);
        return provider;
    }

    /** Adds {@code provider} unless a provider named KMS is installed already (by java.security or an earlier context). */
    static synchronized void installOnce(Provider provider) {
        if (Security.getProvider(KmsProvider.NAME) == null) {
            Security.addProvider(provider);
        }
    }

    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean(KeyService.class)
    KmsStoreOpener.OpenedStore kmsOpenedStore(KmsProperties properties, Provider kmsProvider,
                                              ObjectProvider<AuditListener> listeners) throws IOException {
        return KmsStoreOpener.open(properties, kmsProvider, listeners.orderedStream().toList());
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(KeyService.class)
    public KeyService kmsKeyService(KmsStoreOpener.OpenedStore kmsOpenedStore) {
        return kmsOpenedStore.service();
    }

    /** A {@code KeyStore "KMS"} view of the service that may use its keys (wrap, unwrap) but not manage them. */
    @Bean
    @ConditionalOnMissingBean(KeyStore.class)
    public KeyStore kmsKeyStore(KeyService keyService, Provider kmsProvider) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("KMS", kmsProvider);
        ks.load(KmsLoadParameter.of(keyService));
        return ks;
    }
}
