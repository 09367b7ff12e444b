package io.kmsjca.spring.boot;

import io.kmsjca.audit.AuditStats;
import io.kmsjca.keys.KeyService;
import io.kmsjca.spi.KeyRecordStore;
import io.kmsjca.spi.OutOfSyncException;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Health {@code kms}: DOWN when the store cannot be read (closed, or its storage unreachable), when
 * a shared backend's change feed has not confirmed the records within its bound (keys are refused
 * then), or when the audit trail dropped events or had a listener fail since the previous check.
 * The details give the delivery counters; they never name a key.
 */
final class KmsHealthIndicator extends AbstractHealthIndicator {

    private final KeyService keys;
    private final KeyRecordStore sharedBackend;
    private final AtomicReference<AuditStats> lastChecked = new AtomicReference<>(new AuditStats(0, 0, 0));

    /** @param sharedBackend the backend whose change feed to check, or null for a store no other process writes */
    KmsHealthIndicator(KeyService keys, KeyRecordStore sharedBackend) {
        super("KMS health check failed");
        this.keys = keys;
        this.sharedBackend = sharedBackend;
    }

    @Override
    protected void doHealthCheck(Health.Builder health) {
        health.up();
        try {
            keys.refresh(); // reads the store: open and reachable
            health.withDetail("store", "open");
        } catch (Exception e) {
            health.down().withDetail("store", "unavailable: " + e);
            return;
        }
        if (sharedBackend != null) {
            try {
                sharedBackend.checkInSync();
                health.withDetail("changeFeed", "in sync");
            } catch (OutOfSyncException e) {
                health.down().withDetail("changeFeed", "out of sync: " + e.getMessage());
            }
        }
        AuditStats now = keys.audit().stats();
        AuditStats before = lastChecked.getAndSet(now);
        health.withDetail("auditDelivered", now.delivered()).withDetail("auditFailed", now.failed())
                .withDetail("auditDropped", now.dropped());
        if (now.dropped() > before.dropped() || now.failed() > before.failed()) {
            health.down().withDetail("audit", (now.dropped() - before.dropped()) + " events dropped and "
                    + (now.failed() - before.failed()) + " listener calls failed since the previous check");
        }
    }
}
