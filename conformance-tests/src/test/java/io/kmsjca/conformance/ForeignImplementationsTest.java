package io.kmsjca.conformance;

import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.KmsKeyRing;
import io.kmsjca.provider.KmsDataKeySpec;
import io.kmsjca.provider.KmsEnvelopeSpec;
import io.kmsjca.provider.KmsLoadParameter;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import java.lang.reflect.Proxy;
import java.security.InvalidKeyException;
import java.security.KeyStore;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link KmsKeyHandle} and {@link KeyService} are interfaces (docs/architecture.md): code can
 * implement them, but the provider trusts only the ones it made. A handle made by another class,
 * even one naming a real key's id, is refused with {@code InvalidKeyException} by every service
 * that takes a handle, and a key service made by another class is refused by {@code KeyStore.load}.
 */
class ForeignImplementationsTest {

    /** A handle that names {@code keyId} as a real handle would, made by this test. */
    private static KmsKeyHandle forged(UUID keyId) {
        return new KmsKeyHandle() {
            @Override
            public UUID keyId() {
                return keyId;
            }

            @Override
            public String alias() {
                return "files";
            }

            @Override
            public String getAlgorithm() {
                return "AES";
            }

            @Override
            public String getFormat() {
                return null;
            }

            @Override
            public byte[] getEncoded() {
                return null;
            }
        };
    }

    @Test
    void aForgedHandle_namingARealKey_isRefusedByKmsWrap() throws Exception {
        var store = Fixtures.storeWithKey("files");
        KmsKeyHandle forged = forged(store.key().keyId());
        for (int mode : new int[] {Cipher.WRAP_MODE, Cipher.UNWRAP_MODE, Cipher.ENCRYPT_MODE, Cipher.DECRYPT_MODE}) {
            Cipher c = Cipher.getInstance("KMSWrap", Fixtures.PROVIDER);
            var e = assertThrows(InvalidKeyException.class, () -> c.init(mode, forged));
            assertTrue(e.getMessage().contains("not a handle a KMS key store gave out"), e.getMessage());
        }
    }

    @Test
    void aForgedHandle_isRefusedByKmsEnvelope_aloneAndInARing() throws Exception {
        var store = Fixtures.storeWithKey("files");
        KmsKeyHandle forged = forged(store.key().keyId());
        Cipher alone = Cipher.getInstance("KMSEnvelope", Fixtures.PROVIDER);
        assertThrows(InvalidKeyException.class, () -> alone.init(Cipher.ENCRYPT_MODE, forged, KmsEnvelopeSpec.withContext(Map.of())));
        Cipher ring = Cipher.getInstance("KMSEnvelope", Fixtures.PROVIDER);
        assertThrows(InvalidKeyException.class, () -> ring.init(Cipher.ENCRYPT_MODE, KmsKeyRing.of(store.key(), forged),
                KmsEnvelopeSpec.withContext(Map.of())));
    }

    @Test
    void aForgedHandle_isRefusedByKmsDataKey() throws Exception {
        var store = Fixtures.storeWithKey("files");
        KeyGenerator g = KeyGenerator.getInstance("KMSDataKey", Fixtures.PROVIDER);
        g.init(KmsDataKeySpec.aes256(forged(store.key().keyId())));
        var e = assertThrows(RuntimeException.class, g::generateKey);
        assertTrue(e.getCause() instanceof InvalidKeyException, String.valueOf(e.getCause()));
        assertEquals(0, store.audit().stream().filter(a -> a.outcome().name().equals("SUCCESS")).count(),
                "nothing was wrapped");
    }

    @Test
    void aKeyServiceMadeByAnotherClass_isRefusedByKeyStoreLoad() throws Exception {
        KeyService foreign = (KeyService) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {KeyService.class},
                (proxy, method, args) -> {
                    throw new AssertionError("the provider must not call a foreign key service: " + method.getName());
                });
        KeyStore ks = KeyStore.getInstance("KMS", Fixtures.PROVIDER);
        var e = assertThrows(IllegalArgumentException.class, () -> ks.load(KmsLoadParameter.of(foreign)));
        assertTrue(e.getMessage().contains("not a key service of kms-jca"), e.getMessage());
    }
}
