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
 * The embedded store's private-key operations: one per JCA object, holding its own JDK
 * primitives, so a call takes no lock, does no I/O and looks up no provider. Not thread-safe,
 * like the JCA objects that own it.
 */
public final class PrivateKeyEngine implements PrivateKeyOperations {

    @Override
    public void checkUsable(KmsPrivateKeyHandle key, AuditOperation op) throws InvalidKeyException {
        throw new UnsupportedOperationException("TODO #19 core");
    }

    @Override
    public byte[] sign(KmsPrivateKeyHandle key, byte[] message, int off, int len, MessageType type,
                       SigningAlgorithm algorithm) throws GeneralSecurityException {
        throw new UnsupportedOperationException("TODO #19 core");
    }

    @Override
    public byte[] decrypt(KmsPrivateKeyHandle key, byte[] ciphertext, EncryptionAlgorithm algorithm)
            throws GeneralSecurityException {
        throw new UnsupportedOperationException("TODO #19 core");
    }

    @Override
    public byte[] deriveSharedSecret(KmsPrivateKeyHandle key, PublicKey peer) throws GeneralSecurityException {
        throw new UnsupportedOperationException("TODO #19 core");
    }
}
