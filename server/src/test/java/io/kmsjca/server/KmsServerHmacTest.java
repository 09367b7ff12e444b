package io.kmsjca.server;

import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.GenerateMacResponse;
import software.amazon.awssdk.services.kms.model.InvalidKeyUsageException;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.KmsInvalidMacException;
import software.amazon.awssdk.services.kms.model.MacAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.VerifyMacResponse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * HMAC keys and GenerateRandom over the AWS KMS API (issue #20), driven by the AWS SDK for Java
 * v2's KmsClient: CreateKey of every HMAC spec, DescribeKey's MacAlgorithms, GenerateMac and
 * VerifyMac (a wrong MAC is KMSInvalidMacException), the refusals AWS answers (another algorithm,
 * a symmetric key, a message over 4096 bytes, a disabled key), each audited; GenerateRandom's
 * bounds (ValidationException) and its audit.
 */
class KmsServerHmacTest {

    static final byte[] MESSAGE = "the order of 4 December".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;
    ServerFixture fixture;
    KmsClient kms;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new ServerFixture(dir).start();
        kms = fixture.client(fixture.alice);
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    private KeyMetadata createKey(String spec) {
        return kms.createKey(b -> b.keySpec(spec).keyUsage("GENERATE_VERIFY_MAC")).keyMetadata();
    }

    private static KmsException refused(Class<? extends KmsException> type, String code, Executable call) {
        KmsException e = assertThrows(type, call);
        assertEquals(400, e.statusCode());
        assertEquals(code, e.awsErrorDetails().errorCode(), e.getMessage());
        return e;
    }

    private AuditEvent last(AuditOperation op) {
        List<AuditEvent> all = fixture.audit;
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).operation() == op) {
                return all.get(i);
            }
        }
        throw new AssertionError("no " + op + " event");
    }

    @Test
    void everyHmacSpec_generatesAndVerifiesItsMac() {
        String[][] specs = {{"HMAC_224", "HMAC_SHA_224", "28"}, {"HMAC_256", "HMAC_SHA_256", "32"},
                {"HMAC_384", "HMAC_SHA_384", "48"}, {"HMAC_512", "HMAC_SHA_512", "64"}};
        for (String[] s : specs) {
            KeyMetadata m = createKey(s[0]);
            assertEquals(s[0], m.keySpecAsString());
            assertEquals("GENERATE_VERIFY_MAC", m.keyUsageAsString());
            assertEquals(List.of(s[1]), m.macAlgorithmsAsStrings());
            assertFalse(m.hasEncryptionAlgorithms());
            assertEquals(m, kms.describeKey(b -> b.keyId(m.keyId())).keyMetadata());

            GenerateMacResponse mac = kms.generateMac(b -> b.keyId(m.keyId()).message(SdkBytes.fromByteArray(MESSAGE))
                    .macAlgorithm(s[1]));
            assertEquals(Integer.parseInt(s[2]), mac.mac().asByteArray().length);
            assertEquals(s[1], mac.macAlgorithmAsString());
            assertEquals(KmsServerOperationsTest.ARN_PREFIX + "key/" + m.keyId(), mac.keyId());
            VerifyMacResponse ok = kms.verifyMac(b -> b.keyId(m.keyId()).message(SdkBytes.fromByteArray(MESSAGE))
                    .mac(mac.mac()).macAlgorithm(s[1]));
            assertTrue(ok.macValid());
            assertEquals(AuditOutcome.SUCCESS, last(AuditOperation.VERIFY_MAC).outcome());

            byte[] wrong = mac.mac().asByteArray();
            wrong[0] ^= 1;
            refused(KmsInvalidMacException.class, "KMSInvalidMacException", () -> kms.verifyMac(b -> b.keyId(m.keyId())
                    .message(SdkBytes.fromByteArray(MESSAGE)).mac(SdkBytes.fromByteArray(wrong)).macAlgorithm(s[1])));
            refused(KmsInvalidMacException.class, "KMSInvalidMacException", () -> kms.verifyMac(b -> b.keyId(m.keyId())
                    .message(SdkBytes.fromUtf8String("another order")).mac(mac.mac()).macAlgorithm(s[1])));
            // a MAC longer than any HMAC's (AWS takes up to 6144 bytes) is not valid, not a malformed request
            refused(KmsInvalidMacException.class, "KMSInvalidMacException", () -> kms.verifyMac(b -> b.keyId(m.keyId())
                    .message(SdkBytes.fromByteArray(MESSAGE)).mac(SdkBytes.fromByteArray(new byte[100])).macAlgorithm(s[1])));
        }
    }

    @Test
    void refusals_areAwsExceptions_andAudited() {
        KeyMetadata hmac = createKey("HMAC_256");
        String aes = kms.createKey(b -> { }).keyMetadata().keyId();
        SdkBytes message = SdkBytes.fromByteArray(MESSAGE);
        refused(InvalidKeyUsageException.class, "InvalidKeyUsageException", () -> kms.generateMac(b -> b.keyId(hmac.keyId())
                .message(message).macAlgorithm(MacAlgorithmSpec.HMAC_SHA_512)));
        assertEquals(AuditOutcome.FAILED, last(AuditOperation.GENERATE_MAC).outcome());
        refused(InvalidKeyUsageException.class, "InvalidKeyUsageException", () -> kms.generateMac(b -> b.keyId(aes)
                .message(message).macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256)));
        assertEquals(aes, last(AuditOperation.GENERATE_MAC).keyId());
        // an HMAC key does not encrypt, nor make data keys
        refused(InvalidKeyUsageException.class, "InvalidKeyUsageException", () -> kms.encrypt(b -> b.keyId(hmac.keyId())
                .plaintext(message)));
        refused(InvalidKeyUsageException.class, "InvalidKeyUsageException", () -> kms.generateDataKey(b -> b.keyId(hmac.keyId())
                .numberOfBytes(32)));
        refused(KmsException.class, "ValidationException", () -> kms.generateMac(b -> b.keyId(hmac.keyId())
                .message(SdkBytes.fromByteArray(new byte[4097])).macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256)));
        refused(KmsException.class, "ValidationException", () -> kms.generateMac(b -> b.keyId(hmac.keyId())
                .message(message).macAlgorithm("HMAC_SHA_1")));
        refused(KmsException.class, "ValidationException", () -> kms.createKey(b -> b.keySpec("HMAC_256")
                .keyUsage("ENCRYPT_DECRYPT")));

        kms.disableKey(b -> b.keyId(hmac.keyId()));
        refused(DisabledException.class, "DisabledException", () -> kms.generateMac(b -> b.keyId(hmac.keyId())
                .message(message).macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256)));
        assertNotEquals(AuditOutcome.SUCCESS, last(AuditOperation.GENERATE_MAC).outcome());
        // HMAC keys do not rotate, as in AWS
        kms.enableKey(b -> b.keyId(hmac.keyId()));
        assertThrows(KmsException.class, () -> kms.rotateKeyOnDemand(b -> b.keyId(hmac.keyId())));
    }

    @Test
    void generateRandom_isBoundedAndAudited() {
        int before = fixture.audit.size();
        assertEquals(1024, kms.generateRandom(b -> b.numberOfBytes(1024)).plaintext().asByteArray().length);
        assertEquals(AuditOutcome.SUCCESS, last(AuditOperation.GENERATE_RANDOM).outcome());
        assertTrue(fixture.audit.size() > before);
        refused(KmsException.class, "ValidationException", () -> kms.generateRandom(b -> b.numberOfBytes(1025)));
        refused(KmsException.class, "ValidationException", () -> kms.generateRandom(b -> b.numberOfBytes(0)));
        refused(KmsException.class, "ValidationException", () -> kms.generateRandom(b -> { }));
    }
}
