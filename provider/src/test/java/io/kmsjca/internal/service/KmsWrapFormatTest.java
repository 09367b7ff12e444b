package io.kmsjca.internal.service;

import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.internal.format.WrappedKeyBlob;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsEncryptionContextSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A KMSWrap blob is what docs/FORMAT.md says, byte for byte: the JDK alone, given the master
 * key version's material, derives the GCM key and commitment with HKDF-Expand-SHA256 and opens
 * the blob with AAD = the blob's 101-byte header, the context encoding and the caller's AAD.
 * Every field of that AAD is checked here, so an implementation that left one out (and read
 * its own blobs back all the same) fails.
 */
class KmsWrapFormatTest {

    private static final Map<String, String> CTX = Map.of("file", "report.pdf", "tenant", "7");

    @TempDir
    Path dir;

    @Test
    void aBlobOpensWithTheJdkAlone_asTheFormatDescribesIt() throws Exception {
        LifecycleFixture f = new LifecycleFixture(dir);
        KmsKeyHandle orders = f.keys.createKey("orders", "");
        byte[] secret = "a data key of thirty-two bytes..".getBytes(StandardCharsets.US_ASCII);
        byte[] callerAad = "caller's AAD".getBytes(StandardCharsets.US_ASCII);
        Cipher c = Cipher.getInstance("KMSWrap", LifecycleFixture.PROVIDER);
        c.init(Cipher.ENCRYPT_MODE, orders, new KmsEncryptionContextSpec(CTX));
        c.updateAAD(callerAad);
        byte[] blob = c.doFinal(secret);
        MasterKey key = f.keys.registry().lookup("orders").orElseThrow();
        byte[] material = key.current().materialCopy();

        assertEquals(WrappedKeyBlob.OVERHEAD + secret.length, blob.length);
        assertArrayEquals("KMSW".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(blob, 4));
        assertEquals(1, blob[4]);
        ByteBuffer fields = ByteBuffer.wrap(blob);
        assertEquals(orders.keyId().getMostSignificantBits(), fields.getLong(5));
        assertEquals(orders.keyId().getLeastSignificantBits(), fields.getLong(13));
        assertEquals(1, fields.getInt(21));
        byte[] info = ByteBuffer.allocate(18 + 16 + 4 + 32).put("kms-jca/KMSWrap/v1".getBytes(StandardCharsets.US_ASCII))
                .put(blob, 5, 16 + 4 + 32).array();
        byte[] okm = hkdfExpandSha256(material, info, 64);
        assertArrayEquals(Arrays.copyOfRange(okm, 32, 64), Arrays.copyOfRange(blob, 57, 89), "the key commitment");

        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(okm, 0, 32, "AES"), new GCMParameterSpec(128, blob, 89, 12));
        gcm.updateAAD(blob, 0, 101);
        gcm.updateAAD(EncryptionContext.of(CTX).encoded());
        gcm.updateAAD(callerAad);

        assertArrayEquals(secret, gcm.doFinal(blob, 101, blob.length - 101));
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
