package io.kmsjca.internal.service;

import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.internal.format.WrappedKeyBlob;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsEncryptionContextSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A KMSWrap blob is what docs/FORMAT.md says, byte for byte: the JDK alone, given the master
 * key version's material, derives the GCM key and commitment with HKDF-Expand-SHA256 and opens
 * the blob. Version 2 (written) takes AAD = the context encoding and the caller's AAD, none at
 * all when both are empty; version 1 (read) took the 101-byte header before them. Every field
 * of each AAD is checked here, so an implementation that left one out (and read its own blobs
 * back all the same) fails; so is that version 2, whose header is bound by the derived key
 * alone, still refuses a change to any byte of it.
 */
class KmsWrapFormatTest {

    private static final Map<String, String> CTX = Map.of("file", "report.pdf", "tenant", "7");
    private static final byte[] SECRET = "a data key of thirty-two bytes..".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CALLER_AAD = "caller's AAD".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;
    private KmsKeyHandle orders;
    private byte[] material;

    @BeforeEach
    void setUp() throws Exception {
        LifecycleFixture f = new LifecycleFixture(dir);
        orders = f.keys.createKey("orders", "");
        MasterKey key = f.keys.registry().lookup("orders").orElseThrow();
        material = key.current().materialCopy();
    }

    @Test
    void aVersion2Blob_opensWithTheJdkAlone_withTheContextAndTheCallersAadAsItsAad() throws Exception {
        byte[] blob = seal(CTX, CALLER_AAD);

        assertEquals(WrappedKeyBlob.OVERHEAD + SECRET.length, blob.length);
        assertArrayEquals("KMSW".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(blob, 4));
        assertEquals(2, blob[4]);
        ByteBuffer fields = ByteBuffer.wrap(blob);
        assertEquals(orders.keyId().getMostSignificantBits(), fields.getLong(5));
        assertEquals(orders.keyId().getLeastSignificantBits(), fields.getLong(13));
        assertEquals(1, fields.getInt(21));
        byte[] okm = derived("kms-jca/KMSWrap/v2", blob);
        assertArrayEquals(Arrays.copyOfRange(okm, 32, 64), Arrays.copyOfRange(blob, 57, 89), "the key commitment");

        Cipher gcm = gcm(okm, blob);
        gcm.updateAAD(EncryptionContext.of(CTX).encoded());
        gcm.updateAAD(CALLER_AAD);
        assertArrayEquals(SECRET, gcm.doFinal(blob, 101, blob.length - 101));
    }

    @Test
    void aVersion2Blob_withNoContextAndNoCallersAad_hasNoAadAtAll() throws Exception {
        byte[] blob = seal(Map.of(), null);

        Cipher gcm = gcm(derived("kms-jca/KMSWrap/v2", blob), blob);
        assertArrayEquals(SECRET, gcm.doFinal(blob, 101, blob.length - 101));
        Cipher withEmptyContext = gcm(derived("kms-jca/KMSWrap/v2", blob), blob);
        withEmptyContext.updateAAD(EncryptionContext.EMPTY.encoded());
        assertThrows(AEADBadTagException.class, () -> withEmptyContext.doFinal(blob, 101, blob.length - 101),
                "not the empty context's two bytes");
    }

    /** Version 1, as the previous release wrote it: made here with the JDK alone, opened by KMSWrap. */
    @Test
    void aVersion1Blob_stillOpens_withTheHeaderInItsAad() throws Exception {
        byte[] blob = version1(CTX, CALLER_AAD);

        assertArrayEquals(SECRET, open(blob, CTX, CALLER_AAD));
        assertThrows(AEADBadTagException.class, () -> open(blob, Map.of("file", "report.pdf"), CALLER_AAD));
        assertThrows(AEADBadTagException.class, () -> open(blob, CTX, null));
        byte[] plain = version1(Map.of(), null);
        assertArrayEquals(SECRET, open(plain, Map.of(), null));
    }

    /** The version byte selects the derivation's label: relabelling a blob of one version as the other fails. */
    @Test
    void aBlobRelabelledAsTheOtherVersion_isRefused() throws Exception {
        byte[] v2 = seal(Map.of(), null);
        v2[4] = 1;
        assertThrows(AEADBadTagException.class, () -> open(v2, Map.of(), null));
        byte[] v1 = version1(Map.of(), null);
        v1[4] = 2;
        assertThrows(AEADBadTagException.class, () -> open(v1, Map.of(), null));
    }

    /**
     * Version 2 leaves the header out of the AAD: the derived key and the commitment bind it. A
     * change to any one byte, header, ciphertext or tag, still opens nothing.
     */
    @Test
    void aVersion2Blob_withAnyOneByteChanged_opensNothing() throws Exception {
        byte[] blob = seal(Map.of(), null);
        assertArrayEquals(SECRET, open(blob, Map.of(), null));
        for (int i = 0; i < blob.length; i++) {
            byte[] altered = blob.clone();
            altered[i] ^= (byte) (1 << (i % 8));
            int at = i;
            assertThrows(GeneralSecurityException.class, () -> open(altered, Map.of(), null), "byte " + at);
        }
    }

    /** AAD = context | caller's AAD, the empty AAD only for neither: no two requests share one. */
    @Test
    void theContextAndTheCallersAad_cannotStandInForEachOther() throws Exception {
        byte[] encodedCtx = EncryptionContext.of(CTX).encoded();
        byte[] withContext = seal(CTX, null);
        assertThrows(AEADBadTagException.class, () -> open(withContext, Map.of(), encodedCtx),
                "the context's encoding given as the caller's AAD");
        byte[] plain = seal(Map.of(), null);
        assertThrows(AEADBadTagException.class, () -> open(plain, Map.of(), EncryptionContext.EMPTY.encoded()));
        byte[] withAad = seal(Map.of(), CALLER_AAD);
        assertThrows(AEADBadTagException.class, () -> open(withAad, Map.of(), null));
        assertArrayEquals(SECRET, open(withAad, Map.of(), CALLER_AAD));
    }

    private byte[] seal(Map<String, String> ctx, byte[] aad) throws Exception {
        Cipher c = Cipher.getInstance("KMSWrap", LifecycleFixture.PROVIDER);
        c.init(Cipher.ENCRYPT_MODE, orders, new KmsEncryptionContextSpec(ctx));
        if (aad != null) {
            c.updateAAD(aad);
        }
        return c.doFinal(SECRET);
    }

    private byte[] open(byte[] blob, Map<String, String> ctx, byte[] aad) throws Exception {
        Cipher c = Cipher.getInstance("KMSWrap", LifecycleFixture.PROVIDER);
        c.init(Cipher.DECRYPT_MODE, orders, new KmsEncryptionContextSpec(ctx));
        if (aad != null) {
            c.updateAAD(aad);
        }
        return c.doFinal(blob);
    }

    /** A version-1 blob of {@link #SECRET}, as docs/FORMAT.md describes it, with the JDK alone. */
    private byte[] version1(Map<String, String> ctx, byte[] aad) throws Exception {
        byte[] blob = new byte[WrappedKeyBlob.OVERHEAD + SECRET.length];
        byte[] salt = new byte[32];
        KmsRandom.nextBytes(salt);
        ByteBuffer.wrap(blob).put("KMSW".getBytes(StandardCharsets.US_ASCII)).put((byte) 1)
                .putLong(orders.keyId().getMostSignificantBits()).putLong(orders.keyId().getLeastSignificantBits())
                .putInt(1).put(salt);
        byte[] okm = derived("kms-jca/KMSWrap/v1", blob);
        System.arraycopy(okm, 32, blob, 57, 32);
        blob[100] = 7; // the nonce
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(okm, 0, 32, "AES"), new GCMParameterSpec(128, blob, 89, 12));
        gcm.updateAAD(blob, 0, 101);
        gcm.updateAAD(EncryptionContext.of(ctx).encoded());
        if (aad != null) {
            gcm.updateAAD(aad);
        }
        gcm.doFinal(SECRET, 0, SECRET.length, blob, 101);
        return blob;
    }

    /** GCM key | commitment: HKDF-Expand-SHA256(material, label | key id | key version | salt, 64). */
    private byte[] derived(String label, byte[] blob) throws Exception {
        byte[] info = ByteBuffer.allocate(18 + 16 + 4 + 32).put(label.getBytes(StandardCharsets.US_ASCII))
                .put(blob, 5, 16 + 4 + 32).array();
        return hkdfExpandSha256(material, info, 64);
    }

    private static Cipher gcm(byte[] okm, byte[] blob) throws Exception {
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(okm, 0, 32, "AES"), new GCMParameterSpec(128, blob, 89, 12));
        return gcm;
    }

    /** HKDF-Expand (RFC 5869 §2.3) with HMAC-SHA256. */
    private static byte[] hkdfExpandSha256(byte[] prk, byte[] info, int length) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(prk, "HmacSHA256"));
        byte[] out = new byte[length];
        byte[] t = new byte[0];
        for (int i = 1, off = 0; off < length; i++) {
            mac.update(t);
            mac.update(info);
            mac.update((byte) i);
            t = mac.doFinal();
            int n = Math.min(t.length, length - off);
            System.arraycopy(t, 0, out, off, n);
            off += n;
        }
        return out;
    }
}
