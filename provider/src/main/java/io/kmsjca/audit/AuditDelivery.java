package io.kmsjca.audit;

import io.kmsjca.spi.audit.AuditListener;

/**
 * A key store's audit trail as its users see it ({@code KeyService.audit()}): listeners added and
 * removed, the delivery counters, and a flush. It records nothing: events, and so the lines of the
 * chained and MACed audit log, come from the key service alone, which keeps its dispatcher to
 * itself. The object returned is a separate one, not the dispatcher, so it cannot be cast back
 * into something that records.
 */
public interface AuditDelivery {

    void addListener(AuditListener listener);

    void removeListener(AuditListener listener);

    /** Delivery counters: delivered, failed listener calls, dropped events. */
    AuditStats stats();

    /** Returns once every event recorded so far has reached every listener and been made durable. */
    void flush();
}
