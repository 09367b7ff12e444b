package io.kmsjca.conformance;

import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyStores;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsDataKeySpec;
import io.kmsjca.provider.KmsLoadParameter;
import io.kmsjca.provider.KmsProvider;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.security.KeyStore;
import java.security.ProviderException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.*;

/** Every operation of the provider produces exactly one audit event with the right fields. */
class AuditEventsTest {

    private final List<AuditEvent> events = new CopyOnWriteArrayList<>();
    private final KmsProvider provider = new KmsProvider();
    private KeyService service;
    private KeyStore ks;

    @BeforeEach
    void setUp() throws Exception {
        service = KeyStores.newInMemory(Fixtures.cheapOptions());
        service.addAuditListener(events::add);
        ks = KeyStore.getInstance("KMS", provider);
        ks.load(KmsLoadParameter.of(service));
    }

    /** Runs {@code action} and returns the one event it produced. */
    private AuditEvent only(ThrowingRunnable action) throws Exception {
        events.clear();
        action.run();
        assertEquals(1, events.size(), () -> "expected exactly one event, got " + events);
        AuditEvent e = events.get(0);
        assertNotNull(e.eventId());
        assertNotNull(e.time());
        assertEquals(System.getProperty("user.name"), e.principal());
        return e;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static void assertEvent(AuditEvent e, AuditOperation op, String keyId, int version, AuditOutcome outcome) {
        assertEquals(op, e.operation(), e::toString);
        assertEquals(keyId, e.keyId(), e::toString);
        assertEquals(version, e.keyVersion(), e::toString);
        assertEquals(outcome, e.outcome(), e::toString);
        assertEquals(outcome == AuditOutcome.SUCCESS, e.errorClass() == null, e::toString);
    }

    @Test
    void everyOperation_producesExactlyOneEvent() throws Exception {
        KmsKeyHandle[] key = new KmsKeyHandle[1];
        AuditEvent create = only(() -> key[0] = service.createKey("orders", ""));
        String id = key[0].keyId().toString();
        assertEvent(create, AuditOperation.CREATE_KEY, id, 1, AuditOutcome.SUCCESS);
        assertEquals("orders", create.alias());

        assertEvent(only(() -> ks.setKeyEntry("orders", new SecretKeySpec(new byte[32], "AES"), null, null)),
                AuditOperation.IMPORT_KEY_MATERIAL, id, 2, AuditOutcome.SUCCESS);

        Cipher c = Cipher.getInstance("KMSWrap", provider);
        c.init(Cipher.WRAP_MODE, key[0]);
        byte[][] blob = new byte[1][];
        assertEvent(only(() -> blob[0] = c.wrap(new SecretKeySpec(new byte[16], "AES"))),
                AuditOperation.WRAP_KEY, id, 2, AuditOutcome.SUCCESS);
        c.init(Cipher.UNWRAP_MODE, key[0]);
        assertEvent(only(() -> c.unwrap(blob[0], "AES", Cipher.SECRET_KEY)), AuditOperation.UNWRAP_KEY, id, 2, AuditOutcome.SUCCESS);

        c.init(Cipher.ENCRYPT_MODE, key[0]);
        byte[][] ct = new byte[1][];
        assertEvent(only(() -> ct[0] = c.doFinal(new byte[5])), AuditOperation.ENCRYPT, id, 2, AuditOutcome.SUCCESS);
        c.init(Cipher.DECRYPT_MODE, key[0]);
        assertEvent(only(() -> c.doFinal(ct[0])), AuditOperation.DECRYPT, id, 2, AuditOutcome.SUCCESS);
        ct[0][ct[0].length - 1] ^= 1;
        assertEvent(only(() -> assertThrows(javax.crypto.AEADBadTagException.class, () -> c.doFinal(ct[0]))),
                AuditOperation.DECRYPT, id, 2, AuditOutcome.FAILED);

        KeyGenerator g = KeyGenerator.getInstance("KMSDataKey", provider);
        g.init(KmsDataKeySpec.aes256(key[0]));
        assertEvent(only(g::generateKey), AuditOperation.GENERATE_DATA_KEY, id, 2, AuditOutcome.SUCCESS);
        g.init(KmsDataKeySpec.aes256(key[0]).withoutPlaintext());
        assertEvent(only(g::generateKey), AuditOperation.GENERATE_DATA_KEY_WITHOUT_PLAINTEXT, id, 2, AuditOutcome.SUCCESS);

        assertEvent(only(() -> ks.store(new ByteArrayOutputStream(), "pw".toCharArray())),
                AuditOperation.STORE_KEY_STORE, null, 0, AuditOutcome.SUCCESS);

        // deleting the last alias is two changes, each audited: the alias, then the scheduled deletion
        events.clear();
        ks.deleteEntry("orders");
        assertEquals(List.of(AuditOperation.DELETE_ALIAS, AuditOperation.SCHEDULE_KEY_DELETION),
                events.stream().map(AuditEvent::operation).toList());

        assertEvent(only(() -> assertThrows(java.security.InvalidKeyException.class, () -> c.init(Cipher.WRAP_MODE, key[0]))),
                AuditOperation.WRAP_KEY, id, 0, AuditOutcome.DENIED);
    }

    @Test
    void refusedImport_isAuditedAsFailed() throws Exception {
        service.createKey("taken", "");
        AuditEvent e = only(() -> assertThrows(java.security.KeyStoreException.class, () -> service.createKey("taken", "")));
        assertEquals(AuditOperation.CREATE_KEY, e.operation());
        assertEquals(AuditOutcome.FAILED, e.outcome());
        assertTrue(e.errorMessage().contains("already names"), e.errorMessage());
    }

    @Test
    void aThrowingListener_failsTheOperation() throws Exception {
        KmsKeyHandle key = service.createKey("orders", "");
        service.addAuditListener(event -> {
            throw new IllegalStateException("audit sink down");
        });
        Cipher c = Cipher.getInstance("KMSWrap", provider);
        c.init(Cipher.WRAP_MODE, key);
        var e = assertThrows(ProviderException.class, () -> c.wrap(new SecretKeySpec(new byte[16], "AES")));
        assertTrue(e.getMessage().contains("refused"), e.getMessage());
    }
}
