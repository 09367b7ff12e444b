package io.kmsjca.internal.engine;

import io.kmsjca.keys.KmsKeyHandle;

import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.util.Objects;
import java.util.UUID;

/**
 * What every handle a KMS key store gives out shares, embedded or a server's: it names a key
 * (id and alias), holds no material ({@code getEncoded()} is null), and cannot be serialized,
 * being bound to its store. Subclasses say which store (equality) and where it lives (toString).
 */
public abstract class KeyHandleBase implements KmsKeyHandle {
    private static final long serialVersionUID = 1L;

    private final UUID keyId;
    private final String alias;
    private volatile boolean destroyed;

    protected KeyHandleBase(UUID keyId, String alias) {
        this.keyId = Objects.requireNonNull(keyId);
        this.alias = alias;
    }

    @Override
    public final UUID keyId() {
        return keyId;
    }

    @Override
    public final String alias() {
        return alias;
    }

    /** AES: master keys are AES-256 keys. */
    @Override
    public final String getAlgorithm() {
        return "AES";
    }

    /** Null: the material never leaves its store. */
    @Override
    public final String getFormat() {
        return null;
    }

    /** Null: the material never leaves its store. */
    @Override
    public final byte[] getEncoded() {
        return null;
    }

    @Override
    public final void destroy() {
        destroyed = true;
    }

    @Override
    public final boolean isDestroyed() {
        return destroyed;
    }

    private void writeObject(ObjectOutputStream out) throws NotSerializableException {
        throw new NotSerializableException("a KMS key handle is bound to its key store and cannot be serialized");
    }

    @Override
    public final int hashCode() {
        return keyId.hashCode();
    }

    /** {@code KmsKeyHandle[alias/NAME ID]} and, after it, {@link #where()}. */
    @Override
    public final String toString() {
        return "KmsKeyHandle[" + (alias == null ? "" : "alias/" + alias + " ") + keyId + where() + "]";
    }

    /** Where the key lives, for {@link #toString()}: empty, or " on URL". */
    protected String where() {
        return "";
    }
}
