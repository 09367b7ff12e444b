package io.kmsjca.internal.audit;

import io.kmsjca.audit.AuditVerificationKey;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.util.Arrays;

/**
 * The store's Ed25519 key pair that signs checkpoints of the audit log's hash chain. Its private
 * key is never stored: it is derived from a 32-byte seed (RFC 8032's private key) that the store
 * derives from its provider-owned audit key (docs/audit.md), so every process sharing a store
 * signs with the same key, and the public half ({@link #verificationKey()}) can be handed to
 * auditors, who can verify but not sign.
 */
public final class AuditSigningKey {

    /** The RFC 8032 private key (the seed); Bouncy Castle's Ed25519 signs with it, so no JDK module is needed. */
    private final byte[] seed;
    private final byte[] publicKey; // given to each signature, which then need not compute it again
    private final AuditVerificationKey verificationKey;

    private AuditSigningKey(byte[] seed, byte[] publicKey) {
        this.seed = seed;
        this.publicKey = publicKey;
        this.verificationKey = AuditVerificationKey.fromRaw(publicKey);
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
        Ed25519.generatePublicKey(seed, 0, raw, 0);
        return new AuditSigningKey(seed.clone(), raw);
    }

    /** The public half, for auditors. */
    public AuditVerificationKey verificationKey() {
        return verificationKey;
    }

    /**
     * The Ed25519 signature (64 bytes) of {@code message}. Bouncy Castle's RFC 8032 code, not a
     * JCA provider: the JDK's Ed25519 lives in {@code jdk.crypto.ec} on JDK 17, which a runtime
     * image may leave out, and a store must open there.
     */
    byte[] sign(byte[] message) {
        byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(seed, 0, publicKey, 0, message, 0, message.length, signature, 0);
        return signature;
    }

    /** Wipes the private key: called when the store closes. */
    public void destroy() {
        Arrays.fill(seed, (byte) 0);
    }
}
