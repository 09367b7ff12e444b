package io.kmsjca.internal.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import io.kmsjca.internal.json.StrictJson;
import static org.junit.jupiter.api.Assertions.*;

class PolicyJsonTest {

    @Test
    void everyValueType_isRead_inOrder() throws Exception {
        Object v = PolicyJson.parse(" {\"s\":\"x\", \"n\": -12.5e+3, \"t\":true, \"f\":false, \"z\":null,"
                + " \"a\":[1, \"two\", []], \"o\":{}}\r\n\t");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of("s", "n", "t", "f", "z", "a", "o"), List.copyOf(m.keySet()));
        assertEquals("x", m.get("s"));
        assertEquals(new StrictJson.Num("-12.5e+3"), m.get("n"));
        assertEquals(Boolean.TRUE, m.get("t"));
        assertEquals(Boolean.FALSE, m.get("f"));
        assertSame(PolicyJson.NULL, m.get("z"));
        assertEquals(List.of(new StrictJson.Num("1"), "two", List.of()), m.get("a"));
        assertEquals(Map.of(), m.get("o"));
    }

    @Test
    void escapes_areDecoded_includingSurrogatePairs() throws Exception {
        Object v = PolicyJson.parse("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\u00C9 \\ud83d\\ude00 \uD83D\uDE01\"");
        assertEquals("\" \\ / \b \f \n \r \t \u00e9 \u00c9 \uD83D\uDE00 \uD83D\uDE01", v);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "\"\\ud83d\"",          // lone high surrogate escape
            "\"\\ude00\"",          // lone low surrogate escape
            "\"\\ud83d\\u0041\"",   // high surrogate followed by a non-surrogate escape
            "\"\\ud83dx\"",         // high surrogate followed by a plain character
            "\"\uD83D\"",            // raw unpaired high surrogate
            "\"\uDE00\"",            // raw unpaired low surrogate
            "\"\\u00g0\"",          // not a hex digit
            "\"\\u\uFF10\uFF10\uFF10\uFF10\"", // full-width digits are not hex digits
            "\"\\u12\"",            // truncated
            "\"\\x\"",              // unknown escape
            "\"a\nb\"",             // raw control character
            "\"abc",                // unterminated
    })
    void badStrings_areRefused(String json) {
        assertThrows(MalformedPolicyException.class, () -> PolicyJson.parse(json));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "   ", "{} x", "{}{}", "[1,]", "{\"a\":1,}", "[,1]", "01", "-", "1.", ".5", "1e", "+1",
            "{'a':1}", "{a:1}", "{\"a\" 1}", "{\"a\":1 \"b\":2}", "[1 2]", "tru", "nul", "True", "NaN",
            "// comment\n{}", "{\"a\":1}/* */", "\u00a0{}", "[", "{", "{\"a\":",
    })
    void invalidDocuments_areRefused(String json) {
        assertThrows(MalformedPolicyException.class, () -> PolicyJson.parse(json));
    }

    @Test
    void duplicateMemberNames_areRefused_namingThem_butTheSameNameInTwoObjectsIsFine() throws Exception {
        var e = assertThrows(MalformedPolicyException.class,
                () -> PolicyJson.parse("{\"Effect\":\"Allow\",\"Effect\":\"Deny\"}"));
        assertTrue(e.getMessage().contains("\"Effect\""), e.getMessage());
        assertEquals(2, ((List<?>) PolicyJson.parse("[{\"a\":1},{\"a\":2}]")).size());
        // escapes decode before the comparison: "\u0061" is "a"
        assertThrows(MalformedPolicyException.class, () -> PolicyJson.parse("{\"a\":1,\"\\u0061\":2}"));
    }

    @Test
    void nesting_isBoundedAtSixteen() throws Exception {
        String ok = "[".repeat(PolicyJson.MAX_DEPTH) + "]".repeat(PolicyJson.MAX_DEPTH);
        assertInstanceOf(List.class, PolicyJson.parse(ok));
        String deep = "[".repeat(PolicyJson.MAX_DEPTH + 1) + "]".repeat(PolicyJson.MAX_DEPTH + 1);
        var e = assertThrows(MalformedPolicyException.class, () -> PolicyJson.parse(deep));
        assertTrue(e.getMessage().contains("nesting"), e.getMessage());
        String deepObjects = "{\"a\":".repeat(PolicyJson.MAX_DEPTH + 1) + "1" + "}".repeat(PolicyJson.MAX_DEPTH + 1);
        assertThrows(MalformedPolicyException.class, () -> PolicyJson.parse(deepObjects));
        // a very deep document is refused, not a StackOverflowError
        assertThrows(MalformedPolicyException.class, () -> PolicyJson.parse("[".repeat(30_000)));
    }

    @Test
    void size_isBoundedAtMaxChars() throws Exception {
        String atLimit = "\"" + "a".repeat(PolicyDocument.MAX_CHARS - 2) + "\"";
        assertEquals(PolicyDocument.MAX_CHARS - 2, ((String) PolicyJson.parse(atLimit)).length());
        String over = " " + atLimit;
        var e = assertThrows(MalformedPolicyException.class, () -> PolicyJson.parse(over));
        assertTrue(e.getMessage().contains(String.valueOf(PolicyDocument.MAX_CHARS)), e.getMessage());
    }

    @Test
    void errors_sayWhere_withoutRepeatingTheDocument() {
        var e = assertThrows(MalformedPolicyException.class, () -> PolicyJson.parse("{\"secretish\": tru}"));
        assertTrue(e.getMessage().contains("offset 14"), e.getMessage());
        assertFalse(e.getMessage().contains("secretish"), e.getMessage());
    }

    @Test
    void numbers_keepTheirText() throws Exception {
        assertEquals(new StrictJson.Num("0"), PolicyJson.parse("0"));
        assertEquals(new StrictJson.Num("1609459200"), PolicyJson.parse("1609459200"));
        assertEquals(new StrictJson.Num("-0.0E-7"), PolicyJson.parse("-0.0E-7"));
    }
}
