package io.kmsjca.internal.store;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * The field encodings a key record payload is made of (docs/FORMAT.md, "Key record payload"):
 * flags, enum ordinals, optional instants and length-prefixed strings. Every length and count
 * read is bounded before it is used; anything out of range is an {@link IllegalArgumentException}.
 */
final class RecordFields {

    private RecordFields() {
    }

    /** A flag byte: 0 or 1, anything else refused. */
    static boolean flag(ByteBuffer in) {
        int b = in.get() & 0xFF;
        if (b > 1) {
            throw new IllegalArgumentException("flag byte " + b + " out of range");
        }
        return b == 1;
    }

    /** An instant written as epoch milliseconds, -1 for none. */
    static Instant optionalInstant(long millis) {
        return millis < 0 ? null : Instant.ofEpochMilli(millis);
    }

    /** The constant whose ordinal byte {@code b} holds; one past the enum's end is refused. */
    static <E> E pick(E[] values, byte b) {
        int i = b & 0xFF;
        if (i >= values.length) {
            throw new IllegalArgumentException("unknown " + values[0].getClass().getSimpleName() + " " + i);
        }
        return values[i];
    }

    /** Bytes as u32 length and the bytes. */
    static void writeBlock(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    /** Secret bytes (a private key's PKCS#8) as {@link #writeBlock} writes them; {@code secret} is wiped after, even on failure. */
    static void writeSecretBlock(DataOutputStream out, byte[] secret) throws IOException {
        try {
            writeBlock(out, secret);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** Bytes written by {@link #writeBlock}, at most {@code max} of them. */
    static byte[] readBlock(ByteBuffer in, int max, String what) {
        byte[] b = new byte[bound(in.getInt(), max, what)];
        in.get(b);
        return b;
    }

    /** A string as u16 length and UTF-8 bytes. */
    static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeShort(b.length);
        out.write(b);
    }

    /** A string written by {@link #writeString}, of at most {@code max} bytes. */
    static String readString(ByteBuffer in, int max) {
        byte[] b = new byte[bound(in.getShort() & 0xFFFF, max, "string length")];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** {@code n}, a count or length read from a record, if it is 0 to {@code max}. */
    static int bound(int n, int max, String what) {
        if (n < 0 || n > max) {
            throw new IllegalArgumentException(what + " " + n + " out of range");
        }
        return n;
    }
}
