package io.kmsjca.format;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class EncryptionContextTest {

    @Test
    void encoding_isCanonical_whateverTheMapOrder() {
        var a = new LinkedHashMap<String, String>();
        a.put("b", "2");
        a.put("a", "1");
        var b = new LinkedHashMap<String, String>();
        b.put("a", "1");
        b.put("b", "2");
        assertArrayEquals(EncryptionContext.of(a).encoded(), EncryptionContext.of(b).encoded());
        assertArrayEquals(new byte[] {0, 2, 0, 1, 'a', 0, 1, '1', 0, 1, 'b', 0, 1, '2'}, EncryptionContext.of(a).encoded());
        assertEquals(List.of("a", "b"), EncryptionContext.of(a).keys());
    }

    @Test
    void emptyContext_isTwoZeroBytes() {
        assertArrayEquals(new byte[2], EncryptionContext.of(Map.of()).encoded());
    }

    @Test
    void invalidContexts_areRejected() {
        assertThrows(IllegalArgumentException.class, () -> EncryptionContext.of(Map.of("", "v")));
        var withNull = new HashMap<String, String>();
        withNull.put("k", null);
        assertThrows(IllegalArgumentException.class, () -> EncryptionContext.of(withNull));
        var many = new HashMap<String, String>();
        for (int i = 0; i <= EncryptionContext.MAX_PAIRS; i++) {
            many.put("k" + i, "v");
        }
        assertThrows(IllegalArgumentException.class, () -> EncryptionContext.of(many));
        assertThrows(IllegalArgumentException.class, () -> EncryptionContext.of(Map.of("k", "v".repeat(9000))));
    }

    @Test
    void toString_neverShowsValues() {
        assertFalse(EncryptionContext.of(Map.of("tenant", "s3cret")).toString().contains("s3cret"));
    }
}
