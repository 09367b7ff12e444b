package io.kmsjca.audit;

import io.kmsjca.internal.audit.AuditDispatcher;

import io.kmsjca.spi.audit.AuditListener;

/**
 * A key store's audit trail as its users see it ({@code KeyService.audit()}): listeners added and
 * removed, the delivery counters, and a flush. It records nothing: events, and so the lines of the
 * chained and MACed audit log, come from the key service alone, which keeps its
 * {@link AuditDispatcher} to itself. A separate object, not an interface the dispatcher
 * implements, so it cannot be cast back into one.
 */
public final class AuditDelivery {

    private final AuditDispatcher dispatcher;

    public AuditDelivery(AuditDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    public void addListener(AuditListener listener) {
        dispatcher.addListener(listener);
    }

    public void removeListener(AuditListener listener) {
        dispatcher.removeListener(listener);
    }

    /** Delivery counters: delivered, failed listener calls, dropped events. */
    public AuditStats stats() {
        return dispatcher.stats();
    }

    /** Returns once every event recorded so far has reached every listener and been made durable. */
    public void flush() {
        dispatcher.flush();
    }
}
