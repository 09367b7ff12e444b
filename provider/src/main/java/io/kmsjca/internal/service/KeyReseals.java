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

    /** @return how many keys were sealed anew */
    int resealAll() throws KeyStoreException {
        List<MasterKey> keys = new ArrayList<>(registry.snapshot().byId().values());
        int written = 0;
        for (MasterKey key : keys) {
            try {
                if (registry.reseal(key.id())) {
                    written++;
                    audit.record(AuditOperation.RESEAL_KEY, key.id(), 0, null, null, EncryptionContext.EMPTY);
                }
            } catch (KeyStoreException e) {
                audit.record(AuditOperation.RESEAL_KEY, key.id(), 0, null, e, EncryptionContext.EMPTY);
                throw e;
            }
        }
        return written;
    }
}
