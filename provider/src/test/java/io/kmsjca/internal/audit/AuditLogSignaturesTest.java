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
    void onlyAnEd25519PublicKeyIsAccepted() throws Exception {
        byte[] p256 = KeyPairGenerator.getInstance("EC").generateKeyPair().getPublic().getEncoded();
        assertThrows(IllegalArgumentException.class, () -> AuditVerificationKey.fromEncoded(p256));
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getEncoder().encodeToString(p256) + "\n-----END PUBLIC KEY-----\n";
        assertThrows(IllegalArgumentException.class, () -> AuditVerificationKey.fromPem(pem));
        assertThrows(IllegalArgumentException.class, () -> AuditVerificationKey.fromPem("x".repeat(5000)));
        assertThrows(IllegalArgumentException.class, () -> AuditVerificationKey.fromPem("no block here"));
    }

    private Path writeLog(JsonLinesAuditSink sink, int events) {
        for (int i = 0; i < events; i++) {
            sink.onEvent(new AuditEvent(new UUID(1, i), Instant.parse("2026-03-01T10:00:00Z"), AuditOperation.CREATE_KEY,
                    "k", 1, "k" + i, "alice", "os-user", AuditOutcome.SUCCESS, null, null, Map.of(), "req", "inst", "host",
                    null, 0));
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
}
