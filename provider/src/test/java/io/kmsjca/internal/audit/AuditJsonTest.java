package io.kmsjca.internal.audit;

import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

class AuditJsonTest {

    @Test
    void stringsAreEscapedPerRfc8259() {
        assertEquals("\"plain\"", AuditJson.string(new StringBuilder(), "plain").toString());
        assertEquals("\"a\\\"b\\\\c\\nd\\u0001\\u2028\"",
                AuditJson.string(new StringBuilder(), "a\"b\\c\nd\u0001\u2028").toString());
    }

    @Test
    void anEvent_isOneLineOfJson_withNullsAndTheContext() {
        var e = new AuditEvent(new UUID(1, 2), Instant.parse("2026-01-01T00:00:00Z"), AuditOperation.UNWRAP_KEY,
                "k", 3, null, "alice", "run-as", AuditOutcome.FAILED, "javax.crypto.AEADBadTagException",
                "tag \"mismatch\"\nsecond line", Map.of("tenant", "hmac-sha256:00"), "req", "inst", "host", null, 0);
        String json = AuditJson.toJson(e);
        assertFalse(json.contains("\n"), "one event, one line");
        assertTrue(json.contains("\"alias\":null"), json);
        assertTrue(json.contains("\"errorMessage\":\"tag \\\"mismatch\\\"\\nsecond line\""), json);
        assertTrue(json.contains("\"encryptionContext\":{\"tenant\":\"hmac-sha256:00\"}"), json);
        assertTrue(json.startsWith("{\"eventId\":\"00000000-0000-0001-0000-000000000002\""), json);
    }
}
