package io.kmsjca.spring.boot;

import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditListener;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts the store's audited requests into Micrometer: {@code kms.operations} by operation and
 * outcome, {@code kms.denials} by operation, {@code kms.datakey.cache.reuses} and
 * {@code kms.rotations}. Tags carry the operation and the outcome only, never a key id or a
 * context value. Registered on the key service as an audit listener; it never throws, so it
 * cannot fail a request under the fail-closed policy.
 */
final class KmsMetricsListener implements AuditListener {

    private final MeterRegistry registry;
    private final ConcurrentHashMap<Integer, Counter> operations = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<AuditOperation, Counter> denials = new ConcurrentHashMap<>();
    private final Counter cacheReuses;
    private final Counter rotations;

    KmsMetricsListener(MeterRegistry registry) {
        this.registry = registry;
        this.cacheReuses = Counter.builder("kms.datakey.cache.reuses")
                .description("envelope messages encrypted with a cached data key instead of a new one").register(registry);
        this.rotations = Counter.builder("kms.rotations")
                .description("new key versions: on demand, on schedule or by usage").register(registry);
    }

    @Override
    public void onEvent(AuditEvent event) {
        AuditOperation op = event.operation();
        AuditOutcome outcome = event.outcome();
        operations.computeIfAbsent(op.ordinal() * AuditOutcome.values().length + outcome.ordinal(),
                k -> Counter.builder("kms.operations").description("audited requests by operation and outcome")
                        .tag("operation", tag(op)).tag("outcome", tag(outcome)).register(registry)).increment();
        if (outcome == AuditOutcome.DENIED) {
            denials.computeIfAbsent(op, o -> Counter.builder("kms.denials")
                    .description("requests refused by a key's state or usage").tag("operation", tag(o))
                    .register(registry)).increment();
        }
        if (outcome == AuditOutcome.SUCCESS && op == AuditOperation.REUSE_CACHED_DATA_KEY) {
            cacheReuses.increment();
        }
        if (outcome == AuditOutcome.SUCCESS && op == AuditOperation.ROTATE_KEY) {
            rotations.increment();
        }
    }

    private static String tag(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
