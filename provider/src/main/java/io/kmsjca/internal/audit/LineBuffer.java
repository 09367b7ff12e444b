package io.kmsjca.internal.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte array that audit lines are written into, as the UTF-8 bytes the log holds:
 * no String of a line or of its fields is made in between (the audit writer's hot path). Not
 * thread-safe: each writer has its own.
 */
final class LineBuffer {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private byte[] bytes;
    private int size;

    LineBuffer(int capacity) {
        this.bytes = new byte[capacity];
    }

    int size() {
        return size;
    }

    /** The backing array: valid up to {@link #size()}, and only until the next append. */
    byte[] array() {
        return bytes;
    }

    void clear() {
        size = 0;
    }

    /** The bytes written, for one write call. */
    ByteBuffer written() {
        return ByteBuffer.wrap(bytes, 0, size);
    }

    /** Bytes {@code from} to {@code to} decoded as UTF-8. */
    String utf8(int from, int to) {
        return new String(bytes, from, to - from, StandardCharsets.UTF_8);
    }

    private void room(int extra) {
        if (size + extra > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(size + extra, bytes.length * 2));
        }
    }

    LineBuffer bytes(byte[] b) {
        return bytes(b, 0, b.length);
    }

    LineBuffer bytes(byte[] b, int off, int len) {
        room(len);
        System.arraycopy(b, off, bytes, size, len);
        size += len;
        return this;
    }

    LineBuffer ascii(char c) {
        room(1);
        bytes[size++] = (byte) c;
        return this;
    }

    /** {@code s}, every character of which the caller knows to be ASCII (names, numbers, enum constants). */
    LineBuffer ascii(String s) {
        int n = s.length();
        room(n);
        byte[] b = bytes;
        int at = size;
        for (int i = 0; i < n; i++) {
            b[at + i] = (byte) s.charAt(i);
        }
        size = at + n;
        return this;
    }

    /** A decimal number. */
    LineBuffer number(long value) {
        if (value >= 0 && value < 10) {
            return ascii((char) ('0' + value));
        }
        return ascii(Long.toString(value));
    }

    /** {@code value} in exactly {@code width} decimal digits (0 <= value < 10^width). */
    LineBuffer digits(int value, int width) {
        room(width);
        for (int i = width - 1; i >= 0; i--) {
            bytes[size + i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        size += width;
        return this;
    }

    /** The low {@code digits} hex digits of {@code value}, lowercase. */
    LineBuffer hexDigits(long value, int digits) {
        room(digits);
        for (int i = digits - 1; i >= 0; i--) {
            bytes[size + i] = HEX[(int) (value & 0xf)];
            value >>>= 4;
        }
        size += digits;
        return this;
    }

    /** {@code len} bytes of {@code b} as lowercase hex. */
    LineBuffer hex(byte[] b, int off, int len) {
        room(2 * len);
        for (int i = 0; i < len; i++) {
            int v = b[off + i] & 0xff;
            bytes[size++] = HEX[v >>> 4];
            bytes[size++] = HEX[v & 0xf];
        }
        return this;
    }

    /** {@code in} as lowercase hex into {@code out} (twice as long). */
    static void hex(byte[] in, byte[] out) {
        for (int i = 0; i < in.length; i++) {
            int v = in[i] & 0xff;
            out[2 * i] = HEX[v >>> 4];
            out[2 * i + 1] = HEX[v & 0xf];
        }
    }
}
