package io.kmsjca.internal.format;

import org.junit.jupiter.api.Test;

import javax.crypto.IllegalBlockSizeException;
import java.util.Arrays;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The KMSWrap blob's header checks at their bounds: an empty payload and the largest one pass the
 * length check, one byte less or more is refused before anything reads the blob. (The blob's
 * every flipped bit and cut are refused through the cipher: conformance-tests' KmsWrapCipherTest.)
 */
class WrappedKeyBlobTest {

    private static byte[] blob(int plaintextLength) {
        return WrappedKeyBlob.newBlob(new UUID(1, 2), 7, new byte[WrappedKeyBlob.SALT_BYTES],
                new byte[WrappedKeyBlob.COMMITMENT_BYTES], 0L, plaintextLength);
    }

    @Test
    void theShortestAndLongestBlobs_passTheLengthCheck_andOneByteBeyond_isRefused() throws Exception {
        byte[] empty = blob(0);
        assertEquals(WrappedKeyBlob.OVERHEAD, empty.length);
        WrappedKeyBlob.check(empty);
        assertEquals(0, WrappedKeyBlob.plaintextLength(empty));
        byte[] largest = blob(WrappedKeyBlob.MAX_PLAINTEXT_BYTES);
        assertEquals(WrappedKeyBlob.MAX_BLOB_BYTES, largest.length);
        WrappedKeyBlob.check(largest);
        assertEquals(WrappedKeyBlob.MAX_PLAINTEXT_BYTES, WrappedKeyBlob.plaintextLength(largest));

        var shorter = assertThrows(IllegalBlockSizeException.class,
                () -> WrappedKeyBlob.check(Arrays.copyOf(empty, empty.length - 1)));
        assertTrue(shorter.getMessage().contains("shorter than the " + WrappedKeyBlob.OVERHEAD), shorter.getMessage());
        var longer = assertThrows(IllegalBlockSizeException.class,
                () -> WrappedKeyBlob.check(Arrays.copyOf(largest, largest.length + 1)));
        assertTrue(longer.getMessage().contains("longer than the " + WrappedKeyBlob.MAX_BLOB_BYTES), longer.getMessage());
    }

    @Test
    void theHeader_namesItsKeyAndVersion() throws Exception {
        byte[] b = blob(5);
        WrappedKeyBlob.check(b);
        assertEquals(new UUID(1, 2), WrappedKeyBlob.keyId(b));
        assertEquals(7, WrappedKeyBlob.keyVersion(b));
    }

    @Test
    void theNonce_isFourZeroBytesThenTheCounter() {
        byte[] b = WrappedKeyBlob.newBlob(new UUID(1, 2), 7, new byte[WrappedKeyBlob.SALT_BYTES],
                new byte[WrappedKeyBlob.COMMITMENT_BYTES], 0x0102030405060708L, 0);
        assertArrayEquals(new byte[] {0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8}, Arrays.copyOfRange(b,
                WrappedKeyBlob.NONCE_OFFSET, WrappedKeyBlob.NONCE_OFFSET + WrappedKeyBlob.NONCE_BYTES));
    }

    @Test
    void versions2And1_areRead_andNoOther() throws Exception {
        byte[] b = blob(5);
        assertEquals(2, b[4], "version 2 is written");
        assertEquals(2, WrappedKeyBlob.version(b));
        b[4] = 1;
        WrappedKeyBlob.check(b);
        assertEquals(1, WrappedKeyBlob.version(b));
        for (int other : new int[] {0, 3, 0x81}) {
            b[4] = (byte) other;
            var e = assertThrows(javax.crypto.BadPaddingException.class, () -> WrappedKeyBlob.check(b));
            assertEquals("unsupported KMSWrap blob version " + other, e.getMessage());
        }
    }
}
