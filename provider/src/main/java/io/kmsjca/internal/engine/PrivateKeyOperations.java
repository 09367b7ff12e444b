package io.kmsjca.internal.engine;

import io.kmsjca.keys.EncryptionAlgorithm;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;
import io.kmsjca.spi.audit.AuditOperation;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PublicKey;

/**
 * What the JCA services of asymmetric keys ({@code Signature}, {@code Cipher} RSA-OAEP,
 * {@code KeyAgreement "ECDH"}) need from a private key, wherever it lives: the embedded store's
 * ({@link PrivateKeyEngine}, one per JCA object, holding its own JDK primitives), a kms-jca
 * server's (by request), or a key pair not yet stored (from {@code KeyPairGenerator "KMS"}). Every
 * call checks the key's state, usage and the caller's rights and is audited, as a KMS request is.
 */
public interface PrivateKeyOperations {

    /** Fails, audited, if {@code key} may not be used for {@code op} now (at {@code init}, as the JCA expects). */
    void checkUsable(KmsPrivateKeyHandle key, AuditOperation op) throws InvalidKeyException;

    /**
     * KMS Sign of {@code message[off, off+len)}: a DIGEST of the algorithm's hash, a RAW message
     * (Ed25519, ML-DSA), or EXTERNAL_MU (ML-DSA). ECDSA signatures are DER.
     */
    byte[] sign(KmsPrivateKeyHandle key, byte[] message, int off, int len, MessageType type, SigningAlgorithm algorithm)
            throws GeneralSecurityException;

    /** KMS Decrypt of an RSA-OAEP ciphertext. */
    byte[] decrypt(KmsPrivateKeyHandle key, byte[] ciphertext, EncryptionAlgorithm algorithm)
            throws GeneralSecurityException;

    /** KMS DeriveSharedSecret: the raw ECDH secret with {@code peer} (same curve). The caller wipes it. */
    byte[] deriveSharedSecret(KmsPrivateKeyHandle key, PublicKey peer) throws GeneralSecurityException;

    /** A handle that brings its own operations (a server's key, a key pair not yet stored). */
    interface Provided {
        PrivateKeyOperations privateKeyOperations();
    }

    /** The operations for {@code key}: its own if it brings them, else {@code embedded}. */
    static PrivateKeyOperations of(KmsPrivateKeyHandle key, PrivateKeyOperations embedded) {
        return key instanceof Provided provided ? provided.privateKeyOperations() : embedded;
    }
}
