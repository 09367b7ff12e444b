package io.kmsjca.internal.service;

import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyAlias;
import io.kmsjca.keys.KeyNotFoundException;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KeyStateException;

import io.kmsjca.internal.service.KeyStores;

import io.kmsjca.keys.Argon2Params;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyStoreException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Argument errors, state refusals, unknown keys and failures are four distinct exception types,
 * each audited with its own outcome and error class (issue #16): a rotation period of 89 days is
 * an invalid request, not a refusal by the key's state.
 */
class RequestErrorKindsTest {

    @TempDir
    Path dir;
    LifecycleFixture f;
    String id;

    @BeforeEach
    void setUp() throws Exception {
        f = new LifecycleFixture(dir);
        id = f.keys.createKey("orders", "").keyId().toString();
    }

    @Test
    void rotationPeriodOf89Days_isAnInvalidRequest_auditedFailed_andChangesNothing() throws Exception {
        var e = assertThrows(InvalidKeyRequestException.class, () -> f.keys.enableKeyRotation(id, 89));
        assertTrue(e.getMessage().contains("90 to 2560 days, not 89"), e.getMessage());
        assertFailed(AuditOperation.ENABLE_KEY_ROTATION, InvalidKeyRequestException.class);
        assertEquals(0, f.keys.listKeys().get(0).rotationPeriodDays());
    }

    @Test
    void argumentErrors_ofEveryRequest_areInvalidRequests() throws Exception {
        assertInvalid(AuditOperation.ENABLE_KEY_ROTATION, () -> f.keys.enableKeyRotation(id, 2561));
        assertInvalid(AuditOperation.SET_MIN_DECRYPTION_VERSION, () -> f.keys.setMinDecryptionVersion(id, 2));
        assertInvalid(AuditOperation.REVOKE_KEY_VERSION, () -> f.keys.revokeKeyVersion(id, 7));
        assertInvalid(AuditOperation.SCHEDULE_KEY_DELETION, () -> f.keys.scheduleKeyDeletion(id, 3));
        assertInvalid(AuditOperation.CREATE_KEY, () -> f.keys.createKey(CreateKeyRequest.withAlias("b").rotationPeriodDays(89)));
        assertInvalid(AuditOperation.CREATE_KEY, () -> f.keys.createKey("bad alias!", ""));
        assertInvalid(AuditOperation.CREATE_KEY, () -> f.keys.createKey("kms/mine", ""));
        assertInvalid(AuditOperation.CREATE_KEY, () -> f.keys.createKey(CreateKeyRequest.withAlias("c").tags(Map.of("kms:x", "y"))));
        assertInvalid(AuditOperation.CREATE_ALIAS, () -> f.keys.createAlias("orders", id));
        assertInvalid(AuditOperation.TAG_KEY, () -> f.keys.tagKey(id, Map.of("kms:x", "y")));
        assertInvalid(AuditOperation.IMPORT_KEY_MATERIAL, () -> f.keys.importKeyMaterial("byok", new byte[16]));
        assertEquals(List.of("orders"), f.keys.listAliases().stream().map(KeyAlias::alias).toList(), "nothing was made");
    }

    @Test
    void stateRefusal_isAKeyStateException_auditedDenied() throws Exception {
        f.keys.scheduleKeyDeletion(id);
        var e = assertThrows(KeyStateException.class, () -> f.keys.enableKeyRotation(id, 90));
        assertTrue(e.getMessage().contains("PendingDeletion"), e.getMessage());
        AuditEvent event = f.last(AuditOperation.ENABLE_KEY_ROTATION);
        assertEquals(AuditOutcome.DENIED, event.outcome());
        assertEquals(KeyStateException.class.getName(), event.errorClass());
    }

    @Test
    void unknownKey_isKeyNotFound_auditedFailed() {
        assertThrows(KeyNotFoundException.class, () -> f.keys.scheduleKeyDeletion("nobody", 7));
        assertFailed(AuditOperation.SCHEDULE_KEY_DELETION, KeyNotFoundException.class);
    }

    @Test
    void backendFailure_isAPlainKeyStoreExceptionWithItsCause_auditedFailed() throws Exception {
        var store = new FailingPuts();
        List<AuditEvent> events = new CopyOnWriteArrayList<>();
        try (EmbeddedKeyService keys = KeyStores.open(store, "pw".toCharArray(), KeyServiceOptions.defaults()
                .withKdf(Argon2Params.insecureForTests()).withMaintenanceInterval(Duration.ZERO))) {
            keys.addAuditListener(events::add);
            String key = keys.createKey("a", "").keyId().toString();
            store.failPuts = true;
            var e = assertThrows(KeyStoreException.class, () -> keys.enableKeyRotation(key, 90));
            assertEquals(KeyStoreException.class, e.getClass(), "neither a refusal nor an invalid request");
            assertInstanceOf(IOException.class, e.getCause());
            AuditEvent last = events.get(events.size() - 1);
            assertEquals(AuditOperation.ENABLE_KEY_ROTATION, last.operation());
            assertEquals(AuditOutcome.FAILED, last.outcome());
            assertEquals(KeyStoreException.class.getName(), last.errorClass());
        }
    }

    private void assertInvalid(AuditOperation op, LifecycleTestSupport.Call call) {
        assertThrows(InvalidKeyRequestException.class, call::run, op.name());
        assertFailed(op, InvalidKeyRequestException.class);
    }

    private void assertFailed(AuditOperation op, Class<?> errorClass) {
        AuditEvent event = f.last(op);
        assertEquals(AuditOutcome.FAILED, event.outcome(), op.name());
        assertEquals(errorClass.getName(), event.errorClass(), op.name());
    }
}
