package io.kmsjca.internal.jfr;

import io.kmsjca.audit.KmsAuditContext;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;

import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;

import java.util.UUID;

/**
 * Emits {@link KeyOperationEvent}s, at no cost when no recording wants them: with JFR off,
 * {@link #begin()} and {@link #commit} read two flags and allocate nothing. On a runtime image
 * without the {@code jdk.jfr} module (a jlink image on the class path) they do nothing and the
 * event class is never loaded; until a recording starts, JFR itself is not woken.
 */
public final class KeyOperationEvents {

    /** Whether this runtime has JFR: decided once; no JFR class is touched when it is false. */
    private static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.jfr").isPresent();

    private KeyOperationEvents() {
    }

    /**
     * Starts timing a request: a begun event if a recording wants key operations, else null.
     * Pass it to {@link #commit}; null there means "not timed".
     */
    public static KeyOperationEvent begin() {
        if (!AVAILABLE) {
            return null;
        }
        KeyOperationEvent event = Jfr.newIfEnabled();
        if (event != null) {
            event.begin();
        }
        return event;
    }

    /**
     * Commits the event of one decided request; {@code started} from {@link #begin()} gives it
     * its duration, null an event of no duration (if a recording wants it at all).
     */
    public static void commit(KeyOperationEvent started, String storeInstance, AuditOperation operation,
                              UUID keyId, int keyVersion, String alias, AuditOutcome outcome, Throwable error) {
        if (!AVAILABLE) {
            return;
        }
        // not begun: JFR stamps it at commit, with no duration
        KeyOperationEvent event = started != null ? started : Jfr.newIfEnabled();
        if (event == null || !event.shouldCommit()) {
            return;
        }
        event.operation = operation.name();
        event.keyId = keyId == null ? null : keyId.toString();
        event.keyVersion = keyVersion;
        event.alias = alias;
        event.outcome = outcome.name();
        event.errorClass = error == null ? null : error.getClass().getName();
        event.storeInstance = storeInstance;
        event.requestId = KmsAuditContext.requestId();
        event.commit();
    }

    /** Loaded only where JFR is present (the first {@code begin} or {@code commit}). */
    private static final class Jfr {

        /**
         * Until a recording has started in this JVM, none can want the event: this reads one
         * flag, where asking the event type would first start JFR's machinery (seconds on a
         * loaded machine) on the first wrap of every JVM.
         */
        static KeyOperationEvent newIfEnabled() {
            return FlightRecorder.isInitialized() && Type.TYPE.isEnabled() ? new KeyOperationEvent() : null;
        }
    }

    /** The registered event type, looked up once JFR is running. */
    private static final class Type {
        private static final EventType TYPE = EventType.getEventType(KeyOperationEvent.class);
    }
}
