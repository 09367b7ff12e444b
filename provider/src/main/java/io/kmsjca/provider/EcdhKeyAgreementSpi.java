package io.kmsjca.provider;

import io.kmsjca.internal.engine.PrivateKeyEngine;
import io.kmsjca.internal.engine.PrivateKeyOperations;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.spi.audit.AuditOperation;

import javax.crypto.KeyAgreementSpi;
import javax.crypto.SecretKey;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.NoSuchAlgorithmException;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;

/**
 * {@code KeyAgreement "ECDH"} with a KMS ECC key of usage KEY_AGREEMENT: {@code init(handle)},
 * {@code doPhase(peerPublicKey, true)}, then {@code generateSecret()} is KMS DeriveSharedSecret, the
 * raw shared secret (the x coordinate) computed inside the provider and audited. The secret is
 * the caller's to wipe. {@code generateSecret("TlsPremasterSecret")} is what JSSE asks, as of the
 * JDK's ECDH. No other key is made of the raw secret (NIST SP 800-56A: a shared secret goes through
 * a key derivation function before it keys anything): take {@code generateSecret()} through a KDF.
 */
final class EcdhKeyAgreementSpi extends KeyAgreementSpi {

    private final PrivateKeyOperations embedded = new PrivateKeyEngine();
    private PrivateKeyOperations ops;
    private KmsPrivateKeyHandle key;
    private PublicKey peer;

    EcdhKeyAgreementSpi() {
    }

    @Override
    protected void engineInit(Key k, SecureRandom random) throws InvalidKeyException {
        if (!(k instanceof KmsPrivateKeyHandle handle) || handle.keySpec().family() != KeySpec.Family.EC) {
            throw new InvalidKeyException("ECDH of the KMS provider takes a KMS ECC private-key handle only, not "
                    + (k == null ? "null" : k instanceof KmsPrivateKeyHandle h ? h + " (" + h.keySpec() + ")" : k.getClass().getName()));
        }
        this.key = null;
        this.peer = null;
        PrivateKeyOperations next = PrivateKeyOperations.of(handle, embedded);
        next.checkUsable(handle, AuditOperation.DERIVE_SHARED_SECRET); // state, usage, rights: refusals audited
        this.ops = next;
        this.key = handle;
    }

    @Override
    protected void engineInit(Key k, AlgorithmParameterSpec params, SecureRandom random)
            throws InvalidKeyException, InvalidAlgorithmParameterException {
        if (params != null) {
            throw new InvalidAlgorithmParameterException("ECDH takes no parameters");
        }
        engineInit(k, random);
    }

    /** The peer's public key; ECDH has one phase, so {@code lastPhase} must be true. */
    @Override
    protected Key engineDoPhase(Key k, boolean lastPhase) throws InvalidKeyException {
        if (key == null) {
            throw new IllegalStateException("ECDH is not initialized");
        }
        if (peer != null) {
            throw new IllegalStateException("ECDH has one phase, and it was done");
        }
        if (!lastPhase) {
            throw new IllegalStateException("ECDH has one phase: doPhase(peerKey, true)");
        }
        if (!(k instanceof PublicKey publicKey) || !"EC".equalsIgnoreCase(publicKey.getAlgorithm())) {
            throw new InvalidKeyException("ECDH needs the peer's EC public key, not "
                    + (k == null ? "null" : k.getAlgorithm() + " " + k.getClass().getName()));
        }
        if (key instanceof ECKey own && publicKey instanceof ECPublicKey theirs
                && !sameCurve(own.getParams(), theirs.getParams())) {
            throw new InvalidKeyException("ECDH needs a peer key on the curve of " + key + " (" + key.keySpec() + ")");
        }
        this.peer = publicKey;
        return null;
    }

    private static boolean sameCurve(ECParameterSpec a, ECParameterSpec b) {
        return a.getCurve().equals(b.getCurve()) && a.getOrder().equals(b.getOrder())
                && a.getGenerator().equals(b.getGenerator()) && a.getCofactor() == b.getCofactor();
    }

    /** KMS DeriveSharedSecret; the agreement is then ready for another {@code doPhase}, as in the JDK. */
    @Override
    protected byte[] engineGenerateSecret() throws IllegalStateException {
        if (key == null || peer == null) {
            throw new IllegalStateException("ECDH needs init(key) and doPhase(peerKey, true) first");
        }
        PublicKey with = peer;
        peer = null;
        try {
            return ops.deriveSharedSecret(key, with);
        } catch (GeneralSecurityException e) {
            // generateSecret() declares no checked exception: a refusal by the key (its state, a peer
            // key of another curve) comes as the JDK's providers report it
            throw new ProviderException("ECDH with " + key + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    protected int engineGenerateSecret(byte[] sharedSecret, int offset) throws IllegalStateException, ShortBufferException {
        if (key == null || peer == null) {
            throw new IllegalStateException("ECDH needs init(key) and doPhase(peerKey, true) first");
        }
        int length = (((ECKey) key).getParams().getCurve().getField().getFieldSize() + 7) / 8;
        if (offset < 0 || sharedSecret.length - offset < length) {
            // as the JDK: a short buffer leaves the agreement as it was; nothing is derived or audited
            throw new ShortBufferException("ECDH needs " + length + " bytes of output");
        }
        byte[] secret = engineGenerateSecret();
        try {
            System.arraycopy(secret, 0, sharedSecret, offset, secret.length);
            return secret.length;
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    @Override
    protected SecretKey engineGenerateSecret(String algorithm) throws IllegalStateException, NoSuchAlgorithmException,
            InvalidKeyException {
        if (algorithm == null) {
            throw new NoSuchAlgorithmException("the algorithm of the secret is missing");
        }
        if (!algorithm.equals("TlsPremasterSecret")) {
            throw new NoSuchAlgorithmException("ECDH of the KMS provider makes TlsPremasterSecret keys only, not "
                    + algorithm + ": take generateSecret() through a KDF");
        }
        byte[] secret = engineGenerateSecret();
        try {
            return new SecretKeySpec(secret, "TlsPremasterSecret");
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }
}
