package io.kmsjca.internal.remote;

import io.kmsjca.internal.engine.PrivateKeyHandleBase;
import io.kmsjca.internal.engine.PrivateKeyOperations;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;

import java.security.PublicKey;
import java.util.Objects;
import java.util.UUID;

/**
 * The handle a {@link RemoteKeyService} gives out for a server's asymmetric key: it names the key,
 * carries its public half (from GetPublicKey, fetched once, when the handle is made) and brings the
 * server's {@linkplain PrivateKeyOperations operations}, so {@code Signature}, {@code Cipher} RSA-OAEP
 * and {@code KeyAgreement "ECDH"} send Sign, Decrypt and DeriveSharedSecret requests. No private key
 * material, here or anywhere in this JVM: what {@link PrivateKeyHandleBase} says of every handle
 * (no encoding, not serializable, the algorithm a certificate reports) holds. RSA, EC and Ed25519
 * handles are {@code RSAKey}, {@code ECKey} and {@code EdECKey} from the public key, as the embedded
 * handles are, so JSSE can pick algorithms without a request.
 */
public class RemotePrivateKeyHandle extends PrivateKeyHandleBase implements PrivateKeyOperations.Provided {
    private static final long serialVersionUID = 1L;

    private final transient PrivateKeyOperations operations;
    private final transient String serverUrl;

    RemotePrivateKeyHandle(PrivateKeyOperations operations, String serverUrl, UUID keyId, String alias, KeySpec keySpec,
                           KeyUsage keyUsage, PublicKey publicKey) {
        super(keyId, alias, keySpec, keyUsage, publicKey);
        this.operations = Objects.requireNonNull(operations);
        this.serverUrl = serverUrl;
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

    /** The server this key lives on. */
    public final String serverUrl() {
        return serverUrl;
    }

    /** Handles compare by server connection and key id. */
    @Override
    public final boolean equals(Object o) {
        return o instanceof RemotePrivateKeyHandle other && other.operations == operations && other.keyId().equals(keyId());
    }

    @Override
    protected final String where() {
        return " on " + serverUrl;
    }

    /** An RSA key's handle: the modulus is public. */
    static final class Rsa extends RemotePrivateKeyHandle implements PrivateKeyHandleBase.Rsa {
        private static final long serialVersionUID = 1L;

        Rsa(PrivateKeyOperations operations, String serverUrl, UUID keyId, String alias, KeySpec spec, KeyUsage usage,
            PublicKey publicKey) {
            super(operations, serverUrl, keyId, alias, spec, usage, publicKey);
        }
    }

    /** An EC key's handle: the curve is public. */
    static final class Ec extends RemotePrivateKeyHandle implements PrivateKeyHandleBase.Ec {
        private static final long serialVersionUID = 1L;

        Ec(PrivateKeyOperations operations, String serverUrl, UUID keyId, String alias, KeySpec spec, KeyUsage usage,
           PublicKey publicKey) {
            super(operations, serverUrl, keyId, alias, spec, usage, publicKey);
        }
    }

    /** An Ed25519 key's handle. */
    static final class EdEc extends RemotePrivateKeyHandle implements PrivateKeyHandleBase.EdEc {
        private static final long serialVersionUID = 1L;

        EdEc(PrivateKeyOperations operations, String serverUrl, UUID keyId, String alias, KeySpec spec, KeyUsage usage,
             PublicKey publicKey) {
            super(operations, serverUrl, keyId, alias, spec, usage, publicKey);
        }
    }
}
