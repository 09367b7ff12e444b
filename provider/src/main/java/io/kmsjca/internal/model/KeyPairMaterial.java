package io.kmsjca.internal.model;

import io.kmsjca.internal.crypto.KeyPairs;
import io.kmsjca.internal.crypto.SecretBytes;
import io.kmsjca.keys.KeySpec;

import javax.security.auth.DestroyFailedException;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Objects;

/**
 * The material of an asymmetric key version: its private key's PKCS#8 DER (wipeable, sealed
 * into the record) and, decoded once for the hot path, the private key object and the public
 * key. Never leaves the provider; {@link #wipe()} zeroes the PKCS#8 bytes and drops the object.
 */
public final class KeyPairMaterial {

    private final KeySpec spec;
    private final SecretBytes pkcs8;
    private final PublicKey publicKey;
    private volatile PrivateKey privateKey;

    private KeyPairMaterial(KeySpec spec, PublicKey publicKey) {
        this.spec = spec;
        this.pkcs8 = null;
        this.privateKey = null;
        this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
    }

    /**
     * The public half alone, of a key pair whose private key is sealed to other principals
     * ({@link KeyVersion#sealedAway}): {@link #privateKey()} refuses.
     */
    public static KeyPairMaterial publicOnly(KeySpec spec, byte[] x509) throws InvalidKeyException {
        if (!spec.isAsymmetric()) {
            throw new IllegalArgumentException("a key pair has an asymmetric spec, not " + spec);
        }
        return new KeyPairMaterial(spec, KeyPairs.decodePublic(spec, x509));
    }

    /** Whether this holds the public key only ({@link #publicOnly}). */
    public boolean isPublicOnly() {
        return pkcs8 == null;
    }

    /** Copies {@code pkcs8}; the caller wipes its own copy. */
    public KeyPairMaterial(KeySpec spec, byte[] pkcs8, PrivateKey privateKey, PublicKey publicKey) {
        if (!spec.isAsymmetric()) {
            throw new IllegalArgumentException("a key pair has an asymmetric spec, not " + spec);
        }
        this.spec = spec;
        this.pkcs8 = new SecretBytes(pkcs8, "PKCS#8");
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
    }

    /** A generated or imported pair; the PKCS#8 encoding taken from the private key is wiped here. */
    public static KeyPairMaterial of(KeySpec spec, KeyPair pair) {
        byte[] der = pair.getPrivate().getEncoded();
        if (der == null) {
            throw new IllegalArgumentException("the private key has no PKCS#8 encoding");
        }
        try {
            return new KeyPairMaterial(spec, der, pair.getPrivate(), pair.getPublic());
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    /** Decodes a record's material (already authenticated); the caller wipes {@code pkcs8}. */
    public static KeyPairMaterial decode(KeySpec spec, byte[] pkcs8, byte[] x509) throws InvalidKeyException {
        return new KeyPairMaterial(spec, pkcs8, KeyPairs.decodePrivate(spec, pkcs8), KeyPairs.decodePublic(spec, x509));
    }

    public KeySpec spec() {
        return spec;
    }

    /** The private key, for the primitives only. */
    public PrivateKey privateKey() throws InvalidKeyException {
        PrivateKey k = privateKey;
        if (pkcs8 == null) {
            throw new InvalidKeyException("the key pair's private key is sealed to other principals");
        }
        if (k == null || pkcs8.isDestroyed()) {
            throw new InvalidKeyException("the key pair's private key was wiped");
        }
        return k;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /** The public key's X.509 SubjectPublicKeyInfo DER. */
    public byte[] publicKeyDer() {
        return publicKey.getEncoded();
    }

    /** The PKCS#8 DER, for sealing into a record only; the caller wipes it. */
    public byte[] pkcs8Copy() {
        if (pkcs8 == null) {
            throw new IllegalStateException("the key pair's private key is sealed to other principals");
        }
        return pkcs8.getEncoded();
    }

    public boolean isWiped() {
        return pkcs8 == null || pkcs8.isDestroyed();
    }

    /** Zeroes the PKCS#8 bytes and drops the decoded private key (destroying it where the JDK can). */
    public void wipe() {
        if (pkcs8 != null) {
            pkcs8.destroy();
        }
        PrivateKey k = privateKey;
        privateKey = null;
        if (k != null && !k.isDestroyed()) {
            try {
                k.destroy();
            } catch (DestroyFailedException | RuntimeException cannot) {
                // most JDK private keys cannot be destroyed: dropping the reference is all there is
            }
        }
    }

    @Override
    public String toString() {
        return "KeyPairMaterial[" + spec + "]";
    }
}
