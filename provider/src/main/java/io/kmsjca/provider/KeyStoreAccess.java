package io.kmsjca.provider;

import io.kmsjca.internal.remote.RemoteKeyService;
import io.kmsjca.internal.service.EmbeddedKeyService;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.StorePasswordRequiredException;

import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.spi.audit.AuditOperation;

import java.io.IOException;
import java.security.KeyStoreException;
import java.security.UnrecoverableEntryException;
import java.security.UnrecoverableKeyException;
import java.util.Map;
import java.util.UUID;

/**
 * What one loaded {@code KeyStore "KMS"} may do with its key service, decided once, when it is
 * loaded, by what it was loaded with (docs/decisions.md, "A loaded KeyStore is not the store
 * password"):
 * <ul>
 *   <li>{@linkplain #administrator administrator}: loaded with the store password, checked against
 *       the root key (a stream image, a live file, the configured store given its password), or a
 *       new store, which belongs to the code that made it. It may do everything, so keytool's
 *       {@code -genseckey}, {@code -delete} and {@code -storepasswd} work;</li>
 *   <li>{@linkplain #keysOnly keys only}: loaded without the password (from the configured
 *       password source, or as a view of an {@link EmbeddedKeyService}). It may use the keys: list them,
 *       get their handles, wrap and unwrap;</li>
 *   <li>{@linkplain #server a kms-jca server's}: the server decides every request by the access
 *       key's principal, so this side refuses only what the AWS KMS API cannot do (importing
 *       material, exporting the store) and audits nothing (the server audits).</li>
 * </ul>
 * Exporting the store, adding key material, deleting entries and changing the password all ask
 * {@link #administer}, the one place that refuses them; each refusal is audited as DENIED.
 */
final class KeyStoreAccess {

    /** What each change needs the password for, in the words of the refusal. */
    private static final Map<AuditOperation, String> CHANGES = Map.of(
            AuditOperation.IMPORT_KEY_MATERIAL, "adding key material",
            AuditOperation.DELETE_ALIAS, "deleting an entry",
            AuditOperation.SET_CERTIFICATE_CHAIN, "replacing a certificate chain",
            AuditOperation.STORE_KEY_STORE, "exporting the key store or changing its password");

    /** The embedded store; null for a server's. */
    private final EmbeddedKeyService service;
    /** A kms-jca server's store; null for an embedded one. */
    private final RemoteKeyService server;
    /** How a keys-only store was loaded, for the refusal; null for an administrator. */
    private final String loadedWithout;

    private KeyStoreAccess(EmbeddedKeyService service, RemoteKeyService server, String loadedWithout) {
        this.service = service;
        this.server = server;
        this.loadedWithout = loadedWithout;
    }

    /** A store loaded with its verified password, or a new store: everything. */
    public static KeyStoreAccess administrator(EmbeddedKeyService service) {
        return new KeyStoreAccess(service, null, null);
    }

    /** A kms-jca server's store ({@code store.url=https://...}): the server decides and audits. */
    public static KeyStoreAccess server(RemoteKeyService server) {
        return new KeyStoreAccess(null, server, null);
    }

    /** A store loaded without its password; {@code how} says how, e.g. "from the configured password source". */
    public static KeyStoreAccess keysOnly(EmbeddedKeyService service, String how) {
        return new KeyStoreAccess(service, null, how);
    }

    /**
     * An open store loaded again with a password: an administrator if the password unwraps the
     * root key (one password derivation), otherwise refused and audited, as a wrong password is
     * when the store is first opened.
     *
     * @throws IOException with an {@link UnrecoverableKeyException} cause for a wrong password
     */
    public static KeyStoreAccess checkPassword(EmbeddedKeyService service, char[] password) throws IOException {
        if (!service.verifyPassword(password)) {
            var wrong = new UnrecoverableKeyException("key store password was incorrect");
            var refused = new IOException("keystore password was incorrect", wrong);
            service.auditRecorder().record(AuditOperation.LOAD_KEY_STORE, null, 0, null, refused, EncryptionContext.EMPTY);
            throw refused;
        }
        service.auditRecorder().record(AuditOperation.LOAD_KEY_STORE, null, 0, null, null, EncryptionContext.EMPTY);
        return administrator(service);
    }

    /**
     * The key service for the management API ({@code KmsAdmin.open(KeyStore, password)}), given the store
     * password. A store that has no password (a new in-memory one) admits only its administrator:
     * a keys-only view of it has no password to show. A wrong password is refused and audited, as
     * at {@link #checkPassword}, so guessing through the management API leaves a trace.
     *
     * @throws UnrecoverableEntryException the password is wrong or missing (its cause: why)
     */
    public KeyService management(char[] password) throws UnrecoverableEntryException {
        if (server != null) {
            return server; // no password: the server decides each call by the access key's principal
        }
        boolean admitted;
        IOException cannotCheck = null;
        try {
            admitted = password != null && (loadedWithout == null || service.hasPassword())
                    && service.verifyPassword(password);
        } catch (IOException e) {
            admitted = false;
            cannotCheck = e;
        }
        if (admitted) {
            return service;
        }
        var refused = new UnrecoverableEntryException(cannotCheck != null
                ? "cannot check the key store password: " + cannotCheck.getMessage()
                : "key store password was incorrect");
        refused.initCause(cannotCheck != null ? cannotCheck : new UnrecoverableKeyException("key store password was incorrect"));
        service.auditRecorder().record(AuditOperation.LOAD_KEY_STORE, null, 0, null, refused, EncryptionContext.EMPTY);
        throw refused;
    }

    /** The key service, for using keys: what every loaded store may do. */
    public KeyService keys() {
        return server != null ? server : service;
    }

    /** The embedded store, or empty for a server's (which has no password, image or local audit). */
    public java.util.Optional<EmbeddedKeyService> embedded() {
        return java.util.Optional.ofNullable(service);
    }

    /**
     * The key service, for a change that needs the store password: {@code operation} is
     * {@code IMPORT_KEY_MATERIAL}, {@code DELETE_ALIAS}, {@code SET_CERTIFICATE_CHAIN} or {@code STORE_KEY_STORE}.
     *
     * @param alias the entry the change is about, or null
     * @throws StorePasswordRequiredException this store was loaded without the password (audited as DENIED)
     * @throws KeyStoreException              a kms-jca server's store, for importing or exporting
     */
    public KeyService administer(AuditOperation operation, String alias) throws KeyStoreException {
        String change = CHANGES.get(operation);
        if (change == null) {
            throw new IllegalArgumentException(operation + " is not a change of the key store");
        }
        // a server's store may delete and replace chains (the server decides), never take or give material
        if (server != null && operation != AuditOperation.DELETE_ALIAS && operation != AuditOperation.SET_CERTIFICATE_CHAIN) {
            throw new KeyStoreException(change + " is not available on a kms-jca server's store (" + server.url()
                    + "): its key material never leaves the server, nor enters it through this client");
        }
        if (server != null || loadedWithout == null) {
            return keys();
        }
        var refused = new StorePasswordRequiredException(change + (alias == null ? "" : " (" + alias + ")")
                + " needs the key store password, and this KeyStore was loaded " + loadedWithout
                + ", which allows using its keys only: load it with the store password to change it");
        UUID keyId = alias != null && service.hasAlias(alias) ? service.findKey(alias).map(KmsKeyHandle::keyId).orElse(null) : null;
        service.auditRecorder().record(operation, keyId, 0, alias, refused, EncryptionContext.EMPTY);
        throw refused;
    }
}
