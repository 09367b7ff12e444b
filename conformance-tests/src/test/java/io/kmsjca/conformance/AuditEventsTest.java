package io.kmsjca.conformance;

import io.kmsjca.keys.KeyService;
import io.kmsjca.internal.service.KeyStores;
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
        ks.load(KmsLoadParameter.managing(service));
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

    record Row(String name, ThrowingRunnable action, AuditOperation op, AuditOutcome outcome) {
    }

    @Test
    void everyManagementOperation_producesExactlyOneEvent() throws Exception {
        KmsKeyHandle key = service.createKey("orders", "");
        String id = key.keyId().toString();
        service.createKey("billing", "");
        byte[][] blob = new byte[1][];
        Cipher c = Cipher.getInstance("KMSWrap", provider);
        c.init(Cipher.WRAP_MODE, key);
        blob[0] = c.wrap(new SecretKeySpec(new byte[16], "AES"));
        List<Row> table = List.of(
                new Row("disable", () -> service.disableKey(id), AuditOperation.DISABLE_KEY, AuditOutcome.SUCCESS),
                new Row("disable again", () -> service.disableKey(id), AuditOperation.DISABLE_KEY, AuditOutcome.SUCCESS),
                new Row("rotate while disabled", () -> assertThrows(java.security.KeyStoreException.class,
                        () -> service.rotateKeyOnDemand(id)), AuditOperation.ROTATE_KEY, AuditOutcome.DENIED),
                new Row("enable", () -> service.enableKey(id), AuditOperation.ENABLE_KEY, AuditOutcome.SUCCESS),
                new Row("rotate", () -> service.rotateKeyOnDemand(id), AuditOperation.ROTATE_KEY, AuditOutcome.SUCCESS),
                new Row("enable rotation", () -> service.enableKeyRotation(id, 180), AuditOperation.ENABLE_KEY_ROTATION, AuditOutcome.SUCCESS),
                new Row("disable rotation", () -> service.disableKeyRotation(id), AuditOperation.DISABLE_KEY_ROTATION, AuditOutcome.SUCCESS),
                new Row("re-encrypt", () -> service.reEncrypt(blob[0], java.util.Map.of(), null, java.util.Map.of()),
                        AuditOperation.RE_ENCRYPT, AuditOutcome.SUCCESS),
                new Row("minimum version", () -> service.setMinDecryptionVersion(id, 2), AuditOperation.SET_MIN_DECRYPTION_VERSION, AuditOutcome.SUCCESS),
                new Row("revoke", () -> service.revokeKeyVersion(id, 1), AuditOperation.REVOKE_KEY_VERSION, AuditOutcome.SUCCESS),
                new Row("tag", () -> service.tagKey(id, java.util.Map.of("team", "shop")), AuditOperation.TAG_KEY, AuditOutcome.SUCCESS),
                new Row("untag", () -> service.untagKey(id, List.of("team")), AuditOperation.UNTAG_KEY, AuditOutcome.SUCCESS),
                new Row("create alias", () -> service.createAlias("orders-2", id), AuditOperation.CREATE_ALIAS, AuditOutcome.SUCCESS),
                // two keys change, one request: one event, for the key the alias now names
                new Row("update alias", () -> service.updateAlias("orders-2", "billing"), AuditOperation.UPDATE_ALIAS,
                        AuditOutcome.SUCCESS),
                new Row("schedule deletion", () -> service.scheduleKeyDeletion(id, 7), AuditOperation.SCHEDULE_KEY_DELETION, AuditOutcome.SUCCESS),
                new Row("cancel deletion", () -> service.cancelKeyDeletion(id), AuditOperation.CANCEL_KEY_DELETION, AuditOutcome.SUCCESS),
                new Row("unknown key", () -> assertThrows(java.security.KeyStoreException.class, () -> service.enableKey("nope")),
                        AuditOperation.ENABLE_KEY, AuditOutcome.FAILED),
                new Row("managed key", () -> service.managedKey("svc"), AuditOperation.CREATE_KEY, AuditOutcome.SUCCESS));
        for (Row row : table) {
            AuditEvent e = only(row.action);
            assertEquals(row.op, e.operation(), row.name);
            assertEquals(row.outcome, e.outcome(), row.name);
        }
    }

    @Test
    void loadStoreAndAFailedPassword_areAudited() throws Exception {
        List<AuditEvent> seen = new CopyOnWriteArrayList<>();
        var options = Fixtures.cheapOptions().withAuditListeners(List.of(seen::add));
        KeyService keys = KeyStores.newInMemory(options);
        var out = new ByteArrayOutputStream();
        KeyStores.write(keys, out, "pw".toCharArray());
        KeyStores.read(new java.io.ByteArrayInputStream(out.toByteArray()), "pw".toCharArray(), options);
        assertThrows(java.io.IOException.class,
                () -> KeyStores.read(new java.io.ByteArrayInputStream(out.toByteArray()), "wrong".toCharArray(), options));
        List<AuditOperation> ops = seen.stream().map(AuditEvent::operation)
                .filter(o -> o != AuditOperation.CREATE_KEY).toList(); // each new store creates its audit key
        assertEquals(List.of(AuditOperation.LOAD_KEY_STORE, AuditOperation.STORE_KEY_STORE, AuditOperation.LOAD_KEY_STORE,
                AuditOperation.LOAD_KEY_STORE), ops);
        AuditEvent failed = seen.get(seen.size() - 1);
        assertEquals(AuditOutcome.FAILED, failed.outcome());
        assertTrue(failed.errorMessage().contains("password was incorrect"), failed.errorMessage());
        assertFalse(failed.toString().contains("wrong"), "the attempted password never appears");
    }

    @Test
    void refusedImport_isAuditedAsFailed() throws Exception {
        service.createKey("taken", "");
        AuditEvent e = only(() -> assertThrows(java.security.KeyStoreException.class, () -> service.createKey("taken", "")));
        assertEquals(AuditOperation.CREATE_KEY, e.operation());
        assertEquals(AuditOutcome.FAILED, e.outcome());
        assertTrue(e.errorMessage().contains("already exists"), e.errorMessage());
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
