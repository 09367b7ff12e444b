package io.kmsjca.internal.crypto;

import io.kmsjca.keys.KeySpec;

import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;

/**
 * Key pairs of every asymmetric {@link KeySpec}: generated with the provider's randomness
 * ({@link KmsRandom}), encoded (PKCS#8 / X.509 DER) and decoded, and recognised (which spec a
 * caller's key is). RSA, NIST curves and Ed25519 come from the JDK (SunRsaSign, SunEC) when it
 * has them; secp256k1 and ML-DSA from Bouncy Castle (JDK 17 has neither). Every decode bounds its
 * input and checks the key is of the spec named.
 */
public final class KeyPairs {

    private KeyPairs() {
    }

    /** A fresh key pair of {@code spec} (asymmetric), from {@link KmsRandom}. */
    public static KeyPair generate(KeySpec spec) {
        throw new UnsupportedOperationException("TODO #19 crypto");
    }

    /** The spec of a caller's private key, or InvalidKeyException naming what it is and what is supported. */
    public static KeySpec specOf(PrivateKey key) throws InvalidKeyException {
        throw new UnsupportedOperationException("TODO #19 crypto");
    }

    /** The spec of a public key (X.509 certificate's, for instance). */
    public static KeySpec specOf(PublicKey key) throws InvalidKeyException {
        throw new UnsupportedOperationException("TODO #19 crypto");
    }

    /** A private key of {@code spec} from its PKCS#8 DER (read from a record: already authenticated). */
    public static PrivateKey decodePrivate(KeySpec spec, byte[] pkcs8) throws InvalidKeyException {
        throw new UnsupportedOperationException("TODO #19 crypto");
    }

    /**
     * A public key of {@code spec} from X.509 SubjectPublicKeyInfo DER, which may come from a
     * caller (a peer's key for ECDH): bounded, parsed strictly, and refused unless it is of
     * {@code spec} (same curve; for EC, a point on the curve).
     */
    public static PublicKey decodePublic(KeySpec spec, byte[] x509) throws InvalidKeyException {
        throw new UnsupportedOperationException("TODO #19 crypto");
    }

    /** The public key of a private key of {@code spec} (stored beside it; derived on import). */
    public static PublicKey publicOf(KeySpec spec, PrivateKey key) throws InvalidKeyException {
        throw new UnsupportedOperationException("TODO #19 crypto");
    }
}
