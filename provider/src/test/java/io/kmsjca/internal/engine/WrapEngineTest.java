package io.kmsjca.internal.engine;

import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.internal.format.WrappedKeyBlob;
import io.kmsjca.internal.service.LifecycleFixture;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsEncryptionContextSpec;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * KMSWrap's engine as the JCA cipher drives it: the caller's AAD is authenticated to its last
 * byte, a blob of an impossible size or format is refused with the exception its contract names
 * (not a runtime error from reading past its end), every unwrap is audited with the version the
 * blob names, and the KMS Encrypt bound of 4096 bytes is inclusive.
 */
class WrapEngineTest {

    private static final Map<String, String> CTX = Map.of("file", "report.pdf");

    @TempDir
    Path dir;
    LifecycleFixture f;
    KmsKeyHandle orders;

    @BeforeEach
    void setUp() throws Exception {
        f = new LifecycleFixture(dir);
        orders = f.keys.createKey("orders", "");
    }

    private Cipher cipher(int mode, byte[] aad) throws Exception {
        Cipher c = Cipher.getInstance("KMSWrap", LifecycleFixture.PROVIDER);
        c.init(mode, orders, new KmsEncryptionContextSpec(CTX));
        if (aad != null) {
            c.updateAAD(aad);
        }
        return c;
    }

    private static byte[] aad(int n, int last) {
        byte[] aad = new byte[n];
        Arrays.fill(aad, (byte) 0x5a);
        aad[n - 1] = (byte) last;
        return aad;
    }

    /** The caller's AAD is part of what GCM authenticates: each byte of it, up to the last, and its length. */
    @Test
    void theCallersAad_mustBeGivenAgain_toItsLastByte() throws Exception {
        byte[] secret = "thirty-two bytes of a data key..".getBytes();
        byte[] blob = cipher(Cipher.ENCRYPT_MODE, aad(40, 1)).doFinal(secret);

        assertArrayEquals(secret, cipher(Cipher.DECRYPT_MODE, aad(40, 1)).doFinal(blob));
        assertThrows(AEADBadTagException.class, () -> cipher(Cipher.DECRYPT_MODE, aad(40, 2)).doFinal(blob),
                "the last AAD byte differs");
        assertThrows(AEADBadTagException.class, () -> cipher(Cipher.DECRYPT_MODE, aad(39, 1)).doFinal(blob),
                "one AAD byte fewer");
        assertThrows(AEADBadTagException.class, () -> cipher(Cipher.DECRYPT_MODE, null).doFinal(blob), "no AAD");
        byte[] noAad = cipher(Cipher.ENCRYPT_MODE, null).doFinal(secret);
        assertThrows(AEADBadTagException.class, () -> cipher(Cipher.DECRYPT_MODE, aad(40, 1)).doFinal(noAad),
                "AAD the blob was not sealed with");
    }

    /**
     * A blob shorter than an empty one is refused as {@code IllegalBlockSizeException} before any
     * field of it is read, and one of another format as {@code BadPaddingException}: never an
     * index error from reading the key id or version past its end.
     */
    @Test
    void aTruncatedOrForeignBlob_isRefusedWithTheExceptionOfTheContract() throws Exception {
        WrapEngine engine = new WrapEngine();
        byte[] blob = cipher(Cipher.ENCRYPT_MODE, null).doFinal(new byte[16]);
        EncryptionContext ctx = EncryptionContext.of(CTX);

        for (int len : new int[] {0, 4, 20, WrappedKeyBlob.OVERHEAD - 1}) {
            byte[] cut = Arrays.copyOf(blob, len);
            assertThrows(IllegalBlockSizeException.class,
                    () -> engine.open(orders, cut, ctx, null, 0, AuditOperation.DECRYPT), "cut to " + len);
        }
        byte[] foreign = blob.clone();
        foreign[0] ^= 1; // not the format's first byte
        var e = assertThrows(BadPaddingException.class,
                () -> engine.open(orders, foreign, ctx, null, 0, AuditOperation.DECRYPT));
        assertFalse(e instanceof AEADBadTagException, "not a blob of this format, rather than an altered one: " + e);
        AuditEvent refused = f.last(AuditOperation.DECRYPT);
        assertNotEquals(AuditOutcome.SUCCESS, refused.outcome(), "a refused blob is audited as a failure");
    }

    /** A successful unwrap is audited once, SUCCESS, with the key and the version that opened the blob. */
    @Test
    void anUnwrap_isAuditedWithTheVersionTheBlobNames() throws Exception {
        byte[] v1 = cipher(Cipher.ENCRYPT_MODE, null).doFinal(new byte[8]);
        f.keys.rotateKeyOnDemand("orders");
        f.audit.clear();

        assertArrayEquals(new byte[8], cipher(Cipher.DECRYPT_MODE, null).doFinal(v1));

        AuditEvent opened = f.last(AuditOperation.DECRYPT);
        assertEquals(AuditOutcome.SUCCESS, opened.outcome());
        assertEquals(orders.keyId().toString(), opened.keyId());
        assertEquals(1, opened.keyVersion(), "the blob's version, not the key's current one");
        assertEquals(1, f.audit.stream().filter(e -> e.operation() == AuditOperation.DECRYPT).count());
    }

    /**
     * A blob that fails to open is audited with the version it names, down to the shortest blob
     * there is (an empty payload: exactly {@link WrappedKeyBlob#OVERHEAD} bytes).
     */
    @Test
    void anAlteredBlob_isAuditedAsAFailure_withTheVersionItNames_evenAnEmptyOne() throws Exception {
        f.keys.rotateKeyOnDemand("orders");
        byte[] empty = cipher(Cipher.ENCRYPT_MODE, null).doFinal(new byte[0]);
        assertEquals(WrappedKeyBlob.OVERHEAD, empty.length);
        empty[empty.length - 1] ^= 1; // the GCM tag
        f.audit.clear();

        assertThrows(AEADBadTagException.class, () -> cipher(Cipher.DECRYPT_MODE, null).doFinal(empty));

        AuditEvent refused = f.last(AuditOperation.DECRYPT);
        assertNotEquals(AuditOutcome.SUCCESS, refused.outcome());
        assertEquals(2, refused.keyVersion());
    }

    /** KMS Encrypt's bound, 4096 bytes, is the largest payload allowed, not the first refused. */
    @Test
    void theLargestPayload_isSealed_andOneByteMoreIsRefused() throws Exception {
        WrapEngine engine = new WrapEngine();
        EncryptionContext ctx = EncryptionContext.of(CTX);
        byte[] largest = new byte[WrappedKeyBlob.MAX_PLAINTEXT_BYTES];
        Arrays.fill(largest, (byte) 3);

        byte[] blob = engine.seal(orders, largest, 0, largest.length, ctx, null, 0, AuditOperation.ENCRYPT);

        assertEquals(WrappedKeyBlob.MAX_BLOB_BYTES, blob.length);
        assertArrayEquals(largest, engine.open(orders, blob, ctx, null, 0, AuditOperation.DECRYPT));
        byte[] tooLong = new byte[WrappedKeyBlob.MAX_PLAINTEXT_BYTES + 1];
        assertThrows(IllegalArgumentException.class,
                () -> engine.seal(orders, tooLong, 0, tooLong.length, ctx, null, 0, AuditOperation.ENCRYPT));
        assertNotEquals(AuditOutcome.SUCCESS, f.last(AuditOperation.ENCRYPT).outcome(), "the refusal is audited");
    }

    /** A handle names its key (alias and id) wherever it is printed, and holds no material. */
    @Test
    void aHandleNamesItsKey_andHoldsNoMaterial() {
        assertEquals("KmsKeyHandle[alias/orders " + orders.keyId() + "]", orders.toString());
        assertNull(orders.getEncoded());
        assertNull(orders.getFormat());
        assertEquals("AES", orders.getAlgorithm());
    }
}
