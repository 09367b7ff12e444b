package io.kmsjca.internal.service;

import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.MaintenanceReport;
import io.kmsjca.keys.VersionState;

import io.kmsjca.internal.model.KeyVersion;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.internal.store.RootKey;

import io.kmsjca.keys.Argon2Params;
import io.kmsjca.provider.KmsEncryptionContextSpec;
import io.kmsjca.provider.KmsProvider;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.security.InvalidKeyException;
import java.security.KeyStoreException;
import java.security.Provider;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/** When key material is wiped: on close, and on revocation or destruction only once the change is durable. */
class SecretWipingTest {

    private static final char[] PASSWORD = "wiping".toCharArray();
    private static final Provider PROVIDER = new KmsProvider();
    private static final SecretKeySpec DATA_KEY = new SecretKeySpec(new byte[32], "AES");

    private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final FailingPuts backend = new FailingPuts();
    private final List<AuditEvent> audit = new CopyOnWriteArrayList<>();

    private EmbeddedKeyService open() throws IOException {
        EmbeddedKeyService keys = KeyStores.open(backend, PASSWORD, KeyServiceOptions.defaults()
                .withKdf(Argon2Params.insecureForTests()).withClock(clock).withMaintenanceInterval(Duration.ZERO));
        keys.addAuditListener(audit::add);
        return keys;
    }

    @Test
    void close_wipesTheRootKeyAndEveryVersion_andHandlesAreRefused() throws Exception {
        EmbeddedKeyService keys = open();
        KmsKeyHandle orders = keys.createKey("orders", "");
        keys.rotateKeyOnDemand("orders");
        wrap(orders);
        RootKey root = keys.root();
        List<KeyVersion> versions = keys.registry().snapshot().byId().values().stream()
                .flatMap(k -> k.versions().stream()).toList();
        assertTrue(versions.size() >= 3, "the audit key and two versions of orders");

        keys.close();

        assertTrue(root.isDestroyed(), "root key wiped");
        for (KeyVersion v : versions) {
            assertThrows(IllegalStateException.class, v::materialCopy, "version " + v.number() + " wiped");
        }
        var refused = assertThrows(InvalidKeyException.class, () -> wrap(orders));
        assertTrue(refused.getMessage().contains("closed"), refused.getMessage());
    }

    @Test
    void revocation_whoseWriteFails_leavesTheVersionUsable_untilItIsDurable() throws Exception {
        EmbeddedKeyService keys = open();
        KmsKeyHandle orders = keys.createKey("orders", "");
        byte[] blob = wrap(orders);
        keys.rotateKeyOnDemand("orders");
        KeyVersion first = keys.registry().lookup("orders").orElseThrow().versions().get(0);

        backend.failPuts = true;
        var failed = assertThrows(KeyStoreException.class, () -> keys.revokeKeyVersion("orders", 1));
        assertInstanceOf(IOException.class, failed.getCause());
        assertEquals(AuditOutcome.FAILED, last(AuditOperation.REVOKE_KEY_VERSION).outcome());
        backend.failPuts = false;

        assertEquals(VersionState.ACTIVE, keys.registry().reread(orders.keyId()).versions().get(0).state(), "the store still calls it active");
        assertArrayEquals(DATA_KEY.getEncoded(), unwrap(orders, blob), "and this process still unwraps its blobs");

        keys.revokeKeyVersion("orders", 1);
        assertThrows(IllegalStateException.class, first::materialCopy, "wiped once the revocation is durable");
        assertThrows(InvalidKeyException.class, () -> unwrap(orders, blob));
        keys.close();
    }

    @Test
    void destruction_whoseWriteFails_leavesTheMaterial_soCancellingRestoresTheKey() throws Exception {
        EmbeddedKeyService keys = open();
        KmsKeyHandle orders = keys.createKey("orders", "");
        byte[] blob = wrap(orders);
        keys.scheduleKeyDeletion("orders", 7);
        clock.advance(Duration.ofDays(8));

        backend.failPuts = true;
        MaintenanceReport report = keys.runMaintenance();
        backend.failPuts = false;
        assertEquals(0, report.destroyed(), report.toString());
        assertFalse(report.failures().isEmpty(), report.toString());

        keys.cancelKeyDeletion("orders");
        keys.enableKey("orders");
        assertArrayEquals(DATA_KEY.getEncoded(), unwrap(orders, blob), "the material the store kept is still here");
        keys.close();
    }

    private AuditEvent last(AuditOperation op) {
        for (int i = audit.size() - 1; i >= 0; i--) {
            if (audit.get(i).operation() == op) {
                return audit.get(i);
            }
        }
        throw new AssertionError("no " + op + " event");
    }

    private static byte[] wrap(KmsKeyHandle key) throws Exception {
        Cipher c = Cipher.getInstance("KMSWrap", PROVIDER);
        c.init(Cipher.WRAP_MODE, key, new KmsEncryptionContextSpec(Map.of()));
        return c.wrap(DATA_KEY);
    }

    private static byte[] unwrap(KmsKeyHandle key, byte[] blob) throws Exception {
        Cipher c = Cipher.getInstance("KMSWrap", PROVIDER);
        c.init(Cipher.UNWRAP_MODE, key, new KmsEncryptionContextSpec(Map.of()));
        return c.unwrap(blob, "AES", Cipher.SECRET_KEY).getEncoded();
    }
}
