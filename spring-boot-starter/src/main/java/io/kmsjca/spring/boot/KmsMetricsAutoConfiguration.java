package io.kmsjca.spring.boot;

import io.kmsjca.keys.KeyService;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Micrometer metrics of the key service: an audit listener counting operations (the
 * {@link KmsAutoConfiguration} adds every {@code AuditListener} bean to the service) and the
 * audit trail's delivery counters. Micrometer's types appear only in the nested class.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
public class KmsMetricsAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(MeterRegistry.class)
    static class Meters {

        @Bean
        KmsMetricsListener kmsMetricsListener(MeterRegistry registry) {
            return new KmsMetricsListener(registry);
        }

        @Bean
        KmsAuditMetrics kmsAuditMetrics(ObjectProvider<KeyService> keyService) {
            return new KmsAuditMetrics(keyService);
        }
    }
}
