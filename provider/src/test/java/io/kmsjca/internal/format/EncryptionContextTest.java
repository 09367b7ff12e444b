package io.kmsjca.internal.format;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
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
        assertEquals("EncryptionContext[tenant]", EncryptionContext.of(Map.of("tenant", "s3cret")).toString(), "the keys only");
    }

    @Test
    void unpairedSurrogate_inKeyOrValue_isRejected() {
        // String.getBytes(UTF_8) writes '?' for these: "k\uD800" and "k\uDBFF" would bind as one context
        var key = assertThrows(IllegalArgumentException.class, () -> EncryptionContext.of(Map.of("k\uD800", "v")));
        assertTrue(key.getMessage().contains("not valid Unicode"), key.getMessage());
        var value = assertThrows(IllegalArgumentException.class, () -> EncryptionContext.of(Map.of("k", "s3cret\uDC00")));
        assertFalse(value.getMessage().contains("s3cret"), "values never in a message");
    }

    @Test
    void twoPairMap_whoseKeysWouldEncodeAlike_isRejected() {
        // before strict encoding, "a\uD800" encoded as "a?": one pair was bound, and pairs() and the
        // audit reported the other one's value
        var pairs = new LinkedHashMap<String, String>();
        pairs.put("a\uD800", "bound");
        pairs.put("a?", "reported");
        assertThrows(IllegalArgumentException.class, () -> EncryptionContext.of(pairs));
    }

    @Test
    void pairsAndKeys_areWhatTheEncodingBinds() {
        var pairs = Map.of("emoji\uD83D\uDD11", "v\u00E9\uD83D\uDE00", "tenant", "acme");
        EncryptionContext context = EncryptionContext.of(pairs);
        EncryptionContext decoded = EncryptionContext.decode(context.encoded());
        assertEquals(pairs, context.pairs());
        assertEquals(context.pairs(), decoded.pairs());
        assertEquals(context.keys(), decoded.keys());
        assertEquals(context, decoded);
    }

    @Test
    void malformedUtf8_inAnEncoding_isRejected() {
        byte[] lone = {0, 1, 0, 1, 'k', 0, 1, (byte) 0xC3}; // a truncated two-byte sequence
        assertThrows(IllegalArgumentException.class, () -> EncryptionContext.decode(lone));
        byte[] surrogate = {0, 1, 0, 1, 'k', 0, 3, (byte) 0xED, (byte) 0xA0, (byte) 0x80}; // CESU-style U+D800
        assertThrows(IllegalArgumentException.class, () -> EncryptionContext.decode(surrogate));
    }

    @Test
    void theCaps_holdExactlyTheirLimit_inEncodingAndDecoding() {
        var most = new LinkedHashMap<String, String>();
        for (int i = 0; i < EncryptionContext.MAX_PAIRS; i++) {
            most.put("k" + i, "v");
        }
        EncryptionContext full = EncryptionContext.of(most);
        assertEquals(full, EncryptionContext.decode(full.encoded()), "the most pairs decode");
        // one pair whose encoding is exactly the cap: count, key length, key, value length, value
        int longest = EncryptionContext.MAX_ENCODED_BYTES - 2 - 2 - 1 - 2;
        EncryptionContext largest = EncryptionContext.of(Map.of("k", "x".repeat(longest)));
        assertEquals(EncryptionContext.MAX_ENCODED_BYTES, largest.encoded().length);
        assertEquals("x".repeat(longest), EncryptionContext.decode(largest.encoded()).pairs().get("k"),
                "a value longer than 255 bytes keeps both bytes of its length");
        assertThrows(IllegalArgumentException.class, () -> EncryptionContext.of(Map.of("k", "x".repeat(longest + 1))));
        byte[] tooLong = java.util.Arrays.copyOf(largest.encoded(), EncryptionContext.MAX_ENCODED_BYTES + 1);
        tooLong[5] = (byte) ((longest + 1) >>> 8);
        tooLong[6] = (byte) (longest + 1);
        tooLong[tooLong.length - 1] = 'x';
        assertThrows(IllegalArgumentException.class, () -> EncryptionContext.decode(tooLong));
        assertEquals(Map.of(), EncryptionContext.decode(new byte[] {0, 0}).pairs(), "the empty context decodes");
    }

    @Test
    void contextsAreEqual_onlyWhenTheyBindTheSamePairs() {
        assertEquals(EncryptionContext.of(Map.of("a", "1")), EncryptionContext.of(new HashMap<>(Map.of("a", "1"))));
        assertNotEquals(EncryptionContext.of(Map.of("a", "1")), EncryptionContext.of(Map.of("a", "2")));
        assertNotEquals(EncryptionContext.of(Map.of("a", "1")), EncryptionContext.of(Map.of("b", "1")));
        EncryptionContext a = EncryptionContext.of(Map.of("a", "1"));
        assertTrue(a.isEncodedAs(new byte[] {0, 1, 0, 1, 'a', 0, 1, '1'}));
        assertFalse(a.isEncodedAs(EncryptionContext.of(Map.of("a", "2")).encoded()), "another context's encoding");
        assertFalse(a.isEmpty());
        assertTrue(EncryptionContext.of(Map.of()).isEmpty());
        byte[] into = new byte[3 + a.encodedLength() + 2];
        assertEquals(3 + a.encodedLength(), a.copyEncodedTo(into, 3), "the offset after the encoding");
        assertArrayEquals(a.encoded(), Arrays.copyOfRange(into, 3, 3 + a.encodedLength()));
    }
}
