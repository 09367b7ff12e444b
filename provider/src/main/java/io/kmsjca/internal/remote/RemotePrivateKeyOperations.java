package io.kmsjca.internal.remote;

import io.kmsjca.internal.engine.PrivateKeyOperations;
import io.kmsjca.keys.EncryptionAlgorithm;
import io.kmsjca.keys.KeyAgreementAlgorithm;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;
import io.kmsjca.spi.audit.AuditOperation;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.util.Arrays;

/**
 * A server's asymmetric keys as the JCA services use them ({@code Signature}, {@code Cipher}
 * RSA-OAEP, {@code KeyAgreement "ECDH"}): KMS Sign, Decrypt and DeriveSharedSecret, one request per
 * operation, by the handle's key id. {@link #checkUsable} checks what needs no request (the handle,
 * the connection, the key's usage); the server checks state and policy and audits each request.
 * Thread-safe: one per server connection, shared by its handles.
 */
final class RemotePrivateKeyOperations implements PrivateKeyOperations {

    private final RemoteAsymmetricKeys keys;
    private volatile boolean closed;

    RemotePrivateKeyOperations(RemoteAsymmetricKeys keys) {
        this.keys = keys;
    }

    void close() {
        closed = true;
    }

    @Override
    public void checkUsable(KmsPrivateKeyHandle key, AuditOperation op) throws InvalidKeyException {
        if (key.isDestroyed()) {
            throw new InvalidKeyException("key handle " + key.keyId() + " was destroyed");
        }
        if (closed) {
            throw new InvalidKeyException("the connection to kms-jca server " + keys.url() + " of key " + key.keyId() + " was closed");
        }
        KeyUsage needed = switch (op) {
            case SIGN, VERIFY -> KeyUsage.SIGN_VERIFY;
            case DERIVE_SHARED_SECRET -> KeyUsage.KEY_AGREEMENT;
            case ENCRYPT, DECRYPT -> KeyUsage.ENCRYPT_DECRYPT;
            default -> null;
        };
        if (needed != null && key.keyUsage() != needed) {
            throw new InvalidKeyException("key " + key + " is a " + key.keyUsage() + " key: " + op + " needs " + needed);
        }
    }

    @Override
    public byte[] sign(KmsPrivateKeyHandle key, byte[] message, int off, int len, MessageType type, SigningAlgorithm algorithm)
            throws GeneralSecurityException {
        checkUsable(key, AuditOperation.SIGN);
        byte[] part = Arrays.copyOfRange(message, off, off + len);
        try {
            return keys.sign(key.keyId().toString(), key.keySpec(), part, type, algorithm);
        } finally {
            Arrays.fill(part, (byte) 0);
        }
    }

    @Override
    public byte[] decrypt(KmsPrivateKeyHandle key, byte[] ciphertext, EncryptionAlgorithm algorithm)
            throws GeneralSecurityException {
        checkUsable(key, AuditOperation.DECRYPT);
        return keys.decrypt(key.keyId().toString(), key.keySpec(), ciphertext, algorithm);
    }

    @Override
    public byte[] deriveSharedSecret(KmsPrivateKeyHandle key, PublicKey peer) throws GeneralSecurityException {
        checkUsable(key, AuditOperation.DERIVE_SHARED_SECRET);
        byte[] der = peer.getEncoded();
        if (der == null) {
            throw new InvalidKeyException("the peer's public key has no X.509 encoding to send");
        }
        return keys.deriveSharedSecret(key.keyId().toString(), key.keySpec(), KeyAgreementAlgorithm.ECDH, der);
    }
}
