package io.kmsjca.internal.service;

import io.kmsjca.audit.AuditLogVerifier;
import io.kmsjca.audit.AuditLogVerifier.Problem;
import io.kmsjca.audit.AuditLogVerifier.Report;
import io.kmsjca.audit.AuditOptions;
import io.kmsjca.audit.AuditVerificationKey;
import io.kmsjca.audit.PublicKeyAuditLogVerifier;
import io.kmsjca.internal.audit.AuditRecords;
import io.kmsjca.internal.audit.AuditSignatureRecords;
import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.KeyServiceOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The audit log signed with the store's Ed25519 key and verified by an auditor who holds only the
 * public key (issue #17, docs/audit.md "Verifying without a secret"): real stores, real files,
 * real signatures. Every tamper is made on the file, as an attacker with write access would.
 */
class SignedAuditLogTest {

    private static final int FIRST_SIGNED = 4; // the audit key's creation, the store's opening, k0, k1

    @TempDir
    Path dir;
    final TestClock clock = new TestClock(Instant.parse("2026-03-01T10:00:00Z"));

    private KeyServiceOptions options(Path store, Path log, int every, long maxBytes) {
        return KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests()).withClock(clock)
                .withMaintenanceInterval(Duration.ZERO)
                .withAudit(AuditOptions.DEFAULTS.withFile(log, true, maxBytes).withSigning(every, 60));
    }

    /**
     * Writes {@code keys} key creations into the log of the store at {@code store}, closes it,
     * returns its public key as PEM. After k1, k5, k9, ... a minute passes and maintenance runs,
     * which signs: signatures at known places, made on this thread.
     */
    private String writeLog(Path store, Path log, int keys) throws Exception {
        try (EmbeddedKeyService service = KeyStores.openFile(store, LifecycleFixture.PASSWORD,
                options(store, log, 1000, 1 << 20))) {
            for (int i = 0; i < keys; i++) {
                service.createKey("k" + i, "");
                if (i % 4 == 1) {
                    clock.advance(Duration.ofSeconds(60));
                    service.checkpointAuditLog();
                }
            }
            return service.auditLogVerificationKey().toPem();
        }
    }

    private Path log() {
        return dir.resolve("audit.jsonl");
    }

    private List<String> lines() throws Exception {
        return new ArrayList<>(Files.readAllLines(log(), StandardCharsets.UTF_8));
    }

    private void write(List<String> lines) throws Exception {
        Files.write(log(), lines, StandardCharsets.UTF_8);
    }

    private static Report auditor(String pem, Path log) throws Exception {
        return new PublicKeyAuditLogVerifier(AuditVerificationKey.fromPem(pem)).verify(log);
    }

    private static List<Integer> signatureIndexes(List<String> lines) {
        return IntStream.range(0, lines.size()).filter(i -> AuditSignatureRecords.claims(lines.get(i))).boxed().toList();
    }

    @Test
    void auditorVerifiesAGoodLog_withThePublicKeyFileAndTheLogOnly() throws Exception {
        String pem = writeLog(dir.resolve("keys.kms"), log(), 11);
        Path pemFile = Files.writeString(dir.resolve("audit-key.pem"), pem);
        Files.delete(dir.resolve("keys.kms")); // no store, no password: the auditor has the PEM and the log

        Report report = new PublicKeyAuditLogVerifier(AuditVerificationKey.fromPem(Files.readString(pemFile))).verify(log());

        List<String> lines = lines();
        assertTrue(report.intact(), report.toString());
        assertNull(report.problem());
        assertEquals(lines.size(), report.records());
        assertEquals(lines.size(), report.lastSeq());
        assertEquals(signatureIndexes(lines).size(), report.signatures());
        assertEquals(lines.size(), report.lastSignedSeq(), "closing the store signed the end of the log");
        assertEquals(0, report.unsignedRecords());
        assertTrue(report.detail().contains(AuditVerificationKey.fromPem(pem).fingerprint()), report.detail());
    }

    @Test
    void theWriterSigns_whenMaintenanceFindsTheIntervalPassed_andAtClose_andTheStoreVerifierChecksTheSignaturesToo()
            throws Exception {
        String pem = writeLog(dir.resolve("keys.kms"), log(), 11);
        List<String> lines = lines();
        List<Integer> sigs = signatureIndexes(lines);
        // the store's CREATE_KEY of its audit key, LOAD_KEY_STORE, eleven keys, three maintenance runs, the close
        List<String> reasons = sigs.stream().map(i -> AuditSignatureRecords.parse(lines.get(i)).reason()).toList();
        assertEquals(List.of("time", "time", "time", "close"), reasons, "signatures at " + sigs);
        assertEquals(List.of(4, 9, 14, 16), sigs);
        assertEquals(17, lines.size());
        assertEquals(FIRST_SIGNED, (int) sigs.get(0), "the first signature follows the first " + FIRST_SIGNED + " records");
        assertEquals(lines.size() - 1, (int) sigs.get(sigs.size() - 1));
        for (int i : sigs) {
            AuditSignatureRecords.Parsed p = AuditSignatureRecords.parse(lines.get(i));
            assertEquals(i, p.signedSeq());
            assertEquals(AuditRecords.hash(lines.get(i - 1)), p.signedHash());
            assertEquals(AuditRecords.hash(lines.get(0)), p.chain());
            assertEquals(AuditVerificationKey.fromPem(pem).fingerprint(), p.signer());
        }
        try (EmbeddedKeyService keys = KeyStores.openFile(dir.resolve("keys.kms"), LifecycleFixture.PASSWORD,
                options(dir.resolve("keys.kms"), dir.resolve("other.jsonl"), 1000, 1 << 20))) {
            assertEquals(pem, keys.auditLogVerificationKey().toPem(), "derived from the store: the same key on every open");
            Report withStore = keys.auditLogVerifier().verify(log());
            assertTrue(withStore.intact(), withStore.toString());
            assertEquals(4, withStore.signatures());
            assertEquals(lines.size(), withStore.lastSignedSeq());
        }
    }

    @Test
    void anEditedField_isFound_whereTheChainBreaks() throws Exception {
        String pem = writeLog(dir.resolve("keys.kms"), log(), 11);
        List<String> lines = lines();
        assertTrue(lines.get(2).contains("\"alias\":\"k0\""), "record 3 creates k0");
        lines.set(2, lines.get(2).replace("\"alias\":\"k0\"", "\"alias\":\"kX\""));
        write(lines);
        Report r = auditor(pem, log());
        assertFalse(r.intact());
        assertEquals(Problem.ALTERED, r.problem());
        assertEquals(4, r.line());
        assertEquals(3, r.records());
        assertTrue(r.detail().contains("record 4 does not follow the record before it (hash chain broken): record 3 or this "
                + "record was altered"), r.detail());
    }

    @Test
    void anEditedRecord_whoseSuccessorsAreRechainedUpToTheSignature_failsTheSignature() throws Exception {
        String pem = writeLog(dir.resolve("keys.kms"), log(), 11);
        List<String> lines = lines();
        int sig = signatureIndexes(lines).get(0);
        assertTrue(lines.get(2).contains("\"alias\":\"k0\""), "record 3 creates k0");
        lines.set(2, lines.get(2).replace("\"alias\":\"k0\"", "\"alias\":\"kX\""));
        for (int i = 3; i <= sig; i++) { // an attacker without the key recomputes every prev, the signature record's too
            String prev = AuditRecords.hash(lines.get(i - 1));
            String line = lines.get(i).replaceFirst("\"prev\":\"[0-9a-f]{64}\"", "\"prev\":\"" + prev + "\"");
            if (i == sig) {
                line = line.replaceFirst("\"signedHash\":\"[0-9a-f]{64}\"", "\"signedHash\":\"" + prev + "\"");
            }
            lines.set(i, line);
        }
        write(lines);
        Report r = auditor(pem, log());
        assertEquals(Problem.FORGED, r.problem(), r.detail());
        assertEquals(sig + 1, r.line());
        assertTrue(r.detail().startsWith("signature record " + (sig + 1) + " does not verify under the verification key"),
                r.detail());
    }

    @Test
    void aDeletedLine_isReportedRemoved() throws Exception {
        String pem = writeLog(dir.resolve("keys.kms"), log(), 11);
        List<String> lines = lines();
        lines.remove(5);
        write(lines);
        Report r = auditor(pem, log());
        assertEquals(Problem.REMOVED, r.problem());
        assertTrue(r.detail().startsWith("records 6..6 are missing"), r.detail());
        assertEquals(5, r.records());
    }

    @Test
    void swappedLines_areReportedReordered() throws Exception {
        String pem = writeLog(dir.resolve("keys.kms"), log(), 11);
        List<String> lines = lines();
        Collections.swap(lines, 6, 7);
        write(lines);
        Report r = auditor(pem, log());
        assertEquals(Problem.REORDERED, r.problem());
        assertTrue(r.detail().startsWith("record 8 found where 7 belongs"), r.detail());
    }

    @Test
    void anInsertedLine_isReportedInserted() throws Exception {
        String pem = writeLog(dir.resolve("keys.kms"), log(), 11);
        List<String> lines = lines();
        // a copy of record 3, chained after record 3 as if it were record 4
        String forged = lines.get(2).replaceFirst("\"seq\":3,\"prev\":\"[0-9a-f]{64}\"",
                "\"seq\":4,\"prev\":\"" + AuditRecords.hash(lines.get(2)) + "\"");
        lines.add(3, forged);
        write(lines);
        Report r = auditor(pem, log());
        assertEquals(Problem.INSERTED, r.problem(), r.detail());
        assertTrue(r.detail().startsWith("record 4 appears twice"), r.detail());
        assertEquals(5, r.line());
    }

    @Test
    void aReplacedSignature_isReportedForged() throws Exception {
        String pem = writeLog(dir.resolve("keys.kms"), log(), 11);
        List<String> lines = lines();
        List<Integer> sigs = signatureIndexes(lines);
        String first = AuditSignatureRecords.parse(lines.get(sigs.get(0))).signature().length == 64
                ? lines.get(sigs.get(0)) : null;
        String otherSignature = lines.get(sigs.get(1)).replaceFirst(".*\"signature\":\"([^\"]+)\".*", "$1");
        lines.set(sigs.get(0), first.replaceFirst("\"signature\":\"[^\"]+\"", "\"signature\":\"" + otherSignature + "\""));
        write(lines);
        Report r = auditor(pem, log());
        assertEquals(Problem.FORGED, r.problem(), r.detail());
        assertEquals(sigs.get(0) + 1, r.line());
        assertEquals(0, r.signatures());
    }

    @Test
    void aLogSignedByAnotherStoresKey_isReportedWrongSigner_withBothFingerprints() throws Exception {
        String pem = writeLog(dir.resolve("keys.kms"), log(), 3);
        Files.createDirectories(dir.resolve("other"));
        Path otherLog = dir.resolve("other/audit.jsonl");
        String otherPem = writeLog(dir.resolve("other/keys.kms"), otherLog, 3);
        assertNotEquals(pem, otherPem, "each store has its own key pair");
        assertTrue(auditor(otherPem, otherLog).intact());

        Report r = auditor(pem, otherLog);
        assertEquals(Problem.WRONG_SIGNER, r.problem(), r.detail());
        assertTrue(r.detail().contains(AuditVerificationKey.fromPem(otherPem).fingerprint())
                && r.detail().contains(AuditVerificationKey.fromPem(pem).fingerprint()), r.detail());
    }

    @Test
    void aTruncatedLog_looksShorterToThePublicKey_andTheStoreFindsTheCut() throws Exception {
        String pem = writeLog(dir.resolve("keys.kms"), log(), 11);
        List<String> lines = lines();
        List<Integer> sigs = signatureIndexes(lines);
        int cutAfter = sigs.get(sigs.size() - 2) + 2; // keep the second-to-last signature and one record after it
        write(lines.subList(0, cutAfter));

        Report r = auditor(pem, log());
        assertTrue(r.intact(), "what is left is consistent: the public key alone cannot see a cut at the end");
        assertEquals(cutAfter, r.lastSeq());
        assertEquals(sigs.get(sigs.size() - 2) + 1, r.lastSignedSeq());
        assertEquals(1, r.unsignedRecords(), "the auditor is told the last record is not signed");
        assertTrue(r.detail().contains("the last 1 records are not signed yet"), r.detail());

        try (EmbeddedKeyService keys = KeyStores.openFile(dir.resolve("keys.kms"), LifecycleFixture.PASSWORD,
                options(dir.resolve("keys.kms"), dir.resolve("other.jsonl"), 1000, 1 << 20))) {
            Report withStore = keys.auditLogVerifier().verify(log());
            assertEquals(Problem.TRUNCATED, withStore.problem(), withStore.detail());
            assertTrue(withStore.detail().contains("the store's checkpoint is at " + lines.size()), withStore.detail());
        }
    }

    @Test
    void aLogStillBeingWritten_reportsItsUnsignedTail_andALogWithoutSignatures_isUnsigned() throws Exception {
        Path store = dir.resolve("keys.kms");
        try (EmbeddedKeyService keys = KeyStores.openFile(store, LifecycleFixture.PASSWORD, options(store, log(), 1000, 1 << 20))) {
            keys.createKey("a", "");
            String pem = keys.auditLogVerificationKey().toPem();
            Report none = auditor(pem, log());
            assertEquals(Problem.UNSIGNED, none.problem(), none.detail());
            assertFalse(none.intact());
            assertEquals(3, none.records(), "the audit key's creation, the store's opening, key a");
            assertTrue(none.detail().startsWith("no record of this log is signed"), none.detail());

            clock.advance(Duration.ofSeconds(60));
            keys.checkpointAuditLog(); // maintenance: the interval has passed, the quiet log's end is signed
            keys.createKey("b", "");
            Report live = auditor(pem, log());
            assertTrue(live.intact(), live.detail());
            assertEquals(4, live.lastSignedSeq());
            assertEquals(1, live.unsignedRecords());
            assertEquals("time", AuditSignatureRecords.parse(lines().get(3)).reason());
        }
    }

    /** Each maintenance run signs a quiet log's end once the interval has passed, as checkpointAuditLog does. */
    @Test
    void aMaintenanceRunSignsAQuietLogsEnd() throws Exception {
        Path store = dir.resolve("keys.kms");
        try (EmbeddedKeyService keys = KeyStores.openFile(store, LifecycleFixture.PASSWORD, options(store, log(), 1000, 1 << 20))) {
            keys.createKey("a", "");
            String pem = keys.auditLogVerificationKey().toPem();
            assertEquals(Problem.UNSIGNED, auditor(pem, log()).problem());

            clock.advance(Duration.ofSeconds(60));
            keys.runMaintenance();
            Report signed = auditor(pem, log());
            assertTrue(signed.intact(), signed.detail());
            assertEquals(4, signed.lastSignedSeq(), "the three records so far and the signature the run wrote after them");
            assertEquals(0, signed.unsignedRecords());
            assertEquals("time", AuditSignatureRecords.parse(lines().get(3)).reason());
        }
    }

    @Test
    void everyRotatedFile_endsInASignature_andTheAuditorVerifiesAcrossFiles() throws Exception {
        Path store = dir.resolve("keys.kms");
        String pem;
        try (EmbeddedKeyService keys = KeyStores.openFile(store, LifecycleFixture.PASSWORD, options(store, log(), 1000, 4096))) {
            for (int i = 0; i < 20; i++) {
                keys.createKey("rotating-" + i, "a description long enough to fill the file " + "x".repeat(200));
            }
            pem = keys.auditLogVerificationKey().toPem();
        }
        List<Path> rotated;
        try (var files = Files.list(dir)) {
            rotated = files.filter(p -> p.getFileName().toString().matches("audit\\.jsonl\\.\\d{6}")).sorted().toList();
        }
        assertTrue(rotated.size() >= 2, "rotated: " + rotated);
        for (Path f : rotated) {
            List<String> l = Files.readAllLines(f);
            assertEquals("rotate", AuditSignatureRecords.parse(l.get(l.size() - 1)).reason(), f.toString());
        }
        Report r = auditor(pem, log());
        assertTrue(r.intact(), r.detail());
        assertEquals(r.lastSeq(), r.lastSignedSeq());
        assertTrue(r.signatures() >= rotated.size() + 1, r.toString());

        Files.delete(rotated.get(rotated.size() - 1)); // a whole signed file removed from the middle of the log
        Report cut = auditor(pem, log());
        assertEquals(Problem.REMOVED, cut.problem(), cut.detail());
    }

    @Test
    void aSignatureRecordThatIsNotWellFormed_isReported() throws Exception {
        String pem = writeLog(dir.resolve("keys.kms"), log(), 3);
        List<String> lines = lines();
        int sig = signatureIndexes(lines).get(0);
        lines.set(sig, lines.get(sig).replaceFirst("\"reason\":\"[a-z]+\"", "\"reason\":\"later\""));
        write(lines);
        Report r = auditor(pem, log());
        assertEquals(Problem.ALTERED, r.problem());
        assertTrue(r.detail().startsWith("signature record " + (sig + 1) + " is not well formed"), r.detail());
    }

    @Test
    void theVerificationKeyIsPublished_asPemOfTheSubjectPublicKeyInfo_namedByItsSha256() throws Exception {
        String pem = writeLog(dir.resolve("keys.kms"), log(), 1);
        AuditVerificationKey key = AuditVerificationKey.fromPem(pem);
        assertTrue(pem.startsWith("-----BEGIN PUBLIC KEY-----\n") && pem.endsWith("-----END PUBLIC KEY-----\n"), pem);
        assertEquals(44, key.encoded().length);
        assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(key.encoded())), key.fingerprint());
        assertEquals("EdDSA", key.publicKey().getAlgorithm());
        assertEquals(key, AuditVerificationKey.fromEncoded(key.publicKey().getEncoded()), "the JDK encodes it the same");
        String joined = lines().stream().collect(Collectors.joining("\n"));
        assertFalse(joined.contains(pem.lines().skip(1).findFirst().orElseThrow()), "the log names the key by fingerprint only");
    }

    @Test
    void underAsynchronousDelivery_theAuditThreadSignsItsBatches() throws Exception {
        Path store = dir.resolve("keys.kms");
        KeyServiceOptions async = KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests()).withClock(clock)
                .withMaintenanceInterval(Duration.ZERO).withAudit(AuditOptions.DEFAULTS.withFile(log(), true, 1 << 20)
                        .withSigning(3, 60).withDelivery(AuditOptions.Delivery.ASYNC, 64, AuditOptions.WhenFull.BLOCK));
        String pem;
        try (EmbeddedKeyService keys = KeyStores.openFile(store, LifecycleFixture.PASSWORD, async)) {
            for (int i = 0; i < 7; i++) {
                keys.createKey("async-" + i, "");
            }
            keys.audit().flush();
            pem = keys.auditLogVerificationKey().toPem();
            Report live = auditor(pem, log());
            assertTrue(live.intact(), live.detail());
            // 9 records, a signature at the end of each batch that brings 3 or more: how many depends on how the
            // audit thread batched them, at least one
            assertTrue(live.signatures() >= 1, live.toString());
        }
        Report closed = auditor(pem, log());
        assertTrue(closed.intact(), closed.detail());
        assertEquals(0, closed.unsignedRecords());
    }

    /**
     * A store closed on an interrupted thread still delivers every queued event before its closing
     * signature: the close's flush waits whatever the interrupt (an interrupted flush throws, and the
     * store used to sign the log before the queued events, which then came after the signature),
     * and the thread's interrupt status is kept. The audit thread is held in a listener until the
     * closing thread waits for it: no clock.
     */
    @Test
    void closingOnAnInterruptedThread_deliversTheQueuedEventsBeforeTheClosingSignature() throws Exception {
        Path store = dir.resolve("keys.kms");
        KeyServiceOptions async = KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests()).withClock(clock)
                .withMaintenanceInterval(Duration.ZERO).withAudit(AuditOptions.DEFAULTS.withFile(log(), true, 1 << 20)
                        .withSigning(1000, 60).withDelivery(AuditOptions.Delivery.ASYNC, 64, AuditOptions.WhenFull.BLOCK));
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean hold = new java.util.concurrent.atomic.AtomicBoolean();
        Thread closing = Thread.currentThread();
        EmbeddedKeyService keys = KeyStores.openFile(store, LifecycleFixture.PASSWORD, async);
        String pem = keys.auditLogVerificationKey().toPem();
        keys.addAuditListener(e -> {
            if (hold.get()) {
                try {
                    release.await();
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        hold.set(true);
        for (int i = 0; i < 5; i++) {
            keys.createKey("queued-" + i, ""); // the audit thread holds at the first: the others wait in the queue
        }
        Thread releaser = new Thread(() -> {
            while (closing.getState() != Thread.State.TIMED_WAITING && closing.getState() != Thread.State.WAITING) {
                Thread.onSpinWait(); // until close waits for the audit thread
            }
            release.countDown();
        });
        releaser.start();
        closing.interrupt();
        try {
            keys.close();
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept");
        } finally {
            Thread.interrupted();
            release.countDown();
        }
        releaser.join();
        Report closed = auditor(pem, log());
        assertTrue(closed.intact(), closed.detail());
        assertEquals(0, closed.unsignedRecords(), "every event came before the closing signature: " + closed);
        assertEquals(5, lines().stream().filter(l -> l.contains("queued-")).count(), String.join("\n", lines()));
    }

    @Test
    void aCallerNamingAKeyOfAMegabyte_makesARecordBothVerifiersRead_andLaterTamperingIsStillFound() throws Exception {
        String pem;
        try (EmbeddedKeyService service = KeyStores.openFile(dir.resolve("keys.kms"), LifecycleFixture.PASSWORD,
                options(dir.resolve("keys.kms"), log(), 1000, 1 << 20))) {
            service.createKey("k0", "");
            assertThrows(io.kmsjca.keys.KeyNotFoundException.class, () -> service.describeKey("x".repeat(1 << 20)));
            service.createKey("k1", "");
            service.createKey("k2", "");
            pem = service.auditLogVerificationKey().toPem();
            Report store = service.auditLogVerifier().verify(log());
            assertTrue(store.intact(), store.detail());
        }
        assertTrue(Files.readAllLines(log(), StandardCharsets.UTF_8).stream().allMatch(l -> l.length() < 64 * 1024),
                "every field is cut at 4,096 characters");
        Report auditor = auditor(pem, log());
        assertTrue(auditor.intact(), auditor.detail());

        List<String> lines = lines();
        lines.remove(lines.size() - 3); // a record after the long one
        write(lines);
        assertFalse(auditor(pem, log()).intact());
    }
}
