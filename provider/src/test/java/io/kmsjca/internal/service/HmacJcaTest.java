package io.kmsjca.internal.service;

import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.MacAlgorithm;
import io.kmsjca.provider.KmsLoadParameter;
import io.kmsjca.provider.KmsProvider;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.KeyStore;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.util.Arrays;
import java.util.Collections;

import static io.kmsjca.internal.service.AsPrincipal.as;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The JCA face of HMAC keys: {@code Mac HmacSHA*} given a KMS handle runs in KMS and given a
 * {@code SecretKeySpec} in the JDK, with the KMS provider installed first or last (delayed
 * provider selection by {@code SupportedKeyClasses}); streamed updates give GenerateMac's MAC, each
 * doFinal audited once; init refuses the wrong key; {@code KeyStore "KMS"} lists HMAC keys as
 * secret-key entries; {@code SecureRandom "KMS"}.
 */
class HmacJcaTest {

    @TempDir
    Path dir;
    LifecycleFixture f;
    KmsKeyHandle mac;
    byte[] message = "a message streamed in pieces".getBytes(StandardCharsets.UTF_8);

    @BeforeEach
    void setUp() throws Exception {
        f = new LifecycleFixture(dir);
        mac = f.keys.createKey(CreateKeyRequest.withAlias("mac").keySpec(KeySpec.HMAC_256)
                .keyUsage(KeyUsage.GENERATE_VERIFY_MAC));
        f.keys.createKey("aes", "");
    }

    private long count(AuditOperation op, AuditOutcome outcome) {
        f.keys.auditRecorder().flush();
        return f.audit.stream().filter(e -> e.operation() == op && e.outcome() == outcome).count();
    }

    private static Provider installed(boolean first) {
        Provider p = new KmsProvider();
        if (first) {
            Security.insertProviderAt(p, 1);
        } else {
            Security.addProvider(p);
        }
        return p;
    }

    @ParameterizedTest(name = "KMS installed first: {0}")
    @ValueSource(booleans = {true, false})
    void macGetInstanceRunsInKmsForAHandleAndInTheJdkForARawKey(boolean first) throws Exception {
        Provider kms = installed(first);
        try {
            Mac withHandle = Mac.getInstance("HmacSHA256");
            withHandle.init(mac);
            assertSame(kms, withHandle.getProvider(), "a KMS handle routes to KMS");
            withHandle.update(message);
            assertArrayEquals(f.keys.generateMac("mac", message, MacAlgorithm.HMAC_SHA_256), withHandle.doFinal());

            SecretKey raw = new SecretKeySpec(new byte[32], "HmacSHA256");
            Mac withRaw = Mac.getInstance("HmacSHA256");
            withRaw.init(raw);
            assertEquals("SunJCE", withRaw.getProvider().getName(), "a raw key stays with the JDK");
            Mac jdk = Mac.getInstance("HmacSHA256", "SunJCE");
            jdk.init(raw);
            assertArrayEquals(jdk.doFinal(message), withRaw.doFinal(message));
        } finally {
            Security.removeProvider(kms.getName());
        }
    }

    @Test
    void streamedUpdatesGiveTheSameMacAndEachDoFinalIsAuditedOnce() throws Exception {
        Mac m = Mac.getInstance("HmacSHA256", LifecycleFixture.PROVIDER);
        m.init(mac);
        assertEquals(32, m.getMacLength());
        long before = count(AuditOperation.GENERATE_MAC, AuditOutcome.SUCCESS);
        m.update(message, 0, 5);
        m.update(message[5]);
        m.update(java.nio.ByteBuffer.wrap(message, 6, message.length - 6));
        byte[] streamed = m.doFinal();
        assertEquals(before + 1, count(AuditOperation.GENERATE_MAC, AuditOutcome.SUCCESS));
        assertArrayEquals(f.keys.generateMac("mac", message, MacAlgorithm.HMAC_SHA_256), streamed);
        // after doFinal the Mac starts again with the same key; reset forgets what was streamed
        m.update(new byte[] {1, 2, 3});
        m.reset();
        assertArrayEquals(streamed, m.doFinal(message));
        // the JCA Mac is not bounded by GenerateMac's 4096 bytes: it streams (docs/decisions.md)
        byte[] big = new byte[100_000];
        big[99_999] = 9;
        assertEquals(32, m.doFinal(big).length);
        assertFalse(Arrays.equals(m.doFinal(big), m.doFinal(new byte[100_000])));
    }

    @Test
    void initRefusesOtherKeysNamingSpecAndUsage() throws Exception {
        Mac m512 = Mac.getInstance("HmacSHA512", LifecycleFixture.PROVIDER);
        var e = assertThrows(InvalidKeyException.class, () -> m512.init(mac));
        assertTrue(e.getMessage().contains("HMAC_SHA_256") && e.getMessage().contains("HMAC_SHA_512"), e.getMessage());
        assertEquals(AuditOutcome.FAILED, f.last(AuditOperation.GENERATE_MAC).outcome());
        Mac m = Mac.getInstance("HmacSHA256", LifecycleFixture.PROVIDER);
        KmsKeyHandle aes = f.keys.findKey("aes").orElseThrow();
        e = assertThrows(InvalidKeyException.class, () -> m.init(aes));
        assertTrue(e.getMessage().contains("SYMMETRIC_DEFAULT ENCRYPT_DECRYPT"), e.getMessage());
        e = assertThrows(InvalidKeyException.class, () -> m.init(new SecretKeySpec(new byte[32], "HmacSHA256")));
        assertTrue(e.getMessage().contains("JDK"), e.getMessage());
        assertThrows(IllegalStateException.class, m::doFinal, "not initialized");
    }

    @Test
    void aKeyDisabledAfterInitRefusesDoFinal() throws Exception {
        Mac m = Mac.getInstance("HmacSHA256", LifecycleFixture.PROVIDER);
        m.init(mac);
        m.update(message);
        f.keys.disableKey("mac");
        var e = assertThrows(IllegalStateException.class, m::doFinal);
        assertTrue(e.getMessage().contains("Disabled"), e.getMessage());
        assertInstanceOf(InvalidKeyException.class, e.getCause());
        f.keys.enableKey("mac");
        assertArrayEquals(f.keys.generateMac("mac", message, MacAlgorithm.HMAC_SHA_256), m.doFinal(message),
                "the refused doFinal left no data behind");
    }

    @Test
    void aCallerWithoutGenerateMacIsRefusedAtInit() throws Exception {
        f.keys.putKeyPolicy("mac", """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": "admin"}, "Action": "kms:*", "Resource": "*"}]}""", true);
        Mac m = Mac.getInstance("HmacSHA256", LifecycleFixture.PROVIDER);
        assertThrows(InvalidKeyException.class, () -> as("app", () -> m.init(mac)));
        assertEquals(AuditOutcome.DENIED, f.last(AuditOperation.GENERATE_MAC).outcome());
        as("admin", () -> m.init(mac));
        assertEquals(32, as("admin", () -> m.doFinal(message)).length);
    }

    @Test
    void theKeyStoreListsHmacKeysAsSecretKeyEntries() throws Exception {
        KeyStore ks = KeyStore.getInstance("KMS", LifecycleFixture.PROVIDER);
        ks.load(KmsLoadParameter.of(f.keys));
        assertTrue(Collections.list(ks.aliases()).contains("mac"));
        assertTrue(ks.entryInstanceOf("mac", KeyStore.SecretKeyEntry.class));
        KeyStore.SecretKeyEntry entry = (KeyStore.SecretKeyEntry) ks.getEntry("mac", null);
        assertEquals("HmacSHA256", entry.getSecretKey().getAlgorithm());
        assertInstanceOf(KmsKeyHandle.class, entry.getSecretKey());
        assertNull(entry.getSecretKey().getEncoded());
        assertEquals("AES", ks.getKey("aes", null).getAlgorithm());
        Mac m = Mac.getInstance("HmacSHA256", LifecycleFixture.PROVIDER);
        m.init(ks.getKey("mac", null));
        assertArrayEquals(f.keys.generateMac("mac", message, MacAlgorithm.HMAC_SHA_256), m.doFinal(message));
    }

    @Test
    void secureRandomKmsDrawsFromTheProvidersGenerator() throws Exception {
        Provider kms = installed(false);
        try {
            SecureRandom r = SecureRandom.getInstance("KMS", "KMS");
            assertSame(kms, r.getProvider());
            assertEquals("true", kms.getService("SecureRandom", "KMS").getAttribute("ThreadSafe"));
            byte[] a = new byte[64];
            byte[] b = new byte[64];
            r.nextBytes(a);
            r.setSeed(new byte[64]); // ignored: the provider's generator takes no seed from callers
            r.nextBytes(b);
            assertFalse(Arrays.equals(a, b));
            assertFalse(Arrays.equals(new byte[64], a));
            assertEquals(16, r.generateSeed(16).length);
            for (AuditEvent e : f.audit) {
                assertNotEquals(AuditOperation.GENERATE_RANDOM, e.operation(), "a SecureRandom is not audited");
            }
        } finally {
            Security.removeProvider(kms.getName());
        }
    }
}
