package io.kmsjca.internal.service;

import io.kmsjca.internal.model.KeyNames;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyManagerType;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.RotationReason;

import io.kmsjca.spi.audit.AuditOperation;

import java.security.KeyStoreException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The requests of {@link EmbeddedKeyService} that take more than one transition or a check before it:
 * scheduling deletion, rotation on demand, revoking a version, tagging. Each runs as one
 * transaction of the {@link KeyRegistry}; {@link KeyChanges} applies and audits every step.
 */
public final class KeyLifecycle {

    private final KeyRegistry registry;
    private final KeyChanges changes;

    KeyLifecycle(KeyRegistry registry, KeyChanges changes) {
        this.registry = registry;
        this.changes = changes;
    }

    Instant scheduleDeletion(String key, int pendingWindowDays) throws KeyStoreException {
        if (pendingWindowDays < KeyServiceOptions.MIN_PENDING_WINDOW_DAYS
                || pendingWindowDays > KeyServiceOptions.MAX_PENDING_WINDOW_DAYS) {
            throw changes.audited(AuditOperation.SCHEDULE_KEY_DELETION, null, null, new InvalidKeyRequestException(
                    "the deletion waiting period must be 7 to 30 days, not " + pendingWindowDays));
        }
        return registry.atomically(() -> changes.scheduleDeletion(changes.find(key, AuditOperation.SCHEDULE_KEY_DELETION),
                pendingWindowDays).deletionDate().orElseThrow());
    }

    int rotateOnDemand(String key) throws KeyStoreException {
        return registry.atomically(() -> {
            MasterKey found = changes.find(key, AuditOperation.ROTATE_KEY);
            MasterKey fresh = changes.reread(found.id()); // rotate from what the store holds now, not from a stale copy
            int from = fresh.current().number();
            return changes.apply(AuditOperation.ROTATE_KEY, fresh, null, k -> {
                k.requireCustomerManaged("rotated on demand");
                return changes.rotatedFrom(k, from, RotationReason.ON_DEMAND);
            }).current().number();
        });
    }

    void revokeVersion(String key, int version) throws KeyStoreException {
        registry.atomically(() -> {
            MasterKey k = changes.find(key, AuditOperation.REVOKE_KEY_VERSION);
            // a key pair or HMAC key never rotates: revoking its one version is refused below, as REVOKE_KEY_VERSION
            if (version == k.current().number() && k.manager() == KeyManagerType.CUSTOMER && !k.isSingleVersion()) {
                k = changes.apply(AuditOperation.ROTATE_KEY, k, null,
                        m -> m.rotated(changes.newVersion(m, RotationReason.REVOCATION, null)));
            }
            return changes.apply(AuditOperation.REVOKE_KEY_VERSION, k, null, m -> m.versionRevoked(version, changes.now()));
        });
    }

    void tag(String key, Map<String, String> tags) throws KeyStoreException {
        changes.change(AuditOperation.TAG_KEY, key, null, k -> {
            var next = new HashMap<>(k.tags());
            next.putAll(KeyNames.checkTags(tags)); // inside the change, so a refused tag is audited
            return k.withTags(KeyNames.checkTagCount(next));
        });
    }

    void untag(String key, Collection<String> tagKeys) throws KeyStoreException {
        changes.change(AuditOperation.UNTAG_KEY, key, null, k -> {
            var next = new HashMap<>(k.tags());
            tagKeys.forEach(next::remove);
            return k.withTags(next);
        });
    }
}
