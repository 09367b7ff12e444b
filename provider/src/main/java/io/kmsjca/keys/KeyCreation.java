package io.kmsjca.keys;

import io.kmsjca.spi.audit.AuditOperation;

import java.security.KeyStoreException;
import java.util.Map;
import java.util.Optional;

/**
 * How master keys come to be: KMS CreateKey (material generated inside the provider),
 * ImportKeyMaterial (a new key, or the next version of an existing one), and the
 * provider-managed key of a service, made on first use.
 */
final class KeyCreation {

    private final KeyService service;
    private final KeyRegistry registry;
    private final KeyChanges changes;

    KeyCreation(KeyService service, KeyRegistry registry, KeyChanges changes) {
        this.service = service;
        this.registry = registry;
        this.changes = changes;
    }

    KmsKeyHandle create(CreateKeyRequest request) throws KeyStoreException {
        String alias = request.alias() == null ? null : changes.customerAlias(request.alias(), AuditOperation.CREATE_KEY);
        return handle(changes.newKey(AuditOperation.CREATE_KEY, alias, request.description(), request.tags(),
                KeyManagerType.CUSTOMER, request.rotationPeriodDays(), RotationReason.CREATED, null), alias);
    }

    KmsKeyHandle importMaterial(String alias, byte[] material) throws KeyStoreException {
        AuditOperation op = AuditOperation.IMPORT_KEY_MATERIAL;
        if (material == null || material.length != 32) {
            throw changes.audited(op, null, alias, new InvalidKeyRequestException("master keys are AES-256: key material must be 32 bytes, was "
                    + (material == null ? "null" : material.length)));
        }
        String name = alias == null ? null : changes.normalize(alias, op);
        synchronized (registry) {
            Optional<MasterKey> existing = name == null ? Optional.empty() : registry.lookup(name);
            if (existing.isEmpty()) {
                String newAlias = name == null ? null : changes.customerAlias(name, op);
                return handle(changes.newKey(op, newAlias, "", Map.of(), KeyManagerType.CUSTOMER, 0, RotationReason.IMPORTED,
                        material), newAlias);
            }
            MasterKey key = changes.apply(op, existing.get(), name, k -> {
                k.requireCustomerManaged("given imported material");
                return k.withVersion(changes.newVersion(k, RotationReason.IMPORTED, material));
            });
            return handle(key, name);
        }
    }

    KmsKeyHandle managed(String serviceName) throws KeyStoreException {
        String alias = changes.normalize(KeyService.MANAGED_ALIAS_PREFIX + serviceName, AuditOperation.CREATE_KEY);
        synchronized (registry) {
            Optional<MasterKey> existing = registry.lookup(alias);
            if (existing.isPresent()) {
                return handle(existing.get(), alias);
            }
            return handle(changes.newKey(AuditOperation.CREATE_KEY, alias, "provider-managed key of " + serviceName, Map.of(),
                    KeyManagerType.PROVIDER, MasterKey.DEFAULT_ROTATION_DAYS, RotationReason.CREATED, null), alias);
        }
    }

    private KmsKeyHandle handle(MasterKey key, String alias) {
        return new KmsKeyHandle(service, key.id(), alias);
    }
}
