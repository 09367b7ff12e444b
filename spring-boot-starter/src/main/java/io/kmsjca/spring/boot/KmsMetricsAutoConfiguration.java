package io.kmsjca.spring.boot;

import io.kmsjca.keys.KeyService;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer metrics of the key service: an audit listener counting operations (the
 * {@link KmsAutoConfiguration} adds every {@code AuditListener} bean to the service) and the
 * audit trail's delivery counters.
 */
@AutoConfiguration(after = {MetricsAutoConfiguration.class,
        SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class})
@ConditionalOnClass({MeterRegistry.class, MetricsAutoConfiguration.class})
@ConditionalOnBean(MeterRegistry.class)
public class KmsMetricsAutoConfiguration {

    @Bean
    KmsMetricsListener kmsMetricsListener(MeterRegistry registry) {
        return new KmsMetricsListener(registry);
    }

    @Bean
    KmsAuditMetrics kmsAuditMetrics(ObjectProvider<KeyService> keyService) {
        return new KmsAuditMetrics(keyService);
    }
}
