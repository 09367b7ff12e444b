package io.kmsjca.spring.boot;

import io.kmsjca.keys.KeyService;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ResourceLoader;

import java.security.Provider;

/**
 * SSL bundles whose key store lives in the application's KMS store: every
 * {@code spring.ssl.bundle.jks.NAME} with {@code keystore.type=KMS} gets the live store the
 * {@code kms.*} properties open, instead of a file Spring would read as an image. The TLS private
 * key stays a KMS handle: the server's handshake is signed by the provider, and audited.
 * Defined after Spring's SSL auto-configuration, so its registrar runs after Spring's own.
 */
@AutoConfiguration(after = {KmsAutoConfiguration.class, SslAutoConfiguration.class})
@ConditionalOnBean({KeyService.class, SslProperties.class})
public class KmsSslAutoConfiguration {

    @Bean
    KmsSslBundleRegistrar kmsSslBundleRegistrar(SslProperties ssl, KmsProperties kms, KeyService keyService,
                                                Provider kmsProvider, ResourceLoader resourceLoader) {
        return new KmsSslBundleRegistrar(ssl.getBundle().getJks(), kms, keyService, kmsProvider, resourceLoader);
    }
}
