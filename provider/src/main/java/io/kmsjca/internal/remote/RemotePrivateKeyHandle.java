package io.kmsjca.internal.remote;

import io.kmsjca.internal.engine.PrivateKeyOperations;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsPrivateKeyHandle;

import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.math.BigInteger;
import java.security.PublicKey;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.util.Objects;
import java.util.UUID;

/**
 * The handle a {@link RemoteKeyService} gives out for a server's asymmetric key: it names the key,
 * carries its public half (from GetPublicKey, fetched once, when the handle is made) and brings the
 * server's {@linkplain PrivateKeyOperations operations}, so {@code Signature}, {@code Cipher} RSA-OAEP
 * and {@code KeyAgreement "ECDH"} send Sign, Decrypt and DeriveSharedSecret requests. No private key
 * material, here or anywhere in this JVM: {@link #getEncoded()} and {@link #getFormat()} are null and
 * it cannot be serialized. RSA, EC and Ed25519 handles implement {@link RSAKey}, {@link ECKey} and
 * {@link EdECKey} from the public key, as the embedded handles do, so JSSE can pick algorithms.
 */
public class RemotePrivateKeyHandle implements KmsPrivateKeyHandle, PrivateKeyOperations.Provided {
    private static final long serialVersionUID = 1L;

    private final transient PrivateKeyOperations operations;
    private final transient String serverUrl;
    private final UUID keyId;
    private final String alias;
    private final KeySpec keySpec;
    private final KeyUsage keyUsage;
    private final transient PublicKey publicKey;
    private volatile boolean destroyed;

    RemotePrivateKeyHandle(PrivateKeyOperations operations, String serverUrl, UUID keyId, String alias, KeySpec keySpec,
                           KeyUsage keyUsage, PublicKey publicKey) {
        this.operations = Objects.requireNonNull(operations);
        this.serverUrl = serverUrl;
        this.keyId = Objects.requireNonNull(keyId);
        this.alias = alias;
        this.keySpec = Objects.requireNonNull(keySpec);
        this.keyUsage = Objects.requireNonNull(keyUsage);
        this.publicKey = Objects.requireNonNull(publicKey);
    }

    /** The handle for a key of {@code spec}: with RSAKey, ECKey or EdECKey as its family has. */
    static RemotePrivateKeyHandle of(PrivateKeyOperations operations, String serverUrl, UUID keyId, String alias,
                                     KeySpec spec, KeyUsage usage, PublicKey publicKey) {
        return switch (spec.family()) {
            case RSA -> new Rsa(operations, serverUrl, keyId, alias, spec, usage, publicKey);
            case EC -> new Ec(operations, serverUrl, keyId, alias, spec, usage, publicKey);
            case EDDSA -> new EdEc(operations, serverUrl, keyId, alias, spec, usage, publicKey);
            default -> new RemotePrivateKeyHandle(operations, serverUrl, keyId, alias, spec, usage, publicKey);
        };
    }

    @Override
    public final PrivateKeyOperations privateKeyOperations() {
        return operations;
    }

    @Override
    public final UUID keyId() {
        return keyId;
    }

    @Override
    public final String alias() {
        return alias;
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

    /** The server this key lives on. */
    public final String serverUrl() {
        return serverUrl;
    }

    /** The public key's algorithm name (RSA, EC, EdDSA, ML-DSA), as the JCA services match keys by it. */
    @Override
    public final String getAlgorithm() {
        return publicKey.getAlgorithm();
    }

    /** Null: the private key never leaves the server. */
    @Override
    public final String getFormat() {
        return null;
    }

    /** Null: the private key never leaves the server. */
    @Override
    public final byte[] getEncoded() {
        return null;
    }

    @Override
    public final void destroy() {
        destroyed = true;
    }

    @Override
    public final boolean isDestroyed() {
        return destroyed;
    }

    private void writeObject(ObjectOutputStream out) throws NotSerializableException {
        throw new NotSerializableException("a KMS key handle is bound to its key store and cannot be serialized");
    }

    /** Handles compare by server connection and key id. */
    @Override
    public final boolean equals(Object o) {
        return o instanceof RemotePrivateKeyHandle other && other.operations == operations && other.keyId.equals(keyId);
    }

    @Override
    public final int hashCode() {
        return keyId.hashCode();
    }

    @Override
    public final String toString() {
        return "KmsPrivateKeyHandle[" + (alias == null ? "" : "alias/" + alias + " ") + keyId + " " + keySpec + " "
                + keyUsage + " on " + serverUrl + "]";
    }

    /** An RSA key's handle: the modulus is public. */
    static final class Rsa extends RemotePrivateKeyHandle implements RSAKey {
        private static final long serialVersionUID = 1L;

        Rsa(PrivateKeyOperations operations, String serverUrl, UUID keyId, String alias, KeySpec spec, KeyUsage usage,
            PublicKey publicKey) {
            super(operations, serverUrl, keyId, alias, spec, usage, publicKey);
        }

        @Override
        public BigInteger getModulus() {
            return ((RSAPublicKey) publicKey()).getModulus();
        }
    }

    /** An EC key's handle: the curve is public. */
    static final class Ec extends RemotePrivateKeyHandle implements ECKey {
        private static final long serialVersionUID = 1L;

        Ec(PrivateKeyOperations operations, String serverUrl, UUID keyId, String alias, KeySpec spec, KeyUsage usage,
           PublicKey publicKey) {
            super(operations, serverUrl, keyId, alias, spec, usage, publicKey);
        }

        @Override
        public ECParameterSpec getParams() {
            return ((ECPublicKey) publicKey()).getParams();
        }
    }

    /** An Ed25519 key's handle. */
    static final class EdEc extends RemotePrivateKeyHandle implements EdECKey {
        private static final long serialVersionUID = 1L;

        EdEc(PrivateKeyOperations operations, String serverUrl, UUID keyId, String alias, KeySpec spec, KeyUsage usage,
             PublicKey publicKey) {
            super(operations, serverUrl, keyId, alias, spec, usage, publicKey);
        }

        @Override
        public NamedParameterSpec getParams() {
            return publicKey() instanceof EdECPublicKey ed ? ed.getParams() : NamedParameterSpec.ED25519;
        }
    }
}
