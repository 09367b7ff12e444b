package io.kmsjca.spi.audit;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An event built without a request id (the request named none) reads as one whose request id is
 * its event id's text, through its accessor, {@code equals}, {@code hashCode} and {@code toString}
 * alike: the record's components stay one truth, whoever built it.
 */
class AuditEventTest {

    private static final UUID ID = new UUID(0x1234L, 7);

    private static AuditEvent wrap(String requestId, long durationNanos) {
        return new AuditEvent(ID, Instant.EPOCH, AuditOperation.WRAP_KEY, "k", 1, null, "alice", "subject",
                AuditOutcome.SUCCESS, null, null, Map.of(), requestId, "instance", "host", null, 0, durationNanos);
    }

    @Test
    void noRequestId_isTheEventsOwnId_everywhereItIsRead() {
        AuditEvent unnamed = wrap(null, -1);
        AuditEvent named = wrap(ID.toString(), -1);

        assertEquals(ID.toString(), unnamed.requestId());
        assertEquals(named, unnamed);
        assertEquals(unnamed, named);
        assertEquals(named.hashCode(), unnamed.hashCode());
        assertEquals(named.toString(), unnamed.toString());
        assertTrue(unnamed.toString().contains("requestId=" + ID), unnamed.toString());
    }

    @Test
    void eventsDifferingInAnyComponent_areNotEqual() {
        AuditEvent a = wrap("req-1", -1);
        assertEquals(a, wrap("req-1", -1));
        assertNotEquals(a, wrap("req-2", -1));
        assertNotEquals(a, wrap(null, -1));
        assertNotEquals(a, wrap("req-1", 5));
        assertNotEquals(a, new AuditEvent(ID, Instant.EPOCH, AuditOperation.UNWRAP_KEY, "k", 1, null, "alice",
                "subject", AuditOutcome.SUCCESS, null, null, Map.of(), "req-1", "instance", "host", null, 0, -1));
        assertNotEquals(a, new AuditEvent(ID, Instant.EPOCH, AuditOperation.WRAP_KEY, "k", 1, "alias/a", "alice",
                "subject", AuditOutcome.SUCCESS, null, null, Map.of(), "req-1", "instance", "host", null, 0, -1));
        assertNotEquals(a, new AuditEvent(ID, Instant.EPOCH, AuditOperation.WRAP_KEY, "k", 1, null, "alice",
                "subject", AuditOutcome.SUCCESS, null, null, Map.of("a", "b"), "req-1", "instance", "host", null, 0, -1));
    }
}
