package io.kmsjca.internal.crypto;

import io.kmsjca.internal.service.EmbeddedKeyService;
import javax.crypto.SecretKey;
import java.util.Arrays;
import java.util.concurrent.locks.StampedLock;

/**
 * Raw key bytes as a {@link SecretKey} that can be wiped. Unlike {@code SecretKeySpec}, which
 * cannot be destroyed, {@link #destroy()} zeroes the bytes. Used only inside the provider, to
 * key JDK primitives; it is never handed to callers.
 *
 * <p>Many threads read one key (every wrap keys a {@code Mac} with it) while another may destroy
 * it (a revocation, {@code EmbeddedKeyService.close}). A read is an optimistic read of a
 * {@link StampedLock} that {@code destroy} write-locks: a copy that overlapped the wipe fails
 * validation, is wiped itself and refused, so a reader gets the whole key or an exception, never
 * a partly zeroed array; readers never block each other.
 */
public final class SecretBytes implements SecretKey {
    private static final long serialVersionUID = 1L;

    private final byte[] bytes;
    private final String algorithm;
    private volatile boolean destroyed;
    private final transient StampedLock lock = new StampedLock();

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
        long stamp = lock.tryOptimisticRead(); // 0 while destroy holds the lock: validate fails
        byte[] copy = bytes.clone();
        if (!lock.validate(stamp) || destroyed) {
            Arrays.fill(copy, (byte) 0);
            // only destroy() write-locks: wait for it to end, so that isDestroyed() is true once this throws
            // (a caller told "destroyed" must find it so: KeyVersion refuses the request as wiped)
            lock.unlockRead(lock.readLock());
            throw new IllegalStateException("key destroyed");
        }
        return copy;
    }

    public int length() {
        return bytes.length;
    }

    @Override
    public void destroy() {
        long stamp = lock.writeLock();
        try {
            destroyed = true;
            Arrays.fill(bytes, (byte) 0);
        } finally {
            lock.unlockWrite(stamp);
        }
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
