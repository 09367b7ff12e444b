package io.kmsjca.internal.service;

import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsKeyHandle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.InvalidKeyException;

import static org.junit.jupiter.api.Assertions.*;

/**
 * "After destroy() the handle can no longer be used" (KmsKeyHandle): every service refuses a
 * destroyed handle at each operation, not only at init, as KMSWrap and the Signature services do.
 */
class DestroyedHandleReviewTest {

    @TempDir
    Path dir;
    LifecycleFixture f;
    KmsKeyHandle hmac;
    final byte[] message = "m".getBytes(StandardCharsets.UTF_8);

    @BeforeEach
    void setUp() throws Exception {
        f = new LifecycleFixture(dir);
        hmac = f.keys.createKey(CreateKeyRequest.withAlias("mac").keySpec(KeySpec.HMAC_256)
                .keyUsage(KeyUsage.GENERATE_VERIFY_MAC));
    }

    @Test
    void aMacInitializedBeforeItsHandleWasDestroyed_makesNoMoreMacs() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256", LifecycleFixture.PROVIDER);
        mac.init(hmac);
        mac.update(message);
        assertEquals(32, mac.doFinal().length, "the handle is live: the MAC is made");

        hmac.destroy();
        mac.update(message);
        var refused = assertThrows(IllegalStateException.class, mac::doFinal);
        assertInstanceOf(InvalidKeyException.class, refused.getCause());
        assertTrue(refused.getMessage().contains("destroyed"), refused.getMessage());
        assertThrows(InvalidKeyException.class, () -> mac.init(hmac), "init refuses it too");
        var ended = assertThrows(IllegalStateException.class, () -> mac.update(message),
                "the session ended with the handle: the key's pads were wiped from the Mac, not kept for a retry");
        assertTrue(ended.getMessage().contains("not initialized"), ended.getMessage());
    }
}
