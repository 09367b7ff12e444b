package io.kmsjca.spring.boot;

import io.kmsjca.audit.AuditStats;
import io.kmsjca.keys.KeyService;
import org.springframework.beans.factory.ObjectProvider;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.function.ToLongFunction;

/** The audit trail's delivery counters ({@code KeyService.audit().stats()}) as {@code kms.audit.events.*}. */
final class KmsAuditMetrics implements MeterBinder {

    private final ObjectProvider<KeyService> service;
    private KeyService keys;

    KmsAuditMetrics(ObjectProvider<KeyService> service) {
        this.service = service;
    }

    /** Binds nothing when the application has no key service. */
    @Override
    public void bindTo(MeterRegistry registry) {
        keys = service.getIfAvailable();
        if (keys == null) {
            return;
        }
        counter(registry, "kms.audit.events.dropped", "events dropped by a full asynchronous queue", AuditStats::dropped);
        counter(registry, "kms.audit.events.delivered", "events handed to every listener", AuditStats::delivered);
        counter(registry, "kms.audit.delivery.failures", "listener calls that threw", AuditStats::failed);
    }

    private void counter(MeterRegistry registry, String name, String description, ToLongFunction<AuditStats> value) {
        FunctionCounter.builder(name, keys, k -> {
            try {
                return value.applyAsLong(k.audit().stats());
            } catch (RuntimeException closed) {
                return Double.NaN;
            }
        }).description(description).register(registry);
    }
}
