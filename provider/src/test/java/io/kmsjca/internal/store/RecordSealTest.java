package io.kmsjca.internal.store;

import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.internal.service.EmbeddedKeyService;
import io.kmsjca.keys.KeyServiceOptions;

import io.kmsjca.internal.crypto.AesGcm;
import io.kmsjca.internal.crypto.Hkdf;
import io.kmsjca.internal.crypto.Primitives;
import io.kmsjca.internal.crypto.SecretBytes;
import io.kmsjca.spi.KeyRecord;
import org.junit.jupiter.api.Test;

import javax.crypto.AEADBadTagException;
import javax.crypto.Mac;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 14: records are sealed under a key of their own (docs/FORMAT.md, "Sealed record"), so no
 * number of writes ever exhausts the random-nonce budget of one AES-GCM key; records sealed the
 * old way (version 1) still open.
 */
class RecordSealTest {

    private static final byte[] ROOT = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static final String ID = "00112233-4455-6677-8899-aabbccddeeff";
    private static final byte[] PAYLOAD = "the same payload".getBytes(StandardCharsets.US_ASCII);

    private static RecordSeal seal() throws Exception {
        return new RecordSeal(new SecretBytes(ROOT, "HmacSHA256"));
    }

    @Test
    void newStores_sealEveryRecordInVersion2() throws Exception {
        EmbeddedKeyService keys = KeyStores.newInMemory(KeyServiceOptions.defaults()
                .withKdf(io.kmsjca.keys.Argon2Params.insecureForTests()));
        keys.createKey("sealed", "");
        assertFalse(keys.backend().list().isEmpty());
        for (KeyRecord r : keys.backend().list()) {
            assertArrayEquals("KMSS".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(r.sealed(), 4), r.keyId());
            assertEquals(2, r.sealed()[4], r.keyId());
        }
        keys.close();
    }

    @Test
    void theSamePayloadTwice_sealsUnderDifferentSaltsHenceKeys() throws Exception {
        RecordSeal s = seal();
        byte[] a = s.seal(ID, 7, PAYLOAD);
        byte[] b = s.seal(ID, 7, PAYLOAD);
        assertFalse(Arrays.equals(salt(a), salt(b)), "each record has its own salt, so its own key");
        assertFalse(Arrays.equals(a, b));
        assertArrayEquals(PAYLOAD, s.open(ID, 7, a));
        assertArrayEquals(PAYLOAD, s.open(ID, 7, b));
    }

    @Test
    void aRepeatedRandom_withAnotherPayload_stillGetsAnotherSalt() throws Exception {
        RecordSeal s = seal();
        byte[] random = new byte[RecordSeal.SALT_BYTES];
        byte[] a = s.seal(ID, 7, PAYLOAD, random);
        byte[] b = s.seal(ID, 7, "another payload!".getBytes(StandardCharsets.US_ASCII), random);
        assertFalse(Arrays.equals(salt(a), salt(b)), "the salt is hedged with the payload");
        assertArrayEquals(a, s.seal(ID, 7, PAYLOAD, random), "the same payload seals to the same bytes: nothing leaks");
    }

    @Test
    void aRecordMovedToAnotherKeyOrRevision_isRejected() throws Exception {
        RecordSeal s = seal();
        byte[] sealed = s.seal(ID, 7, PAYLOAD);
        assertThrows(AEADBadTagException.class, () -> s.open(ID, 8, sealed));
        assertThrows(AEADBadTagException.class, () -> s.open("00112233-4455-6677-8899-aabbccddeef0", 7, sealed));
    }

    @Test
    void everyChangedByte_isRejected() throws Exception {
        RecordSeal s = seal();
        byte[] sealed = s.seal(ID, 7, PAYLOAD);
        for (int i = 0; i < sealed.length; i++) {
            byte[] changed = sealed.clone();
            changed[i] ^= 0x01;
            assertThrows(AEADBadTagException.class, () -> s.open(ID, 7, changed), "byte " + i);
        }
        assertThrows(AEADBadTagException.class, () -> s.open(ID, 7, Arrays.copyOf(sealed, RecordSeal.HEADER_BYTES)));
    }

    @Test
    void aVersion1Record_stillOpens_evenOneWhoseNonceLooksLikeTheVersion2Magic() throws Exception {
        RecordSeal s = seal();
        assertArrayEquals(PAYLOAD, s.open(ID, 7, v1Record(ID, 7, new byte[12])));
        byte[] lookalike = Arrays.copyOf("KMSS".getBytes(StandardCharsets.US_ASCII), 12);
        lookalike[4] = RecordSeal.VERSION;
        assertArrayEquals(PAYLOAD, s.open(ID, 7, v1Record(ID, 7, lookalike)));
        lookalike[4] = 9;
        assertArrayEquals(PAYLOAD, s.open(ID, 7, v1Record(ID, 7, lookalike)));
    }

    @Test
    void anUnknownVersion_isRejected() throws Exception {
        RecordSeal s = seal();
        byte[] sealed = s.seal(ID, 7, PAYLOAD);
        sealed[4] = 3;
        var e = assertThrows(AEADBadTagException.class, () -> s.open(ID, 7, sealed));
        assertTrue(e.getMessage().contains("version 3"), e.getMessage());
    }

    /** Version 1 as the first releases wrote it: nonce | AES-256-GCM under the one record key. */
    private static byte[] v1Record(String id, long revision, byte[] nonce) throws Exception {
        Mac mac = Primitives.mac("HmacSHA256");
        mac.init(new SecretBytes(ROOT, "HmacSHA256"));
        SecretBytes key = new SecretBytes(Hkdf.expand(mac, "kms-jca/v1/record-seal".getBytes(StandardCharsets.US_ASCII), 32), "AES");
        byte[] idBytes = id.getBytes(StandardCharsets.US_ASCII);
        byte[] aad = ByteBuffer.allocate(17 + 2 + idBytes.length + 8).put("kms-jca/v1/record".getBytes(StandardCharsets.US_ASCII))
                .putShort((short) idBytes.length).put(idBytes).putLong(revision).array();
        byte[] ct = AesGcm.encrypt(key, nonce, aad, PAYLOAD);
        byte[] sealed = Arrays.copyOf(nonce, 12 + ct.length);
        System.arraycopy(ct, 0, sealed, 12, ct.length);
        return sealed;
    }

    private static byte[] salt(byte[] sealed) {
        return Arrays.copyOfRange(sealed, 5, RecordSeal.HEADER_BYTES);
    }
}
