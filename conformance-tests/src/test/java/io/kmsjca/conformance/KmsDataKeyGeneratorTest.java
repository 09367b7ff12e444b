package io.kmsjca.conformance;

import io.kmsjca.provider.KmsDataKey;
import io.kmsjca.provider.KmsDataKeySpec;
import io.kmsjca.provider.KmsEncryptionContextSpec;

import io.kmsjca.provider.*;

import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.spi.audit.AuditOperation;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidParameterException;
import java.security.ProviderException;
import java.security.spec.ECGenParameterSpec;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class KmsDataKeyGeneratorTest {

    private static KeyGenerator generator() throws Exception {
        return KeyGenerator.getInstance("KMSDataKey", Fixtures.PROVIDER);
    }

    @Test
    void generateDataKey_returnsPlaintextAndABlobThatUnwrapsToIt() throws Exception {
        var store = Fixtures.storeWithKey("files");
        for (int bits : new int[] {128, 256}) {
            KeyGenerator g = generator();
            g.init(KmsDataKeySpec.of(store.key(), bits).withContext(Map.of("file", "a.txt")));
            KmsDataKey dk = (KmsDataKey) g.generateKey();
            assertEquals("AES", dk.getAlgorithm());
            assertEquals(bits / 8, dk.getEncoded().length);
            Cipher c = Cipher.getInstance("KMSWrap", Fixtures.PROVIDER);
            c.init(Cipher.UNWRAP_MODE, store.key(), new KmsEncryptionContextSpec(Map.of("file", "a.txt")));
            assertArrayEquals(dk.getEncoded(), c.unwrap(dk.ciphertextBlob(), "AES", Cipher.SECRET_KEY).getEncoded());
        }
        assertEquals(AuditOperation.GENERATE_DATA_KEY, store.audit().get(0).operation());
    }

    @Test
    void withoutPlaintext_returnsOnlyTheBlob() throws Exception {
        var store = Fixtures.storeWithKey("files");
        KeyGenerator g = generator();
        g.init(KmsDataKeySpec.aes256(store.key()).withoutPlaintext());
        KmsDataKey dk = (KmsDataKey) g.generateKey();
        assertNull(dk.getEncoded());
        assertFalse(dk.hasPlaintext());
        assertEquals(32 + io.kmsjca.internal.format.WrappedKeyBlob.OVERHEAD, dk.ciphertextBlob().length);
        assertEquals(AuditOperation.GENERATE_DATA_KEY_WITHOUT_PLAINTEXT, store.audit().get(0).operation());
    }

    @Test
    void destroy_wipesThePlaintext() throws Exception {
        var store = Fixtures.storeWithKey("files");
        KeyGenerator g = generator();
        g.init(KmsDataKeySpec.aes256(store.key()));
        KmsDataKey dk = (KmsDataKey) g.generateKey();
        dk.destroy();
        assertTrue(dk.isDestroyed());
        assertNull(dk.getEncoded());
        assertNotNull(dk.ciphertextBlob());
    }

    @Test
    void wrongInitialisation_isRejected() throws Exception {
        assertThrows(InvalidParameterException.class, () -> generator().init(256));
        assertThrows(InvalidAlgorithmParameterException.class, () -> generator().init(new ECGenParameterSpec("secp256r1")));
        assertThrows(IllegalStateException.class, () -> generator().generateKey());
        var store = Fixtures.storeWithKey("files");
        assertThrows(IllegalArgumentException.class, () -> KmsDataKeySpec.of(store.key(), 192));
    }

    @Test
    void unusableMasterKey_isAProviderExceptionWithTheCause() throws Exception {
        var store = Fixtures.storeWithKey("files");
        KmsKeyHandle h = store.key();
        store.keyStore().deleteEntry("files");
        KeyGenerator g = generator();
        g.init(KmsDataKeySpec.aes256(h));
        var e = assertThrows(ProviderException.class, g::generateKey);
        assertTrue(e.getMessage().contains("PendingDeletion"), e.getMessage());
    }
}
