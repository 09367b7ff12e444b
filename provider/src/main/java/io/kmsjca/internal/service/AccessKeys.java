package io.kmsjca.internal.service;

import io.kmsjca.internal.audit.AuditDispatcher;
import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.internal.format.KeySlot;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.keys.AccessDenial;
import io.kmsjca.keys.AccessKeyInfo;
import io.kmsjca.keys.AccessKeySigner;
import io.kmsjca.keys.CreatedAccessKey;
import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyAccessDeniedException;
import io.kmsjca.keys.KeyManagerType;
import io.kmsjca.keys.RotationReason;
import io.kmsjca.spi.audit.AuditOperation;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStoreException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The store's access keys (issue #18): ids and secrets that sign requests to a kms-jca server with
 * AWS Signature Version 4, each mapped to a principal. Kept sealed in provider-owned records
 * ({@link AccessKeyRecord}); made, listed and deleted only by a request made with an
 * administrator credential, as credentials are; looked up on every server request by
 * {@link #find}, from an index of the registry's snapshot: no I/O and no lock on that path, and
 * what another process changed is seen after the registry reads it ({@code refresh()} or the
 * backend's change feed).
 */
final class AccessKeys {

    /** The most access keys a store keeps, each in a record of its own. */
    static final int MAX_ACCESS_KEYS = 1000;
    private static final String USE = "kms:UseAccessKey";

    /** The live access keys of one registry snapshot, by id. */
    private record Index(KeyRegistry.Snapshot of, Map<String, StoredAccessKey> byId) {
    }

    private final KeyRegistry registry;
    private final KeyChanges changes;
    private final KeyAccess access;
    private final AuditDispatcher audit;
    private final Object indexing = new Object();
    private volatile Index index = new Index(null, Map.of());
    private volatile boolean closed;

    AccessKeys(KeyRegistry registry, KeyChanges changes, KeyAccess access, AuditDispatcher audit) {
        this.registry = registry;
        this.changes = changes;
        this.access = access;
        this.audit = audit;
    }

    Callers callers() {
        return access.callers();
    }

    CreatedAccessKey create(String principal, boolean administrator) throws KeyStoreException {
        AuditOperation op = AuditOperation.CREATE_ACCESS_KEY;
        requireAdministrator(op, "kms:CreateAccessKey");
        try {
            KeySlot.checkPrincipal(principal);
        } catch (IllegalArgumentException e) {
            throw changes.audited(op, null, null, new InvalidKeyRequestException(e.getMessage(), e));
        }
        AccessKeyInfo info = new AccessKeyInfo(AccessKeyRecord.newId(), principal, administrator,
                changes.now().truncatedTo(ChronoUnit.MILLIS));
        byte[] secret = new byte[AccessKeyRecord.SECRET_BYTES];
        byte[] text = null;
        KmsRandom.nextBytes(secret);
        try {
            try {
                registry.atomically(() -> {
                    place(op, info, secret);
                    return null;
                });
            } catch (InvalidKeyRequestException refused) {
                throw refused; // audited where refused
            } catch (KeyStoreException | IllegalStateException e) {
                throw changes.audited(op, null, null, e instanceof KeyStoreException k ? k
                        : new KeyStoreException("could not store the access key: " + e.getMessage(), e));
            }
            audit.record(op, null, 0, null, null, EncryptionContext.EMPTY);
            text = AccessKeyRecord.text(secret);
            char[] chars = new char[text.length];
            for (int i = 0; i < text.length; i++) {
                chars[i] = (char) text[i];
            }
            return new CreatedAccessKey(info, chars);
        } finally {
            Arrays.fill(secret, (byte) 0);
            if (text != null) {
                Arrays.fill(text, (byte) 0);
            }
        }
    }

    /**
     * Puts the new key in a free slot (a slot record made now if every one made so far is taken).
     * Another process may take the same slot at the same moment: the registry's compare-and-set
     * re-reads it, finds it taken, and the key goes to the next free one.
     */
    private void place(AuditOperation op, AccessKeyInfo info, byte[] secret) throws KeyStoreException {
        for (int attempt = 0; attempt < KeyRegistry.MAX_ATTEMPTS; attempt++) {
            MasterKey free = null;
            BitSet made = new BitSet();
            int live = 0;
            for (MasterKey k : registry.snapshot().byId().values()) {
                int n = AccessKeyRecord.slotOf(k);
                if (n >= 0) {
                    made.set(n);
                    if (AccessKeyRecord.idIn(k) != null) {
                        live++;
                    } else if (free == null || n < AccessKeyRecord.slotOf(free)) {
                        free = k;
                    }
                }
            }
            if (live >= MAX_ACCESS_KEYS) {
                throw changes.audited(op, null, null, new InvalidKeyRequestException("the store already has "
                        + MAX_ACCESS_KEYS + " access keys, the most it keeps: delete one first"));
            }
            MasterKey placed = free != null ? fill(free, info, secret) : made(made.nextClearBit(0), info, secret);
            if (placed != null && info.accessKeyId().equals(AccessKeyRecord.idIn(placed))) {
                return;
            }
        }
        throw new KeyStoreException("the store's access-key records kept changing under " + KeyRegistry.MAX_ATTEMPTS
                + " attempts");
    }

    /** The slot {@code free} holding the new key, or as another process left it if it took the slot first. */
    private MasterKey fill(MasterKey free, AccessKeyInfo info, byte[] secret) throws KeyStoreException {
        return registry.change(free, k -> AccessKeyRecord.idIn(k) != null ? k : k.withTags(sealed(k, info, secret)));
    }

    /** A new slot record {@code n} holding the new key; null if another process made that slot first. */
    private MasterKey made(int n, AccessKeyInfo info, byte[] secret) throws KeyStoreException {
        Instant now = changes.now();
        MasterKey slot = MasterKey.create(AccessKeyRecord.slotId(n), "provider-owned", KeyManagerType.PROVIDER_OWNED, now,
                List.of(), Map.of(OwnedKeys.PURPOSE_TAG, AccessKeyRecord.SLOT_PURPOSE + n), 0,
                KeyChanges.generatedVersion(1, now, RotationReason.CREATED));
        Optional<MasterKey> committed = registry.tryCommit(slot.withTags(sealed(slot, info, secret)));
        if (committed.isEmpty()) {
            changes.reread(slot.id()); // another process made it: read it in, and look again
            return null;
        }
        return committed.get();
    }

    private static Map<String, String> sealed(MasterKey slot, AccessKeyInfo info, byte[] secret) {
        try {
            return AccessKeyRecord.holding(slot, info, secret);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal the access key's secret: " + e.getMessage(), e);
        }
    }

    List<AccessKeyInfo> list() throws KeyStoreException {
        requireAdministrator(AuditOperation.DESCRIBE_KEY, "kms:ListAccessKeys");
        List<AccessKeyInfo> all = new ArrayList<>();
        for (MasterKey k : registry.snapshot().byId().values()) {
            AccessKeyInfo info = AccessKeyRecord.slotOf(k) >= 0 ? AccessKeyRecord.info(k) : null;
            if (info != null) {
                all.add(info);
            }
        }
        all.sort(Comparator.comparing(AccessKeyInfo::created).thenComparing(AccessKeyInfo::accessKeyId));
        return all;
    }

    void delete(String accessKeyId) throws KeyStoreException {
        AuditOperation op = AuditOperation.DELETE_ACCESS_KEY;
        requireAdministrator(op, "kms:DeleteAccessKey");
        registry.atomically(() -> {
            MasterKey slot = accessKeyId == null ? null : slotHolding(accessKeyId);
            if (slot == null) {
                throw changes.audited(op, null, null, new InvalidKeyRequestException("the store has no access key "
                        + (accessKeyId != null && AccessKeyRecord.ID.matcher(accessKeyId).matches() ? accessKeyId
                        : "of that id (an access key id is KMSA and 16 of A-Z, 2-7)")));
            }
            boolean[] mine = {false};
            try {
                registry.change(slot, k -> {
                    mine[0] = accessKeyId.equals(AccessKeyRecord.idIn(k));
                    return mine[0] ? k.withTags(AccessKeyRecord.free(k)) : k;
                });
            } catch (KeyStoreException e) {
                throw changes.audited(op, null, null, e);
            }
            if (!mine[0]) {
                throw changes.audited(op, null, null, new InvalidKeyRequestException("access key " + accessKeyId
                        + " was deleted by another process"));
            }
            return null;
        });
        audit.record(op, null, 0, null, null, EncryptionContext.EMPTY);
        current(); // wipes the deleted key's secret now rather than at the next lookup
    }

    private MasterKey slotHolding(String accessKeyId) {
        for (MasterKey k : registry.snapshot().byId().values()) {
            if (AccessKeyRecord.slotOf(k) >= 0 && accessKeyId.equals(AccessKeyRecord.idIn(k))) {
                return k;
            }
        }
        return null;
    }

    /**
     * The access key {@code accessKeyId}, for a store opened with a credential that acts for
     * others. The hot path of every server request: a volatile read and a map lookup, unless the
     * registry published a new snapshot since the last call (a key changed), which re-indexes.
     */
    Optional<AccessKeySigner> find(String accessKeyId) throws KeyAccessDeniedException {
        if (!access.caller().actsForOthers()) {
            throw new KeyAccessDeniedException(new AccessDenial(access.principal(), USE, null, null,
                    AccessDenial.ACTS_FOR_OTHERS));
        }
        if (accessKeyId == null || accessKeyId.length() != 20) {
            return Optional.empty();
        }
        return Optional.ofNullable(current().byId().get(accessKeyId));
    }

    /** Whether {@code key} is still a live access key of this store (not deleted, the store open). */
    boolean isLive(StoredAccessKey key) {
        return current().byId().get(key.info().accessKeyId()) == key;
    }

    /** The index of the registry's current snapshot, rebuilt if the snapshot changed since. */
    private Index current() {
        KeyRegistry.Snapshot snapshot = registry.snapshot();
        Index i = index;
        if (i.of() == snapshot) {
            return i;
        }
        synchronized (indexing) { // one thread re-indexes; the others wait for it once, not on every request
            i = index;
            if (i.of() == snapshot || closed) {
                return i;
            }
            Index next = reindex(snapshot, i);
            index = next;
            return next;
        }
    }

    /**
     * The live access keys of {@code snapshot}: a slot unchanged since {@code before} keeps its
     * object (no unsealing again); the keys that left (deleted) are wiped.
     */
    private Index reindex(KeyRegistry.Snapshot snapshot, Index before) {
        Map<String, StoredAccessKey> byId = new HashMap<>();
        for (MasterKey k : snapshot.byId().values()) {
            AccessKeyInfo info = AccessKeyRecord.slotOf(k) >= 0 ? AccessKeyRecord.info(k) : null;
            if (info == null) {
                continue;
            }
            StoredAccessKey kept = before.byId().get(info.accessKeyId());
            if (kept != null && kept.slotRevision() == k.revision()) {
                byId.put(info.accessKeyId(), kept);
                continue;
            }
            byte[] text = null;
            try {
                text = AccessKeyRecord.secretText(k, info);
                byId.put(info.accessKeyId(), new StoredAccessKey(info, k.revision(), text, this));
            } catch (GeneralSecurityException unreadable) {
                // sealed under the root key, so written by kms-jca: a slot this code cannot open signs nothing
            } finally {
                if (text != null) {
                    Arrays.fill(text, (byte) 0);
                }
            }
        }
        for (Map.Entry<String, StoredAccessKey> was : before.byId().entrySet()) {
            if (byId.get(was.getKey()) != was.getValue()) {
                was.getValue().wipe();
            }
        }
        return new Index(snapshot, Map.copyOf(byId));
    }

    /** Refuses, audited, unless this request is made with an administrator credential itself (as for credentials). */
    private void requireAdministrator(AuditOperation op, String action) throws KeyAccessDeniedException {
        if (!access.requester().managesCredentials()) {
            throw changes.audited(op, null, null, new KeyAccessDeniedException(
                    new AccessDenial(access.principal(), action, null, null, "credential")));
        }
    }

    /** The service is closing: every secret held is wiped, and no access key is found again. */
    void close() {
        synchronized (indexing) {
            closed = true;
            for (StoredAccessKey k : index.byId().values()) {
                k.wipe();
            }
            index = new Index(null, Map.of());
        }
    }
}
