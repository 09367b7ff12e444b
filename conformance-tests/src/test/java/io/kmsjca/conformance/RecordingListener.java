package io.kmsjca.conformance;

import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditListener;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An audit listener created by class name from the configuration (audit.listeners). */
public final class RecordingListener implements AuditListener {
    static final List<AuditEvent> EVENTS = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(AuditEvent event) {
        EVENTS.add(event);
    }
}
