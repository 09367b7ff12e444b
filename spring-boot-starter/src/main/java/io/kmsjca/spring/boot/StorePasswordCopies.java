package io.kmsjca.spring.boot;

import org.springframework.beans.factory.ObjectProvider;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
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
 * <p>It keeps no copy itself: only a salted SHA-256 of the password, read once from the source
 * {@code kms.password.*} names, against which each window of the text's length is compared in
 * constant time. A password shorter than {@link #MIN_LENGTH_WITHIN} characters is found only as a
 * whole value or a whole first line, so that short common words elsewhere are not masked and
 * which values are masked does not hint at it.
 */
final class StorePasswordCopies {

    /** The shortest password looked for inside longer values. */
    static final int MIN_LENGTH_WITHIN = 8;
    /** Longer texts are masked without looking: no environment value is this long. */
    static final int MAX_TEXT = 1 << 20;

    private final ObjectProvider<KmsProperties> kms;
    private final byte[] salt = new byte[16];
    private volatile Digest password; // read at the first question; NONE without a password source

    private record Digest(int length, byte[] value) {
    }

    private static final Digest NONE = new Digest(0, new byte[0]);

    StorePasswordCopies(ObjectProvider<KmsProperties> kms) {
        this.kms = kms;
        new SecureRandom().nextBytes(salt);
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
        Digest p = password();
        if (p.length() == 0 || text.length() < p.length()) {
            return false;
        }
        if (text.length() > MAX_TEXT) {
            return true;
        }
        MessageDigest sha256 = sha256();
        if (p.length() < MIN_LENGTH_WITHIN) {
            return matches(sha256, p, text, 0, text.length()) || matches(sha256, p, text, 0, firstLineEnd(text));
        }
        for (int i = 0; i + p.length() <= text.length(); i++) {
            if (matches(sha256, p, text, i, i + p.length())) {
                return true;
            }
        }
        return false;
    }

    private static int firstLineEnd(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n' || text.charAt(i) == '\r') {
                return i;
            }
        }
        return text.length();
    }

    private boolean matches(MessageDigest sha256, Digest p, CharSequence text, int from, int to) {
        return to - from == p.length() && MessageDigest.isEqual(p.value(), digest(sha256, CharBuffer.wrap(text, from, to)));
    }

    private Digest password() {
        Digest p = password;
        if (p == null) {
            p = read();
            password = p;
        }
        return p;
    }

    private Digest read() {
        KmsProperties properties = kms.getIfAvailable();
        if (properties == null || properties.password() == null) {
            return NONE;
        }
        char[] chars;
        try {
            chars = KmsPasswordSource.read(properties.password());
        } catch (Exception e) {
            return NONE; // a key-file credential opens the store: no password to look for
        }
        try {
            return new Digest(chars.length, digest(sha256(), CharBuffer.wrap(chars)));
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    private byte[] digest(MessageDigest sha256, CharBuffer chars) {
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(chars);
        try {
            sha256.update(salt);
            sha256.update(bytes.duplicate());
            return sha256.digest();
        } finally {
            if (bytes.hasArray()) {
                Arrays.fill(bytes.array(), (byte) 0);
            }
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
