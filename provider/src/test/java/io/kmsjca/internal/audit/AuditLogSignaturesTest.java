package io.kmsjca.internal.audit;

import io.kmsjca.audit.AuditLogVerifier.Problem;
import io.kmsjca.audit.AuditLogVerifier.Report;
import io.kmsjca.audit.AuditVerificationKey;
import io.kmsjca.audit.PublicKeyAuditLogVerifier;
import io.kmsjca.internal.crypto.SecretBytes;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/** The Ed25519 key of the audit log against RFC 8032, and the verifiers on logs written by the sink itself. */
class AuditLogSignaturesTest {

    // RFC 8032 section 7.1, TEST 1
    private static final byte[] SEED = HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    private static final String PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    private static final String SIGNATURE = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e"
            + "39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

    @TempDir
    Path dir;
    private final Clock clock = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);
    private final SecretBytes mac = new SecretBytes(new byte[32], "HmacSHA256");

    @Test
    void theKeyFromASeed_isRfc8032s() {
        AuditSigningKey key = AuditSigningKey.fromSeed(SEED.clone());
        assertEquals(AuditVerificationKey.fromRaw(HexFormat.of().parseHex(PUBLIC)), key.verificationKey());
        assertEquals(SIGNATURE, HexFormat.of().formatHex(key.sign(new byte[0])));
        assertTrue(key.verificationKey().verify(new byte[0], HexFormat.of().parseHex(SIGNATURE)));
        assertFalse(key.verificationKey().verify(new byte[] {1}, HexFormat.of().parseHex(SIGNATURE)));
    }

    @Test
    void aMissingLog_isAnError_notAnEmptyIntactLog() {
        AuditVerificationKey key = AuditSigningKey.fromSeed(SEED.clone()).verificationKey();
        assertThrows(java.nio.file.NoSuchFileException.class,
                () -> new PublicKeyAuditLogVerifier(key).verify(dir.resolve("none.jsonl")));
    }

    @Test
    void onlyAnEd25519PublicKeyIsAccepted() throws Exception {
        byte[] p256 = KeyPairGenerator.getInstance("EC").generateKeyPair().getPublic().getEncoded();
        assertThrows(IllegalArgumentException.class, () -> AuditVerificationKey.fromEncoded(p256));
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getEncoder().encodeToString(p256) + "\n-----END PUBLIC KEY-----\n";
        assertThrows(IllegalArgumentException.class, () -> AuditVerificationKey.fromPem(pem));
        assertThrows(IllegalArgumentException.class, () -> AuditVerificationKey.fromPem("x".repeat(5000)));
        assertThrows(IllegalArgumentException.class, () -> AuditVerificationKey.fromPem("no block here"));
    }

    private static AuditEvent event(int i) {
        return new AuditEvent(new UUID(1, i), Instant.parse("2026-03-01T10:00:00Z"), AuditOperation.CREATE_KEY,
                "k", 1, "k" + i, "alice", "os-user", AuditOutcome.SUCCESS, null, null, Map.of(), "req", "inst", "host",
                null, 0);
    }

    private Path writeLog(JsonLinesAuditSink sink, int events) {
        for (int i = 0; i < events; i++) {
            sink.onEvent(event(i));
        }
        sink.close();
        return dir.resolve("audit.jsonl");
    }

    @Test
    void aLogWrittenWithoutSignatures_verifiesWithTheMacKey_andIsUnsignedToThePublicKey() throws Exception {
        Path log = writeLog(new JsonLinesAuditSink(dir.resolve("audit.jsonl"), mac, false, false, 1 << 20), 5);
        AuditVerificationKey key = AuditSigningKey.fromSeed(SEED.clone()).verificationKey();
        Report withMac = new ChainedLogVerifier(mac, AuditCheckpoints.NONE, key).verify(log);
        assertTrue(withMac.intact(), withMac.detail());
        assertEquals(5, withMac.records());
        assertEquals(0, withMac.signatures());
        Report withKey = new PublicKeyAuditLogVerifier(key).verify(log);
        assertEquals(Problem.UNSIGNED, withKey.problem());
        assertEquals(5, withKey.unsignedRecords());
    }

    @Test
    void theStoreVerifier_refusesASignatureRecordWithAValidMac_signedByAnotherKey() throws Exception {
        AuditSigningKey real = AuditSigningKey.fromSeed(SEED.clone());
        byte[] otherSeed = SEED.clone();
        otherSeed[0] ^= 1;
        AuditSigningKey other = AuditSigningKey.fromSeed(otherSeed);
        // a holder of the MAC key (the store) but not of the signing key writes the log: its signatures are another key's
        Path log = writeLog(new JsonLinesAuditSink(dir.resolve("audit.jsonl"), mac, false, false, 1 << 20,
                new AuditLogSigner(other, 2, Duration.ofSeconds(60), clock)), 3);
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertEquals(5, lines.size(), "two events, a signature, an event, the closing signature");

        Report report = new ChainedLogVerifier(mac, AuditCheckpoints.NONE, real.verificationKey()).verify(log);
        assertEquals(Problem.WRONG_SIGNER, report.problem(), report.detail());
        assertEquals(3, report.line());
        Report unchecked = new ChainedLogVerifier(mac).verify(log);
        assertTrue(unchecked.intact(), "without the verification key, signature records are records: " + unchecked.detail());
    }

    private AuditLogSigner signer(int everyRecords) {
        return new AuditLogSigner(AuditSigningKey.fromSeed(SEED.clone()), everyRecords, Duration.ofSeconds(60), clock);
    }

    @Test
    void aWriterGoingOnWithASignedLog_signsUnderItsChainId_andAddsNoSignatureToALogThatEndsInOne() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        JsonLinesAuditSink first = new JsonLinesAuditSink(file, mac, false, false, 1 << 20, signer(1000));
        first.onEvent(event(0));
        first.close();
        new JsonLinesAuditSink(file, mac, false, false, 1 << 20, signer(1000)).close(); // wrote nothing
        assertEquals(List.of("close"), reasons(file), "the log ended in a signature already");

        JsonLinesAuditSink again = new JsonLinesAuditSink(file, mac, false, false, 1 << 20, signer(1000));
        again.onEvent(event(1));
        again.close();
        assertEquals(List.of("close", "close"), reasons(file));
        Report report = new PublicKeyAuditLogVerifier(AuditSigningKey.fromSeed(SEED.clone()).verificationKey()).verify(file);
        assertTrue(report.intact(), "the second writer signed the chain of the log's first record: " + report.detail());
        assertEquals(2, report.signatures());
        assertEquals(4, report.lastSignedSeq());
    }

    @Test
    void eachRotatedFile_endsInASignatureRecordOfReasonRotate() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        JsonLinesAuditSink sink = new JsonLinesAuditSink(file, mac, false, false, 2048, signer(1000));
        for (int i = 0; i < 20; i++) {
            sink.onEvent(event(i));
        }
        sink.close();
        List<Path> rotated = AuditLogFiles.inOrder(file).stream().filter(p -> AuditLogFiles.number(p) > 0).toList();
        assertTrue(rotated.size() >= 2, "rotated: " + rotated);
        for (Path p : rotated) {
            List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
            AuditSignatureRecords.Parsed last = AuditSignatureRecords.parse(lines.get(lines.size() - 1));
            assertNotNull(last, p + " ends in a signature record");
            assertEquals("rotate", last.reason(), p.toString());
        }
        Report report = new PublicKeyAuditLogVerifier(AuditSigningKey.fromSeed(SEED.clone()).verificationKey()).verify(file);
        assertTrue(report.intact(), report.detail());
    }

    /** A clock the test moves. */
    private static final class MovingClock extends Clock {
        private Instant now = Instant.parse("2026-03-01T10:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private static List<String> reasons(Path log) throws Exception {
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(AuditSignatureRecords::claims)
                .map(l -> AuditSignatureRecords.parse(l).reason()).toList();
    }

    @Test
    void underSynchronousDelivery_aRequestNeverSigns_itHandsTheSignatureToTheBackgroundThread() throws Exception {
        List<Runnable> background = new java.util.ArrayList<>();
        Path file = dir.resolve("audit.jsonl");
        JsonLinesAuditSink sink = new JsonLinesAuditSink(file, mac, false, false, 1 << 20,
                new AuditLogSigner(AuditSigningKey.fromSeed(SEED.clone()), 2, Duration.ofSeconds(60), clock), background::add);
        for (int i = 0; i < 3; i++) {
            sink.onEvent(event(i));
        }
        assertEquals(List.of(), reasons(file), "the requests wrote their records and signed nothing");
        assertEquals(1, background.size(), "one signature handed over, not one per request past the count");

        background.get(0).run(); // the background thread's turn
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(4, lines.size());
        AuditSignatureRecords.Parsed sig = AuditSignatureRecords.parse(lines.get(3));
        assertEquals("count", sig.reason());
        assertEquals(3, sig.signedSeq(), "it signs whatever was written by then");
        sink.close();
        assertEquals(List.of("count"), reasons(file), "the log ended in a signature already: close adds none");
    }

    @Test
    void aBatchWrittenOnceTheIntervalHasPassed_isSignedWithIt_onTheAuditThread() throws Exception {
        MovingClock moving = new MovingClock();
        Path file = dir.resolve("audit.jsonl");
        JsonLinesAuditSink sink = new JsonLinesAuditSink(file, mac, false, true, 1 << 20,
                new AuditLogSigner(AuditSigningKey.fromSeed(SEED.clone()), 1000, Duration.ofSeconds(60), moving));
        sink.onEvent(event(0));
        moving.now = moving.now.plusSeconds(59);
        sink.onEvent(event(1));
        sink.flush(); // the audit thread's batch
        assertEquals(List.of(), reasons(file), "59 s: not yet");
        moving.now = moving.now.plusSeconds(1);
        sink.onEvent(event(2));
        sink.flush();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(5, lines.size(), "a write of two (announced by a write record), one of one, the signature");
        assertEquals("time", AuditSignatureRecords.parse(lines.get(4)).reason());
        assertEquals(moving.now.toString(), AuditSignatureRecords.parse(lines.get(4)).time());
        sink.close();
    }
}
