package io.kmsjca.internal.engine;

import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsPrivateKeyHandle;

import java.math.BigInteger;
import java.security.PublicKey;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.util.Objects;
import java.util.UUID;

/**
 * What every handle on an asymmetric key shares, embedded or a server's: a {@link NamedHandle}
 * (no material, not serializable) that knows its key's spec, usage and public key, and reports
 * the JCA algorithm a certificate of that public key reports ({@code RSA}, {@code EC},
 * {@code EdDSA}, {@code ML-DSA}), so a {@code KeyStore.PrivateKeyEntry} accepts it beside its
 * chain. Subclasses add the JDK interface of the key's family: {@link Rsa}, {@link Ec} or
 * {@link EdEc}, which describe the key by its public parameters only, never its secret.
 */
public abstract class PrivateKeyHandleBase extends NamedHandle implements KmsPrivateKeyHandle {
    private static final long serialVersionUID = 1L;

    private final KeySpec keySpec;
    private final KeyUsage keyUsage;
    private final transient PublicKey publicKey;

    protected PrivateKeyHandleBase(UUID keyId, String alias, KeySpec keySpec, KeyUsage keyUsage, PublicKey publicKey) {
        super(keyId, alias);
        if (!keySpec.isAsymmetric()) {
            throw new IllegalArgumentException("a private key handle names an asymmetric key, not " + keySpec);
        }
        this.keySpec = keySpec;
        this.keyUsage = Objects.requireNonNull(keyUsage);
        this.publicKey = Objects.requireNonNull(publicKey);
    }

    @Override
    public final KeySpec keySpec() {
        return keySpec;
    }

    @Override
    public final KeyUsage keyUsage() {
        return keyUsage;
    }

    @Override
    public final PublicKey publicKey() {
        return publicKey;
    }

    /** The JCA name of the key's algorithm, as its public key and a certificate of it report it. */
    @Override
    public final String getAlgorithm() {
        return algorithmOf(keySpec);
    }

    /** {@code RSA}, {@code EC}, {@code EdDSA} (what the JDK's Ed25519 keys report) or {@code ML-DSA}. */
    public static String algorithmOf(KeySpec spec) {
        return switch (spec.family()) {
            case RSA -> "RSA";
            case EC -> "EC";
            case EDDSA -> "EdDSA";
            case ML_DSA -> "ML-DSA";
            case AES, HMAC -> throw new IllegalArgumentException("not an asymmetric spec: " + spec);
        };
    }

    /** {@code KmsPrivateKeyHandle[alias/NAME ID, SPEC USAGE]} and {@link #where()}: never the key. */
    @Override
    public final String toString() {
        return "KmsPrivateKeyHandle[" + name() + ", " + keySpec + " " + keyUsage + where() + "]";
    }

    /** An RSA handle: the modulus, from the public key. */
    public interface Rsa extends KmsPrivateKeyHandle, RSAKey {
        @Override
        default BigInteger getModulus() {
            return ((RSAPublicKey) publicKey()).getModulus();
        }

        @Override
        default AlgorithmParameterSpec getParams() {
            return ((RSAPublicKey) publicKey()).getParams();
        }
    }

    /** An EC handle: the curve, from the public key. */
    public interface Ec extends KmsPrivateKeyHandle, ECKey {
        @Override
        default ECParameterSpec getParams() {
            return ((ECPublicKey) publicKey()).getParams();
        }
    }

    /** An Ed25519 handle: the curve's name. */
    public interface EdEc extends KmsPrivateKeyHandle, EdECKey {
        @Override
        default NamedParameterSpec getParams() {
            return publicKey() instanceof EdECPublicKey ed ? ed.getParams() : NamedParameterSpec.ED25519;
        }
    }
}
