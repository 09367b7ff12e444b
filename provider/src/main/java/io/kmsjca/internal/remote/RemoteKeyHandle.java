package io.kmsjca.internal.remote;

import io.kmsjca.internal.engine.MasterKeyOperations;
import io.kmsjca.keys.KmsKeyHandle;

import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.util.Objects;
import java.util.UUID;

/**
 * The handle a {@link RemoteKeyService} gives out: it names a key of a kms-jca server and brings
 * that server's {@linkplain MasterKeyOperations operations}; no material, here or anywhere in this JVM.
 */
public final class RemoteKeyHandle implements KmsKeyHandle, MasterKeyOperations.Remote {
    private static final long serialVersionUID = 1L;

    private final transient RemoteKeyOperations operations;
    private final UUID keyId;
    private final String alias;
    private volatile boolean destroyed;

    RemoteKeyHandle(RemoteKeyOperations operations, UUID keyId, String alias) {
        this.operations = Objects.requireNonNull(operations);
        this.keyId = Objects.requireNonNull(keyId);
        this.alias = alias;
    }

    @Override
    public MasterKeyOperations operations() {
        return operations;
    }

    @Override
    public UUID keyId() {
        return keyId;
    }

    @Override
    public String alias() {
        return alias;
    }

    /** The server this key lives on. */
    public String serverUrl() {
        return operations.url();
    }

    @Override
    public String getAlgorithm() {
        return "AES";
    }

    /** Null: the material never leaves the server. */
    @Override
    public String getFormat() {
        return null;
    }

    /** Null: the material never leaves the server. */
    @Override
    public byte[] getEncoded() {
        return null;
    }

    @Override
    public void destroy() {
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    private void writeObject(ObjectOutputStream out) throws NotSerializableException {
        throw new NotSerializableException("a KMS key handle is bound to its key store and cannot be serialized");
    }

    /** Handles compare by server connection and key id, as the embedded ones by store and key id. */
    @Override
    public boolean equals(Object o) {
        return o instanceof RemoteKeyHandle other && other.operations == operations && other.keyId.equals(keyId);
    }

    @Override
    public int hashCode() {
        return keyId.hashCode();
    }

    @Override
    public String toString() {
        return "KmsKeyHandle[" + (alias == null ? "" : "alias/" + alias + " ") + keyId + " on " + operations.url() + "]";
    }
}
