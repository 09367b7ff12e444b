package io.kmsjca.conformance;

import io.kmsjca.keys.KeyAlias;
import io.kmsjca.audit.AuditOptions;
import io.kmsjca.keys.KeyService;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.spi.file.disk.SimulatedDisk;
import io.kmsjca.spi.file.disk.SimulatedDisk.Cut;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStoreException;
import java.security.ProviderException;
import java.security.UnrecoverableKeyException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Power loss and I/O faults through the key service, on a {@link SimulatedDisk} that keeps only
 * what was forced: the key store file and the audit log (synchronous, fsync on) live on it. A
 * power cut after any step of a change opens as the old store or the new one, the audit log in
 * it verifies, and once the call returned both hold the change. The same tests fail if an fsync
 * of the store or of the audit log is removed (docs/reliability.md).
 */
class PowerLossTest {

    private static final char[] PASSWORD = "power-loss".toCharArray();
    private static final char[] NEW_PASSWORD = "power-loss-2".toCharArray();
    private static final byte[] MATERIAL = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static final byte[] DATA_KEY = HexFormat.of().parseHex("f0e0d0c0b0a090807060504030201000f0e0d0c0b0a090807060504030201000");

    @TempDir
    Path tmp;
    SimulatedDisk disk;
    Path store;
    Path log;
    KeyService service;
    private int cutsOpened;

    @BeforeEach
    void setUp() throws IOException {
        disk = SimulatedDisk.over(Files.createDirectory(tmp.resolve("disk")));
        store = disk.root().resolve("keys.kms");
        log = disk.root().resolve("audit.jsonl");
    }

    @AfterEach
    void tearDown() throws IOException {
        disk.heal();
        if (service != null) {
            service.close();
        }
    }

    private KeyService open(AuditOptions.FailurePolicy policy, long maxAuditBytes) throws IOException {
        return KeyStores.openFile(store, PASSWORD, Fixtures.cheapOptions().withMaintenanceInterval(Duration.ZERO)
                .withAudit(AuditOptions.DEFAULTS.withFailurePolicy(policy).withFile(log, true, maxAuditBytes)));
    }

    /**
     * Keys, aliases, versions and states, as one comparable string. Times are compared to the
     * millisecond: the store keeps milliseconds, a running service the clock's nanoseconds.
     */
    private static String state(KeyService keys) throws Exception {
        return (keys.listKeys() + " " + keys.listAliases().stream().map(KeyAlias::alias).toList()).replaceAll("(\\.\\d{3})\\d*Z", "$1Z");
    }

    private static KeyService openReal(Path file) throws IOException {
        var options = Fixtures.cheapOptions().withMaintenanceInterval(Duration.ZERO);
        try {
            return KeyStores.openFile(file, PASSWORD, options);
        } catch (IOException e) {
            if (!(e.getCause() instanceof UnrecoverableKeyException)) {
                throw e;
            }
            return KeyStores.openFile(file, NEW_PASSWORD, options); // cut after a password change
        }
    }

    /** What a power cut left: the store's state (null if no store), checking its audit log and .prev. */
    private String openCut(Cut cut) throws Exception {
        Path dir = cut.materialize(Files.createDirectory(tmp.resolve("cut" + ++cutsOpened)));
        Path file = dir.resolve("keys.kms");
        if (!Files.exists(file)) {
            return null;
        }
        try (KeyService keys = openReal(file)) {
            if (Files.exists(dir.resolve("audit.jsonl"))) {
                var report = keys.auditLogVerifier().verify(dir.resolve("audit.jsonl"));
                assertTrue(report.intact(), cut + ": " + report.detail());
            }
            if (Files.exists(dir.resolve("keys.kms.prev"))) {
                assertDoesNotThrow(() -> openReal(dir.resolve("keys.kms.prev")).close(), cut + ": .prev opens");
            }
            if (keys.hasAlias("imported")) {
                assertArrayEquals(DATA_KEY, unwrap(keys, importedBlob), cut + ": the imported material is intact");
            }
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(List.of(), files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList(),
                        cut + ": no temporary file after opening");
            }
            return state(keys);
        }
    }

    private byte[] importedBlob;

    private static byte[] wrap(KmsKeyHandle key) throws Exception {
        Cipher c = Cipher.getInstance("KMSWrap", Fixtures.PROVIDER);
        c.init(Cipher.WRAP_MODE, key);
        return c.wrap(new SecretKeySpec(DATA_KEY, "AES"));
    }

    private static byte[] unwrap(KeyService keys, byte[] blob) throws Exception {
        Cipher c = Cipher.getInstance("KMSWrap", Fixtures.PROVIDER);
        c.init(Cipher.UNWRAP_MODE, keys.findKey("imported").orElseThrow());
        return ((SecretKey) c.unwrap(blob, "AES", Cipher.SECRET_KEY)).getEncoded();
    }

    /** Records of the live audit log: every one must be durable once its request returned. */
    private long auditRecords(Path logFile) throws IOException {
        return service.auditLogVerifier().verify(logFile).records();
    }

    /** The audit log of the cut opened last. */
    private Path lastCutLog() {
        return tmp.resolve("cut" + cutsOpened).resolve("audit.jsonl");
    }

    @FunctionalInterface
    interface Change {
        void run() throws Exception;
    }

    private String everyCut(String before, Change change) throws Exception {
        disk.forgetCuts();
        change.run();
        String after = state(service);
        List<Cut> cuts = disk.distinctCuts();
        for (Cut cut : cuts) {
            String opened = openCut(cut);
            assertTrue(java.util.Objects.equals(before, opened) || after.equals(opened),
                    cut + ": neither the old store nor the new one");
        }
        Cut now = disk.now();
        assertEquals(after, openCut(now), "a power cut after the call returned keeps the change");
        assertEquals(auditRecords(disk.real(log)), auditRecords(lastCutLog()),
                "a power cut after the call returned keeps its audit record");
        return after;
    }

    @Test
    void aPowerCutAtEveryStepOfEveryChange_leavesTheOldStoreOrTheNew_withItsAuditLog() throws Exception {
        String[] state = new String[1];
        state[0] = everyCut(null, () -> service = open(AuditOptions.FailurePolicy.FAIL_CLOSED, 4096));
        state[0] = everyCut(state[0], () -> service.createKey("orders", "power loss"));
        state[0] = everyCut(state[0], () -> service.rotateKeyOnDemand("orders"));
        state[0] = everyCut(state[0], () -> importedBlob = wrap(service.importKeyMaterial("imported", MATERIAL.clone())));
        for (int i = 0; i < 8; i++) { // enough audit records to rotate the log at least once
            state[0] = everyCut(state[0], () -> wrap(service.findKey("orders").orElseThrow()));
        }
        assertTrue(Files.exists(disk.real(log).resolveSibling("audit.jsonl.000001")), "the audit log rotated");
        state[0] = everyCut(state[0], () -> KeyStores.changePassword(service, NEW_PASSWORD));
        state[0] = everyCut(state[0], () -> service.disableKey("orders"));
    }

    @Test
    void asynchronousDelivery_afterFlush_everyRecordSurvivesAPowerCut() throws Exception {
        service = KeyStores.openFile(store, PASSWORD, Fixtures.cheapOptions().withMaintenanceInterval(Duration.ZERO)
                .withAudit(AuditOptions.DEFAULTS.withDelivery(AuditOptions.Delivery.ASYNC, 1024, AuditOptions.WhenFull.BLOCK)
                        .withFile(log, true, 4096)));
        KmsKeyHandle key = service.createKey("orders", "");
        for (int i = 0; i < 10; i++) {
            wrap(key);
            service.audit().flush();
            assertNotNull(openCut(disk.now()));
            assertEquals(auditRecords(disk.real(log)), auditRecords(lastCutLog()), "flushed records are durable");
        }
    }

    @Test
    void aPowerCutAtEveryStepOfRestorePreviousGeneration_leavesTheDamagedFileOrTheRestoredOne() throws Exception {
        service = open(AuditOptions.FailurePolicy.FAIL_CLOSED, 1 << 20);
        service.createKey("orders", "");
        service.rotateKeyOnDemand("orders");
        service.close(); // may itself write (usage counts, the audit checkpoint): .prev is what came before
        service = null;
        Path prevCopy = Files.createDirectory(tmp.resolve("prev-copy")).resolve("keys.kms");
        Files.copy(disk.real(store).resolveSibling("keys.kms.prev"), prevCopy);
        String previous;
        try (KeyService keys = openReal(prevCopy)) {
            previous = state(keys);
        }
        Path real = disk.real(store);
        byte[] damaged = Files.readAllBytes(real);
        damaged[damaged.length - 1] ^= 1;
        Files.write(real, damaged);
        disk = SimulatedDisk.over(disk.real(disk.root())); // the damage reached the disk
        store = disk.root().resolve("keys.kms");

        KeyStores.restorePreviousGeneration(store, PASSWORD);
        for (Cut cut : disk.cuts()) {
            if (!Arrays.equals(damaged, cut.files().get("keys.kms"))) {
                assertEquals(previous, openCut(cut), cut.toString());
            }
        }
        assertEquals(previous, openCut(disk.now()), "restored once the call returned");
    }

    @Test
    void noSpaceForTheStore_failsTheChangeClearly_andLeavesMemoryEqualToDisk() throws Exception {
        service = open(AuditOptions.FailurePolicy.FAIL_CLOSED, 1 << 20);
        service.createKey("orders", "");
        String before = state(service);
        disk.inject(SimulatedDisk.noSpace(n -> n.startsWith(".keys.kms.") || n.equals("keys.kms.journal")));
        var e = assertThrows(KeyStoreException.class, () -> service.createKey("payments", ""));
        assertTrue(e.getMessage().contains("keys.kms") && e.getMessage().contains("No space left on device"), e.getMessage());
        disk.heal();
        assertEquals(before, state(service), "memory holds what it held");
        try (KeyService reopened = openReal(disk.real(store))) {
            assertEquals(before, state(reopened), "the disk holds what memory holds");
        }
        assertEquals(before, openCut(disk.now()));
        service.createKey("payments", ""); // the store takes the change once the disk is well
    }

    @Test
    void anIoErrorDuringChangePassword_keepsTheOldPassword() throws Exception {
        service = open(AuditOptions.FailurePolicy.FAIL_CLOSED, 1 << 20);
        service.createKey("orders", "");
        disk.inject(SimulatedDisk.ioErrorOnForce(n -> n.startsWith(".keys.kms.")));
        var e = assertThrows(IOException.class, () -> KeyStores.changePassword(service, NEW_PASSWORD));
        assertTrue(e.getMessage().contains("Input/output error"), e.getMessage());
        disk.heal();
        assertTrue(service.verifyPassword(PASSWORD), "memory keeps the old password");
        assertFalse(service.verifyPassword(NEW_PASSWORD));
        KeyStores.openFile(disk.real(store), PASSWORD, Fixtures.cheapOptions()).close();
    }

    @ParameterizedTest
    @EnumSource(AuditOptions.FailurePolicy.class)
    void anAuditLogThatCannotBeMadeDurable_refusesTheRequestOnlyWhenFailClosed(AuditOptions.FailurePolicy policy)
            throws Exception {
        service = open(policy, 1 << 20);
        KmsKeyHandle key = service.createKey("orders", "");
        for (SimulatedDisk.Fault fault : List.of(SimulatedDisk.ioErrorOnForce("audit.jsonl"::equals),
                SimulatedDisk.noSpace("audit.jsonl"::equals))) {
            disk.inject(fault);
            long failedBefore = service.audit().stats().failed();
            if (policy == AuditOptions.FailurePolicy.FAIL_CLOSED) {
                var e = assertThrows(ProviderException.class, () -> wrap(key));
                assertTrue(e.getCause() != null && e.getCause().getMessage().contains("audit log"), String.valueOf(e.getCause()));
            } else {
                assertNotNull(wrap(key), "fail-open: the request goes on");
                assertEquals(failedBefore + 1, service.audit().stats().failed(), "and the failure is counted");
            }
            disk.heal();
        }
        assertNotNull(wrap(key), "a well disk takes audit records again");
        var report = service.auditLogVerifier().verify(disk.real(log));
        assertTrue(report.intact(), report.detail());
    }
}
