package io.kmsjca.internal.service;

import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KmsKeyHandle;

import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.security.InvalidKeyException;
import java.util.Objects;
import java.util.UUID;

/** The handle an {@link EmbeddedKeyService} gives out: its service stays inside the provider. */
public final class ServiceKeyHandle implements KmsKeyHandle {
    private static final long serialVersionUID = 1L;

    private final transient EmbeddedKeyService service;
    private final UUID keyId;
    private final String alias;
    private volatile boolean destroyed;

    public ServiceKeyHandle(EmbeddedKeyService service, UUID keyId, String alias) {
        this.service = Objects.requireNonNull(service);
        this.keyId = Objects.requireNonNull(keyId);
        this.alias = alias;
    }

    @Override
    public UUID keyId() {
        return keyId;
    }

    @Override
    public String alias() {
        return alias;
    }

    public EmbeddedKeyService service() {
        return service;
    }

    /**
     * The service behind a handle this provider gave out.
     *
     * @throws InvalidKeyException for a {@link KmsKeyHandle} made elsewhere: only a handle this
     *                             provider gave out names a key of one of its stores
     */
    public static EmbeddedKeyService serviceOf(KmsKeyHandle handle) throws InvalidKeyException {
        if (handle instanceof ServiceKeyHandle h) {
            return h.service;
        }
        throw new InvalidKeyException("not a handle a KMS key store gave out: " + handle.getClass().getName());
    }

    /** AES: master keys are AES-256 keys. */
    @Override
    public String getAlgorithm() {
        return "AES";
    }

    /** Null: the material never leaves the provider. */
    @Override
    public String getFormat() {
        return null;
    }

    /** Null: the material never leaves the provider. */
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

    @Override
    public boolean equals(Object o) {
        return o instanceof ServiceKeyHandle other && other.service == service && other.keyId.equals(keyId);
    }

    @Override
    public int hashCode() {
        return keyId.hashCode();
    }

    @Override
    public String toString() {
        return "KmsKeyHandle[" + (alias == null ? "" : "alias/" + alias + " ") + keyId + "]";
    }
}
