package io.kmsjca.internal.engine;

import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.security.Key;
import java.util.Objects;
import java.util.UUID;

/**
 * What every key handle a KMS key store gives out shares, secret or private, embedded or a
 * server's: it names a key (id and alias), holds no material ({@code getEncoded()} and
 * {@code getFormat()} are null), and cannot be serialized, being bound to its store.
 */
public abstract class NamedHandle implements Key {
    private static final long serialVersionUID = 1L;

    private final UUID keyId;
    private final String alias;
    private volatile boolean destroyed;

    protected NamedHandle(UUID keyId, String alias) {
        this.keyId = Objects.requireNonNull(keyId);
        this.alias = alias;
    }

    public final UUID keyId() {
        return keyId;
    }

    public final String alias() {
        return alias;
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

    /** The handle can no longer be used; the key itself is untouched. */
    public final void destroy() {
        destroyed = true;
    }

    public final boolean isDestroyed() {
        return destroyed;
    }

    private void writeObject(ObjectOutputStream out) throws NotSerializableException {
        throw new NotSerializableException("a KMS key handle is bound to its key store and cannot be serialized");
    }

    private void readObject(ObjectInputStream in) throws NotSerializableException {
        throw new NotSerializableException("a KMS key handle is bound to its key store and cannot be serialized");
    }

    @Override
    public final int hashCode() {
        return keyId.hashCode();
    }

    /** {@code alias/NAME ID} or {@code ID}: how toString names the key. */
    protected final String name() {
        return (alias == null ? "" : "alias/" + alias + " ") + keyId;
    }

    /** Where the key lives, for {@code toString()}: empty, or " on URL". */
    protected String where() {
        return "";
    }
}
