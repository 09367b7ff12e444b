package io.kmsjca.crypto;

import javax.crypto.SecretKey;
import java.util.Arrays;

/**
 * Raw key bytes as a {@link SecretKey} that can be wiped. Unlike {@code SecretKeySpec}, which
 * cannot be destroyed, {@link #destroy()} zeroes the bytes. Used only inside the provider, to
 * key JDK primitives; it is never handed to callers.
 */
public final class SecretBytes implements SecretKey {
    private static final long serialVersionUID = 1L;

    private final byte[] bytes;
    private final String algorithm;
    private volatile boolean destroyed;

    /** Copies {@code bytes}; the caller wipes its own copy. */
    public SecretBytes(byte[] bytes, String algorithm) {
        this.bytes = bytes.clone();
        this.algorithm = algorithm;
    }

    @Override
    public String getAlgorithm() {
        return algorithm;
    }

    @Override
    public String getFormat() {
        return "RAW";
    }

    /** A copy, which the JDK primitive that asked for it wipes after use. */
    @Override
    public byte[] getEncoded() {
        if (destroyed) {
            throw new IllegalStateException("key destroyed");
        }
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(bytes, (byte) 0);
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    private void writeObject(java.io.ObjectOutputStream out) throws java.io.NotSerializableException {
        throw new java.io.NotSerializableException("key material is not serializable");
    }

    @Override
    public String toString() {
        return "SecretBytes[" + algorithm + ", " + bytes.length + " bytes]";
    }
}
