package io.kmsjca.spring.boot;

import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditListener;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Counts the store's audited requests into Micrometer: {@code kms.operations} by operation and
 * outcome, {@code kms.denials} by operation, {@code kms.datakey.cache.reuses} and
 * {@code kms.rotations}; and times them: {@code kms.operations.duration} by operation and outcome,
 * for the requests the provider times (those an engine runs; {@link AuditEvent#durationNanos()}). Tags carry the operation and the outcome only, never a key id or a
 * context value. Registered on the key service as an audit listener; it never throws, so it
 * cannot fail a request under the fail-closed policy.
 */
final class KmsMetricsListener implements AuditListener {

    private final MeterRegistry registry;
    private final ConcurrentHashMap<Integer, Counter> operations = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, Timer> durations = new ConcurrentHashMap<>();
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

    /** Asks the provider to time requests: this listener exists only where the application has a registry. */
    @Override
    public boolean wantsDurations() {
        return true;
    }

    @Override
    public void onEvent(AuditEvent event) {
        AuditOperation op = event.operation();
        AuditOutcome outcome = event.outcome();
        int key = op.ordinal() * AuditOutcome.values().length + outcome.ordinal();
        operations.computeIfAbsent(key,
                k -> Counter.builder("kms.operations").description("audited requests by operation and outcome")
                        .tag("operation", tag(op)).tag("outcome", tag(outcome)).register(registry)).increment();
        if (event.durationNanos() >= 0) {
            durations.computeIfAbsent(key, k -> Timer.builder("kms.operations.duration")
                    .description("how long timed requests took (wrap, unwrap, encrypt, data keys, sign, MAC, ...)")
                    .tag("operation", tag(op)).tag("outcome", tag(outcome)).register(registry))
                    .record(event.durationNanos(), TimeUnit.NANOSECONDS);
        }
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
