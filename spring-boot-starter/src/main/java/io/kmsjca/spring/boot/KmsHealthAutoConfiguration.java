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

/** The Actuator health indicator {@code kms} ({@code management.health.kms.enabled=false} turns it off). */
@AutoConfiguration(after = KmsAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(KeyService.class)
@ConditionalOnEnabledHealthIndicator("kms")
public class KmsHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "kmsHealthIndicator")
    public HealthIndicator kmsHealthIndicator(KeyService keyService,
                                              ObjectProvider<KmsStoreOpener.OpenedStore> opened) {
        var store = opened.getIfAvailable();
        return new KmsHealthIndicator(keyService, store == null ? null : store.backend());
    }
}
