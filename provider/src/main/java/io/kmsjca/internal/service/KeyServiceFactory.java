package io.kmsjca.internal.service;

import io.kmsjca.internal.store.PrincipalKeyPair;
import io.kmsjca.internal.store.RootKey;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;

import io.kmsjca.internal.audit.AuditDispatcher;
import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.spi.KeyRecordStore;
import io.kmsjca.spi.audit.AuditOperation;

import java.io.IOException;
import java.security.KeyStoreException;

/**
 * Opens an {@link EmbeddedKeyService}: the I/O its constructor does not do. {@link KeyStores} calls this
 * once it holds the root key; users call {@link KeyStores}.
 */
public final class KeyServiceFactory {

    private KeyServiceFactory() {
    }

    /**
     * Opens the key service of {@code backend}: reads and unseals every record, makes the store's
     * audit key on first use, opens the audit trail, follows the backend's change feed and
     * schedules maintenance; every request is made as {@code caller} names. What {@link KeyStores} calls once it holds the root key.
     */
    static EmbeddedKeyService open(KeyRecordStore backend, RootKey root, PrincipalKeyPair keyPair, KeyServiceOptions options,
                                   CredentialIdentity caller) throws IOException {
        KeyRegistry registry = KeyRegistry.load(backend, root, keyPair);
        Callers callers = new Callers(caller);
        SealRecipients recipients = new SealRecipients(
                new KeyAccess(registry, options.clock(), callers, options.region(), options.account()));
        registry.sealWith(key -> recipients.of(key, backend.header()));
        OwnedKeys.Found owned;
        try {
            owned = OwnedKeys.findOrCreate(registry, AuditKeys.PURPOSE, options);
        } catch (KeyStoreException e) {
            throw new IOException("cannot create the store's audit key: " + e.getMessage(), e);
        }
        AuditLogKeeper auditLog = AuditLogKeeper.open(options.audit(), AuditKeys.derive(owned.key()), registry,
                owned.key(), options);
        AuditDispatcher audit = auditLog.dispatcher(options, callers);
        if (owned.created()) {
            audit.record(AuditOperation.CREATE_KEY, owned.key().id(), 1, null, null, EncryptionContext.EMPTY);
        }
        EmbeddedKeyService service = new EmbeddedKeyService(registry, options, auditLog, audit, callers);
        service.start();
        return service;
    }
}
