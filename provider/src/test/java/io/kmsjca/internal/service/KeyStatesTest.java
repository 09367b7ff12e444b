package io.kmsjca.internal.service;

import io.kmsjca.keys.KeyState;
import io.kmsjca.keys.KeyStateException;

import io.kmsjca.internal.model.KeyVersion;

import io.kmsjca.provider.KmsDataKeySpec;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.KeyStoreException;
import java.security.ProviderException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/** Every state transition, allowed and refused, durable and audited. */
class KeyStatesTest {

    @TempDir
    Path dir;
    LifecycleFixture f;
    String id;

    @BeforeEach
    void setUp() throws Exception {
        f = new LifecycleFixture(dir);
        id = f.keys.createKey("orders", "").keyId().toString();
    }

    private KeyState state() throws Exception {
        return f.keys.describeKey(id).state();
    }

    /** The change is visible after a restart, so it was durable when the call returned. */
    private KeyState stateAfterReopen() throws Exception {
        return f.reopen().describeKey(id).state();
    }

    @Test
    void allowedTransitions_areDurableAndAudited() throws Exception {
        f.keys.disableKey("orders");
        assertEquals(KeyState.DISABLED, stateAfterReopen());
        assertEquals(AuditOutcome.SUCCESS, f.last(AuditOperation.DISABLE_KEY).outcome());
        f.keys.enableKey("orders");
        assertEquals(KeyState.ENABLED, stateAfterReopen());
        f.keys.scheduleKeyDeletion("orders");
        assertEquals(KeyState.PENDING_DELETION, stateAfterReopen());
        assertEquals(f.clock.instant().plus(Duration.ofDays(30)), f.keys.describeKey(id).deletionDate());
        f.keys.cancelKeyDeletion(id);
        assertEquals(KeyState.DISABLED, stateAfterReopen(), "cancel brings the key back Disabled, as in KMS");
        assertNull(f.keys.describeKey(id).deletionDate());
        f.keys.enableKey(id);
        f.keys.enableKey(id);
        assertEquals(KeyState.ENABLED, stateAfterReopen(), "enabling an enabled key is allowed and changes nothing");
        f.keys.disableKey(id);
        f.keys.scheduleKeyDeletion(id, 7);
        assertEquals(KeyState.PENDING_DELETION, stateAfterReopen(), "a disabled key can be scheduled for deletion");
    }

    @Test
    void refusedTransitions_nameTheStateChangeNothingAndAreDenied() throws Exception {
        var e = assertThrows(KeyStateException.class, () -> f.keys.cancelKeyDeletion(id));
        assertTrue(e.getMessage().contains("Enabled") && e.getMessage().contains("not pending deletion"), e.getMessage());
        assertEquals(AuditOutcome.DENIED, f.last(AuditOperation.CANCEL_KEY_DELETION).outcome());

        f.keys.scheduleKeyDeletion(id);
        for (LifecycleTestSupport.Call refused : new LifecycleTestSupport.Call[] {() -> f.keys.enableKey(id), () -> f.keys.disableKey(id),
                () -> f.keys.scheduleKeyDeletion(id), () -> f.keys.rotateKeyOnDemand(id)}) {
            var x = assertThrows(KeyStateException.class, refused::run);
            assertTrue(x.getMessage().contains("PendingDeletion") && x.getMessage().contains(id), x.getMessage());
        }
        assertTrue(assertThrows(KeyStateException.class, () -> f.keys.enableKey(id)).getMessage().contains("cancel the deletion"));
        assertEquals(KeyState.PENDING_DELETION, stateAfterReopen());
    }

    @Test
    void deletionWindow_isBoundedTo7Through30Days() throws Exception {
        assertThrows(KeyStoreException.class, () -> f.keys.scheduleKeyDeletion(id, 6));
        assertThrows(KeyStoreException.class, () -> f.keys.scheduleKeyDeletion(id, 31));
        assertEquals(KeyState.ENABLED, state());
        assertEquals(f.clock.instant().plus(Duration.ofDays(7)), f.keys.scheduleKeyDeletion(id, 7));
    }

    @Test
    void disabledKey_refusesEveryCryptographicUse_butDescribes() throws Exception {
        byte[] blob = f.wrap("orders");
        f.keys.disableKey("orders");
        var unwrap = assertThrows(InvalidKeyException.class, () -> f.unwrap("orders", blob));
        assertTrue(unwrap.getMessage().contains("Disabled") && unwrap.getMessage().contains(id), unwrap.getMessage());
        assertEquals(AuditOutcome.DENIED, f.last(AuditOperation.UNWRAP_KEY).outcome());
        assertThrows(InvalidKeyException.class, () -> f.wrap("orders"));
        Cipher enc = Cipher.getInstance("KMSWrap", LifecycleFixture.PROVIDER);
        assertThrows(InvalidKeyException.class, () -> enc.init(Cipher.ENCRYPT_MODE, f.keys.findKey(id).orElseThrow()));
        KeyGenerator g = KeyGenerator.getInstance("KMSDataKey", LifecycleFixture.PROVIDER);
        g.init(KmsDataKeySpec.aes256(f.keys.findKey(id).orElseThrow()));
        assertThrows(ProviderException.class, g::generateKey);
        assertThrows(InvalidKeyException.class, () -> f.keys.reEncrypt(blob, java.util.Map.of(), null, java.util.Map.of()));
        assertEquals("orders", f.keys.describeKey(id).aliases().get(0));

        f.keys.enableKey("orders");
        assertArrayEquals(LifecycleFixture.DATA_KEY.getEncoded(), f.unwrap("orders", blob), "enabling restores everything");
    }

    @Test
    void destruction_afterTheWaitingPeriod_wipesTheMaterialAndSaysSoOnUnwrap() throws Exception {
        byte[] blob = f.wrap("orders");
        KeyVersion inMemory = f.keys.registry().lookup(id).orElseThrow().current();
        assertTrue(inMemory.holdsMaterial());
        f.keys.scheduleKeyDeletion(id, 7);
        f.clock.advance(Duration.ofDays(7).minusSeconds(1));
        assertEquals(0, f.keys.runMaintenance().destroyed(), "not before the date");
        assertEquals(KeyState.PENDING_DELETION, state());
        f.clock.advance(Duration.ofSeconds(1));
        assertEquals(1, f.keys.runMaintenance().destroyed());
        assertFalse(inMemory.holdsMaterial(), "the destroyed version's material is wiped in this JVM too");
        assertEquals(AuditOutcome.SUCCESS, f.last(AuditOperation.DESTROY_KEY_MATERIAL).outcome());
        assertEquals(KeyState.DESTROYED, stateAfterReopen());
        assertTrue(f.keys.listKeys().isEmpty(), "destroyed keys are not listed");

        Cipher c = Cipher.getInstance("KMSWrap", LifecycleFixture.PROVIDER);
        var e = assertThrows(InvalidKeyException.class, () -> c.init(Cipher.UNWRAP_MODE, f.keys.findKey(id).orElseThrow()));
        assertTrue(e.getMessage().contains("destroyed") && e.getMessage().contains("can no longer be decrypted"), e.getMessage());
        assertThrows(InvalidKeyException.class, () -> f.keys.reEncrypt(blob, java.util.Map.of(), null, java.util.Map.of()));
        assertThrows(KeyStateException.class, () -> f.keys.cancelKeyDeletion(id));
        assertThrows(KeyStateException.class, () -> f.keys.enableKey(id));
    }
}
