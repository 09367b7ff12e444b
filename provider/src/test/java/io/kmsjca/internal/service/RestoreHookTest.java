package io.kmsjca.internal.service;

import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;

import io.kmsjca.internal.service.KeyStores;

import io.kmsjca.internal.format.WrappedKeyBlob;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 14: a JVM restored from a snapshot must not continue the wrap session of the snapshot
 * (salt, derived key, nonce counter), which every copy would continue alike. The provider's hook,
 * registered by reflection with the checkpoint/restore runtime ({@code org.crac}, here the test
 * stand-in), drops every session: the next wrap draws a new salt from a reseeded generator.
 */
class RestoreHookTest {

    @Test
    void afterRestore_theNextWrapUsesANewSalt() throws Exception {
        EmbeddedKeyService keys = KeyStores.newInMemory(KeyServiceOptions.defaults()
                .withKdf(io.kmsjca.keys.Argon2Params.insecureForTests()));
        var key = keys.createKey("restored", "");
        Cipher c = Cipher.getInstance("KMSWrap", LifecycleFixture.PROVIDER);
        c.init(Cipher.WRAP_MODE, key);
        byte[] first = c.wrap(LifecycleFixture.DATA_KEY);
        byte[] sameSession = c.wrap(LifecycleFixture.DATA_KEY);
        assertArrayEquals(salt(first), salt(sameSession), "without a restore the session goes on");

        org.crac.Core.simulateRestore();
        byte[] afterRestore = c.wrap(LifecycleFixture.DATA_KEY);

        assertFalse(Arrays.equals(salt(first), salt(afterRestore)), "a restored JVM opens a new session");
        assertEquals(0, nonceCounter(afterRestore) / 4, "and counts its nonces from 0 under the new salt (on this thread's stripe of four)");
        Cipher u = Cipher.getInstance("KMSWrap", LifecycleFixture.PROVIDER);
        for (byte[] blob : new byte[][] {first, sameSession, afterRestore}) {
            u.init(Cipher.UNWRAP_MODE, key);
            assertArrayEquals(LifecycleFixture.DATA_KEY.getEncoded(), u.unwrap(blob, "AES", Cipher.SECRET_KEY).getEncoded());
        }
        keys.close();
    }

    private static byte[] salt(byte[] blob) {
        return Arrays.copyOfRange(blob, WrappedKeyBlob.SALT_OFFSET, WrappedKeyBlob.SALT_OFFSET + WrappedKeyBlob.SALT_BYTES);
    }

    private static long nonceCounter(byte[] blob) {
        return java.nio.ByteBuffer.wrap(blob, WrappedKeyBlob.NONCE_OFFSET + 4, 8).getLong();
    }
}
