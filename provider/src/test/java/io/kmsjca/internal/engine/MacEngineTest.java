package io.kmsjca.internal.engine;

import io.kmsjca.internal.service.LifecycleFixture;
import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.MacAlgorithm;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The HMAC engine leaves no pads of a key in its JDK {@code Mac} once an operation is over (the
 * JDK keeps them until the Mac is keyed again): after each GenerateMac and VerifyMac, and when a
 * streamed MAC ends because its handle was destroyed; that refusal is audited.
 */
class MacEngineTest {

    private static final byte[] PROBE = "what the Mac holds".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;
    LifecycleFixture f;
    KmsKeyHandle mac;

    @BeforeEach
    void setUp() throws Exception {
        f = new LifecycleFixture(dir);
        mac = f.keys.createKey(CreateKeyRequest.withAlias("mac").keySpec(KeySpec.HMAC_256)
                .keyUsage(KeyUsage.GENERATE_VERIFY_MAC));
    }

    /** The HMAC of the probe under the key the engine's Mac holds now. */
    private static byte[] held(MacEngine engine) {
        return engine.mac(MacAlgorithm.HMAC_SHA_256).doFinal(PROBE);
    }

    /** The HMAC of the probe under a key of zeros: what a Mac whose key was forgotten gives. */
    private static byte[] forgotten() throws Exception {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(new SecretKeySpec(new byte[64], "HmacSHA256"));
        return m.doFinal(PROBE);
    }

    @Test
    void generateAndVerify_leaveNoPadsOfTheKeyInTheEnginesMac() throws Exception {
        MacEngine engine = new MacEngine();
        MacEngine.Target target = MacEngine.Target.of(mac);

        byte[] tag = engine.generateMac(target, PROBE, MacAlgorithm.HMAC_SHA_256);
        assertArrayEquals(forgotten(), held(engine), "after GenerateMac the Mac holds a key of zeros");
        assertFalse(java.util.Arrays.equals(tag, forgotten()));

        assertTrue(engine.verifyMac(target, PROBE, tag, MacAlgorithm.HMAC_SHA_256));
        assertArrayEquals(forgotten(), held(engine), "and after VerifyMac");
    }

    /**
     * A streamed MAC whose handle was destroyed before {@code doFinal} is refused, audited, its
     * key wiped from the Mac, and the session ended: nothing more can be streamed into it.
     */
    @Test
    void aStreamedMacWhoseHandleWasDestroyed_isRefusedAudited_andTheKeyLeavesTheMac() throws Exception {
        MacEngine engine = new MacEngine();
        engine.init(mac, MacAlgorithm.HMAC_SHA_256);
        engine.update(PROBE, 0, PROBE.length);
        mac.destroy();
        f.audit.clear();

        var e = assertThrows(IllegalStateException.class, engine::doFinal);

        assertInstanceOf(java.security.InvalidKeyException.class, e.getCause());
        assertArrayEquals(forgotten(), held(engine), "the destroyed handle's key left the Mac");
        assertThrows(IllegalStateException.class, () -> engine.update((byte) 1), "the session ended");
        AuditEvent refused = f.last(AuditOperation.GENERATE_MAC);
        assertNotEquals(AuditOutcome.SUCCESS, refused.outcome());
        assertEquals(mac.keyId().toString(), refused.keyId());
        assertEquals(1, refused.keyVersion());
    }
}
