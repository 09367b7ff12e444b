package io.kmsjca.conformance;

import io.kmsjca.audit.AuditLogVerifier;
import io.kmsjca.audit.AuditOptions;
import io.kmsjca.keys.KeyService;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsEncryptionContextSpec;
import io.kmsjca.provider.KmsProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The tamper-evident JSON Lines audit log on real files, and its verifier. */
class AuditLogTest {

    private static final char[] PASSWORD = "audit-log".toCharArray();
    private static final byte[] DATA_KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");

    @TempDir
    Path dir;
    Path log;
    Path store;

    @BeforeEach
    void setUp() {
        log = dir.resolve("audit.jsonl");
        store = dir.resolve("keys.kms");
    }

    private KeyService open(long maxBytes) throws Exception {
        return KeyStores.openFile(store, PASSWORD, Fixtures.cheapOptions().withMaintenanceInterval(Duration.ZERO)
                .withAudit(AuditOptions.DEFAULTS.withFile(log, true, maxBytes)));
    }

    /** Twenty audited requests. */
    private KeyService writeLog(long maxBytes) throws Exception {
        KeyService keys = open(maxBytes);
        KmsKeyHandle key = keys.createKey("orders", "");
        Cipher c = Cipher.getInstance("KMSWrap", new KmsProvider());
        for (int i = 0; i < 17; i++) {
            c.init(Cipher.WRAP_MODE, key, new KmsEncryptionContextSpec(Map.of("tenant", "t" + i)));
            c.wrap(new SecretKeySpec(DATA_KEY, "AES"));
        }
        keys.disableKey("orders");
        return keys;
    }

    private AuditLogVerifier.Report verify(KeyService keys) throws Exception {
        return keys.auditLogVerifier().verify(log);
    }

    private List<String> lines() throws Exception {
        return new ArrayList<>(Files.readAllLines(log, StandardCharsets.UTF_8));
    }

    private void write(List<String> lines) throws Exception {
        Files.writeString(log, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    @Test
    void intactLog_verifies_andHoldsNoSecrets() throws Exception {
        KeyService keys = writeLog(1 << 20);
        var report = verify(keys);
        assertTrue(report.intact(), report.detail());
        assertEquals(lines().size(), report.records());
        String all = Files.readString(log);
        assertFalse(all.contains(HexFormat.of().formatHex(DATA_KEY)), "no data key");
        assertFalse(all.contains("audit-log"), "no password");
        assertFalse(all.contains("\"t3\""), "context values are hashed");
        assertTrue(all.contains("\"operation\":\"WRAP_KEY\""), all.substring(0, 300));
    }

    @Test
    void alteredRecord_isFound() throws Exception {
        KeyService keys = writeLog(1 << 20);
        List<String> lines = lines();
        lines.set(5, lines.get(5).replace("\"SUCCESS\"", "\"DENIED\""));
        write(lines);
        var report = verify(keys);
        assertFalse(report.intact());
        assertEquals(AuditLogVerifier.Problem.ALTERED, report.problem());
        assertEquals(6, report.line());
        assertEquals(5, report.records());
    }

    @Test
    void removedRecord_isFound() throws Exception {
        KeyService keys = writeLog(1 << 20);
        List<String> lines = lines();
        lines.remove(7);
        write(lines);
        var report = verify(keys);
        assertEquals(AuditLogVerifier.Problem.REMOVED, report.problem(), report.detail());
        assertEquals(8, report.line());
    }

    @Test
    void insertedRecord_isFound() throws Exception {
        KeyService keys = writeLog(1 << 20);
        List<String> lines = lines();
        lines.add(9, lines.get(3));
        write(lines);
        var report = verify(keys);
        assertEquals(AuditLogVerifier.Problem.INSERTED, report.problem(), report.detail());
        assertEquals(10, report.line());
    }

    @Test
    void forgedRecord_isFound() throws Exception {
        KeyService keys = writeLog(1 << 20);
        List<String> lines = lines();
        lines.add(4, "{\"seq\":5,\"prev\":\"" + "0".repeat(64) + "\",\"operation\":\"WRAP_KEY\",\"mac\":\"" + "ab".repeat(32) + "\"}");
        write(lines);
        assertEquals(AuditLogVerifier.Problem.ALTERED, verify(keys).problem());
    }

    @Test
    void reorderedRecords_areFound() throws Exception {
        KeyService keys = writeLog(1 << 20);
        List<String> lines = lines();
        Collections.swap(lines, 10, 11);
        write(lines);
        var report = verify(keys);
        assertEquals(AuditLogVerifier.Problem.REORDERED, report.problem(), report.detail());
        assertEquals(11, report.line());
    }

    @Test
    void rotation_splitsTheLogAcrossFiles_withoutLosingOrDuplicatingARecord() throws Exception {
        KeyService keys = writeLog(4096);
        long files;
        try (var s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().startsWith("audit.jsonl")).count();
        }
        assertTrue(files >= 3, "a 4 KiB limit rotates a 20-record log: " + files + " files");
        var report = verify(keys);
        assertTrue(report.intact(), report.detail());
        assertEquals(report.lastSeq(), report.records(), "records 1..n, each once");

        Files.delete(dir.resolve("audit.jsonl.000002"));
        assertEquals(AuditLogVerifier.Problem.REMOVED, verify(keys).problem(), "a missing rotated file is a removal");
    }

    @Test
    void restart_continuesTheChain() throws Exception {
        KeyService keys = writeLog(1 << 20);
        long before = verify(keys).records();
        keys.close();
        KeyService again = open(1 << 20);
        again.enableKey("orders");
        var report = verify(again);
        assertTrue(report.intact(), report.detail());
        assertTrue(report.records() > before);
    }

    @Test
    void killedWhileLogging_leavesALogVerifiedUpToTheLastCompleteRecord() throws Exception {
        Path conf = dir.resolve("kms.conf");
        Files.writeString(dir.resolve("password"), new String(PASSWORD) + "\n");
        Files.writeString(conf, String.join("\n", "store.file=keys.kms", "store.password.file=password",
                "kdf.insecureForTests=true", "audit.file=audit.jsonl", "audit.file.fsync=false", ""));
        Path security = dir.resolve("java.security");
        Files.writeString(security, "security.provider.13=KMS " + conf + "\n");
        List<String> cmd = List.of(ChildJvm.javaHomeTool("java").toString(), "-Djava.security.properties=" + security,
                "-cp", ChildJvm.classPath(), ChildMain.class.getName(), "wrap-forever", "orders", new String(PASSWORD));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("child.out").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while ((!Files.exists(log) || Files.size(log) < 64 * 1024) && System.nanoTime() < deadline && child.isAlive()) {
                Thread.sleep(20);
            }
            assertTrue(child.isAlive(), () -> "child died early: " + read(dir.resolve("child.out")));
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
            child.waitFor(10, TimeUnit.SECONDS);
        }
        KeyService keys = KeyStores.openFile(store, PASSWORD, Fixtures.cheapOptions());
        var report = keys.auditLogVerifier().verify(log);
        assertTrue(report.intact(), report.detail());
        assertTrue(report.records() > 100, report.detail());

        KeyService resumed = open(1 << 20);
        resumed.disableKey("orders");
        var after = resumed.auditLogVerifier().verify(log);
        assertTrue(after.intact(), after.detail());
        assertFalse(after.tornTail(), "reopening cut off the torn line and went on");
        assertEquals(report.records() + 2, after.records(),
                "every complete record kept, then the reopen's LOAD_KEY_STORE and the DISABLE_KEY appended");
    }

    // ---------------------------------------------------------------- several writers, cuts, permissions (issue #14)

    private KeyService open(AuditOptions audit) throws Exception {
        return KeyStores.openFile(store, PASSWORD, Fixtures.cheapOptions().withMaintenanceInterval(Duration.ZERO)
                .withAudit(audit));
    }

    /** A key service that writes no log, to verify one: the checkpoint comes from the store. */
    private AuditLogVerifier.Report verifyFromStore() throws Exception {
        try (KeyService reader = KeyStores.openFile(store, PASSWORD, Fixtures.cheapOptions()
                .withMaintenanceInterval(Duration.ZERO))) {
            return reader.auditLogVerifier().verify(log);
        }
    }

    private long count(String operation) throws Exception {
        long n = 0;
        for (Path f : logFiles()) {
            n += Files.readAllLines(f).stream().filter(l -> l.contains("\"operation\":\"" + operation + "\"")).count();
        }
        return n;
    }

    private List<Path> logFiles() throws Exception {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("audit\\.jsonl(\\.\\d{6})?")).sorted().toList();
        }
    }

    private static void wrapMany(KeyService keys, String alias, int count) throws Exception {
        KmsKeyHandle key = keys.findKey(alias).orElseThrow();
        Cipher c = Cipher.getInstance("KMSWrap", new KmsProvider());
        for (int i = 0; i < count; i++) {
            c.init(Cipher.WRAP_MODE, key);
            c.wrap(new SecretKeySpec(DATA_KEY, "AES"));
        }
    }

    @Test
    void twoKeyServicesOnOneLog_appendAtOnce_inOneChain() throws Exception {
        try (KeyService setup = open(1 << 20)) {
            setup.createKey("orders", "");
        }
        // one writes each event at once, the other in batches; a small file limit makes both rotate
        AuditOptions sync = AuditOptions.DEFAULTS.withFile(log, false, 16 * 1024);
        AuditOptions async = sync.withDelivery(AuditOptions.Delivery.ASYNC, 64, AuditOptions.WhenFull.BLOCK);
        int perThread = 300;
        try (KeyService a = open(sync); KeyService b = open(async)) {
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            for (KeyService k : List.of(a, a, b, b)) {
                Thread t = new Thread(() -> {
                    try {
                        wrapMany(k, "orders", perThread);
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(List.of(), failures);
        }
        var report = verifyFromStore();
        assertTrue(report.intact(), report.detail());
        assertEquals(report.lastSeq(), report.records(), "records 1..n, each once: no sequence number repeats");
        assertEquals(4 * perThread, count("WRAP_KEY"), "every wrap of both writers is in the log");
        assertTrue(logFiles().size() > 2, "both writers rotated the shared log: " + logFiles());
    }

    @Test
    void aChildJvmAndThisOne_appendAtOnce_inOneChain() throws Exception {
        try (KeyService setup = open(1 << 20)) {
            setup.createKey("orders", "");
        }
        int perWriter = 400;
        List<Process> children = new ArrayList<>();
        for (String mode : List.of("sync", "async")) {
            children.add(new ProcessBuilder(ChildJvm.javaHomeTool("java").toString(), "-cp", ChildJvm.classPath(),
                    AuditWriterMain.class.getName(), store.toString(), log.toString(), "orders", Integer.toString(perWriter), mode)
                    .redirectError(dir.resolve(mode + ".err").toFile()).start());
        }
        try (KeyService here = open(AuditOptions.DEFAULTS.withFile(log, true, 1 << 20))) {
            List<java.io.BufferedReader> outs = new ArrayList<>();
            for (Process child : children) {
                var out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                assertEquals("READY", out.readLine(), () -> read(dir.resolve("sync.err")) + read(dir.resolve("async.err")));
                outs.add(out);
            }
            for (Process child : children) {
                child.getOutputStream().write('\n'); // go: the children and this JVM write at once
                child.getOutputStream().close();
            }
            wrapMany(here, "orders", perWriter);
            for (int i = 0; i < children.size(); i++) {
                assertEquals("DONE", outs.get(i).readLine());
                assertTrue(children.get(i).waitFor(120, TimeUnit.SECONDS));
                assertEquals(0, children.get(i).exitValue());
            }
        } finally {
            children.forEach(Process::destroyForcibly);
        }
        var report = verifyFromStore();
        assertTrue(report.intact(), report.detail());
        assertEquals(report.lastSeq(), report.records(), "records 1..n, each once: no sequence number repeats");
        assertEquals(3 * perWriter, count("WRAP_KEY"), "every wrap of the three writers is in the log");
    }

    @Test
    void cutTail_thenReopenAndLogMore_isRejectedAsTruncated() throws Exception {
        writeLog(1 << 20).close(); // close keeps the checkpoint: the last record
        List<String> lines = lines();
        write(lines.subList(0, lines.size() - 5));
        try (KeyService again = open(1 << 20)) {
            again.enableKey("orders"); // after the reopen's LOAD_KEY_STORE
            wrapMany(again, "orders", 10); // the chain goes on past where the checkpoint was
        }
        var report = verifyFromStore();
        assertFalse(report.intact(), report.detail());
        assertEquals(AuditLogVerifier.Problem.TRUNCATED, report.problem(), report.detail());
        assertTrue(report.detail().contains("record " + lines.size() + " is not the record the store's checkpoint names"),
                report.detail());
        assertEquals(lines.size(), report.line(), "the record now at the checkpoint's number");
        assertEquals(1, count("AUDIT_LOG_CUT"), "the writer that found the cut recorded it once");
    }

    @Test
    void auditLogEmptied_thenReopenAndLogMore_isRejectedAsTruncated_andTheWriterRecordsTheCut() throws Exception {
        writeLog(1 << 20).close();
        int checkpointed = lines().size();
        Files.write(log, new byte[0]); // emptied, not deleted: the writer starts a new chain in the same file
        try (KeyService again = open(1 << 20)) {
            again.enableKey("orders");
        }
        assertEquals(1, count("AUDIT_LOG_CUT"), "the writer that started the new chain recorded the cut once");
        var report = verifyFromStore();
        assertEquals(AuditLogVerifier.Problem.TRUNCATED, report.problem(), report.detail());
        assertTrue(report.detail().contains("names another chain: records 1.." + checkpointed + " were deleted"), report.detail());
        try (KeyService again = open(1 << 20)) {
            again.disableKey("orders"); // a later writer reports it too (once, as for a cut tail) and does not let it go
        }
        assertEquals(2, count("AUDIT_LOG_CUT"));
        assertEquals(AuditLogVerifier.Problem.TRUNCATED, verifyFromStore().problem());
    }

    @Test
    void anotherLogOfTheSameStore_putInItsPlace_isRejectedAsTruncated() throws Exception {
        Path other = Files.createDirectories(dir.resolve("host-a")).resolve("audit.jsonl");
        try (KeyService a = KeyStores.openFile(store, PASSWORD, Fixtures.cheapOptions().withMaintenanceInterval(Duration.ZERO)
                .withAudit(AuditOptions.DEFAULTS.withFile(other, true, 1 << 20)))) {
            a.createKey("a", "");
            wrapMany(a, "a", 3); // the other log, MAC'ed with the same audit key
        }
        writeLog(1 << 20).close();
        assertTrue(verifyFromStore().intact(), "two logs of one store, each at its own place, each verifies");

        Files.copy(other, log, java.nio.file.StandardCopyOption.REPLACE_EXISTING); // the other host's log in place of this one

        var report = verifyFromStore();
        assertEquals(AuditLogVerifier.Problem.TRUNCATED, report.problem(), report.detail());
        assertTrue(report.detail().contains("names another chain"), report.detail());
    }

    @Test
    void archivedLog_retiredByTheAdministrator_letsANewLogStartInItsPlace() throws Exception {
        writeLog(1 << 20).close();
        Path archived = dir.resolve("archive-2026.jsonl");
        Files.move(log, archived);
        try (KeyService admin = KeyStores.openFile(store, PASSWORD, Fixtures.cheapOptions().withMaintenanceInterval(Duration.ZERO))) {
            assertTrue(admin.retireAuditLog(log), "the store watched the log there");
            assertFalse(admin.retireAuditLog(log), "and no longer does");
            assertTrue(admin.auditLogVerifier().verify(archived).intact(), "the archive still verifies against its checkpoint");
        }
        try (KeyService again = open(1 << 20)) {
            again.enableKey("orders");
        }
        assertEquals(0, count("AUDIT_LOG_CUT"));
        var report = verifyFromStore();
        assertTrue(report.intact(), report.detail());
    }

    @Test
    void cutTail_isRejectedAsTruncated_byTheLibraryAndTheVerifierOfAnotherProcess() throws Exception {
        try (KeyService keys = writeLog(1 << 20)) {
            keys.runMaintenance(); // maintenance keeps the checkpoint too, not only close
            List<String> lines = lines();
            write(lines.subList(0, lines.size() - 3));
            var report = verifyFromStore();
            assertEquals(AuditLogVerifier.Problem.TRUNCATED, report.problem(), report.detail());
            assertTrue(report.detail().contains("the log ends at sequence " + (lines.size() - 3)
                    + ", the store's checkpoint is at " + lines.size()), report.detail());
            assertEquals(lines.size() - 3, report.records(), "every record left verified");
        }
    }

    @Test
    void logFiles_areCreatedOwnerOnly() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        writeLog(4096).close();
        List<Path> files = new ArrayList<>(logFiles());
        files.add(dir.resolve("audit.jsonl.lock"));
        assertTrue(files.size() > 3, "rotated files too: " + files);
        for (Path f : files) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(f)), f.toString());
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            return e.toString();
        }
    }
}
