package io.kmsjca.spring.boot;

import io.kmsjca.keys.KeyService;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Actuator health indicator {@code kms} ({@code management.health.kms.enabled=false} turns it
 * off). Actuator's types appear only in the nested class, read once the outer condition found them.
 */
@AutoConfiguration(after = KmsAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator")
public class KmsHealthAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(KeyService.class)
    @ConditionalOnEnabledHealthIndicator("kms")
    static class Indicator {

        @Bean
        @ConditionalOnMissingBean(name = "kmsHealthIndicator")
        HealthIndicator kmsHealthIndicator(KeyService keyService, ObjectProvider<KmsStoreOpener.OpenedStore> opened) {
            var store = opened.getIfAvailable();
            return new KmsHealthIndicator(keyService, store == null ? null : store.backend());
        }
    }
}
