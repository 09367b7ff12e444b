package io.kmsjca.internal.service;

import io.kmsjca.internal.engine.MacEngine;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.GrantOperation;
import io.kmsjca.keys.GrantRequest;
import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyAccessDeniedException;
import io.kmsjca.keys.KeyMetadata;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyStateException;
import io.kmsjca.keys.KeyUnavailableException;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KeyUseDeniedException;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.MacAlgorithm;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

import static io.kmsjca.internal.service.AsPrincipal.as;
import static org.junit.jupiter.api.Assertions.*;

/**
 * HMAC keys in the key service: creation (spec length from the generator, usage
 * GENERATE_VERIFY_MAC only, no rotation), GenerateMac and VerifyMac against the JDK's HMAC with the
 * same material, the 4096-byte bound, algorithm and usage mix-ups refused naming spec and usage,
 * state, policies and grants with kms:MacAlgorithm, audit of each call, a store reopened keeps the
 * material, and GenerateRandom (1..1024, store policy, audited).
 */
class HmacKeysTest {

    @TempDir
    Path dir;
    LifecycleFixture f;
    byte[] message = "the message".getBytes(StandardCharsets.UTF_8);

    @BeforeEach
    void setUp() throws Exception {
        f = new LifecycleFixture(dir);
        f.keys.createKey(CreateKeyRequest.withAlias("mac").keySpec(KeySpec.HMAC_256).keyUsage(KeyUsage.GENERATE_VERIFY_MAC));
        f.keys.createKey("aes", "");
    }

    private AuditEvent last(AuditOperation op, AuditOutcome expected) {
        f.keys.auditRecorder().flush();
        AuditEvent e = f.last(op);
        assertEquals(expected, e.outcome(), e.toString());
        return e;
    }

    /** The key's material, read from the registry as only a test can: to compare with the JDK's HMAC. */
    private byte[] material(String alias) {
        MasterKey k = f.keys.registry().lookup(alias).orElseThrow();
        return k.current().materialCopy();
    }

    private static byte[] jdkMac(MacAlgorithm algorithm, byte[] key, byte[] message) throws Exception {
        Mac m = Mac.getInstance(algorithm.jcaName(), "SunJCE");
        m.init(new SecretKeySpec(key, algorithm.jcaName()));
        return m.doFinal(message);
    }

    @ParameterizedTest
    @EnumSource(MacAlgorithm.class)
    void everySpecMacsAsTheJdkDoesWithItsMaterial(MacAlgorithm algorithm) throws Exception {
        KeySpec spec = KeySpec.valueOf("HMAC_" + algorithm.name().substring("HMAC_SHA_".length()));
        KmsKeyHandle h = f.keys.createKey(CreateKeyRequest.withAlias("k").keySpec(spec)
                .keyUsage(KeyUsage.GENERATE_VERIFY_MAC));
        assertEquals(algorithm.jcaName(), h.getAlgorithm());
        assertNull(h.getEncoded());
        byte[] key = material("k");
        assertEquals(spec.bits() / 8, key.length, "generated material is the spec's key length");
        assertFalse(Arrays.equals(new byte[key.length], key));
        byte[] mac = f.keys.generateMac("k", message, algorithm);
        assertArrayEquals(jdkMac(algorithm, key, message), mac);
        assertEquals(h.keyId().toString(), last(AuditOperation.GENERATE_MAC, AuditOutcome.SUCCESS).keyId());
        assertTrue(f.keys.verifyMac("k", message, mac, algorithm));
        last(AuditOperation.VERIFY_MAC, AuditOutcome.SUCCESS);
        byte[] wrong = mac.clone();
        wrong[wrong.length - 1] ^= 1;
        assertFalse(f.keys.verifyMac("k", message, wrong, algorithm));
        assertFalse(f.keys.verifyMac("k", message, Arrays.copyOf(mac, mac.length - 1), algorithm), "truncated MAC");
        KeyMetadata m = f.keys.describeKey("k");
        assertEquals(spec, m.keySpec());
        assertEquals(KeyUsage.GENERATE_VERIFY_MAC, m.keyUsage());
        assertEquals(java.util.List.of(algorithm), MacAlgorithm.forKey(m.keySpec(), m.keyUsage()));
    }

    @Test
    void twoKeysHaveDifferentMaterialAndMacs() throws Exception {
        f.keys.createKey(CreateKeyRequest.withAlias("mac2").keySpec(KeySpec.HMAC_256).keyUsage(KeyUsage.GENERATE_VERIFY_MAC));
        assertFalse(Arrays.equals(material("mac"), material("mac2")));
        assertFalse(Arrays.equals(f.keys.generateMac("mac", message, MacAlgorithm.HMAC_SHA_256),
                f.keys.generateMac("mac2", message, MacAlgorithm.HMAC_SHA_256)));
    }

    @Test
    void creationTakesOnlyGenerateVerifyMacAndNoRotation() throws Exception {
        var e = assertThrows(InvalidKeyRequestException.class, () -> f.keys.createKey(CreateKeyRequest.withAlias("x")
                .keySpec(KeySpec.HMAC_384).keyUsage(KeyUsage.ENCRYPT_DECRYPT)));
        assertTrue(e.getMessage().contains("HMAC_384") && e.getMessage().contains("ENCRYPT_DECRYPT"), e.getMessage());
        last(AuditOperation.CREATE_KEY, AuditOutcome.FAILED);
        e = assertThrows(InvalidKeyRequestException.class, () -> f.keys.createKey(CreateKeyRequest.withAlias("x")
                .keySpec(KeySpec.HMAC_384).keyUsage(KeyUsage.GENERATE_VERIFY_MAC).rotationPeriodDays(365)));
        assertTrue(e.getMessage().contains("do not rotate"), e.getMessage());
        e = assertThrows(InvalidKeyRequestException.class, () -> f.keys.createKey(CreateKeyRequest.withAlias("x")
                .keyUsage(KeyUsage.GENERATE_VERIFY_MAC)));
        assertTrue(e.getMessage().contains("SYMMETRIC_DEFAULT"), e.getMessage());
        assertFalse(f.keys.hasAlias("x"), "nothing was created");
    }

    @Test
    void hmacKeysDoNotRotate() throws Exception {
        var e = assertThrows(KeyStateException.class, () -> f.keys.rotateKeyOnDemand("mac"));
        assertTrue(e.getMessage().contains("HMAC keys have one version"), e.getMessage());
        last(AuditOperation.ROTATE_KEY, AuditOutcome.DENIED);
        assertThrows(KeyStateException.class, () -> f.keys.enableKeyRotation("mac", 365));
        assertThrows(KeyStateException.class, () -> f.keys.revokeKeyVersion("mac", 1));
        assertEquals(1, f.keys.describeKey("mac").versionCount());
    }

    @Test
    void macAlgorithmUsageAndSpecMixUpsAreRefused() throws Exception {
        var e = assertThrows(InvalidKeyException.class, () -> f.keys.generateMac("mac", message, MacAlgorithm.HMAC_SHA_512));
        assertTrue(e.getMessage().contains("HMAC_SHA_256") && e.getMessage().contains("HMAC_SHA_512"), e.getMessage());
        last(AuditOperation.GENERATE_MAC, AuditOutcome.FAILED);
        e = assertThrows(InvalidKeyException.class, () -> f.keys.generateMac("aes", message, MacAlgorithm.HMAC_SHA_256));
        assertTrue(e.getMessage().contains("SYMMETRIC_DEFAULT ENCRYPT_DECRYPT") && e.getMessage().contains("GENERATE_VERIFY_MAC"),
                e.getMessage());
        e = assertThrows(InvalidKeyException.class,
                () -> f.keys.verifyMac("aes", message, new byte[32], MacAlgorithm.HMAC_SHA_256));
        last(AuditOperation.VERIFY_MAC, AuditOutcome.FAILED);
        // an HMAC key's handle cannot key KMSWrap: refused naming its spec and usage
        KmsKeyHandle mac = f.keys.findKey("mac").orElseThrow();
        Cipher wrap = Cipher.getInstance("KMSWrap", LifecycleFixture.PROVIDER);
        e = assertThrows(InvalidKeyException.class, () -> wrap.init(Cipher.WRAP_MODE, mac));
        assertTrue(e.getMessage().contains("HMAC_256 GENERATE_VERIFY_MAC"), e.getMessage());
        // nor sign, nor make data keys
        assertThrows(InvalidKeyException.class,
                () -> f.keys.sign("mac", new byte[32], MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_256));
        assertThrows(InvalidAlgorithmParameterException.class, () -> f.keys.generateMac("mac", message, null));
    }

    @Test
    void messagesAreBoundedAt4096Bytes() throws Exception {
        assertEquals(32, f.keys.generateMac("mac", new byte[MacEngine.MAX_MESSAGE_BYTES], MacAlgorithm.HMAC_SHA_256).length);
        var e = assertThrows(InvalidAlgorithmParameterException.class,
                () -> f.keys.generateMac("mac", new byte[MacEngine.MAX_MESSAGE_BYTES + 1], MacAlgorithm.HMAC_SHA_256));
        assertTrue(e.getMessage().contains("4096"), e.getMessage());
        last(AuditOperation.GENERATE_MAC, AuditOutcome.FAILED);
        assertThrows(InvalidAlgorithmParameterException.class, () -> f.keys.verifyMac("mac",
                new byte[MacEngine.MAX_MESSAGE_BYTES + 1], new byte[32], MacAlgorithm.HMAC_SHA_256));
    }

    @Test
    void aDisabledKeyMacsNothingAndAnUnknownOneIsRefused() throws Exception {
        f.keys.disableKey("mac");
        var e = assertThrows(KeyUnavailableException.class, () -> f.keys.generateMac("mac", message, MacAlgorithm.HMAC_SHA_256));
        assertTrue(e.getMessage().contains("Disabled"), e.getMessage());
        last(AuditOperation.GENERATE_MAC, AuditOutcome.DENIED); // a key's state refuses: DENIED, as every refusal of state
        f.keys.enableKey("mac");
        assertEquals(32, f.keys.generateMac("mac", message, MacAlgorithm.HMAC_SHA_256).length);
        assertThrows(InvalidKeyException.class, () -> f.keys.generateMac("nope", message, MacAlgorithm.HMAC_SHA_256));
        last(AuditOperation.GENERATE_MAC, AuditOutcome.FAILED);
    }

    @Test
    void aReopenedStoreKeepsTheMaterial() throws Exception {
        byte[] mac = f.keys.generateMac("mac", message, MacAlgorithm.HMAC_SHA_256);
        f.reopen();
        assertTrue(f.keys.verifyMac("mac", message, mac, MacAlgorithm.HMAC_SHA_256));
        assertArrayEquals(mac, f.keys.generateMac("mac", message, MacAlgorithm.HMAC_SHA_256));
    }

    /**
     * Each GenerateMac and VerifyMac, and each streamed MAC a JCA {@code Mac} ends, counts one use
     * of the key's version (the record's use count); a refused one does not.
     */
    @Test
    void everyMacIsCountedOnTheKeysVersion() throws Exception {
        MasterKey k = f.keys.registry().lookup("mac").orElseThrow();
        long before = k.current().wraps();
        byte[] mac = f.keys.generateMac("mac", message, MacAlgorithm.HMAC_SHA_256);
        assertTrue(f.keys.verifyMac("mac", message, mac, MacAlgorithm.HMAC_SHA_256));
        Mac jca = Mac.getInstance("HmacSHA256", LifecycleFixture.PROVIDER);
        jca.init(f.keys.findKey("mac").orElseThrow());
        jca.update(message);
        assertArrayEquals(mac, jca.doFinal());
        assertThrows(InvalidAlgorithmParameterException.class,
                () -> f.keys.generateMac("mac", new byte[MacEngine.MAX_MESSAGE_BYTES + 1], MacAlgorithm.HMAC_SHA_256));

        assertEquals(before + 3, f.keys.registry().lookup("mac").orElseThrow().current().wraps());
    }

    @Test
    void closingTheStoreWipesTheMaterial() throws Exception {
        MasterKey k = f.keys.registry().lookup("mac").orElseThrow();
        assertTrue(k.current().holdsMaterial());
        f.keys.close();
        assertFalse(k.current().holdsMaterial());
    }

    @Test
    void policiesAndGrantsDecideWithTheMacAlgorithm() throws Exception {
        f.keys.putKeyPolicy("mac", """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": "admin"}, "Action": "kms:*", "Resource": "*"},
                  {"Effect": "Allow", "Principal": {"AWS": "app"}, "Action": "kms:GenerateMac", "Resource": "*",
                   "Condition": {"StringEquals": {"kms:MacAlgorithm": "HMAC_SHA_256"}}}]}""", true);
        byte[] mac = as("app", () -> f.keys.generateMac("mac", message, MacAlgorithm.HMAC_SHA_256));
        var denied = assertThrows(KeyUseDeniedException.class,
                () -> as("app", () -> f.keys.verifyMac("mac", message, mac, MacAlgorithm.HMAC_SHA_256)));
        assertEquals("kms:VerifyMac", denied.denial().action());
        last(AuditOperation.VERIFY_MAC, AuditOutcome.DENIED);
        assertThrows(KeyUseDeniedException.class,
                () -> as("other", () -> f.keys.generateMac("mac", message, MacAlgorithm.HMAC_SHA_256)));
        last(AuditOperation.GENERATE_MAC, AuditOutcome.DENIED);

        // a policy whose condition names another MAC algorithm does not allow this one
        as("admin", () -> f.keys.putKeyPolicy("mac", """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": "admin"}, "Action": "kms:*", "Resource": "*"},
                  {"Effect": "Allow", "Principal": {"AWS": "app"}, "Action": "kms:GenerateMac", "Resource": "*",
                   "Condition": {"StringEquals": {"kms:MacAlgorithm": "HMAC_SHA_512"}}}]}""", true));
        assertThrows(KeyUseDeniedException.class,
                () -> as("app", () -> f.keys.generateMac("mac", message, MacAlgorithm.HMAC_SHA_256)));

        // a grant lets another principal verify, and nothing else
        as("admin", () -> f.keys.createGrant("mac", GrantRequest.to("auditor", Set.of(GrantOperation.VerifyMac))));
        assertTrue(as("auditor", () -> f.keys.verifyMac("mac", message, mac, MacAlgorithm.HMAC_SHA_256)));
        assertThrows(KeyUseDeniedException.class,
                () -> as("auditor", () -> f.keys.generateMac("mac", message, MacAlgorithm.HMAC_SHA_256)));
    }

    @Test
    void generateRandomGivesFreshBytesBoundedAuditedAndByStorePolicy() throws Exception {
        byte[] a = f.keys.generateRandom(1024);
        byte[] b = f.keys.generateRandom(1024);
        assertEquals(1024, a.length);
        assertFalse(Arrays.equals(a, b));
        assertFalse(Arrays.equals(new byte[1024], a));
        assertEquals(1, f.keys.generateRandom(1).length);
        AuditEvent ok = last(AuditOperation.GENERATE_RANDOM, AuditOutcome.SUCCESS);
        assertNull(ok.keyId());
        for (int bad : new int[]{0, -1, 1025}) {
            var e = assertThrows(InvalidKeyRequestException.class, () -> f.keys.generateRandom(bad));
            assertTrue(e.getMessage().contains("1 to 1024"), e.getMessage());
            last(AuditOperation.GENERATE_RANDOM, AuditOutcome.FAILED);
        }
        as("admin", () -> f.keys.putStorePolicy(AccessReviewFindingsTest.everyoneExcept("""
                {"Sid": "NoRandom", "Effect": "Deny", "Principal": {"AWS": "app"}, "Action": "kms:GenerateRandom",
                 "Resource": "*"}"""), false));
        var denied = assertThrows(KeyAccessDeniedException.class, () -> as("app", () -> f.keys.generateRandom(16)));
        assertEquals("kms:GenerateRandom", denied.denial().action());
        last(AuditOperation.GENERATE_RANDOM, AuditOutcome.DENIED);
        assertEquals(16, as("bob", () -> f.keys.generateRandom(16)).length);
    }
}
