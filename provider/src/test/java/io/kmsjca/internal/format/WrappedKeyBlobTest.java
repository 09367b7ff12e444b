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
                new byte[WrappedKeyBlob.COMMITMENT_BYTES], new byte[WrappedKeyBlob.NONCE_BYTES], plaintextLength);
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
}
