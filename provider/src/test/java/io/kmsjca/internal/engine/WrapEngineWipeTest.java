package io.kmsjca.internal.engine;

import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.internal.model.KeyVersion;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.RotationReason;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import java.security.InvalidKeyException;
import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A request that took a derived key before its version was wiped, and keys its cipher after, is
 * refused with an {@code InvalidKeyException}: whether the wipe destroyed that key (the JDK's
 * cipher fails reading it) or the key had left the cache and escaped the wipe's sweep.
 */
class WrapEngineWipeTest {

    private static final UUID KEY_ID = UUID.randomUUID();

    @Test
    void aKeyTheWipeDestroyed_isRefusedWithInvalidKeyException() throws Exception {
        KeyVersion version = newVersion();
        Mac mac = Mac.getInstance("HmacSHA256");
        DerivedKey key = version.lease(KEY_ID, mac).key();
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        WrapEngine.keyGcm(gcm, version, key, Cipher.ENCRYPT_MODE, spec(1)); // live: keyed

        version.wipe();

        assertTrue(key.isDestroyed());
        InvalidKeyException refused = assertThrows(InvalidKeyException.class,
                () -> WrapEngine.keyGcm(gcm, version, key, Cipher.ENCRYPT_MODE, spec(2)));
        assertTrue(refused.getMessage().contains("wiped"), refused.getMessage());
    }

    @Test
    void aKeyThatEscapedTheWipesSweep_isRefusedOnceTheCipherIsKeyed() throws Exception {
        KeyVersion version = newVersion();
        Mac mac = Mac.getInstance("HmacSHA256");
        byte[] first = io.kmsjca.internal.model.KeyVersionWipeTest.blobWithSalt((byte) 7);
        DerivedKey evicted = version.forBlob(KEY_ID, first, mac);
        version.forBlob(KEY_ID, io.kmsjca.internal.model.KeyVersionWipeTest.blobWithSalt((byte) 7), mac); // another salt takes the same cache slot

        version.wipe();

        assertFalse(evicted.isDestroyed(), "out of the cache, the sweep does not reach it");
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        assertThrows(InvalidKeyException.class,
                () -> WrapEngine.keyGcm(gcm, version, evicted, Cipher.DECRYPT_MODE, spec(3)));
    }

    private static KeyVersion newVersion() {
        byte[] material = new byte[32];
        KmsRandom.nextBytes(material);
        return new KeyVersion(1, Instant.EPOCH, KeyOrigin.GENERATED, RotationReason.CREATED, material, 0);
    }

    private static GCMParameterSpec spec(int nonce) {
        byte[] iv = new byte[12];
        iv[11] = (byte) nonce;
        return new GCMParameterSpec(128, iv);
    }

    /** The start of a KMSWrap blob whose salt begins with {@code first} (which picks its cache slot). */
}
