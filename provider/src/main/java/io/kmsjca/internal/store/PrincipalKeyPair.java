package io.kmsjca.internal.store;

import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.internal.crypto.SecretBytes;
import org.bouncycastle.math.ec.rfc7748.X25519;

import java.util.Arrays;
import java.util.Objects;

/**
 * A principal's X25519 key pair: key versions are sealed to its public key, which its
 * credential slot carries in the clear (authenticated), and opened with its private key, which
 * the slot wraps beside the root key under the credential's secret (docs/FORMAT.md, "Sealing
 * per principal"). Only a credential's own secret unwraps its private key.
 */
public final class PrincipalKeyPair {

    public static final int KEY_BYTES = X25519.POINT_SIZE;

    private final byte[] publicKey;
    private final SecretBytes privateKey;

    private PrincipalKeyPair(byte[] publicKey, byte[] privateKey) {
        this.publicKey = publicKey.clone();
        this.privateKey = new SecretBytes(privateKey, "X25519");
    }

    /** A new key pair from the provider's generator. */
    public static PrincipalKeyPair generate() {
        byte[] k = new byte[X25519.SCALAR_SIZE];
        KmsRandom.nextBytes(k);
        try {
            return of(k);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    /** The pair of private key {@code k} (copied; the caller wipes its own). */
    static PrincipalKeyPair of(byte[] k) {
        if (k.length != X25519.SCALAR_SIZE) {
            throw new IllegalArgumentException("an X25519 private key is 32 bytes");
        }
        byte[] pub = new byte[X25519.POINT_SIZE];
        X25519.generatePublicKey(k, 0, pub, 0);
        return new PrincipalKeyPair(pub, k);
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** Whether {@code candidate} is this pair's public key. */
    public boolean hasPublicKey(byte[] candidate) {
        return Arrays.equals(publicKey, candidate);
    }

    /** The private key's bytes, for wrapping into a slot; the caller wipes them. */
    byte[] privateKeyCopy() {
        return privateKey.getEncoded();
    }

    /**
     * X25519 of this private key and {@code peer}, or null when the result is all zero (a
     * low-order point: a sealed blob that names it is refused by the caller).
     */
    byte[] agree(byte[] peer) {
        Objects.requireNonNull(peer);
        byte[] k = privateKey.getEncoded();
        byte[] shared = new byte[X25519.POINT_SIZE];
        try {
            return X25519.calculateAgreement(k, 0, peer, 0, shared, 0) ? shared : null;
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    public void destroy() {
        privateKey.destroy();
    }
}
