package io.kmsjca.internal.service;

import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.keys.KeyManagerType;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.RotationReason;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyStoreException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Provider-owned keys: one per internal purpose (the store's audit keys are the first), made on
 * first use under an id derived from the purpose, so that every process sharing a store finds
 * the same key. They are never listed, returned or rotated: what they protect records which
 * version it used.
 */
public final class OwnedKeys {

    /** The tag that names an owned key's purpose; customers may not set tags under {@code kms:}. */
    static final String PURPOSE_TAG = "kms:purpose";

    /** An owned key, and whether this call committed it (and so should audit its creation). */
    record Found(MasterKey key, boolean created) {
    }

    private OwnedKeys() {
    }

    /**
     * The owned key of {@code purpose}, committed now if the store has none. Of two processes
     * making it at once, the loser reads the winner's. One transaction of the registry.
     */
    static Found findOrCreate(KeyRegistry registry, String purpose, KeyServiceOptions options) throws KeyStoreException {
        return registry.atomically(() -> find(registry, purpose, options));
    }

    private static Found find(KeyRegistry registry, String purpose, KeyServiceOptions options) throws KeyStoreException {
        for (MasterKey k : registry.snapshot().byId().values()) {
            if (k.manager() == KeyManagerType.PROVIDER_OWNED && purpose.equals(k.tags().get(PURPOSE_TAG))) {
                return new Found(k, false);
            }
        }
        var now = options.clock().instant();
        MasterKey key = MasterKey.create(id(purpose), "provider-owned", KeyManagerType.PROVIDER_OWNED, now, List.of(),
                Map.of(PURPOSE_TAG, purpose), 0, KeyChanges.generatedVersion(1, now, RotationReason.CREATED));
        Optional<MasterKey> committed = registry.tryCommit(key);
        if (committed.isPresent()) {
            return new Found(committed.get(), true);
        }
        try {
            return new Found(registry.reread(key.id()), false);
        } catch (IOException again) {
            throw new KeyStoreException("cannot read the provider-owned key another process made: "
                    + again.getMessage(), again);
        }
    }

    /** The id of the owned key of a purpose, the same in every process. */
    static UUID id(String purpose) {
        return UUID.nameUUIDFromBytes(("kms-jca provider-owned key: " + purpose).getBytes(StandardCharsets.UTF_8));
    }
}
