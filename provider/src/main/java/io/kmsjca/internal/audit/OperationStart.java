package io.kmsjca.internal.audit;

import io.kmsjca.internal.jfr.KeyOperationEvent;
import io.kmsjca.internal.jfr.KeyOperationEvents;

/**
 * When an engine began a request, for its JFR event and its audit event's duration. {@link #begin()}
 * returns null, allocating and timing nothing, unless a recording wants key operations or an audit
 * listener asked for durations ({@link io.kmsjca.spi.audit.AuditListener#wantsDurations()}).
 */
public final class OperationStart {

    /** Set once for the JVM by the first listener that wants durations; a plain read on the hot path after. */
    private static volatile boolean durationsWanted;

    private final KeyOperationEvent event;
    private final long startNanos;

    private OperationStart(KeyOperationEvent event, long startNanos) {
        this.event = event;
        this.startNanos = startNanos;
    }

    /** Starts a request: null when nobody wants it timed. */
    public static OperationStart begin() {
        KeyOperationEvent event = KeyOperationEvents.begin();
        boolean timed = durationsWanted;
        if (event == null && !timed) {
            return null;
        }
        return new OperationStart(event, timed ? System.nanoTime() : -1);
    }

    /** From now on, requests of every store in this JVM are timed. */
    static void wantDurations() {
        durationsWanted = true;
    }

    /** The begun JFR event of {@code start}, or null. */
    static KeyOperationEvent event(OperationStart start) {
        return start == null ? null : start.event;
    }

    /** Nanoseconds since {@code start} began, or -1 when it was not timed. */
    static long elapsedNanos(OperationStart start) {
        return start == null || start.startNanos < 0 ? -1 : Math.max(0, System.nanoTime() - start.startNanos);
    }
}
