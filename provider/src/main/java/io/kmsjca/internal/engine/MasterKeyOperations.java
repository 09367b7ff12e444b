package io.kmsjca.internal.engine;

import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.spi.audit.AuditOperation;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;

/**
 * What the JCA services need from a master key, wherever it lives: seal and open a KMSWrap blob
 * under an encryption context, and generate a data key. Two implementations: {@link WrapEngine}
 * (embedded: the key's material is in this JVM; one per cipher, holding its own primitives) and the
 * remote client ({@code io.kmsjca.internal.remote}: a kms-jca server's key, by request; no
 * material here). A JCA service picks one when it is initialised ({@link #of}), so a call costs
 * no lookup: the embedded hot path is the engine's own, unchanged.
 */
public interface MasterKeyOperations {

    /** Fails if {@code key} may not be used now, as far as can be told without a request. */
    void checkUsable(KmsKeyHandle key, EncryptionContext context, AuditOperation op) throws InvalidKeyException;

    /**
     * Seals {@code plaintext[off, off+len)} under the current version of {@code key}.
     *
     * @param aad extra AAD ({@code Cipher.updateAAD}), its first {@code aadLen} bytes; a remote key takes none
     */
    byte[] seal(KmsKeyHandle key, byte[] plaintext, int off, int len, EncryptionContext context,
                byte[] aad, int aadLen, AuditOperation op) throws InvalidKeyException;

    /** Opens a blob sealed under {@code key} (failures as {@link WrapEngine#open}). */
    byte[] open(KmsKeyHandle key, byte[] blob, EncryptionContext context, byte[] aad, int aadLen,
                AuditOperation op) throws GeneralSecurityException;

    /**
     * KMS GenerateDataKey: fills {@code dataKey} with a new random key and returns it sealed under
     * {@code key}. {@code op} is {@code GENERATE_DATA_KEY_WITHOUT_PLAINTEXT} when the caller will
     * not keep the plaintext (a remote key then never sends it: {@code dataKey} stays zero).
     */
    byte[] generateDataKey(KmsKeyHandle key, byte[] dataKey, EncryptionContext context, AuditOperation op)
            throws InvalidKeyException;

    /**
     * Whether a data key cached for {@code key} may serve another message: the embedded store
     * checks the key's state and current version (lock-free); a remote key cannot without a
     * request, which is what the cache saves, so it is reused within the cache's limits
     * (docs/decisions.md, "A remote data-key cache trusts its limits").
     */
    boolean mayReuse(KmsKeyHandle key, EncryptionContext context, int wrappedVersion);

    /** A handle whose key lives elsewhere (a kms-jca server): it brings its own operations. */
    interface Remote {
        MasterKeyOperations operations();
    }

    /** The operations for {@code key}: its own if it is remote, else {@code embedded}. */
    static MasterKeyOperations of(KmsKeyHandle key, MasterKeyOperations embedded) {
        return key instanceof Remote remote ? remote.operations() : embedded;
    }

    /** Whether {@code key} is a remote key (a server's). */
    static boolean isRemote(KmsKeyHandle key) {
        return key instanceof Remote;
    }
}
