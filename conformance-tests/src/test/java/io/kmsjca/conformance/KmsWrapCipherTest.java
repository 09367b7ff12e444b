package io.kmsjca.conformance;

import io.kmsjca.provider.KmsEncryptionContextSpec;

import io.kmsjca.provider.*;

import io.kmsjca.internal.format.WrappedKeyBlob;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import javax.crypto.spec.IvParameterSpec;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

class KmsWrapCipherTest {

    private Fixtures.StoreWithKey store;
    private KmsKeyHandle master;
    private final SecretKey dataKey = new SecretKeySpec(bytes(32, 7), "AES");

    @BeforeEach
    void setUp() throws Exception {
        store = Fixtures.storeWithKey("orders");
        master = store.key();
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i * 31);
        }
        return b;
    }

    private static Cipher cipher() throws Exception {
        return Cipher.getInstance("KMSWrap", Fixtures.PROVIDER);
    }

    private byte[] wrap(SecretKey k, Map<String, String> context) throws Exception {
        Cipher c = cipher();
        c.init(Cipher.WRAP_MODE, master, new KmsEncryptionContextSpec(context));
        return c.wrap(k);
    }

    private SecretKey unwrap(byte[] blob, Map<String, String> context) throws Exception {
        Cipher c = cipher();
        c.init(Cipher.UNWRAP_MODE, master, new KmsEncryptionContextSpec(context));
        return (SecretKey) c.unwrap(blob, "AES", Cipher.SECRET_KEY);
    }

    @Test
    void wrapThenUnwrap_returnsTheDataKey() throws Exception {
        byte[] blob = wrap(dataKey, Map.of("tenant", "acme"));
        assertEquals(32 + WrappedKeyBlob.OVERHEAD, blob.length);
        SecretKey back = unwrap(blob, Map.of("tenant", "acme"));
        assertArrayEquals(dataKey.getEncoded(), back.getEncoded());
        assertEquals("AES", back.getAlgorithm());
    }

    @Test
    void blob_namesKeyIdAndVersion() throws Exception {
        byte[] blob = wrap(dataKey, Map.of());
        assertEquals(master.keyId(), WrappedKeyBlob.keyId(blob));
        assertEquals(1, WrappedKeyBlob.keyVersion(blob));
    }

    @Test
    void twoWraps_differ() throws Exception {
        assertFalse(Arrays.equals(wrap(dataKey, Map.of()), wrap(dataKey, Map.of())));
    }

    @Test
    void contextOrder_doesNotMatter() throws Exception {
        var ordered = new java.util.LinkedHashMap<String, String>();
        ordered.put("a", "1");
        ordered.put("b", "2");
        var reversed = new java.util.LinkedHashMap<String, String>();
        reversed.put("b", "2");
        reversed.put("a", "1");
        assertArrayEquals(dataKey.getEncoded(), unwrap(wrap(dataKey, ordered), reversed).getEncoded());
    }

    @Test
    void wrongContext_isRejectedWithABadTag() throws Exception {
        byte[] blob = wrap(dataKey, Map.of("tenant", "acme"));
        for (Map<String, String> wrong : java.util.List.of(Map.<String, String>of(), Map.of("tenant", "evil"),
                Map.of("tenant", "acme", "x", "y"))) {
            var e = assertThrows(InvalidKeyException.class, () -> unwrap(blob, wrong));
            assertInstanceOf(AEADBadTagException.class, e.getCause(), e.toString());
        }
    }

    @Test
    void updateAad_isAuthenticated() throws Exception {
        // the JCA allows updateAAD in ENCRYPT/DECRYPT modes only; wraps bind an encryption context
        Cipher c = cipher();
        c.init(Cipher.ENCRYPT_MODE, master);
        c.updateAAD(new byte[] {1, 2, 3});
        byte[] blob = c.doFinal(bytes(20, 1));
        Cipher d = cipher();
        d.init(Cipher.DECRYPT_MODE, master);
        d.updateAAD(new byte[] {1, 2, 3});
        assertArrayEquals(bytes(20, 1), d.doFinal(blob));
        d.updateAAD(new byte[] {1, 2, 4});
        assertThrows(AEADBadTagException.class, () -> d.doFinal(blob));
        assertThrows(AEADBadTagException.class, () -> d.doFinal(blob), "AAD applies to one message");
    }

    @Test
    void everyFlippedBit_isRejected() throws Exception {
        byte[] blob = wrap(dataKey, Map.of());
        for (int i = 0; i < blob.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = blob.clone();
                bad[i] ^= (byte) (1 << bit);
                int at = i;
                Exception e = assertThrows(InvalidKeyException.class, () -> unwrap(bad, Map.of()), "byte " + at);
                assertNotNull(e.getMessage());
            }
        }
    }

    @Test
    void everyTruncation_isRejected() throws Exception {
        byte[] blob = wrap(dataKey, Map.of());
        for (int len = 0; len < blob.length; len++) {
            byte[] cut = Arrays.copyOf(blob, len);
            assertThrows(InvalidKeyException.class, () -> unwrap(cut, Map.of()), "length " + len);
        }
    }

    @Test
    void garbageAndOversizedInput_areRejectedWithClearMessages() throws Exception {
        var garbage = assertThrows(InvalidKeyException.class, () -> unwrap(bytes(200, 3), Map.of()));
        assertTrue(garbage.getMessage().contains("not a KMSWrap blob"), garbage.getMessage());
        var huge = assertThrows(InvalidKeyException.class,
                () -> unwrap(new byte[WrappedKeyBlob.MAX_BLOB_BYTES + 1], Map.of()));
        assertTrue(huge.getMessage().contains("longer than"), huge.getMessage());
        var empty = assertThrows(InvalidKeyException.class, () -> unwrap(new byte[0], Map.of()));
        assertTrue(empty.getMessage().contains("truncated"), empty.getMessage());
    }

    @Test
    void blobForAnotherKey_isRejectedNamingThatKey() throws Exception {
        byte[] blob = wrap(dataKey, Map.of());
        KmsKeyHandle other = io.kmsjca.internal.service.KeyStores.newInMemory(Fixtures.cheapOptions()).createKey("other", "");
        Cipher c = cipher();
        c.init(Cipher.UNWRAP_MODE, other);
        var e = assertThrows(InvalidKeyException.class, () -> c.unwrap(blob, "AES", Cipher.SECRET_KEY));
        assertTrue(e.getMessage().contains(master.keyId().toString()), e.getMessage());
    }

    @Test
    void encryptDecrypt_roundTripsUpTo4096Bytes() throws Exception {
        for (int n : new int[] {0, 1, 100, 4096}) {
            byte[] pt = bytes(n, n);
            Cipher enc = cipher();
            enc.init(Cipher.ENCRYPT_MODE, master);
            enc.update(pt, 0, n / 2);
            byte[] blob = enc.doFinal(pt, n / 2, n - n / 2);
            Cipher dec = cipher();
            dec.init(Cipher.DECRYPT_MODE, master);
            assertArrayEquals(pt, dec.doFinal(blob));
        }
    }

    @Test
    void encryptOver4096Bytes_isAnIllegalBlockSize() throws Exception {
        Cipher enc = cipher();
        enc.init(Cipher.ENCRYPT_MODE, master);
        enc.update(new byte[4000]);
        enc.update(new byte[97]);
        var e = assertThrows(IllegalBlockSizeException.class, () -> enc.doFinal());
        assertTrue(e.getMessage().contains("4096"), e.getMessage());
        assertEquals(3 + WrappedKeyBlob.OVERHEAD, enc.doFinal(new byte[3]).length, "the cipher is usable again");
    }

    @Test
    void decryptOfATamperedBlob_isAnAeadBadTag() throws Exception {
        Cipher enc = cipher();
        enc.init(Cipher.ENCRYPT_MODE, master);
        byte[] blob = enc.doFinal(new byte[10]);
        blob[blob.length - 1] ^= 1;
        Cipher dec = cipher();
        dec.init(Cipher.DECRYPT_MODE, master);
        assertThrows(AEADBadTagException.class, () -> dec.doFinal(blob));
        assertThrows(IllegalBlockSizeException.class, () -> dec.doFinal(new byte[5]));
        assertThrows(BadPaddingException.class, () -> dec.doFinal(new byte[200]));
    }

    @Test
    void unwrapDecryptsWhatGenerateDataKeyMade_andDecryptModeReadsWrapBlobs() throws Exception {
        byte[] blob = wrap(dataKey, Map.of());
        Cipher dec = cipher();
        dec.init(Cipher.DECRYPT_MODE, master);
        assertArrayEquals(dataKey.getEncoded(), dec.doFinal(blob), "KMS Decrypt reads GenerateDataKey blobs");
    }

    @Test
    void useBeforeInitOrInTheWrongMode_isAnIllegalState() throws Exception {
        Cipher fresh = cipher();
        assertThrows(IllegalStateException.class, () -> fresh.wrap(dataKey));
        assertThrows(IllegalStateException.class, () -> fresh.doFinal(new byte[1]));
        Cipher wrapper = cipher();
        wrapper.init(Cipher.WRAP_MODE, master);
        assertThrows(IllegalStateException.class, () -> wrapper.unwrap(new byte[200], "AES", Cipher.SECRET_KEY));
        assertThrows(IllegalStateException.class, () -> wrapper.doFinal(new byte[1]));
        Cipher unwrapper = cipher();
        unwrapper.init(Cipher.UNWRAP_MODE, master);
        assertThrows(IllegalStateException.class, () -> unwrapper.wrap(dataKey));
    }

    @Test
    void initWithAForeignKeyOrParameters_isRejected() throws Exception {
        Cipher c = cipher();
        assertThrows(InvalidKeyException.class, () -> c.init(Cipher.WRAP_MODE, dataKey));
        assertThrows(InvalidAlgorithmParameterException.class,
                () -> c.init(Cipher.WRAP_MODE, master, new IvParameterSpec(new byte[12])));
    }

    @Test
    void masterKeyHandlesAndUnextractableKeys_cannotBeWrapped() throws Exception {
        Cipher c = cipher();
        c.init(Cipher.WRAP_MODE, master);
        assertThrows(InvalidKeyException.class, () -> c.wrap(master));
    }

    @Test
    void privateKeys_wrapAndUnwrap() throws Exception {
        PrivateKey ec = KeyPairGenerator.getInstance("EC").generateKeyPair().getPrivate();
        Cipher c = cipher();
        c.init(Cipher.WRAP_MODE, master);
        byte[] blob = c.wrap(ec);
        Cipher u = cipher();
        u.init(Cipher.UNWRAP_MODE, master);
        assertEquals(ec, u.unwrap(blob, "EC", Cipher.PRIVATE_KEY));
    }

    @Test
    void destroyedHandle_cannotBeUsed() throws Exception {
        KmsKeyHandle h = (KmsKeyHandle) store.keyStore().getKey("orders", null);
        h.destroy();
        assertThrows(InvalidKeyException.class, () -> cipher().init(Cipher.WRAP_MODE, h));
    }

    @Test
    void keyPendingDeletion_refusesWrapAndUnwrap_andIsAuditedAsDenied() throws Exception {
        byte[] blob = wrap(dataKey, Map.of());
        store.keyStore().deleteEntry("orders");
        store.audit().clear();
        var e = assertThrows(InvalidKeyException.class, () -> unwrap(blob, Map.of()));
        assertTrue(e.getMessage().contains("PendingDeletion") && e.getMessage().contains(master.keyId().toString()),
                e.getMessage());
        var event = store.audit().get(store.audit().size() - 1);
        assertEquals(AuditOperation.UNWRAP_KEY, event.operation());
        assertEquals(AuditOutcome.DENIED, event.outcome());
    }

    @Test
    void wrapAndUnwrap_areAuditedOnceEach_withContextKeysButNoValues() throws Exception {
        byte[] blob = wrap(dataKey, Map.of("tenant", "acme-secret-value"));
        unwrap(blob, Map.of("tenant", "acme-secret-value"));
        assertEquals(2, store.audit().size());
        var wrapEvent = store.audit().get(0);
        assertEquals(AuditOperation.WRAP_KEY, wrapEvent.operation());
        assertEquals(AuditOutcome.SUCCESS, wrapEvent.outcome());
        assertEquals(master.keyId().toString(), wrapEvent.keyId());
        assertEquals(1, wrapEvent.keyVersion());
        assertEquals(java.util.List.of("tenant"), wrapEvent.contextKeys());
        assertFalse(wrapEvent.toString().contains("acme-secret-value"));
        assertEquals(AuditOperation.UNWRAP_KEY, store.audit().get(1).operation());
    }

    @Test
    void failedUnwrap_isAuditedAsFailed() throws Exception {
        byte[] blob = wrap(dataKey, Map.of());
        blob[blob.length - 1] ^= 1;
        store.audit().clear();
        assertThrows(InvalidKeyException.class, () -> unwrap(blob, Map.of()));
        assertEquals(1, store.audit().size());
        assertEquals(AuditOutcome.FAILED, store.audit().get(0).outcome());
        assertEquals(AEADBadTagException.class.getName(), store.audit().get(0).errorClass());
    }

    @Test
    void blobsOfAnotherSession_unwrapThroughTheUncachedDerivation() throws Exception {
        byte[] blob = wrap(dataKey, Map.of("tenant", "acme"));
        // the same store read back from its image: a new key service whose versions have derived
        // nothing yet, as in another process, so unwrapping must derive the blob's key from its salt
        var image = new java.io.ByteArrayOutputStream();
        char[] password = "image-password".toCharArray();
        io.kmsjca.internal.service.KeyStores.write(store.service(), image, password);
        var copy = io.kmsjca.internal.service.KeyStores.read(new java.io.ByteArrayInputStream(image.toByteArray()), password,
                Fixtures.cheapOptions());
        KmsKeyHandle sameKey = copy.findKey("orders").orElseThrow();
        assertNotSame(store.service(), copy);

        Cipher c = cipher();
        c.init(Cipher.UNWRAP_MODE, sameKey, new KmsEncryptionContextSpec(Map.of("tenant", "acme")));
        assertArrayEquals(dataKey.getEncoded(), c.unwrap(blob, "AES", Cipher.SECRET_KEY).getEncoded());

        byte[] forged = blob.clone();
        forged[WrappedKeyBlob.SALT_OFFSET] ^= 1;   // another salt derives another key: refused, not served from a cache
        c.init(Cipher.UNWRAP_MODE, sameKey, new KmsEncryptionContextSpec(Map.of("tenant", "acme")));
        assertThrows(InvalidKeyException.class, () -> c.unwrap(forged, "AES", Cipher.SECRET_KEY));
    }
}
