package io.kmsjca.keys;

import javax.crypto.SecretKey;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.util.Objects;
import java.util.UUID;

/**
 * A handle on a master key held by a KMS key store: what {@code KeyStore.getKey} returns and
 * what {@code Cipher "KMSWrap"} takes. It names the key; it never holds or reveals material:
 * {@link #getEncoded()} and {@link #getFormat()} are null, and it cannot be serialized.
 * After {@link #destroy()} the handle can no longer be used; the key itself is untouched.
 */
public final class KmsKeyHandle implements SecretKey {
    private static final long serialVersionUID = 1L;

    private final transient KeyService service;
    private final UUID keyId;
    private final String alias;
    private volatile boolean destroyed;

    KmsKeyHandle(KeyService service, UUID keyId, String alias) {
        this.service = Objects.requireNonNull(service);
        this.keyId = Objects.requireNonNull(keyId);
        this.alias = alias;
    }

    /** The master key's id. */
    public UUID keyId() {
        return keyId;
    }

    /** The alias this handle was obtained through, or null. */
    public String alias() {
        return alias;
    }

    KeyService service() {
        return service;
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
        return o instanceof KmsKeyHandle other && other.service == service && other.keyId.equals(keyId);
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
