package io.kmsjca.keys;

import io.kmsjca.spi.CorruptStoreException;
import io.kmsjca.spi.KeyRecord;
import io.kmsjca.spi.KeyRecordStore;
import io.kmsjca.spi.StaleRecordException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.KeyStoreException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The keys of one store: an immutable {@link Snapshot} that readers take without a lock, and
 * the one path by which a change reaches the backend (sealed under the root key, compare-and-set
 * on the record's revision, durable before it is published).
 */
final class KeyRegistry {

    /** Every key by id, and every alias to its key's id. */
    record Snapshot(Map<UUID, MasterKey> byId, Map<String, UUID> byAlias) {
        static Snapshot of(Iterable<MasterKey> keys) {
            var byId = new HashMap<UUID, MasterKey>();
            var byAlias = new HashMap<String, UUID>();
            for (MasterKey k : keys) {
                byId.put(k.id(), k);
            }
            for (MasterKey k : byId.values()) {
                k.aliases().forEach(a -> byAlias.merge(a, k.id(), (x, y) -> earlier(byId.get(x), byId.get(y))));
            }
            return new Snapshot(Map.copyOf(byId), Map.copyOf(byAlias));
        }

        /**
         * Two processes that created the same alias at the same moment on a shared store both
         * wrote it; every process resolves it to the same key, the older (then the smaller id).
         */
        private static UUID earlier(MasterKey a, MasterKey b) {
            int byDate = a.created().compareTo(b.created());
            return byDate < 0 || byDate == 0 && a.id().compareTo(b.id()) < 0 ? a.id() : b.id();
        }


        Snapshot with(MasterKey changed) {
            var keys = new HashMap<>(byId);
            keys.put(changed.id(), changed);
            return of(keys.values());
        }
    }

    private static final System.Logger LOG = System.getLogger("io.kmsjca");

    private final KeyRecordStore backend;
    private final RootKey root;
    private volatile Snapshot snapshot;

    KeyRegistry(KeyRecordStore backend, RootKey root) throws IOException {
        this.backend = backend;
        this.root = root;
        List<MasterKey> keys = new ArrayList<>();
        for (KeyRecord r : backend.list()) {
            keys.add(unseal(r));
        }
        this.snapshot = Snapshot.of(keys);
    }

    Snapshot snapshot() {
        return snapshot;
    }

    KeyRecordStore backend() {
        return backend;
    }

    RootKey root() {
        return root;
    }

    /** A key by id or alias, as callers may see it: provider-owned keys are never found. */
    Optional<MasterKey> lookup(String aliasOrKeyId) {
        if (aliasOrKeyId == null) {
            return Optional.empty();
        }
        Snapshot s = snapshot;
        MasterKey found = null;
        try {
            found = s.byId.get(UUID.fromString(aliasOrKeyId));
        } catch (IllegalArgumentException notAnId) {
            try {
                UUID id = s.byAlias.get(Aliases.normalize(aliasOrKeyId));
                found = id == null ? null : s.byId.get(id);
            } catch (IllegalArgumentException notAnAlias) {
                // neither: not found
            }
        }
        return Optional.ofNullable(found).filter(k -> k.manager() != KeyManagerType.PROVIDER_OWNED);
    }

    /**
     * Writes {@code next} as the successor of the stored {@code next.revision()} (0 for a new
     * key) and publishes it. Callers hold the registry's lock.
     *
     * @return the key at its new revision
     */
    MasterKey commit(MasterKey next) throws KeyStoreException {
        MasterKey stored = next.atRevision(next.revision() + 1);
        String id = stored.id().toString();
        byte[] payload = MasterKeyCodec.encode(stored);
        try {
            backend.put(new KeyRecord(id, stored.revision(), root.seal(id, stored.revision(), payload)));
            snapshot = snapshot.with(stored);
            return stored;
        } catch (StaleRecordException e) {
            throw new KeyStoreException("key " + id + " was changed by another writer; read it again and retry", e);
        } catch (IOException e) {
            throw new KeyStoreException("could not store key " + id + ": " + e.getMessage(), e);
        } finally {
            Arrays.fill(payload, (byte) 0);
        }
    }

    /**
     * Picks up what other writers (other processes on a shared store) changed: every record
     * whose revision differs from ours is unsealed again and published. Versions whose
     * material is unchanged keep their objects, so their caches and counts survive. A record
     * changed outside kms-jca is refused after the others are published, so one bad row does
     * not hide the legitimate changes of every other key.
     *
     * @return how many keys changed
     * @throws CorruptStoreException a record was refused (the others were published)
     */
    synchronized int refresh() throws IOException {
        backend.refresh(); // a backend that keeps what it read renews it; others are always current
        var byId = new HashMap<>(snapshot.byId());
        int changed = 0;
        CorruptStoreException refused = null;
        for (Map.Entry<String, Long> stored : backend.revisions().entrySet()) {
            UUID id = UUID.fromString(stored.getKey());
            MasterKey mine = byId.get(id);
            MasterKey newer;
            try {
                newer = mine == null || mine.revision() != stored.getValue() ? newer(id, mine) : null;
            } catch (CorruptStoreException e) {
                if (refused == null) {
                    refused = e;
                } else {
                    refused.addSuppressed(e);
                }
                continue;
            }
            if (newer != null) {
                byId.put(id, newer);
                changed++;
            }
        }
        if (changed > 0) {
            snapshot = Snapshot.of(byId.values()); // one new snapshot, however many keys changed
        }
        if (refused != null) {
            throw refused;
        }
        return changed;
    }

    /**
     * Re-reads one key another process changed (a change feed said so). A record whose revision
     * went backwards was rolled back behind the key service's back (a restored database row): it
     * is refused and the key keeps the newer state this process saw.
     *
     * @return whether the key changed
     */
    synchronized boolean refreshKey(UUID id) throws IOException {
        MasterKey newer = newer(id, snapshot.byId().get(id));
        if (newer == null) {
            return false;
        }
        snapshot = snapshot.with(newer);
        return true;
    }

    /**
     * The stored key if it is newer than {@code mine}, else null. A record whose revision went
     * back, or that disappeared, was changed outside kms-jca and is refused.
     */
    private MasterKey newer(UUID id, MasterKey mine) throws IOException {
        Optional<KeyRecord> stored = backend.get(id.toString());
        if (stored.isEmpty()) {
            if (mine != null) {
                throw new CorruptStoreException("the record of key " + id + " disappeared from the store; keys are never "
                        + "deleted, so it was removed outside kms-jca");
            }
            return null;
        }
        long revision = stored.get().revision();
        if (mine != null && revision < mine.revision()) {
            throw new CorruptStoreException("the record of key " + id + " went back from revision " + mine.revision()
                    + " to " + revision + ": it was rolled back outside kms-jca");
        }
        return mine != null && revision == mine.revision() ? null : unseal(stored.get());
    }

    /**
     * Another process changed a key of a shared store (the backend's change feed said so): the
     * key is re-read now, so a rotation, a disable or a new key takes effect here without waiting
     * for the periodic re-read. Our own changes are published by the commit that makes them.
     *
     * @throws UncheckedIOException the record could not be read: the change was not taken in, and
     *                              the backend tells us again (KeyRecordStore's listener rule).
     *                              A record refused as changed outside kms-jca is reported here
     *                              instead, since reading it again cannot help
     */
    void follow(String keyId) {
        if (Thread.holdsLock(this)) {
            return; // our own commit, or a refresh under way: either publishes the change itself
        }
        try {
            if (KeyRecordStore.ALL_KEYS.equals(keyId)) {
                refresh();
            } else {
                refreshKey(UUID.fromString(keyId));
            }
        } catch (CorruptStoreException e) {
            LOG.log(System.Logger.Level.WARNING, "kms-jca refused a record changed elsewhere: " + e.getMessage()
                    + "; the key keeps the state this process saw last");
        } catch (IOException e) {
            throw new UncheckedIOException("kms-jca could not re-read " + (KeyRecordStore.ALL_KEYS.equals(keyId)
                    ? "the keys" : "key " + keyId) + " after a change elsewhere: " + e.getMessage(), e);
        }
    }

    /**
     * Wipes the root key and the material of every version (the key service is closing). Under
     * the lock, so no commit seals with a half-wiped root key.
     */
    synchronized void wipe() {
        for (MasterKey key : snapshot.byId().values()) {
            key.versions().forEach(KeyVersion::wipe);
        }
        root.destroy();
    }

    /** Re-reads one key after a lost compare-and-set. */
    synchronized MasterKey reread(UUID id) throws IOException {
        refresh();
        return snapshot.byId().get(id);
    }

    private MasterKey unseal(KeyRecord record) throws IOException {
        byte[] payload = root.open(record);
        try {
            return MasterKeyCodec.decode(UUID.fromString(record.keyId()), record.revision(), payload);
        } catch (IllegalArgumentException e) {
            throw new CorruptStoreException("record of key " + record.keyId() + " is malformed: " + e.getMessage(), e);
        }
    }
}
