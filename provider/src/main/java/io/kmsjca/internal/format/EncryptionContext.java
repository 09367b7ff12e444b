package io.kmsjca.internal.format;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An encryption context (AWS KMS's name): non-secret key/value pairs bound to a ciphertext as
 * additional authenticated data. Decrypting needs the same pairs, in any order.
 *
 * <p>Canonical encoding (docs/FORMAT.md, "Encryption context"): u16 pair count, then for each
 * pair in ascending unsigned-byte order of its UTF-8 key: u16 key length, key, u16 value length,
 * value. An empty context encodes as the two bytes 00 00.
 *
 * <p>Encoding and decoding are strict: a string that is not valid Unicode (an unpaired
 * surrogate) or bytes that are not valid UTF-8 are refused, never replaced by {@code ?} or
 * U+FFFD, so two different contexts can never authenticate as one. What {@link #keys()} and
 * {@link #pairs()} report (and so what audit shows) is decoded from the encoded bytes: exactly
 * what is bound to the ciphertext.
 */
public final class EncryptionContext {

    public static final int MAX_PAIRS = 64;
    /** The most bytes of the canonical encoding. */
    public static final int MAX_ENCODED_BYTES = 8192;

    public static final EncryptionContext EMPTY = new EncryptionContext(Map.of(), List.of(), new byte[2]);

    private final Map<String, String> pairs;
    private final List<String> keys;
    private final byte[] encoded;

    private EncryptionContext(Map<String, String> pairs, List<String> keys, byte[] encoded) {
        this.pairs = pairs;
        this.keys = keys;
        this.encoded = encoded;
    }

    /**
     * Validates and encodes {@code pairs}.
     *
     * @throws IllegalArgumentException an empty key, a null key or value, a key or value that is
     *                                  not valid Unicode, too many pairs, or an encoding over
     *                                  {@link #MAX_ENCODED_BYTES}
     */
    public static EncryptionContext of(Map<String, String> pairs) {
        if (pairs.isEmpty()) {
            return EMPTY;
        }
        if (pairs.size() > MAX_PAIRS) {
            throw new IllegalArgumentException("encryption context has " + pairs.size() + " pairs, more than " + MAX_PAIRS);
        }
        var sorted = new TreeMap<byte[], byte[]>(Arrays::compareUnsigned);
        for (Map.Entry<String, String> e : pairs.entrySet()) {
            if (e.getKey() == null || e.getValue() == null || e.getKey().isEmpty()) {
                throw new IllegalArgumentException("encryption context keys must be non-empty and values non-null");
            }
            sorted.put(utf8(e.getKey(), "key"), utf8(e.getValue(), "value"));
        }
        var out = new ByteArrayOutputStream();
        writeU16(out, sorted.size());
        List<String> keys = new ArrayList<>(sorted.size());
        var ordered = new java.util.LinkedHashMap<String, String>();
        for (Map.Entry<byte[], byte[]> e : sorted.entrySet()) {
            writeField(out, e.getKey());
            writeField(out, e.getValue());
            // reported from the bytes that are bound, not from the caller's map
            String key = new String(e.getKey(), StandardCharsets.UTF_8);
            keys.add(key);
            ordered.put(key, new String(e.getValue(), StandardCharsets.UTF_8));
            if (out.size() > MAX_ENCODED_BYTES) {
                throw new IllegalArgumentException("encryption context encodes to more than " + MAX_ENCODED_BYTES + " bytes");
            }
        }
        return new EncryptionContext(Collections.unmodifiableMap(ordered), Collections.unmodifiableList(keys),
                out.toByteArray());
    }

    /**
     * Decodes a canonical encoding read from a message.
     *
     * @throws IllegalArgumentException not a canonical encoding (bad lengths, pairs out of order,
     *                                  trailing bytes, over the caps)
     */
    public static EncryptionContext decode(byte[] encoding) {
        if (encoding.length < 2 || encoding.length > MAX_ENCODED_BYTES) {
            throw new IllegalArgumentException("encryption context encoding of " + encoding.length + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(encoding);
        int count = in.getShort() & 0xFFFF;
        if (count > MAX_PAIRS) {
            throw new IllegalArgumentException("encryption context has " + count + " pairs");
        }
        var pairs = new java.util.LinkedHashMap<String, String>();
        try {
            for (int i = 0; i < count; i++) {
                byte[] k = new byte[in.getShort() & 0xFFFF];
                in.get(k);
                byte[] v = new byte[in.getShort() & 0xFFFF];
                in.get(v);
                pairs.put(text(k), text(v));
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("encryption context encoding is truncated", e);
        }
        EncryptionContext decoded = of(pairs);
        if (in.hasRemaining() || !Arrays.equals(decoded.encoded, encoding)) {
            throw new IllegalArgumentException("encryption context encoding is not canonical");
        }
        return decoded;
    }

    /** Whether {@code encoding} is this context's canonical encoding: equal contexts encode alike. */
    public boolean isEncodedAs(byte[] encoding) {
        return Arrays.equals(encoded, encoding);
    }

    /** The canonical encoding (a copy). */
    public byte[] encoded() {
        return encoded.clone();
    }

    /** Length of the canonical encoding. */
    public int encodedLength() {
        return encoded.length;
    }

    /** Copies the canonical encoding into {@code dest} at {@code offset}; returns the offset after it. */
    public int copyEncodedTo(byte[] dest, int offset) {
        System.arraycopy(encoded, 0, dest, offset, encoded.length);
        return offset + encoded.length;
    }

    /** The keys, in canonical order; audit events carry these, never the values. */
    public List<String> keys() {
        return keys;
    }

    /** The pairs, in canonical order. Values may be sensitive: audit hashes them by default. */
    public Map<String, String> pairs() {
        return pairs;
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    /** Strict UTF-8: an unpaired surrogate is refused (String.getBytes would write '?'). */
    private static byte[] utf8(String s, String what) {
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(s));
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            return bytes;
        } catch (CharacterCodingException e) {
            // the text itself stays out of the message: values may be sensitive
            throw new IllegalArgumentException("encryption context " + what + " is not valid Unicode (an unpaired surrogate)", e);
        }
    }

    /** Strict UTF-8 decoding: malformed bytes are refused (new String would write U+FFFD). */
    private static String text(byte[] utf8) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("encryption context encoding is not valid UTF-8", e);
        }
    }

    private static void writeField(ByteArrayOutputStream out, byte[] field) {
        if (field.length > 0xFFFF) {
            throw new IllegalArgumentException("encryption context entry longer than 65535 bytes");
        }
        writeU16(out, field.length);
        out.write(field, 0, field.length);
    }

    private static void writeU16(ByteArrayOutputStream out, int v) {
        out.write(v >>> 8);
        out.write(v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncryptionContext other && Arrays.equals(encoded, other.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "EncryptionContext" + keys; // values may be sensitive: never printed
    }
}
