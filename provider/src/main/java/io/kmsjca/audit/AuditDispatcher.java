package io.kmsjca.audit;

import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditListener;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;

import java.security.ProviderException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns each decided request into one {@link AuditEvent} and hands it to every listener, on the
 * caller's thread. With no listener nothing is built, so an unaudited wrap pays nothing. A
 * listener that throws fails the request (fail closed): nothing happens unrecorded.
 */
public final class AuditDispatcher {

    private final List<AuditListener> listeners = new CopyOnWriteArrayList<>();
    private final Clock clock;
    private final String principal = System.getProperty("user.name", "unknown");
    // event ids: a random half per dispatcher and a counter, unique without a SecureRandom call per event
    private final long idPrefix = new SecureRandom().nextLong();
    private final AtomicLong sequence = new AtomicLong();

    public AuditDispatcher(Clock clock, List<AuditListener> initial) {
        this.clock = clock;
        this.listeners.addAll(initial);
    }

    public void addListener(AuditListener listener) {
        listeners.add(listener);
    }

    public void removeListener(AuditListener listener) {
        listeners.remove(listener);
    }

    /** Whether anyone listens; callers skip building events when not. */
    public boolean active() {
        return !listeners.isEmpty();
    }

    /**
     * Records one request.
     *
     * @param error null for success; a {@link Denial} is DENIED, anything else FAILED
     * @throws ProviderException a listener failed, so the request must not go on
     */
    public void record(AuditOperation operation, UUID keyId, int keyVersion, String alias, Throwable error,
                       List<String> contextKeys) {
        record(operation, keyId, keyVersion, alias, error, contextKeys, null, 0);
    }

    /** Records a request that involved a second key (RE_ENCRYPT's destination). */
    public void record(AuditOperation operation, UUID keyId, int keyVersion, String alias, Throwable error,
                       List<String> contextKeys, UUID destinationKeyId, int destinationKeyVersion) {
        if (listeners.isEmpty()) {
            return;
        }
        AuditOutcome outcome = error == null ? AuditOutcome.SUCCESS
                : error instanceof Denial ? AuditOutcome.DENIED : AuditOutcome.FAILED;
        var event = new AuditEvent(new UUID(idPrefix, sequence.incrementAndGet()), clock.instant(), operation,
                keyId == null ? null : keyId.toString(), keyVersion, alias, principal, outcome,
                error == null ? null : error.getClass().getName(), error == null ? null : error.getMessage(),
                contextKeys, destinationKeyId == null ? null : destinationKeyId.toString(), destinationKeyVersion);
        for (AuditListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                throw new ProviderException("audit listener " + l.getClass().getName()
                        + " failed; the " + operation + " request is refused", e);
            }
        }
    }
}
