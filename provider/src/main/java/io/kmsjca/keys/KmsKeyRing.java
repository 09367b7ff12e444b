package io.kmsjca.keys;

import java.security.Key;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Several master keys as one {@link Key} for {@code Cipher "KMSEnvelope"}:
 * <ul>
 *   <li>{@link #of} names the keys to encrypt under: the message's data key is wrapped under
 *       each, so any one of them decrypts it (disaster recovery, key migration);</li>
 *   <li>{@link #anyKeyOf} decrypts with whichever key of a store the message names (the
 *       key-store-wide resolver); it cannot encrypt.</li>
 * </ul>
 * Like a key handle it holds no material: {@link #getEncoded()} is null.
 */
public final class KmsKeyRing implements Key {
    private static final long serialVersionUID = 1L;

    private final transient List<KmsKeyHandle> keys;
    private final transient KeyService store;

    private KmsKeyRing(List<KmsKeyHandle> keys, KeyService store) {
        this.keys = keys;
        this.store = store;
    }

    /** Encrypts under every one of {@code keys} (1..10), decrypts with any of them. */
    public static KmsKeyRing of(KmsKeyHandle... keys) {
        return of(List.of(keys));
    }

    public static KmsKeyRing of(List<KmsKeyHandle> keys) {
        if (keys.isEmpty() || keys.size() > 10) {
            throw new IllegalArgumentException("a key ring holds 1..10 master keys, not " + keys.size());
        }
        keys.forEach(Objects::requireNonNull);
        return new KmsKeyRing(List.copyOf(keys), null);
    }

    /** Decrypts with whichever key of {@code store} a message names. */
    public static KmsKeyRing anyKeyOf(KeyService store) {
        return new KmsKeyRing(List.of(), Objects.requireNonNull(store));
    }

    /** The keys a new message is encrypted under; empty for a store-wide ring. */
    public List<KmsKeyHandle> encryptionKeys() {
        return keys;
    }

    /** A handle on the master key with this id, if this ring may use it. */
    public Optional<KmsKeyHandle> handleFor(UUID keyId) {
        if (store != null) {
            return store.findKey(keyId.toString());
        }
        return keys.stream().filter(k -> k.keyId().equals(keyId)).findFirst();
    }

    @Override
    public String getAlgorithm() {
        return "KMSKeyRing";
    }

    @Override
    public String getFormat() {
        return null;
    }

    @Override
    public byte[] getEncoded() {
        return null;
    }

    private void writeObject(java.io.ObjectOutputStream out) throws java.io.NotSerializableException {
        throw new java.io.NotSerializableException("a key ring is bound to its key store and cannot be serialized");
    }

    @Override
    public String toString() {
        return store != null ? "KmsKeyRing[any key of the store]" : "KmsKeyRing" + keys;
    }
}
