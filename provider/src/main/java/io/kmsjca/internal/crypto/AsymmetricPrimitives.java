package io.kmsjca.internal.crypto;

import io.kmsjca.keys.EncryptionAlgorithm;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;

/**
 * The asymmetric operations of AWS KMS on keys held here: Sign and Verify with every
 * {@link SigningAlgorithm} and {@link MessageType}, RSA-OAEP encrypt and decrypt, ECDH. One per
 * engine (not thread-safe): it keeps the JDK and Bouncy Castle primitive instances it made, so a
 * call looks up no provider. Signatures are what AWS KMS returns: DER for ECDSA, PKCS#1 / PSS
 * (salt length = hash length, MGF1 with the same hash) for RSA, raw for Ed25519 and ML-DSA.
 */
public final class AsymmetricPrimitives {

    /**
     * Signs {@code message[off, off+len)}: a DIGEST of {@code algorithm}'s hash length, a RAW
     * message of at most {@link MessageType#MAX_RAW_BYTES} bytes, or an EXTERNAL_MU of 64 bytes (ML-DSA).
     *
     * @throws java.security.SignatureException the message type or length does not fit the algorithm
     * @throws java.security.InvalidAlgorithmParameterException the algorithm is not one of the spec's
     */
    public byte[] sign(PrivateKey key, KeySpec spec, SigningAlgorithm algorithm, MessageType type, byte[] message,
                       int off, int len) throws GeneralSecurityException {
        throw new UnsupportedOperationException("TODO #19 crypto");
    }

    /** Whether {@code signature} is valid; malformed signatures are simply not valid. */
    public boolean verify(PublicKey key, KeySpec spec, SigningAlgorithm algorithm, MessageType type, byte[] message,
                          byte[] signature) throws GeneralSecurityException {
        throw new UnsupportedOperationException("TODO #19 crypto");
    }

    /** RSA-OAEP with {@code algorithm}'s hash for OAEP and MGF1, no label. */
    public byte[] encrypt(PublicKey key, KeySpec spec, EncryptionAlgorithm algorithm, byte[] plaintext)
            throws GeneralSecurityException {
        throw new UnsupportedOperationException("TODO #19 crypto");
    }

    /** RSA-OAEP decryption; a wrong key, algorithm or ciphertext is a {@code BadPaddingException}. */
    public byte[] decrypt(PrivateKey key, KeySpec spec, EncryptionAlgorithm algorithm, byte[] ciphertext)
            throws GeneralSecurityException {
        throw new UnsupportedOperationException("TODO #19 crypto");
    }

    /** The raw ECDH shared secret (field-size x coordinate) with {@code peer}, a key of the same curve. */
    public byte[] ecdh(PrivateKey key, KeySpec spec, PublicKey peer) throws GeneralSecurityException {
        throw new UnsupportedOperationException("TODO #19 crypto");
    }
}
