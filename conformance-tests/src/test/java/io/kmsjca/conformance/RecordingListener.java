package io.kmsjca.conformance;

import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditListener;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An audit listener created by class name from the configuration (audit.listeners) and found
 * through {@code ServiceLoader} (this module's META-INF/services). So every key service of this
 * test JVM with the default options has it: it keeps events only while a test records, else it
 * would hold every event of every test (it was the soak's heap growth, docs/reliability.md).
 */
public final class RecordingListener implements AuditListener {
    /** The events of the recording under way; null when no test records. */
    private static volatile List<AuditEvent> recording;

    /** Starts a new recording: the list the events go to until {@link #stop()}. */
    static List<AuditEvent> start() {
        List<AuditEvent> events = new CopyOnWriteArrayList<>();
        recording = events;
        return events;
    }

    static void stop() {
        recording = null;
    }

    /** How many events the listener holds now (none between recordings). */
    static int retained() {
        List<AuditEvent> events = recording;
        return events == null ? 0 : events.size();
    }

    @Override
    public void onEvent(AuditEvent event) {
        List<AuditEvent> events = recording;
        if (events != null) {
            events.add(event);
        }
    }
}
