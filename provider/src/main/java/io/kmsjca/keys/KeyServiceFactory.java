package io.kmsjca.keys;

import io.kmsjca.audit.AuditDispatcher;
import io.kmsjca.format.EncryptionContext;
import io.kmsjca.spi.KeyRecordStore;
import io.kmsjca.spi.audit.AuditOperation;

import java.io.IOException;
import java.security.KeyStoreException;

/**
 * Opens a {@link KeyService}: the I/O its constructor does not do. {@link KeyStores} calls this
 * once it holds the root key; users call {@link KeyStores}.
 */
final class KeyServiceFactory {

    private KeyServiceFactory() {
    }

    /**
     * Opens the key service of {@code backend}: reads and unseals every record, makes the store's
     * audit key on first use, opens the audit trail, follows the backend's change feed and
     * schedules maintenance. What {@link KeyStores} calls once it holds the root key.
     */
    static KeyService open(KeyRecordStore backend, RootKey root, KeyServiceOptions options) throws IOException {
        KeyRegistry registry = KeyRegistry.load(backend, root);
        OwnedKeys.Found owned;
        try {
            owned = OwnedKeys.findOrCreate(registry, AuditKeys.PURPOSE, options);
        } catch (KeyStoreException e) {
            throw new IOException("cannot create the store's audit key: " + e.getMessage(), e);
        }
        AuditLogKeeper auditLog = AuditLogKeeper.open(options.audit(), AuditKeys.derive(owned.key()), registry,
                owned.key(), options);
        AuditDispatcher audit = auditLog.dispatcher(options);
        if (owned.created()) {
            audit.record(AuditOperation.CREATE_KEY, owned.key().id(), 1, null, null, EncryptionContext.EMPTY);
        }
        KeyService service = new KeyService(registry, options, auditLog, audit);
        service.start();
        return service;
    }
}
