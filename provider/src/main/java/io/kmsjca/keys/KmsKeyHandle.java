package io.kmsjca.keys;

import javax.crypto.SecretKey;
import java.util.UUID;

/**
 * A handle on a master key held by a KMS key store: what {@code KeyStore.getKey} returns and
 * what {@code Cipher "KMSWrap"} takes. It names the key; it never holds or reveals material:
 * {@link #getEncoded()} and {@link #getFormat()} are null, and it cannot be serialized.
 * After {@link #destroy()} the handle can no longer be used; the key itself is untouched.
 * Only handles the provider gave out are accepted: one made by another class is refused with
 * an {@link java.security.InvalidKeyException}.
 */
public interface KmsKeyHandle extends SecretKey {

    /** The master key's id. */
    UUID keyId();

    /** The alias this handle was obtained through, or null. */
    String alias();
}
