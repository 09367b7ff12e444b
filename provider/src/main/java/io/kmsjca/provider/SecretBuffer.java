package io.kmsjca.provider;

import java.util.Arrays;

/** A growable byte buffer, capped, whose contents are wiped whenever they are dropped. */
final class SecretBuffer {

    private byte[] bytes = new byte[64];
    private int size;

    int size() {
        return size;
    }

    void write(byte[] src, int off, int len) {
        if (size + len > bytes.length) {
            byte[] bigger = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + len));
            Arrays.fill(bytes, (byte) 0);
            bytes = bigger;
        }
        System.arraycopy(src, off, bytes, size, len);
        size += len;
    }

    /** A copy of the contents; the caller wipes it. */
    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    void wipe() {
        Arrays.fill(bytes, 0, size, (byte) 0);
        size = 0;
    }
}
