package io.kmsjca.internal.service;

import io.kmsjca.internal.model.KeyNames;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KeyNotFoundException;
import io.kmsjca.keys.KeyState;

import io.kmsjca.spi.audit.AuditOperation;

import java.security.KeyStoreException;
import java.util.Optional;

/**
 * KMS CreateAlias, UpdateAlias and DeleteAlias: each one audited request, one transaction of the
 * {@link KeyRegistry} so that an alias names one key at a time.
 */
public final class AliasChanges {

    private final KeyRegistry registry;
    private final KeyChanges changes;
    private final KeyServiceOptions options;

    AliasChanges(KeyRegistry registry, KeyChanges changes, KeyServiceOptions options) {
        this.registry = registry;
        this.changes = changes;
        this.options = options;
    }

    /**
     * An alias already in use, refused without naming the key it names: a caller who may create
     * aliases on one key may have no right to see another (AWS says only that it exists).
     */
    public static InvalidKeyRequestException taken(String alias) {
        return new InvalidKeyRequestException("alias " + alias + " already exists; use updateAlias to move it");
    }

    void create(String alias, String key) throws KeyStoreException {
        String name = changes.customerAlias(alias, AuditOperation.CREATE_ALIAS);
        registry.atomically(() -> {
            // authorized first: which key a taken alias names is for whom may create aliases on this key
            MasterKey target = changes.find(key, AuditOperation.CREATE_ALIAS);
            if (registry.snapshot().byAlias().containsKey(name)) {
                throw changes.audited(AuditOperation.CREATE_ALIAS, null, name, taken(name));
            }
            return changes.apply(AuditOperation.CREATE_ALIAS, target, name, k -> k.withAliases(KeyNames.plus(k.aliases(), name)));
        });
    }

    void update(String alias, String targetKey) throws KeyStoreException {
        AuditOperation op = AuditOperation.UPDATE_ALIAS;
        String name = changes.customerAlias(alias, op);
        registry.atomically(() -> {
            MasterKey from = changes.find(name, op);
            MasterKey to = changes.find(targetKey, op);
            if (from.id().equals(to.id())) {
                return null;
            }
            // two records, one request, one audit event. Removing first means a crash in between
            // leaves the alias on no key rather than on two.
            MasterKey fromNext;
            try {
                fromNext = registry.commit(from.withAliases(KeyNames.minus(from.aliases(), name)));
            } catch (KeyStoreException e) {
                throw changes.audited(op, to.id(), name, e);
            }
            try {
                changes.apply(op, to, name, k -> k.withAliases(KeyNames.plus(k.aliases(), name)));
            } catch (KeyStoreException e) {
                try {
                    registry.commit(fromNext.withAliases(KeyNames.plus(fromNext.aliases(), name)));
                } catch (KeyStoreException restore) {
                    e.addSuppressed(restore);
                }
                throw e;
            }
            return null;
        });
    }

    /** A customer key whose last alias goes is scheduled for deletion; returns whether the alias existed. */
    boolean delete(String alias) throws KeyStoreException {
        AuditOperation op = AuditOperation.DELETE_ALIAS;
        String name = changes.normalize(alias, op);
        return registry.atomically(() -> {
            Optional<MasterKey> key = registry.lookup(name).filter(k -> k.aliases().contains(name));
            if (key.isEmpty()) {
                changes.audited(op, null, name, new KeyNotFoundException("alias/" + name)); // a request too
                return false;
            }
            changes.authorize(op, key.get(), name);
            if (key.get().aliases().size() == 1 && key.get().state() != KeyState.PENDING_DELETION) {
                // its last alias: the key goes into deletion too, which the caller must also be allowed
                changes.authorize(AuditOperation.SCHEDULE_KEY_DELETION, key.get(), name);
            }
            MasterKey next = changes.apply(op, key.get(), name, k -> {
                k.requireCustomerManaged("stripped of its alias");
                return k.withAliases(KeyNames.minus(k.aliases(), name));
            });
            if (next.aliases().isEmpty() && next.state() != KeyState.PENDING_DELETION) {
                changes.scheduleDeletion(next, options.pendingWindowDays());
            }
            return true;
        });
    }
}
