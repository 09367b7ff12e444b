package io.kmsjca.internal.service;

import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.ExpirationModel;
import io.kmsjca.keys.ImportParameters;
import io.kmsjca.keys.ImportRefusedException;
import io.kmsjca.keys.ImportRefusedException.Reason;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyState;
import io.kmsjca.keys.WrappingAlgorithm;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Security review of BYOK import (#20): proofs that an import token is honoured only while the
 * parameters it names are the key's latest, also when the token is checked against a snapshot
 * that another process or thread has since superseded.
 */
class ImportReviewFindingsTest {

    private static final WrappingAlgorithm ALGORITHM = WrappingAlgorithm.RSAES_OAEP_SHA_256;
    private static final ExpirationModel NEVER = ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE;

    @TempDir
    Path dir;
    LifecycleFixture f;
    EmbeddedKeyService other;

    @BeforeEach
    void open() throws Exception {
        f = new LifecycleFixture(dir);
    }

    @AfterEach
    void close() throws Exception {
        if (other != null) {
            other.close();
        }
        f.keys.close();
    }

    private String external() throws Exception {
        return f.keys.createKey(CreateKeyRequest.withAlias("byok").origin(KeyOrigin.IMPORTED)).keyId().toString();
    }

    private static byte[] material() {
        byte[] b = new byte[32];
        KmsRandom.nextBytes(b);
        return b;
    }

    /**
     * Finding: a token superseded in another process (the CLI runs each command in its own) was
     * checked against this process's snapshot, which still held the old parameters; the import's
     * commit lost its compare-and-set, re-read the key and applied the material to the key as the
     * other process left it, consuming the new parameters. A superseded token must be refused.
     */
    @Test
    void aTokenSupersededInAnotherProcess_isRefused_andTheNewParametersStillImport() throws Exception {
        String id = external();
        ImportParameters first = f.keys.getParametersForImport(id, ALGORITHM, KeySpec.RSA_2048);
        other = KeyStores.openFile(f.file, LifecycleFixture.PASSWORD, f.options(f.keys.options().usageRotationThreshold()));
        List<AuditEvent> otherAudit = new CopyOnWriteArrayList<>();
        other.addAuditListener(otherAudit::add);
        ImportParameters latest = f.keys.getParametersForImport(id, ALGORITHM, KeySpec.RSA_2048); // supersedes first

        byte[] enc = ImportKeyMaterialTest.encrypt(first, ALGORITHM, material());
        var e = assertThrows(ImportRefusedException.class, () -> other.importKeyMaterial(id, first.importToken(), enc, NEVER, null));
        assertEquals(Reason.INVALID_IMPORT_TOKEN, e.reason(), e.getMessage());
        AuditEvent last = otherAudit.get(otherAudit.size() - 1);
        assertEquals(AuditOperation.IMPORT_KEY_MATERIAL, last.operation());
        assertEquals(AuditOutcome.FAILED, last.outcome());

        f.keys.importKeyMaterial(id, latest.importToken(), ImportKeyMaterialTest.encrypt(latest, ALGORITHM, material()),
                NEVER, null);
        assertEquals(KeyState.ENABLED, f.keys.describeKey(id).state(), "the latest parameters import");
    }

    /**
     * Finding: a token superseded by a GetParametersForImport of this process between the
     * import's lookup and its unwrap (another thread) met the wrapping key already wiped: the
     * import failed with an unaudited IllegalStateException ("key destroyed") instead of an
     * audited InvalidImportTokenException. The clock, read once between the two, runs the other
     * thread's call here, so the interleaving is exact.
     */
    @Test
    void aTokenSupersededByAnotherThread_duringTheImport_isAnAuditedInvalidImportToken() throws Exception {
        HookClock clock = new HookClock(f.clock.instant());
        f.keys.close();
        f.keys = KeyStores.openFile(f.file, LifecycleFixture.PASSWORD, KeyServiceOptions.defaults()
                .withKdf(Argon2Params.insecureForTests()).withClock(clock).withMaintenanceInterval(Duration.ZERO));
        f.keys.addAuditListener(f.audit::add);
        String id = external();
        ImportParameters first = f.keys.getParametersForImport(id, ALGORITHM, KeySpec.RSA_2048);
        byte[] enc = ImportKeyMaterialTest.encrypt(first, ALGORITHM, material());
        ImportParameters[] latest = new ImportParameters[1];
        clock.onNextRead(() -> latest[0] = f.keys.getParametersForImport(id, ALGORITHM, KeySpec.RSA_2048));

        var e = assertThrows(ImportRefusedException.class, () -> f.keys.importKeyMaterial(id, first.importToken(), enc, NEVER, null));
        assertNotNull(latest[0], "the other thread's GetParametersForImport ran inside the import");
        assertEquals(Reason.INVALID_IMPORT_TOKEN, e.reason(), e.getMessage());
        assertEquals(AuditOutcome.FAILED, f.last(AuditOperation.IMPORT_KEY_MATERIAL).outcome());
        assertEquals(KeyState.PENDING_IMPORT, f.keys.describeKey(id).state());
        f.keys.importKeyMaterial(id, latest[0].importToken(), ImportKeyMaterialTest.encrypt(latest[0], ALGORITHM, material()),
                NEVER, null);
        assertEquals(KeyState.ENABLED, f.keys.describeKey(id).state(), "the latest parameters import");
    }

    /**
     * Checked, documented (lifecycle.md, reliability.md), not changed: DeleteImportedKeyMaterial
     * (and expiry) ends the material in the key's record, but the store's own files still hold
     * the record before it (the image or NAME.journal, and NAME.prev if the change compacted)
     * until the next compaction, so whoever holds the files and the password gets it back, here through the
     * documented restore. The blob made before the deletion unwraps again.
     */
    @Test
    void deletedMaterial_isStillInTheStoresOwnFiles_untilTheNextCompaction() throws Exception {
        String id = external();
        ImportParameters p = f.keys.getParametersForImport(id, ALGORITHM, KeySpec.RSA_2048);
        f.keys.importKeyMaterial(id, p.importToken(), ImportKeyMaterialTest.encrypt(p, ALGORITHM, material()), NEVER, null);
        byte[] blob = f.wrap("byok");
        f.keys.deleteImportedKeyMaterial(id);
        assertThrows(java.security.GeneralSecurityException.class, () -> f.unwrap("byok", blob));
        f.keys.close();

        io.kmsjca.provider.KmsAdmin.restorePreviousGeneration(f.file, LifecycleFixture.PASSWORD);
        f.keys = KeyStores.openFile(f.file, LifecycleFixture.PASSWORD, f.options(KeyServiceOptions.DEFAULT_USAGE_ROTATION_THRESHOLD));
        assertEquals(KeyState.ENABLED, f.keys.describeKey(id).state());
        assertArrayEquals(new byte[32], f.unwrap("byok", blob), "the deleted material came back from the journal");
    }

    /**
     * Finding: maintenance decided that a key's material had expired from its snapshot, and its
     * commit, after losing the compare-and-set to another process that had meanwhile re-imported
     * the same material with a later ValidTo, deleted the material of the key as re-read, whose
     * ValidTo had not come. The other process's import runs exactly between maintenance's
     * decision and its commit: maintenance reads the clock there.
     */
    @Test
    void maintenance_doesNotExpireMaterialThatAnotherProcessReimportedWithALaterValidTo() throws Exception {
        String id = external();
        byte[] material = material();
        Instant soon = f.clock.instant().plus(Duration.ofDays(10));
        ImportParameters p = f.keys.getParametersForImport(id, ALGORITHM, KeySpec.RSA_2048);
        f.keys.importKeyMaterial(id, p.importToken(), ImportKeyMaterialTest.encrypt(p, ALGORITHM, material),
                ExpirationModel.KEY_MATERIAL_EXPIRES, soon);
        byte[] blob = f.wrap("byok");

        HookClock later = new HookClock(soon.plusSeconds(1));
        other = KeyStores.openFile(f.file, LifecycleFixture.PASSWORD, KeyServiceOptions.defaults()
                .withKdf(Argon2Params.insecureForTests()).withClock(later).withMaintenanceInterval(Duration.ZERO));
        Instant extended = soon.plus(Duration.ofDays(30));
        later.onReadFrom("expireIfDue", () -> {
            ImportParameters again = f.keys.getParametersForImport(id, ALGORITHM, KeySpec.RSA_2048);
            f.keys.importKeyMaterial(id, again.importToken(), ImportKeyMaterialTest.encrypt(again, ALGORITHM, material),
                    ExpirationModel.KEY_MATERIAL_EXPIRES, extended);
        });

        assertEquals(0, other.runMaintenance().materialExpired(), "the material expires at " + extended + " now");
        assertTrue(later.fired(), "the other process re-imported inside maintenance");
        assertEquals(KeyState.ENABLED, other.describeKey(id).state());
        assertEquals(extended, other.describeKey(id).validTo());
        f.reopen();
        assertArrayEquals(new byte[32], f.unwrap("byok", blob), "the material is stored");
    }

    /**
     * Finding, not fixed (Low): parameters that expired unused keep their wrapping private key
     * sealed in the key's record for as long as no later GetParametersForImport or import
     * replaces it; maintenance does not drop them. Whoever later holds the store and its password
     * can decrypt material that was encrypted for them (a failed or abandoned import). The fix:
     * maintenance drops parameters past their ValidTo (a transition that sets them to null,
     * audited, the private key wiped once durable).
     */
    @Test
    void expiredParameters_loseTheirWrappingKey_atMaintenance() throws Exception {
        String id = external();
        ImportParameters p = f.keys.getParametersForImport(id, ALGORITHM, KeySpec.RSA_2048);
        var before = f.keys.registry().lookup(id).orElseThrow().imports().orElseThrow().wrapping();
        f.keys.runMaintenance();
        assertNotNull(f.keys.registry().lookup(id).orElseThrow().imports().orElseThrow().wrapping(), "valid parameters stay");

        f.clock.advance(KeyImports.PARAMETERS_VALID.plusSeconds(1));
        f.keys.runMaintenance();
        var key = f.keys.registry().lookup(id).orElseThrow();
        assertNull(key.imports().orElseThrow().wrapping(), "expired parameters keep no wrapping key");
        assertEquals(AuditOperation.EXPIRE_IMPORT_PARAMETERS, f.last(AuditOperation.EXPIRE_IMPORT_PARAMETERS).operation());
        assertTrue(before.privateKey().isDestroyed(), "the wrapping private key is wiped once the change is durable");
        ImportRefusedException refused = assertThrows(ImportRefusedException.class, () -> f.keys.importKeyMaterial(id, p.importToken(),
                ImportKeyMaterialTest.encrypt(p, ALGORITHM, material()), NEVER, null));
        assertEquals(Reason.EXPIRED_IMPORT_TOKEN, refused.reason());
        assertEquals(KeyState.PENDING_IMPORT, f.keys.describeKey(id).state());
    }

    /** Checked sound: a KMSWrap Cipher and a Mac initialized before DeleteImportedKeyMaterial refuse after it. */
    @Test
    void jcaObjectsInitializedBeforeTheMaterialIsDeleted_refuseAfterIt() throws Exception {
        String id = external();
        ImportParameters p = f.keys.getParametersForImport(id, ALGORITHM, KeySpec.RSA_2048);
        f.keys.importKeyMaterial(id, p.importToken(), ImportKeyMaterialTest.encrypt(p, ALGORITHM, material()), NEVER, null);
        byte[] blob = f.wrap("byok");
        javax.crypto.Cipher unwrap = javax.crypto.Cipher.getInstance("KMSWrap", LifecycleFixture.PROVIDER);
        unwrap.init(javax.crypto.Cipher.UNWRAP_MODE, f.keys.findKey("byok").orElseThrow(),
                new io.kmsjca.provider.KmsEncryptionContextSpec(java.util.Map.of()));

        f.keys.createKey(CreateKeyRequest.withAlias("mac").keySpec(KeySpec.HMAC_256)
                .keyUsage(io.kmsjca.keys.KeyUsage.GENERATE_VERIFY_MAC).origin(KeyOrigin.IMPORTED));
        ImportParameters pm = f.keys.getParametersForImport("mac", ALGORITHM, KeySpec.RSA_2048);
        f.keys.importKeyMaterial("mac", pm.importToken(), ImportKeyMaterialTest.encrypt(pm, ALGORITHM, material()), NEVER, null);
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256", LifecycleFixture.PROVIDER);
        mac.init(f.keys.findKey("mac").orElseThrow());
        mac.update(new byte[10]);

        f.keys.deleteImportedKeyMaterial(id);
        f.keys.deleteImportedKeyMaterial("mac");
        assertThrows(java.security.GeneralSecurityException.class,
                () -> unwrap.unwrap(blob, "AES", javax.crypto.Cipher.SECRET_KEY));
        var e = assertThrows(IllegalStateException.class, mac::doFinal);
        assertInstanceOf(java.security.InvalidKeyException.class, e.getCause());
        var ended = assertThrows(IllegalStateException.class, () -> mac.update(new byte[1]),
                "a refused doFinal ends the session: the key is wiped from the Mac");
        assertTrue(ended.getMessage().contains("not initialized"), ended.getMessage());
    }

    /**
     * The check of the fix above: the parameters this process made hold a ValidTo of the clock's
     * precision, the record (re-read after another process changed the key) holds it in
     * milliseconds; they are the same parameters, and the latest token imports.
     */
    @Test
    void theLatestToken_importsAfterAnotherProcessChangedTheKey_withAClockFinerThanMilliseconds() throws Exception {
        HookClock fine = new HookClock(Instant.parse("2026-01-01T00:00:00.123456789Z"));
        f.keys.close();
        f.keys = KeyStores.openFile(f.file, LifecycleFixture.PASSWORD, KeyServiceOptions.defaults()
                .withKdf(Argon2Params.insecureForTests()).withClock(fine).withMaintenanceInterval(Duration.ZERO));
        String id = external();
        ImportParameters p = f.keys.getParametersForImport(id, ALGORITHM, KeySpec.RSA_2048);
        other = KeyStores.openFile(f.file, LifecycleFixture.PASSWORD, f.options(KeyServiceOptions.DEFAULT_USAGE_ROTATION_THRESHOLD));
        other.tagKey(id, java.util.Map.of("team", "payments")); // this process's snapshot is now one revision behind

        f.keys.importKeyMaterial(id, p.importToken(), ImportKeyMaterialTest.encrypt(p, ALGORITHM, material()), NEVER, null);
        assertEquals(KeyState.ENABLED, f.keys.describeKey(id).state());
        assertEquals(java.util.Map.of("team", "payments"), f.keys.describeKey(id).tags(), "the other process's change is kept");
    }

    /** A clock that runs one action (another caller's request) the next time it is read. */
    static final class HookClock extends Clock {
        interface Action {
            void run() throws Exception;
        }

        private final Instant now;
        private Action next;

        HookClock(Instant now) {
            this.now = now;
        }

        private String fromMethod;
        private boolean fired;

        void onNextRead(Action action) {
            next = action;
        }

        /** Runs {@code action} at the first read made by a method named {@code method}. */
        void onReadFrom(String method, Action action) {
            fromMethod = method;
            next = action;
        }

        boolean fired() {
            return fired;
        }

        @Override
        public Instant instant() {
            if (fromMethod != null && StackWalker.getInstance().walk(frames -> frames.limit(8)
                    .noneMatch(frame -> frame.getMethodName().contains(fromMethod)))) {
                return now;
            }
            Action a = next;
            next = null;
            fromMethod = null;
            fired |= a != null;
            if (a != null) {
                try {
                    a.run();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
