package io.kmsjca.internal.audit;

import io.kmsjca.internal.service.EmbeddedKeyService;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.provider.KmsProvider;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditListener;
import io.kmsjca.spi.audit.AuditOperation;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link AuditEvent#durationNanos()}: set for the requests an engine runs once a listener asks for it. */
class AuditDurationTest {

    @Test
    void aListenerThatWantsDurations_getsTheWrapsAndUnwrapsTimed_andOtherRequestsUntimed() throws Exception {
        EmbeddedKeyService keys = KeyStores.newInMemory(KeyServiceOptions.defaults()
                .withKdf(Argon2Params.insecureForTests()).withMaintenanceInterval(Duration.ZERO));
        try {
            List<AuditEvent> events = new CopyOnWriteArrayList<>();
            keys.addAuditListener(new AuditListener() {
                @Override
                public void onEvent(AuditEvent event) {
                    events.add(event);
                }

                @Override
                public boolean wantsDurations() {
                    return true;
                }
            });
            var key = keys.createKey("timed", "");
            var provider = new KmsProvider();
            Cipher wrap = Cipher.getInstance("KMSWrap", provider);
            wrap.init(Cipher.WRAP_MODE, key);
            byte[] blob = wrap.wrap(new SecretKeySpec(new byte[32], "AES"));
            Cipher unwrap = Cipher.getInstance("KMSWrap", provider);
            unwrap.init(Cipher.UNWRAP_MODE, key);
            unwrap.unwrap(blob, "AES", Cipher.SECRET_KEY);
            keys.audit().flush();

            assertEquals(-1, only(events, AuditOperation.CREATE_KEY).durationNanos(), "no engine times a key's creation");
            assertTrue(only(events, AuditOperation.WRAP_KEY).durationNanos() > 0, "the wrap was timed");
            assertTrue(only(events, AuditOperation.UNWRAP_KEY).durationNanos() > 0, "the unwrap was timed");
        } finally {
            keys.close();
        }
    }

    @Test
    void aNegativeDurationOtherThanNotTimed_isRejected() {
        var e = new AuditEvent(java.util.UUID.randomUUID(), java.time.Instant.EPOCH, AuditOperation.WRAP_KEY, null, 0,
                null, "p", "os-user", io.kmsjca.spi.audit.AuditOutcome.SUCCESS, null, null, java.util.Map.of(), "r",
                "i", "h", null, 0);
        assertEquals(-1, e.durationNanos(), "the constructor without a duration means not timed");
        assertThrows(IllegalArgumentException.class, () -> new AuditEvent(e.eventId(), e.time(), e.operation(), null,
                0, null, "p", "os-user", e.outcome(), null, null, java.util.Map.of(), "r", "i", "h", null, 0, -2));
    }

    private static AuditEvent only(List<AuditEvent> events, AuditOperation op) {
        var found = events.stream().filter(e -> e.operation() == op).toList();
        assertEquals(1, found.size(), op + " events: " + found);
        return found.get(0);
    }
}
