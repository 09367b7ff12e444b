package io.kmsjca.internal.json;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict, bounded JSON reader (RFC 8259, nothing more), for policy documents, the server's
 * requests and the remote client's responses: at most the caller's character limit, containers
 * nested at most the caller's depth,
 * no duplicate member names, no trailing content, no unpaired surrogates. Objects come back as
 * unmodifiable insertion-ordered maps, arrays as unmodifiable lists, strings as {@link String},
 * numbers as {@link Num} (their literal text), {@code true}/{@code false} as {@link Boolean} and
 * {@code null} as {@link #NULL}.
 */
public final class StrictJson {

    /** JSON {@code null} (a map cannot hold Java null as a value we want to tell apart). */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** A JSON number, kept as written. */
    public record Num(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    private final String s;
    private final int maxDepth;
    private int pos;

    private StrictJson(String s, int maxDepth) {
        this.s = s;
        this.maxDepth = maxDepth;
    }

    /**
     * Parses {@code json}, refusing more than {@code maxChars} characters (checked before
     * anything is read) and nesting deeper than {@code maxDepth}.
     */
    public static Object parse(String json, int maxChars, int maxDepth) throws MalformedJsonException {
        if (json == null) {
            throw new MalformedJsonException("document is null");
        }
        if (json.length() > maxChars) {
            throw new MalformedJsonException("document has " + json.length()
                    + " characters, more than the limit of " + maxChars);
        }
        StrictJson p = new StrictJson(json, maxDepth);
        p.skipWhitespace();
        Object value = p.value(0);
        p.skipWhitespace();
        if (p.pos != json.length()) {
            throw p.error("unexpected content after the JSON value");
        }
        return value;
    }

    private Object value(int depth) throws MalformedJsonException {
        if (pos >= s.length()) {
            throw error("unexpected end of document");
        }
        char c = s.charAt(pos);
        switch (c) {
            case '{':
                return object(depth + 1);
            case '[':
                return array(depth + 1);
            case '"':
                return string();
            case 't':
                literal("true");
                return Boolean.TRUE;
            case 'f':
                literal("false");
                return Boolean.FALSE;
            case 'n':
                literal("null");
                return NULL;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected character '" + printable(c) + "'");
        }
    }

    private Map<String, Object> object(int depth) throws MalformedJsonException {
        checkDepth(depth);
        pos++; // {
        Map<String, Object> members = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return Collections.unmodifiableMap(members);
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected a member name in double quotes");
            }
            int at = pos;
            String name = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object v = value(depth);
            if (members.putIfAbsent(name, v) != null) {
                pos = at;
                throw error("duplicate member name \"" + name + "\"");
            }
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == '}') {
                return Collections.unmodifiableMap(members);
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or '}' in an object");
            }
        }
    }

    private List<Object> array(int depth) throws MalformedJsonException {
        checkDepth(depth);
        pos++; // [
        List<Object> items = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return Collections.unmodifiableList(items);
        }
        while (true) {
            skipWhitespace();
            items.add(value(depth));
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == ']') {
                return Collections.unmodifiableList(items);
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or ']' in an array");
            }
        }
    }

    private String string() throws MalformedJsonException {
        pos++; // opening quote
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= s.length()) {
                throw error("unterminated string");
            }
            char c = s.charAt(pos++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                pos--;
                throw error("control character U+" + hex4(c) + " in a string must be escaped");
            }
            if (c == '\\') {
                escape(out);
            } else if (Character.isSurrogate(c)) {
                if (!Character.isHighSurrogate(c) || pos >= s.length() || !Character.isLowSurrogate(s.charAt(pos))) {
                    pos--;
                    throw error("unpaired surrogate U+" + hex4(c));
                }
                out.append(c).append(s.charAt(pos++));
            } else {
                out.append(c);
            }
        }
    }

    /** Appends the escape after a backslash; a \\u surrogate must pair with a following \\u escape. */
    private void escape(StringBuilder out) throws MalformedJsonException {
        if (pos >= s.length()) {
            throw error("unterminated escape");
        }
        char e = s.charAt(pos++);
        switch (e) {
            case '"': out.append('"'); return;
            case '\\': out.append('\\'); return;
            case '/': out.append('/'); return;
            case 'b': out.append('\b'); return;
            case 'f': out.append('\f'); return;
            case 'n': out.append('\n'); return;
            case 'r': out.append('\r'); return;
            case 't': out.append('\t'); return;
            case 'u':
                char c = hexEscape();
                if (Character.isLowSurrogate(c)) {
                    throw error("unpaired low surrogate \\u" + hex4(c));
                }
                if (Character.isHighSurrogate(c)) {
                    if (pos + 1 >= s.length() || s.charAt(pos) != '\\' || s.charAt(pos + 1) != 'u') {
                        throw error("unpaired high surrogate \\u" + hex4(c));
                    }
                    pos += 2;
                    char low = hexEscape();
                    if (!Character.isLowSurrogate(low)) {
                        throw error("high surrogate \\u" + hex4(c) + " not followed by a low surrogate");
                    }
                    out.append(c).append(low);
                    return;
                }
                out.append(c);
                return;
            default:
                pos--;
                throw error("invalid escape '\\" + printable(e) + "'");
        }
    }

    private char hexEscape() throws MalformedJsonException {
        if (pos + 4 > s.length()) {
            throw error("truncated \\u escape");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            char h = s.charAt(pos + i);
            int d = h >= '0' && h <= '9' ? h - '0'
                    : h >= 'a' && h <= 'f' ? h - 'a' + 10
                    : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
            if (d < 0) {
                throw error("invalid hex digit in \\u escape");
            }
            v = (v << 4) | d;
        }
        pos += 4;
        return (char) v;
    }

    private Num number() throws MalformedJsonException {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (isDigit(peek())) {
            digits();
        } else {
            throw error("invalid number");
        }
        if (peek() == '.') {
            pos++;
            if (!isDigit(peek())) {
                throw error("invalid number: digits expected after '.'");
            }
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!isDigit(peek())) {
                throw error("invalid number: digits expected in the exponent");
            }
            digits();
        }
        return new Num(s.substring(start, pos));
    }

    private void digits() {
        while (isDigit(peek())) {
            pos++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private void literal(String word) throws MalformedJsonException {
        if (!s.startsWith(word, pos)) {
            throw error("invalid literal");
        }
        pos += word.length();
    }

    private void expect(char c) throws MalformedJsonException {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    /** The next character, or U+0000 at the end (never valid where it is looked at). */
    private char peek() {
        return pos < s.length() ? s.charAt(pos) : '\0';
    }

    private void skipWhitespace() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private void checkDepth(int depth) throws MalformedJsonException {
        if (depth > maxDepth) {
            throw error("nesting deeper than " + maxDepth);
        }
    }

    private MalformedJsonException error(String what) {
        return new MalformedJsonException("invalid JSON at offset " + pos + ": " + what);
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : "U+" + hex4(c);
    }

    private static String hex4(char c) {
        String h = Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT);
        return "0000".substring(h.length()) + h;
    }
}
