package io.kmsjca.spring.boot;

import org.springframework.beans.factory.ObjectProvider;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Whether a text holds a copy of the store password, however it got there: a placeholder
 * ({@code app.url=postgres://app:${kms.password.value}@db}), the property
 * {@code kms.password.value=${vault.kms-password}} refers to, the variable {@code kms.password.env}
 * names, a KMS SSL bundle's key store password, a config tree entry of the password file.
 *
 * <p>It keeps no copy itself: only a salted SHA-256 of the password, read at start-up from the
 * source {@code kms.password.*} names, against which each window of the text's length is compared
 * in constant time, and the text with JSON's escapes read too. A password shorter than
 * {@link #MIN_LENGTH_WITHIN} characters is found only as a whole value or a whole first line, so
 * that short common words elsewhere are not masked and which values are masked does not hint at
 * it; a text takes one digest per character whatever the password's length.
 */
final class StorePasswordCopies {

    /** The shortest password looked for inside longer values. */
    static final int MIN_LENGTH_WITHIN = 8;
    /** Longer texts are masked without looking: no environment value is this long. */
    static final int MAX_TEXT = 1 << 20;

    private final ObjectProvider<KmsProperties> kms;
    private final byte[] salt = new byte[16];
    // the password's forms, read at start-up (again at a question if it could not be); NONE without a password source
    private volatile Digest[] password;

    private record Digest(int length, byte[] value) {
    }

    private static final Digest[] NONE = new Digest[0];

    StorePasswordCopies(ObjectProvider<KmsProperties> kms) {
        this.kms = kms;
        new SecureRandom().nextBytes(salt);
        // at start-up, as the store opens: a password file removed or rewritten later changes nothing
        Digest[] atStartUp = null;
        try {
            atStartUp = read();
        } catch (RuntimeException e) {
            // read again at the first question, which masks the value if it fails then
        }
        this.password = atStartUp;
    }

    /**
     * Whether {@code value} (text, or a number as YAML reads {@code 12345678}) is, holds, or (past
     * {@link #MAX_TEXT} characters) may hold the store password.
     */
    boolean appearIn(Object value) {
        if (!(value instanceof CharSequence || value instanceof Number)) {
            return false;
        }
        String text = value.toString();
        Digest[] forms = password();
        if (forms.length == 0) {
            return false;
        }
        if (text.length() > MAX_TEXT) {
            return true;
        }
        MessageDigest sha256 = sha256();
        // JSON (SPRING_APPLICATION_JSON) escapes a quote, a backslash, a slash, and often every non-ASCII letter
        String unescaped = text.indexOf('\\') >= 0 ? jsonUnescaped(text) : null;
        boolean found = false;
        for (Digest p : forms) {
            found |= holds(sha256, p, text) | (unescaped != null && holds(sha256, p, unescaped));
        }
        return found;
    }

    /**
     * One digest for each character of {@code text}, whatever the password's length, and no early
     * return: the time a value takes says nothing about the password.
     */
    private boolean holds(MessageDigest sha256, Digest p, String text) {
        int n = text.length();
        int length = p.length();
        boolean anywhere = length >= MIN_LENGTH_WITHIN;
        boolean wholeOrFirstLine = n == length || firstLineEnd(text) == length;
        boolean found = false;
        for (int i = 0; i < n; i++) {
            int to = Math.min(n, i + length);
            boolean equal = MessageDigest.isEqual(p.value(), digest(sha256, CharBuffer.wrap(text, i, to)));
            found |= equal & to - i == length & (anywhere | i == 0 & wholeOrFirstLine);
        }
        return found;
    }

    /** {@code text} with JSON's escapes read ({@code \"}, {@code \\}, {@code \/}, {@code \n}, {@code \u00e4}). */
    static String jsonUnescaped(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char e = text.charAt(++i);
                switch (e) {
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        int code = i + 4 < text.length() ? hex4(text, i + 1) : -1;
                        if (code >= 0) {
                            out.append((char) code);
                            i += 4;
                        } else {
                            out.append('\\').append(e);
                        }
                    }
                    default -> out.append(e); // \" \\ \/, and what JSON does not escape, as is
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static int hex4(String text, int from) {
        int code = 0;
        for (int i = from; i < from + 4; i++) {
            int d = Character.digit(text.charAt(i), 16);
            if (d < 0) {
                return -1;
            }
            code = code << 4 | d;
        }
        return code;
    }

    private static int firstLineEnd(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n' || text.charAt(i) == '\r') {
                return i;
            }
        }
        return text.length();
    }

    /** The password read at start-up; if it could not be read then, read now, and an exception (the value masked) if not. */
    private Digest[] password() {
        Digest[] p = password;
        if (p == null) {
            p = read();
            if (p == null) {
                throw new IllegalStateException("the store password cannot be read to look for its copies");
            }
            password = p;
        }
        return p;
    }

    /**
     * The password's digest, and where the default charset is not UTF-8 (Java 17 without a UTF-8
     * locale) the digest of its UTF-8 bytes as that charset decodes them, as a config tree of the
     * password file shows it; NONE without a password source; null if the source cannot be read now.
     */
    private Digest[] read() {
        KmsProperties properties = kms.getIfAvailable();
        KmsProperties.Password source = properties == null ? null : properties.password();
        if (source == null || source.file() == null && source.env() == null && source.value() == null) {
            return NONE; // a key-file credential opens the store: no password to look for
        }
        char[] chars;
        try {
            chars = KmsPasswordSource.read(source);
        } catch (Exception e) {
            return null;
        }
        try {
            Digest asIs = new Digest(chars.length, digest(sha256(), CharBuffer.wrap(chars)));
            if (Charset.defaultCharset().equals(StandardCharsets.UTF_8)) {
                return new Digest[]{asIs};
            }
            ByteBuffer utf8 = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
            CharBuffer asDecoded = Charset.defaultCharset().decode(utf8.duplicate());
            try {
                return new Digest[]{asIs, new Digest(asDecoded.remaining(), digest(sha256(), asDecoded.duplicate()))};
            } finally {
                wipe(utf8);
                if (asDecoded.hasArray()) {
                    Arrays.fill(asDecoded.array(), '\0');
                }
            }
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    private static void wipe(ByteBuffer bytes) {
        if (bytes.hasArray()) {
            Arrays.fill(bytes.array(), (byte) 0);
        }
    }

    private byte[] digest(MessageDigest sha256, CharBuffer chars) {
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(chars);
        try {
            sha256.update(salt);
            sha256.update(bytes.duplicate());
            return sha256.digest();
        } finally {
            wipe(bytes);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
