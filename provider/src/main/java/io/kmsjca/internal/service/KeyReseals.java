package io.kmsjca.internal.service;

import io.kmsjca.internal.audit.AuditDispatcher;
import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.spi.audit.AuditOperation;

import java.security.KeyStoreException;
import java.util.ArrayList;
import java.util.List;

/**
 * Seals keys' material anew to the principals their policies and grants let use it now
 * (docs/authorization.md, "Sealing per principal"). A change to a key seals that key as it is
 * written; this is for what changes who may use many keys at once (a credential created or
 * deleted, the store policy put) and for {@code kms reseal-keys}. Only keys this process holds
 * can be sealed anew; each key written is audited {@link AuditOperation#RESEAL_KEY}.
 */
final class KeyReseals {

    private final KeyRegistry registry;
    private final AuditDispatcher audit;

    KeyReseals(KeyRegistry registry, AuditDispatcher audit) {
        this.registry = registry;
        this.audit = audit;
    }

    /** How many keys were written, and the keys left in the record because no credential may use them. */
    record Result(int written, List<String> nobodyMayUse) {
    }

    Result resealAll() throws KeyStoreException {
        try {
            registry.refresh(); // the credentials and policies other processes changed, and their writes of keys
        } catch (java.io.IOException e) {
            throw new KeyStoreException("could not read the store before sealing its keys: " + e.getMessage(), e);
        }
        // the store's files are rewritten once at the end if a key was sealed out of the record, even if a key fails
        return registry.compactingOnceAfter(this::resealEach);
    }

    private Result resealEach() throws KeyStoreException {
        List<MasterKey> keys = new ArrayList<>(registry.snapshot().byId().values());
        int written = 0;
        List<String> nobody = new ArrayList<>();
        for (MasterKey key : keys) {
            try {
                switch (registry.reseal(key.id())) {
                    case WRITTEN -> {
                        written++;
                        audit.record(AuditOperation.RESEAL_KEY, key.id(), 0, null, null, EncryptionContext.EMPTY);
                    }
                    case NOBODY_MAY_USE -> nobody.add(key.id().toString());
                    case UNCHANGED -> { }
                }
            } catch (KeyStoreException e) {
                audit.record(AuditOperation.RESEAL_KEY, key.id(), 0, null, e, EncryptionContext.EMPTY);
                throw e;
            }
        }
        return new Result(written, nobody);
    }
}
