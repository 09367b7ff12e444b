package io.kmsjca.internal.service;

import io.kmsjca.internal.audit.AuditDispatcher;
import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.internal.format.KeySlot;
import io.kmsjca.internal.format.KeySlots;
import io.kmsjca.internal.store.CredentialSecret;
import io.kmsjca.internal.store.KeyFileFormat;
import io.kmsjca.internal.model.KeyVersion;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.internal.store.PrincipalKeyPair;
import io.kmsjca.internal.store.SealGroup;
import io.kmsjca.keys.VersionState;
import io.kmsjca.internal.store.SlotKeys;
import io.kmsjca.keys.AccessDenial;
import io.kmsjca.keys.CreatedCredential;
import io.kmsjca.keys.CredentialInfo;
import io.kmsjca.keys.CredentialRequest;
import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyAccessDeniedException;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.spi.KeyRecordStore;
import io.kmsjca.spi.MemoryKeyRecordStore;
import io.kmsjca.spi.StaleRecordException;
import io.kmsjca.spi.audit.AuditOperation;

import java.io.IOException;
import java.security.KeyStoreException;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Adding, listing and removing a store's credentials (its header's key slots), like LUKS's
 * luksAddKey and luksKillSlot: only a request made with an administrator credential itself may
 * (docs/authorization.md, "Credentials"). A change rewrites the header with the backend's
 * compare-and-set ({@link KeyRecordStore#putHeader}), the path a password change takes, so it is
 * atomic on the file and PostgreSQL backends alike; a race with another writer re-reads and
 * re-applies. A store opened before the change keeps its root key: deleting a credential stops
 * it opening the store, not services it already opened.
 */
final class CredentialChanges {

    private static final int ATTEMPTS = 8;

    private final KeyRegistry registry;
    private final KeyChanges changes;
    private final KeyAccess access;
    private final AuditDispatcher audit;
    private final KeyServiceOptions options;

    CredentialChanges(KeyRegistry registry, KeyChanges changes, KeyAccess access, AuditDispatcher audit,
                      KeyServiceOptions options) {
        this.registry = registry;
        this.changes = changes;
        this.access = access;
        this.audit = audit;
        this.options = options;
    }

    CreatedCredential create(CredentialRequest request) throws KeyStoreException {
        AuditOperation op = AuditOperation.CREATE_CREDENTIAL;
        requireAdministrator(op, "kms:CreateCredential");
        String principal = request.principal();
        try {
            KeySlot.checkPrincipal(principal);
        } catch (IllegalArgumentException e) {
            throw changes.audited(op, null, null, new InvalidKeyRequestException(e.getMessage(), e));
        }
        if (request.password() != null && request.password().length == 0) {
            throw changes.audited(op, null, null, new InvalidKeyRequestException("a credential's password is not empty"));
        }
        int flags = (request.administrator() ? KeySlot.ADMINISTRATOR : 0) | (request.actsForOthers() ? KeySlot.ACTS_FOR_OTHERS : 0);
        byte[] keyFileSecret = null;
        CredentialSecret secret;
        if (request.password() != null) {
            secret = CredentialSecret.password(principal, request.password());
        } else {
            keyFileSecret = new byte[CredentialSecret.KEY_FILE_SECRET_BYTES];
            KmsRandom.nextBytes(keyFileSecret);
            secret = CredentialSecret.keyFile(principal, keyFileSecret.clone());
        }
        PrincipalKeyPair pair = PrincipalKeyPair.generate(); // every new credential can be sealed to
        try {
            KeySlot slot = SlotKeys.seal(registry.root(), principal, flags, options.kdf(), secret, pair);
            rewrite(op, slots -> {
                if (slots.find(principal).isPresent()) {
                    throw new IllegalArgumentException("principal '" + principal + "' already has a credential: delete it first");
                }
                if (slots.slots().size() >= KeySlots.MAX_SLOTS) {
                    throw new IllegalArgumentException("the store already has " + KeySlots.MAX_SLOTS
                            + " credentials, the most it may hold: delete one first");
                }
                return slots.with(slot);
            });
            audit.record(op, null, 0, null, null, EncryptionContext.EMPTY);
            return new CreatedCredential(CredentialIdentity.info(slot),
                    keyFileSecret == null ? null : KeyFileFormat.format(principal, keyFileSecret));
        } catch (IOException e) {
            throw changes.audited(op, null, null, new KeyStoreException("could not add the credential: " + e.getMessage(), e));
        } finally {
            pair.destroy();
            secret.wipe();
            if (keyFileSecret != null) {
                Arrays.fill(keyFileSecret, (byte) 0);
            }
        }
    }

    /**
     * Refuses to delete {@code gone} when some key's material is sealed to it and to no other
     * credential of {@code slots}: its key pair is the only one that opens it, so the material
     * would be lost (docs/authorization.md, "Sealing per principal").
     */
    private void refuseLosingMaterial(KeySlot gone, KeySlots slots) {
        if (!gone.holdsKeyPair()) {
            return;
        }
        for (MasterKey key : registry.snapshot().byId().values()) {
            for (KeyVersion v : key.versions()) {
                if (v.state() != VersionState.ACTIVE || v.sealed() == null) {
                    continue;
                }
                SealGroup group = v.sealed().group();
                boolean othersOpen = slots.slots().stream().anyMatch(s -> s != gone && s.holdsKeyPair()
                        && group.sealedTo(s.principal(), s.publicKey()));
                if (group.sealedTo(gone.principal(), gone.publicKey()) && !othersOpen) {
                    throw new IllegalArgumentException("principal '" + gone.principal() + "' is the only credential that"
                            + " holds key " + key.id() + " (version " + v.number() + "): deleting it would lose that"
                            + " material. Let another principal with a credential use the key and reseal it with this"
                            + " credential (kms reseal-keys) first; to replace a key file, use replace-key-file; to delete"
                            + " it anyway (a compromised credential), accept losing the key (--accept-key-loss)");
                }
            }
        }
    }

    List<CredentialInfo> list() throws KeyStoreException {
        requireAdministrator(AuditOperation.DESCRIBE_KEY, "kms:ListCredentials");
        try {
            return current(AuditOperation.DESCRIBE_KEY).slots().stream().map(CredentialIdentity::info).toList();
        } catch (IOException e) {
            throw new KeyStoreException("could not read the store's credentials: " + e.getMessage(), e);
        }
    }

    /**
     * Deletes {@code principal}'s credential; with {@code acceptKeyLoss}, even when it is the only
     * credential some key's material is sealed to (a compromised key user's): that material is
     * then lost for good.
     */
    void delete(String principal, boolean acceptKeyLoss) throws KeyStoreException {
        AuditOperation op = AuditOperation.DELETE_CREDENTIAL;
        requireAdministrator(op, "kms:DeleteCredential");
        if (principal.equals(access.caller().principal())) {
            throw changes.audited(op, null, null, new InvalidKeyRequestException("principal '" + principal
                    + "' is the credential this store was opened with: open it with another administrator credential"
                    + " to delete this one"));
        }
        try {
            remove(op, principal, acceptKeyLoss);
        } catch (IOException e) {
            throw changes.audited(op, null, null, new KeyStoreException("could not delete the credential: " + e.getMessage(), e));
        }
        audit.record(op, null, 0, null, null, EncryptionContext.EMPTY);
    }

    private void remove(AuditOperation op, String principal, boolean acceptKeyLoss) throws IOException, KeyStoreException {
        rewrite(op, slots -> {
            KeySlot gone = slots.find(principal).orElseThrow(() -> new IllegalArgumentException(
                    "no credential names principal '" + principal + "'"));
            if (gone.administrator() && slots.slots().stream().filter(KeySlot::administrator).count() == 1) {
                throw new IllegalArgumentException("principal '" + principal + "' holds the store's last administrator"
                        + " credential: create another administrator credential first");
            }
            if (!acceptKeyLoss) {
                refuseLosingMaterial(gone, slots);
            }
            return slots.without(principal);
        });
    }

    /** Applies {@code change} to the header, retrying on a concurrent writer; its refusals are audited as invalid requests. */
    private void rewrite(AuditOperation op, UnaryOperator<KeySlots> change) throws IOException, KeyStoreException {
        requireLiveStore(op);
        KeyRecordStore backend = registry.backend();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            registry.refresh(); // every key and header other processes wrote: a check of who holds what sees them
            byte[] before = backend.header().orElseThrow();
            KeySlots next;
            try {
                next = change.apply(KeySlots.decode(before));
            } catch (IllegalArgumentException e) {
                throw changes.audited(op, null, null, new InvalidKeyRequestException(e.getMessage(), e));
            }
            byte[] encoded = next.encode();
            if (encoded.length > KeyRecordStore.MAX_HEADER_BYTES) {
                throw changes.audited(op, null, null, new InvalidKeyRequestException("the store header would be larger than "
                        + KeyRecordStore.MAX_HEADER_BYTES + " bytes"));
            }
            try {
                backend.putHeader(before, encoded);
                return;
            } catch (StaleRecordException raced) {
                // another writer changed the header since it was read: read it again
            }
        }
        throw new IOException("the store header kept changing under " + ATTEMPTS + " attempts");
    }

    /** The credentials of a live store; an in-memory store (a stream image) has none to manage. */
    private KeySlots current(AuditOperation op) throws IOException, KeyStoreException {
        requireLiveStore(op);
        return KeySlots.decode(registry.backend().header().orElseThrow());
    }

    private void requireLiveStore(AuditOperation op) throws IOException, KeyStoreException {
        if (registry.backend() instanceof MemoryKeyRecordStore || registry.backend().header().isEmpty()) {
            throw changes.audited(op, null, null, new InvalidKeyRequestException("credentials are kept by live stores"
                    + " (a file opened with KmsAdmin.open, or a shared backend); a stream image carries one password"));
        }
    }

    /** Refuses, audited, unless this request is made with an administrator credential itself. */
    void requireAdministrator(AuditOperation op, String action) throws KeyAccessDeniedException {
        if (!access.requester().managesCredentials()) {
            throw changes.audited(op, null, null, new KeyAccessDeniedException(
                    new AccessDenial(access.principal(), action, null, null, "credential")));
        }
    }
}
