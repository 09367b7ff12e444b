package io.kmsjca.internal.remote;

import io.kmsjca.internal.engine.KeyHandleBase;
import io.kmsjca.internal.engine.MasterKeyOperations;

import java.util.Objects;
import java.util.UUID;

/**
 * The handle a {@link RemoteKeyService} gives out: it names a key of a kms-jca server and brings
 * that server's {@linkplain MasterKeyOperations operations}; no material, here or anywhere in this JVM.
 */
public final class RemoteKeyHandle extends KeyHandleBase implements MasterKeyOperations.Remote {
    private static final long serialVersionUID = 1L;

    private final transient RemoteKeyOperations operations;

    RemoteKeyHandle(RemoteKeyOperations operations, UUID keyId, String alias) {
        super(keyId, alias);
        this.operations = Objects.requireNonNull(operations);
    }

    /** A handle on a key of {@code spec}: an HMAC key's names its MAC ("HmacSHA256"), any other "AES". */
    RemoteKeyHandle(RemoteKeyOperations operations, UUID keyId, String alias, io.kmsjca.keys.KeySpec spec) {
        super(keyId, alias, algorithmOf(spec));
        this.operations = Objects.requireNonNull(operations);
    }

    @Override
    public MasterKeyOperations operations() {
        return operations;
    }

    /** The server this key lives on. */
    public String serverUrl() {
        return operations.url();
    }

    /** Handles compare by server connection and key id, as the embedded ones by store and key id. */
    @Override
    public boolean equals(Object o) {
        return o instanceof RemoteKeyHandle other && other.operations == operations && other.keyId().equals(keyId());
    }

    @Override
    protected String where() {
        return " on " + operations.url();
    }
}
