package io.kmsjca.internal.service;

import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyRotation;
import io.kmsjca.keys.KeyStateException;
import io.kmsjca.keys.ReEncryptResult;
import io.kmsjca.keys.RotationReason;
import io.kmsjca.keys.VersionState;

import io.kmsjca.internal.format.WrappedKeyBlob;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.AEADBadTagException;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.KeyStoreException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Rotation on demand, on schedule and by usage; re-encryption; retirement; revocation. */
class RotationTest {

    @TempDir
    Path dir;
    LifecycleFixture f;
    String id;

    @BeforeEach
    void setUp() throws Exception {
        f = new LifecycleFixture(dir);
        id = f.keys.createKey("orders", "").keyId().toString();
    }

    private List<RotationReason> reasons() throws Exception {
        return f.keys.listKeyRotations(id).stream().map(KeyRotation::reason).toList();
    }

    @Test
    void onDemandRotation_newWrapsUseTheNewVersion_oldBlobsKeepUnwrapping() throws Exception {
        byte[] v1 = f.wrap("orders");
        assertEquals(2, f.keys.rotateKeyOnDemand("orders"));
        byte[] v2 = f.wrap("orders");
        assertEquals(1, WrappedKeyBlob.keyVersion(v1));
        assertEquals(2, WrappedKeyBlob.keyVersion(v2));
        f.reopen();
        assertArrayEquals(LifecycleFixture.DATA_KEY.getEncoded(), f.unwrap("orders", v1));
        assertArrayEquals(LifecycleFixture.DATA_KEY.getEncoded(), f.unwrap("orders", v2));
        assertEquals(List.of(RotationReason.ON_DEMAND), reasons());
        KeyRotation r = f.keys.listKeyRotations(id).get(0);
        assertEquals(2, r.version());
        assertEquals(f.clock.instant(), r.date());
        assertEquals(2, f.last(AuditOperation.ROTATE_KEY).keyVersion());
    }

    @Test
    void scheduledRotation_happensWhenThePeriodHasPassed_andNotBefore() throws Exception {
        assertThrows(InvalidKeyRequestException.class, () -> f.keys.enableKeyRotation(id, 89));
        assertThrows(InvalidKeyRequestException.class, () -> f.keys.enableKeyRotation(id, 2561));
        f.keys.enableKeyRotation(id, 90);
        assertEquals(f.clock.instant().plus(Duration.ofDays(90)), f.keys.describeKey(id).nextRotationDate());
        f.clock.advance(Duration.ofDays(90).minusMinutes(1));
        assertEquals(0, f.keys.runMaintenance().rotated());
        f.clock.advance(Duration.ofMinutes(1));
        assertEquals(1, f.keys.runMaintenance().rotated());
        assertEquals(List.of(RotationReason.SCHEDULED), reasons());
        assertEquals(f.clock.instant().plus(Duration.ofDays(90)), f.reopen().describeKey(id).nextRotationDate());
        f.keys.disableKeyRotation(id);
        f.clock.advance(Duration.ofDays(400));
        assertEquals(0, f.keys.runMaintenance().rotated());
        assertNull(f.keys.describeKey(id).nextRotationDate());
    }

    @Test
    void usageRotation_rotatesBeforeAVersionExceedsTheThreshold_andCountsSurviveARestart() throws Exception {
        f.keys.close();
        f = new LifecycleFixture(java.nio.file.Files.createDirectories(dir.resolve("usage")), 10);
        String key = f.keys.createKey("busy", "").keyId().toString();
        for (int i = 0; i < 35; i++) {
            f.wrap("busy");
        }
        List<KeyRotation> rotations = f.keys.listKeyRotations(key);
        assertEquals(3, rotations.size(), "35 wraps at a threshold of 10: versions 2, 3 and 4");
        assertTrue(rotations.stream().allMatch(r -> r.reason() == RotationReason.USAGE));
        assertTrue(rotations.subList(0, 2).stream().allMatch(r -> r.wraps() == 10), rotations.toString());
        f.reopen();
        assertEquals(5, f.keys.listKeyRotations(key).get(2).wraps(), "the current version's count was persisted on close");
        for (int i = 0; i < 5; i++) {
            f.wrap("busy");
        }
        assertEquals(4, f.keys.listKeyRotations(key).size(), "the count went on from 5 after the restart");
    }

    /** A usage rotation whose write failed at the threshold is not retried at every wrap, but is made at twice the threshold. */
    @Test
    void usageRotation_thatFailedAtTheThreshold_isMadeAtTwiceTheThreshold() throws Exception {
        FailingPuts backend = new FailingPuts();
        try (EmbeddedKeyService keys = KeyStores.open(backend, LifecycleFixture.PASSWORD, f.options(10))) {
            String busy = keys.createKey("busy", "").keyId().toString();
            javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("KMSWrap", LifecycleFixture.PROVIDER);
            c.init(javax.crypto.Cipher.WRAP_MODE, keys.findKey("busy").orElseThrow());
            backend.failPuts = true;
            for (int i = 0; i < 10; i++) {
                c.wrap(LifecycleFixture.DATA_KEY); // the 10th reaches the threshold: its rotation's write fails
            }
            backend.failPuts = false;
            for (int i = 10; i < 19; i++) {
                c.wrap(LifecycleFixture.DATA_KEY);
            }
            assertEquals(List.of(), keys.listKeyRotations(busy), "tried once at the threshold, not at every wrap after it");
            c.wrap(LifecycleFixture.DATA_KEY); // the 20th: twice the threshold
            List<KeyRotation> rotations = keys.listKeyRotations(busy);
            assertEquals(1, rotations.size(), "rotated at once at twice the threshold");
            assertEquals(RotationReason.USAGE, rotations.get(0).reason());
        }
    }

    /** A version past its usage threshold whose rotation on wrap failed is rotated by the next maintenance run. */
    @Test
    void maintenance_rotatesAVersionAtItsUsageThreshold_thatTheWrapCouldNotRotate() throws Exception {
        FailingPuts backend = new FailingPuts();
        try (EmbeddedKeyService keys = KeyStores.open(backend, LifecycleFixture.PASSWORD, f.options(10))) {
            String busy = keys.createKey("busy", "").keyId().toString();
            javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("KMSWrap", LifecycleFixture.PROVIDER);
            c.init(javax.crypto.Cipher.WRAP_MODE, keys.findKey("busy").orElseThrow());
            backend.failPuts = true;
            for (int i = 0; i < 10; i++) {
                c.wrap(LifecycleFixture.DATA_KEY); // exactly the threshold: the rotation the 10th wrap starts fails
            }
            backend.failPuts = false;
            assertEquals(List.of(), keys.listKeyRotations(busy));

            assertEquals(1, keys.runMaintenance().rotated(), "at the threshold, not only past it");
            List<KeyRotation> rotations = keys.listKeyRotations(busy);
            assertEquals(List.of(RotationReason.USAGE), rotations.stream().map(KeyRotation::reason).toList());
            assertEquals(0, keys.runMaintenance().rotated(), "the new version has no wraps yet");
        }
    }

    /** Maintenance writes a key's usage count once a version has 65,536 wraps not yet written, and not again until more. */
    @Test
    void maintenance_persistsUsageEvery65536Wraps() throws Exception {
        f.keys.close();
        f = new LifecycleFixture(java.nio.file.Files.createDirectories(dir.resolve("persist")), 1L << 31);
        f.keys.createKey("busy", "");
        javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("KMSWrap", LifecycleFixture.PROVIDER);
        c.init(javax.crypto.Cipher.WRAP_MODE, f.keys.findKey("busy").orElseThrow());
        for (int i = 0; i < KeyMaintenance.USAGE_PERSIST_STEP - 1; i++) {
            c.wrap(LifecycleFixture.DATA_KEY);
        }
        assertEquals(0, f.keys.runMaintenance().usagePersisted(), "one wrap short of the step");
        c.wrap(LifecycleFixture.DATA_KEY);
        assertEquals(1, f.keys.runMaintenance().usagePersisted(), "exactly the step");
        assertEquals(0, f.keys.runMaintenance().usagePersisted(), "written: nothing more to write");
    }

    /** A store out of sync past its bound refuses key use: a key disabled elsewhere must not stay usable here. */
    @Test
    void aStoreOutOfSyncPastItsBoundRefusesKeyUse_untilItIsBackInSync() throws Exception {
        OutOfSyncAtWill backend = new OutOfSyncAtWill();
        try (EmbeddedKeyService keys = KeyStores.open(backend, LifecycleFixture.PASSWORD, f.options(1000))) {
            keys.createKey("lagging", "");
            javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("KMSWrap", LifecycleFixture.PROVIDER);
            c.init(javax.crypto.Cipher.WRAP_MODE, keys.findKey("lagging").orElseThrow());
            byte[] blob = c.wrap(LifecycleFixture.DATA_KEY);
            backend.outOfSync = true;
            var refused = assertThrows(io.kmsjca.keys.KeyUnavailableException.class,
                    () -> c.init(javax.crypto.Cipher.UNWRAP_MODE, keys.findKey("lagging").orElseThrow()));
            assertInstanceOf(io.kmsjca.spi.OutOfSyncException.class, refused.getCause());
            assertThrows(io.kmsjca.keys.KeyUnavailableException.class, () -> keys.reEncrypt(blob, Map.of(), null, Map.of()),
                    "nor is a blob re-encrypted");
            backend.outOfSync = false;
            c.init(javax.crypto.Cipher.UNWRAP_MODE, keys.findKey("lagging").orElseThrow());
            assertArrayEquals(LifecycleFixture.DATA_KEY.getEncoded(), c.unwrap(blob, "AES", javax.crypto.Cipher.SECRET_KEY).getEncoded());
        }
    }

    @Test
    void usageRotation_aboveTwoToThe20_isCheckedEvery1024Wraps_andStillRotatesOnce_whicheverThreadWraps() throws Exception {
        long threshold = (1L << 20) + 5; // counted in a LongAdder, summed once every 256 wraps of a nonce stripe
        int threads = 4; // four threads that start together take the four stripes of KeyVersion's nonce counter
        try (var keys = KeyStores.newInMemory(io.kmsjca.keys.KeyServiceOptions.defaults().withKdf(io.kmsjca.keys.Argon2Params.insecureForTests())
                .withMaintenanceInterval(java.time.Duration.ZERO).withUsageRotationThreshold(threshold)
                .withAudit(io.kmsjca.audit.AuditOptions.DEFAULTS.withListeners(false, List.of(), false)))) {
            List<Thread> wrappers = new java.util.ArrayList<>();
            List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int t = 0; t < threads; t++) {
                String alias = "busy-" + t;
                keys.createKey(alias, "");
                wrappers.add(new Thread(() -> { // each thread alone wraps under its own key, past the threshold
                    try {
                        javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("KMSWrap", LifecycleFixture.PROVIDER);
                        c.init(javax.crypto.Cipher.WRAP_MODE, keys.findKey(alias).orElseThrow());
                        for (long i = 0; i < threshold + 2048; i++) {
                            c.wrap(LifecycleFixture.DATA_KEY);
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            wrappers.forEach(Thread::start);
            for (Thread w : wrappers) {
                w.join();
            }
            assertEquals(List.of(), failures);
            for (int t = 0; t < threads; t++) {
                List<KeyRotation> rotations = keys.listKeyRotations(keys.findKey("busy-" + t).orElseThrow().keyId().toString());
                assertEquals(1, rotations.size(), "busy-" + t + " rotated once, by usage: " + rotations);
                assertEquals(RotationReason.USAGE, rotations.get(0).reason());
                long first = threshold + 2048 - rotations.get(0).wraps(); // what version 1 wrapped
                assertTrue(first >= threshold && first <= threshold + 256, "rotated within 256 wraps past the threshold: " + first);
            }
        }
    }

    @Test
    void reEncrypt_movesABlobToTheNewestVersion_orToAnotherKey_withoutRevealingTheDataKey() throws Exception {
        byte[] old = f.wrap("orders", Map.of("tenant", "a"));
        f.keys.rotateKeyOnDemand(id);
        byte[] moved = f.keys.reEncrypt(old, Map.of("tenant", "a"), null, Map.of("tenant", "a"));
        assertEquals(2, WrappedKeyBlob.keyVersion(moved));
        assertArrayEquals(LifecycleFixture.DATA_KEY.getEncoded(), f.unwrap("orders", moved, Map.of("tenant", "a")));

        String other = f.keys.createKey("billing", "").keyId().toString();
        byte[] elsewhere = f.keys.reEncrypt(old, Map.of("tenant", "a"), "billing", Map.of("tenant", "b"));
        assertEquals(other, WrappedKeyBlob.keyId(elsewhere).toString());
        assertArrayEquals(LifecycleFixture.DATA_KEY.getEncoded(), f.unwrap("billing", elsewhere, Map.of("tenant", "b")));

        AuditEvent e = f.last(AuditOperation.RE_ENCRYPT);
        assertEquals(id, e.keyId());
        assertEquals(1, e.keyVersion());
        assertEquals(other, e.destinationKeyId());
        assertEquals(1, e.destinationKeyVersion());

        assertThrows(AEADBadTagException.class, () -> f.keys.reEncrypt(old, Map.of("tenant", "x"), null, Map.of()));
        assertEquals(AuditOutcome.FAILED, f.last(AuditOperation.RE_ENCRYPT).outcome());
        assertThrows(InvalidKeyException.class, () -> f.keys.reEncrypt(old, Map.of("tenant", "a"), "absent", Map.of()));
    }

    @Test
    void batchReEncrypt_reportsEachBlobOnItsOwn() throws Exception {
        byte[] good = f.wrap("orders");
        byte[] bad = f.wrap("orders");
        bad[bad.length - 1] ^= 1;
        f.keys.rotateKeyOnDemand(id);
        List<ReEncryptResult> results = f.keys.reEncrypt(List.of(good, bad, new byte[3]), Map.of(), null, Map.of());
        assertTrue(results.get(0).succeeded());
        assertEquals(2, WrappedKeyBlob.keyVersion(results.get(0).blob()));
        assertInstanceOf(AEADBadTagException.class, results.get(1).error());
        assertInstanceOf(javax.crypto.IllegalBlockSizeException.class, results.get(2).error());
    }

    @Test
    void minimumDecryptionVersion_retiresOldBlobs_andLoweringItRestoresThem() throws Exception {
        byte[] v1 = f.wrap("orders");
        assertThrows(InvalidKeyRequestException.class, () -> f.keys.setMinDecryptionVersion(id, 2), "there is no version 2 yet");
        f.keys.rotateKeyOnDemand(id);
        byte[] v2 = f.wrap("orders");
        f.keys.setMinDecryptionVersion(id, 2);
        f.reopen();
        var e = assertThrows(InvalidKeyException.class, () -> f.unwrap("orders", v1));
        assertTrue(e.getMessage().contains("retired") && e.getMessage().contains("minimum decryption version is 2"),
                e.getMessage());
        assertEquals(AuditOutcome.DENIED, f.last(AuditOperation.UNWRAP_KEY).outcome());
        assertArrayEquals(LifecycleFixture.DATA_KEY.getEncoded(), f.unwrap("orders", v2));
        f.keys.setMinDecryptionVersion(id, 1);
        assertArrayEquals(LifecycleFixture.DATA_KEY.getEncoded(), f.unwrap("orders", v1));
    }

    @Test
    void revocation_wipesOneVersion_andRevokingTheCurrentOneRotatesFirst() throws Exception {
        byte[] v1 = f.wrap("orders");
        f.keys.rotateKeyOnDemand(id);
        byte[] v2 = f.wrap("orders");
        f.keys.revokeKeyVersion(id, 1);
        f.reopen();
        var e = assertThrows(InvalidKeyException.class, () -> f.unwrap("orders", v1));
        assertTrue(e.getMessage().contains("version 1 was revoked"), e.getMessage());
        assertArrayEquals(LifecycleFixture.DATA_KEY.getEncoded(), f.unwrap("orders", v2));
        assertThrows(KeyStateException.class, () -> f.keys.revokeKeyVersion(id, 1), "already revoked");

        f.keys.revokeKeyVersion(id, 2);
        assertEquals(3, f.keys.describeKey(id).currentVersion(), "revoking the current version rotated first");
        assertEquals(RotationReason.REVOCATION, f.keys.listKeyRotations(id).get(1).reason());
        assertThrows(InvalidKeyException.class, () -> f.unwrap("orders", v2));
        assertEquals(3, WrappedKeyBlob.keyVersion(f.wrap("orders")));
        assertEquals(VersionState.REVOKED, f.keys.listKeyRotations(id).get(0).state());
        assertThrows(KeyStoreException.class, () -> f.keys.revokeKeyVersion(id, 9));
    }
}
