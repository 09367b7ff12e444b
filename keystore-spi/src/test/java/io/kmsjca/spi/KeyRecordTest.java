package io.kmsjca.spi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.*;

class KeyRecordTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "ü", "a\nb"})
    void invalidKeyId_isRejected(String id) {
        assertThrows(IllegalArgumentException.class, () -> new KeyRecord(id, 1, new byte[1]));
    }

    @Test
    void tooLongKeyId_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> new KeyRecord("k".repeat(129), 1, new byte[1]));
    }

    @Test
    void revisionZero_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> new KeyRecord("k", 0, new byte[1]));
    }

    @Test
    void emptyOrOversizedPayload_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> new KeyRecord("k", 1, new byte[0]));
        assertThrows(IllegalArgumentException.class,
                () -> new KeyRecord("k", 1, new byte[KeyRecord.MAX_SEALED_BYTES + 1]));
    }

    @Test
    void payload_isCopiedInAndOut() {
        byte[] payload = {1, 2, 3};
        KeyRecord r = new KeyRecord("k", 1, payload);
        payload[0] = 9;
        r.sealed()[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, r.sealed());
    }
}
