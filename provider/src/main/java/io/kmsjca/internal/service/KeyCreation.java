package io.kmsjca.internal.service;

import io.kmsjca.internal.model.KeyNames;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyManagerType;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.RotationReason;

import io.kmsjca.spi.audit.AuditOperation;

import java.security.KeyStoreException;
import java.util.Map;
import java.util.Optional;

/**
 * How master keys come to be: KMS CreateKey (material generated inside the provider),
 * ImportKeyMaterial (a new key, or the next version of an existing one), and the
 * provider-managed key of a service, made on first use.
 */
public final class KeyCreation {

    /** A key made or found, and the alias the request named it by (or null). */
    record Named(MasterKey key, String alias) {
    }

    private final KeyRegistry registry;
    private final KeyChanges changes;

    KeyCreation(KeyRegistry registry, KeyChanges changes) {
        this.registry = registry;
        this.changes = changes;
    }

    Named create(CreateKeyRequest request) throws KeyStoreException {
        changes.authorize(AuditOperation.CREATE_KEY, "kms:CreateKey", null, request.alias(),
                RequestKeys.createKey(KeyOrigin.GENERATED));
        String alias = request.alias() == null ? null : changes.customerAlias(request.alias(), AuditOperation.CREATE_KEY);
        return named(changes.newKey(AuditOperation.CREATE_KEY, alias, request.description(), request.tags(),
                KeyManagerType.CUSTOMER, request.rotationPeriodDays(), RotationReason.CREATED, null), alias);
    }

    Named importMaterial(String alias, byte[] material) throws KeyStoreException {
        AuditOperation op = AuditOperation.IMPORT_KEY_MATERIAL;
        if (material == null || material.length != 32) {
            throw changes.audited(op, null, alias, new InvalidKeyRequestException("master keys are AES-256: key material must be 32 bytes, was "
                    + (material == null ? "null" : material.length)));
        }
        String name = alias == null ? null : changes.normalize(alias, op);
        return registry.atomically(() -> {
            Optional<MasterKey> existing = name == null ? Optional.empty() : registry.lookup(name);
            if (existing.isEmpty()) {
                changes.authorize(AuditOperation.CREATE_KEY, "kms:CreateKey", null, name, RequestKeys.createKey(KeyOrigin.IMPORTED));
                String newAlias = name == null ? null : changes.customerAlias(name, op);
                return named(changes.newKey(op, newAlias, "", Map.of(), KeyManagerType.CUSTOMER, 0, RotationReason.IMPORTED,
                        material), newAlias);
            }
            changes.authorize(op, existing.get(), name);
            MasterKey key = changes.apply(op, existing.get(), name, k -> {
                k.requireCustomerManaged("given imported material");
                return k.withVersion(changes.newVersion(k, RotationReason.IMPORTED, material));
            });
            return named(key, name);
        });
    }

    Named managed(String serviceName) throws KeyStoreException {
        String alias = changes.normalize(KeyNames.MANAGED_ALIAS_PREFIX + serviceName, AuditOperation.CREATE_KEY);
        return registry.atomically(() -> {
            Optional<MasterKey> existing = registry.lookup(alias);
            if (existing.isPresent()) {
                return named(existing.get(), alias); // a handle, as findKey gives: each use is authorized
            }
            changes.authorize(AuditOperation.CREATE_KEY, "kms:CreateKey", null, alias,
                    RequestKeys.createKey(KeyOrigin.GENERATED));
            return named(changes.newKey(AuditOperation.CREATE_KEY, alias, "provider-managed key of " + serviceName, Map.of(),
                    KeyManagerType.PROVIDER, MasterKey.DEFAULT_ROTATION_DAYS, RotationReason.CREATED, null), alias);
        });
    }

    private static Named named(MasterKey key, String alias) {
        return new Named(key, alias);
    }
}
