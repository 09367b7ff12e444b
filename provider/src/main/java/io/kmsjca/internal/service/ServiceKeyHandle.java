package io.kmsjca.internal.service;

import io.kmsjca.internal.engine.KeyHandleBase;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KmsKeyHandle;

import java.security.InvalidKeyException;
import java.util.Objects;
import java.util.UUID;

/** The handle an {@link EmbeddedKeyService} gives out: its service stays inside the provider. */
public final class ServiceKeyHandle extends KeyHandleBase {
    private static final long serialVersionUID = 1L;

    private final transient EmbeddedKeyService service;

    public ServiceKeyHandle(EmbeddedKeyService service, UUID keyId, String alias) {
        super(keyId, alias);
        this.service = Objects.requireNonNull(service);
    }

    /** A handle on a key of {@code spec} (an HMAC key's handle names its MAC: "HmacSHA256"). */
    public ServiceKeyHandle(EmbeddedKeyService service, UUID keyId, String alias, io.kmsjca.keys.KeySpec spec) {
        super(keyId, alias, algorithmOf(spec));
        this.service = Objects.requireNonNull(service);
    }

    public EmbeddedKeyService service() {
        return service;
    }

    /**
     * The service behind a handle this provider gave out.
     *
     * @throws InvalidKeyException for a {@link KmsKeyHandle} made elsewhere: only a handle this
     *                             provider gave out names a key of one of its stores
     */
    public static EmbeddedKeyService serviceOf(KmsKeyHandle handle) throws InvalidKeyException {
        if (handle instanceof ServiceKeyHandle h) {
            return h.service;
        }
        throw new InvalidKeyException("not a handle a KMS key store gave out: " + handle.getClass().getName());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ServiceKeyHandle other && other.service == service && other.keyId().equals(keyId());
    }
}
