package io.kmsjca.internal.service;

import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KeyUseDeniedException;
import io.kmsjca.keys.MacAlgorithm;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static io.kmsjca.internal.service.AsPrincipal.as;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Security review of HMAC keys (#20): GenerateMac and VerifyMac decide the caller's rights
 * before they tell anything of the key's spec, usage or MAC algorithm (docs/decisions.md, "The
 * caller's rights are decided before a key's spec and usage").
 */
class HmacReviewFindingsTest {

    private static final String POLICY = """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Principal": {"AWS": "admin"}, "Action": "kms:*", "Resource": "*"}]}""";

    @TempDir
    Path dir;
    LifecycleFixture f;
    final byte[] message = "the message".getBytes(StandardCharsets.UTF_8);

    @BeforeEach
    void setUp() throws Exception {
        f = new LifecycleFixture(dir);
        f.keys.createKey(CreateKeyRequest.withAlias("mac384").keySpec(KeySpec.HMAC_384).keyUsage(KeyUsage.GENERATE_VERIFY_MAC));
        f.keys.createKey("aes", "");
        f.keys.putKeyPolicy("mac384", POLICY, true);
        f.keys.putKeyPolicy("aes", POLICY, true);
    }

    /**
     * Finding: a caller with no right on a key was told, in GenerateMac's and VerifyMac's refusal,
     * that the key is a SYMMETRIC_DEFAULT ENCRYPT_DECRYPT key, or an HMAC_384 key whose algorithm
     * is HMAC_SHA_384, instead of being denied (usableHmac checked spec and algorithm first).
     */
    @Test
    void aCallerWithNoRight_isDenied_beforeLearningTheKeysSpecOrMacAlgorithm() throws Exception {
        var wrongUsage = assertThrows(KeyUseDeniedException.class,
                () -> as("stranger", () -> f.keys.generateMac("aes", message, MacAlgorithm.HMAC_SHA_256)));
        assertFalse(wrongUsage.getMessage().contains("SYMMETRIC_DEFAULT"), wrongUsage.getMessage());
        assertEquals("kms:GenerateMac", wrongUsage.denial().action());
        f.keys.auditRecorder().flush();
        assertEquals(AuditOutcome.DENIED, f.last(AuditOperation.GENERATE_MAC).outcome());

        var wrongAlgorithm = assertThrows(KeyUseDeniedException.class, () -> as("stranger",
                () -> f.keys.verifyMac("mac384", message, new byte[32], MacAlgorithm.HMAC_SHA_256)));
        assertFalse(wrongAlgorithm.getMessage().contains("HMAC_384"), wrongAlgorithm.getMessage());
        assertEquals("kms:VerifyMac", wrongAlgorithm.denial().action());
        f.keys.auditRecorder().flush();
        assertEquals(AuditOutcome.DENIED, f.last(AuditOperation.VERIFY_MAC).outcome());

        // the key's own users still get the usage refusal that names the spec
        var admin = assertThrows(java.security.InvalidKeyException.class,
                () -> as("admin", () -> f.keys.generateMac("aes", message, MacAlgorithm.HMAC_SHA_256)));
        assertFalse(admin instanceof KeyUseDeniedException, admin.toString());
        assertTrue(admin.getMessage().contains("SYMMETRIC_DEFAULT"), admin.getMessage());
    }

    /**
     * Finding (JCA contract): Mac.getMacLength() before init threw IllegalStateException for the
     * KMS Mac, where the JDK's answers the algorithm's length (code sizing a buffer first). Clone
     * is refused (CloneNotSupportedException), so no two Macs share one streamed state.
     */
    @Test
    void getMacLength_beforeInit_isTheAlgorithmsLength_andCloneIsRefused() throws Exception {
        assertEquals(28, javax.crypto.Mac.getInstance("HmacSHA224", LifecycleFixture.PROVIDER).getMacLength());
        assertEquals(32, javax.crypto.Mac.getInstance("HmacSHA256", LifecycleFixture.PROVIDER).getMacLength());
        assertEquals(48, javax.crypto.Mac.getInstance("HmacSHA384", LifecycleFixture.PROVIDER).getMacLength());
        assertEquals(64, javax.crypto.Mac.getInstance("HmacSHA512", LifecycleFixture.PROVIDER).getMacLength());
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA384", LifecycleFixture.PROVIDER);
        as("admin", () -> mac.init(f.keys.findKey("mac384").orElseThrow()));
        assertEquals(48, mac.getMacLength());
        assertThrows(CloneNotSupportedException.class, mac::clone);
    }
}
