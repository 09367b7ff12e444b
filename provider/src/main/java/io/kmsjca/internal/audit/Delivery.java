package io.kmsjca.internal.audit;

import io.kmsjca.audit.AuditStats;

import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditListener;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;

import java.security.ProviderException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** How events reach the listeners: on the caller's thread, or through a bounded queue. */
public abstract class Delivery {

    static final System.Logger LOG = System.getLogger("io.kmsjca.audit");

    final List<AuditListener> listeners;
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();

    Delivery(List<AuditListener> listeners) {
        this.listeners = listeners;
    }

    abstract void deliver(AuditEvent event);

    /** Returns once every event accepted so far has reached every listener and been flushed. */
    abstract void flush();

    /** Flushes, then closes the listeners; a failed flush (counted and reported) is logged, and the listeners still close. */
    void close() {
        try {
            flush();
        } catch (ProviderException failed) {
            LOG.log(System.Logger.Level.WARNING, "closing audit delivery", failed);
        }
        closeListeners();
    }

    final void closeListeners() {
        listeners.forEach(l -> {
            try {
                l.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "audit listener " + l.getClass().getName() + " failed to close", e);
            }
        });
    }

    AuditStats stats() {
        return new AuditStats(delivered.get(), failed.get(), dropped.get());
    }

    /**
     * Hands {@code event} to every listener.
     *
     * @param failClosed whether a throwing listener fails the request (it is rethrown) or is
     *                   counted and reported to the other listeners
     */
    void toListeners(AuditEvent event, boolean failClosed) {
        for (AuditListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                if (failClosed) {
                    throw new ProviderException("audit listener " + l.getClass().getName()
                            + " failed; the " + event.operation() + " request is refused", e);
                }
                listenerFailed(l, "on " + event.operation(), e, event);
            }
        }
        delivered.incrementAndGet();
    }

    /** What a listener threw, for a message: its class alone if it cannot even describe itself. */
    private static String describe(RuntimeException e) {
        try {
            return e.toString();
        } catch (RuntimeException itsToString) {
            return e.getClass().getName();
        }
    }

    /** Tells the listeners (but {@code except}) about a delivery problem, as an event of its own. */
    void report(AuditEvent cause, AuditOperation what, String message, AuditListener except) {
        AuditEvent notice = new AuditEvent(java.util.UUID.randomUUID(), cause.time(), what, null, 0, null,
                cause.principal(), cause.principalSource(), AuditOutcome.FAILED, "io.kmsjca.audit.AuditDeliveryProblem",
                message, java.util.Map.of(), cause.requestId(), cause.providerInstance(), cause.host(), null, 0);
        for (AuditListener l : listeners) {
            if (l != except) {
                try {
                    l.onEvent(notice);
                } catch (RuntimeException ignored) {
                    failed.incrementAndGet(); // already failing: counted, never recursed
                }
            }
        }
    }

    /**
     * Flushes every listener. One that fails is counted, logged and, when {@code cause} (an event
     * it was given) is known, reported to the others, as a failed {@code onEvent} is: its events
     * may not be durable.
     *
     * @return how many listeners failed to flush
     */
    int flushListeners(AuditEvent cause) {
        int failures = 0;
        for (AuditListener l : listeners) {
            try {
                l.flush();
            } catch (RuntimeException e) {
                failures++;
                listenerFailed(l, "to flush", e, cause);
            }
        }
        return failures;
    }

    /**
     * A listener's failure ({@code what}: "on ENCRYPT", "to flush"): counted, logged, and reported
     * to the other listeners as an AUDIT_DELIVERY_FAILED event when an event it was given is known.
     */
    private void listenerFailed(AuditListener l, String what, RuntimeException e, AuditEvent cause) {
        long n = failed.incrementAndGet();
        String failure = "listener " + l.getClass().getName() + " failed " + what + " (" + n + " failures so far)";
        try {
            LOG.log(System.Logger.Level.WARNING, "audit " + failure, e);
        } catch (RuntimeException logging) {
            // a logger that cannot print the failure: it is counted, and reported below
        }
        if (cause != null) {
            report(cause, AuditOperation.AUDIT_DELIVERY_FAILED, failure + ": " + describe(e), l);
        }
    }

    /**
     * On the caller's thread: the request returns after every listener had the event. Fail-closed,
     * a listener that throws fails the request, and one that fails to flush fails {@link #flush()}.
     */
    static final class Sync extends Delivery {
        private final boolean failClosed;
        private AuditEvent lastEvent; // what a failed flush's report names: any recent event will do, so a plain field

        Sync(List<AuditListener> listeners, boolean failClosed) {
            super(listeners);
            this.failClosed = failClosed;
        }

        @Override
        void deliver(AuditEvent event) {
            lastEvent = event;
            toListeners(event, failClosed);
        }

        @Override
        void flush() {
            int failures = flushListeners(lastEvent);
            if (failures > 0 && failClosed) {
                throw new ProviderException(failures + " audit listener(s) failed to flush: events may not be durable");
            }
        }
    }
}
