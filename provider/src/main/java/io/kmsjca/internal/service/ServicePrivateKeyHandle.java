package io.kmsjca.internal.service;

import io.kmsjca.internal.engine.PrivateKeyHandleBase;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsPrivateKeyHandle;

import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.util.Objects;
import java.util.UUID;

/**
 * The handle on an asymmetric key an {@link EmbeddedKeyService} gives out: its service stays
 * inside the provider. Made by {@link #of}, as the subclass of the key's family that implements
 * the JDK's public-parameter interface ({@code RSAKey}, {@code ECKey}, {@code EdECKey}).
 */
public class ServicePrivateKeyHandle extends PrivateKeyHandleBase {
    private static final long serialVersionUID = 1L;

    private final transient EmbeddedKeyService service;

    private ServicePrivateKeyHandle(EmbeddedKeyService service, UUID keyId, String alias, KeySpec spec, KeyUsage usage,
                                    PublicKey publicKey) {
        super(keyId, alias, spec, usage, publicKey);
        this.service = Objects.requireNonNull(service);
    }

    /** A handle on key {@code keyId} of {@code service}, of the class its spec's family takes. */
    public static ServicePrivateKeyHandle of(EmbeddedKeyService service, UUID keyId, String alias, KeySpec spec,
                                             KeyUsage usage, PublicKey publicKey) {
        return switch (spec.family()) {
            case RSA -> new Rsa(service, keyId, alias, spec, usage, publicKey);
            case EC -> new Ec(service, keyId, alias, spec, usage, publicKey);
            case EDDSA -> new EdEc(service, keyId, alias, spec, usage, publicKey);
            case ML_DSA -> new ServicePrivateKeyHandle(service, keyId, alias, spec, usage, publicKey);
            case AES, HMAC -> throw new IllegalArgumentException("not an asymmetric spec: " + spec);
        };
    }

    public EmbeddedKeyService service() {
        return service;
    }

    /**
     * The service behind a private key handle this provider gave out.
     *
     * @throws InvalidKeyException for a handle made elsewhere
     */
    public static EmbeddedKeyService serviceOf(KmsPrivateKeyHandle handle) throws InvalidKeyException {
        if (handle instanceof ServicePrivateKeyHandle h) {
            return h.service;
        }
        throw new InvalidKeyException("not a handle a KMS key store gave out: "
                + (handle == null ? "null" : handle.getClass().getName()));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ServicePrivateKeyHandle other && other.service == service && other.keyId().equals(keyId());
    }

    private static final class Rsa extends ServicePrivateKeyHandle implements PrivateKeyHandleBase.Rsa {
        private static final long serialVersionUID = 1L;

        Rsa(EmbeddedKeyService s, UUID id, String alias, KeySpec spec, KeyUsage usage, PublicKey pub) {
            super(s, id, alias, spec, usage, pub);
        }
    }

    private static final class Ec extends ServicePrivateKeyHandle implements PrivateKeyHandleBase.Ec {
        private static final long serialVersionUID = 1L;

        Ec(EmbeddedKeyService s, UUID id, String alias, KeySpec spec, KeyUsage usage, PublicKey pub) {
            super(s, id, alias, spec, usage, pub);
        }
    }

    private static final class EdEc extends ServicePrivateKeyHandle implements PrivateKeyHandleBase.EdEc {
        private static final long serialVersionUID = 1L;

        EdEc(EmbeddedKeyService s, UUID id, String alias, KeySpec spec, KeyUsage usage, PublicKey pub) {
            super(s, id, alias, spec, usage, pub);
        }
    }
}
