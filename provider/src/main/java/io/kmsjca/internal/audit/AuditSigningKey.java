package io.kmsjca.internal.audit;

import io.kmsjca.audit.AuditVerificationKey;
import io.kmsjca.internal.crypto.Primitives;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;

/**
 * The store's Ed25519 key pair that signs checkpoints of the audit log's hash chain. Its private
 * key is never stored: it is derived from a 32-byte seed (RFC 8032's private key) that the store
 * derives from its provider-owned audit key (docs/audit.md), so every process sharing a store
 * signs with the same key, and the public half ({@link #verificationKey()}) can be handed to
 * auditors, who can verify but not sign.
 */
public final class AuditSigningKey {

    private final PrivateKey privateKey;
    private final AuditVerificationKey verificationKey;

    private AuditSigningKey(PrivateKey privateKey, AuditVerificationKey verificationKey) {
        this.privateKey = privateKey;
        this.verificationKey = verificationKey;
    }

    /**
     * The key pair whose RFC 8032 private key is {@code seed} (32 bytes). The caller wipes the
     * seed; this method wipes only its own copies.
     */
    public static AuditSigningKey fromSeed(byte[] seed) {
        if (seed.length != Ed25519.SECRET_KEY_SIZE) {
            throw new IllegalArgumentException("an Ed25519 seed is 32 bytes");
        }
        byte[] raw = new byte[Ed25519.PUBLIC_KEY_SIZE];
        Ed25519.generatePublicKey(seed, 0, raw, 0); // the JDK derives it only inside KeyPairGenerator
        try {
            PrivateKey priv = Primitives.keyFactory("Ed25519")
                    .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
            return new AuditSigningKey(priv, AuditVerificationKey.fromRaw(raw));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no Ed25519", e);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** The public half, for auditors. */
    public AuditVerificationKey verificationKey() {
        return verificationKey;
    }

    /** The Ed25519 signature (64 bytes) of {@code message}. */
    byte[] sign(byte[] message) {
        try {
            Signature s = Primitives.signature("Ed25519");
            s.initSign(privateKey);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the audit log's checkpoint", e);
        }
    }
}
