package io.kmsjca.internal.service;

import io.kmsjca.internal.model.Aliases;
import io.kmsjca.internal.model.ImportState;
import io.kmsjca.internal.model.KeyVersion;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.internal.store.MasterKeyCodec;
import io.kmsjca.internal.store.PrincipalKeyPair;
import io.kmsjca.internal.store.SealGroup;
import io.kmsjca.internal.store.RootKey;
import io.kmsjca.keys.KeyManagerType;
import io.kmsjca.keys.VersionState;

import io.kmsjca.spi.internal.PersistentMap;
import io.kmsjca.spi.SnapshotKeyRecordStore;
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
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * The keys of one store: an immutable {@link Snapshot} that readers take without a lock, and
 * the one path by which a change reaches the backend (sealed under the root key, compare-and-set
 * on the record's revision, durable before it is published).
 *
 * <p>The registry is the only owner of the store's lock, and no caller sees it: every method
 * that writes takes it itself, and {@link #atomically} runs several steps as one transaction
 * (a lookup and the change it decides, an alias moved across two keys). {@link #change} is the
 * usual transaction: read, apply a transition, commit, and on a stale revision read again and
 * re-apply. A stale revision is a result ({@link #tryCommit}), not an exception to inspect.
 */
public final class KeyRegistry {

    /** Attempts of a change that keeps losing its compare-and-set to other processes. */
    static final int MAX_ATTEMPTS = 20;

    /** Steps that must see no other change of this registry in between. */
    @FunctionalInterface
    interface Work<T> {
        T run() throws KeyStoreException;
    }

    /** The record this registry is writing now: a report of it from the backend is our own commit. */
    private record Writing(UUID id, long revision) {
    }

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
            return new Snapshot(PersistentMap.copyOf(byId), PersistentMap.copyOf(byAlias));
        }

        /**
         * Two processes that created the same alias at the same moment on a shared store both
         * wrote it; every process resolves it to the same key, the older (then the smaller id).
         */
        private static UUID earlier(MasterKey a, MasterKey b) {
            int byDate = a.created().compareTo(b.created());
            return byDate < 0 || byDate == 0 && a.id().compareTo(b.id()) < 0 ? a.id() : b.id();
        }


        /**
         * This snapshot with {@code changed} in it. A change that keeps the key's aliases or adds
         * some copies only the paths to the changed entries of the persistent maps, not every key;
         * one that takes an alias away rebuilds the alias index, since another key may hold it too.
         */
        Snapshot with(MasterKey changed) {
            PersistentMap<UUID, MasterKey> keys = PersistentMap.copyOf(byId).with(changed.id(), changed);
            MasterKey old = byId.get(changed.id());
            if (old != null && (!changed.aliases().containsAll(old.aliases()) || !old.created().equals(changed.created()))) {
                return of(keys.values());
            }
            PersistentMap<String, UUID> aliases = PersistentMap.copyOf(byAlias);
            for (String alias : changed.aliases()) {
                UUID holder = aliases.get(alias);
                UUID owner = holder == null || holder.equals(changed.id()) ? changed.id() : earlier(keys.get(holder), changed);
                aliases = aliases.with(alias, owner);
            }
            return new Snapshot(keys, aliases);
        }
    }

    private static final System.Logger LOG = System.getLogger("io.kmsjca");

    /** To whom a key's material is sealed when it is written; {@link SealRecipients}. */
    @FunctionalInterface
    interface Sealing {
        MasterKeyCodec.SealTo recipients(MasterKey key) throws IOException;
    }

    private final KeyRecordStore backend;
    private final RootKey root;
    /** The key pair of the credential this store was opened with; null for a credential without one. */
    private final PrincipalKeyPair me;
    private volatile Sealing sealing = key -> MasterKeyCodec.SealTo.NOBODY_IN_PARTICULAR;
    /** Writes in progress that compact once at their end ({@link #compactingOnceAfter}); guarded by lock. */
    private int compactionDeferred;
    /** A write sealed a secret the store's files still keep in the record; guarded by lock. */
    private boolean compactionPending;
    private final Object lock = new Object();
    private volatile Snapshot snapshot = Snapshot.of(List.of());
    private Writing writing; // guarded by lock
    /**
     * Keys whose record this process found changed outside kms-jca (rolled back, or gone): it keeps
     * each as it held it and takes in no later record of it until it restarts, for a process that
     * started after the change cannot tell, and its writes would carry the forged state past the
     * revision held here. Guarded by lock.
     */
    private final Set<UUID> tampered = new java.util.HashSet<>();

    private KeyRegistry(KeyRecordStore backend, RootKey root, PrincipalKeyPair me) {
        this.backend = backend;
        this.root = root;
        this.me = me;
    }

    /**
     * A registry holding every key the backend stores now (each record unsealed and checked),
     * opening the material sealed to {@code me} (null: a credential without a key pair).
     */
    static KeyRegistry load(KeyRecordStore backend, RootKey root, PrincipalKeyPair me) throws IOException {
        KeyRegistry registry = new KeyRegistry(backend, root, me);
        List<MasterKey> keys = new ArrayList<>();
        for (KeyRecord r : backend.list()) {
            keys.add(registry.unseal(r));
        }
        registry.snapshot = Snapshot.of(keys);
        return registry;
    }

    /** Runs {@code work} as one transaction: no other change of this registry comes in between. */
    <T> T atomically(Work<T> work) throws KeyStoreException {
        synchronized (lock) {
            return work.run();
        }
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

    /** The key pair of the credential this store was opened with, or null. */
    PrincipalKeyPair keyPair() {
        return me;
    }

    /** Decides from now on to whom written material is sealed (the key service sets it once it can decide). */
    void sealWith(Sealing rule) {
        this.sealing = rule;
    }

    /** A key by id or alias, as callers may see it: provider-owned keys are never found. */
    public Optional<MasterKey> lookup(String aliasOrKeyId) {
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
     * key) and publishes it. This is the one place where the backend's StaleRecordException
     * becomes a result.
     *
     * @return the key at its new revision, or empty when another writer changed the key first
     */
    Optional<MasterKey> tryCommit(MasterKey next) throws KeyStoreException {
        MasterKey stored = next.atRevision(next.revision() + 1);
        String id = stored.id().toString();
        MasterKeyCodec.SealTo sealTo;
        try {
            sealTo = sealing.recipients(stored);
        } catch (IOException e) {
            throw new KeyStoreException("could not store key " + id + ": " + e.getMessage(), e);
        }
        List<SealGroup.Recipient> recipients = sealTo.material();
        Set<Integer> inRecordBefore = versionsInRecord(snapshot.byId().get(stored.id())); // before the seals are planned
        boolean importInRecordBefore = importKeyInRecord(snapshot.byId().get(stored.id()));
        byte[] payload;
        Runnable rememberSeals;
        try {
            MasterKeyCodec.Encoded encoded = MasterKeyCodec.encodeToWrite(stored, sealTo, storedVersions(stored.id()));
            payload = encoded.payload();
            rememberSeals = encoded.whenWritten();
        } catch (IllegalArgumentException e) {
            throw new KeyStoreException("could not store key " + id + ": " + e.getMessage(), e);
        }
        boolean heldImport = stored.imports().map(ImportState::wrapping).filter(w -> !w.isSealedAway()).isPresent();
        boolean notMine = excludesMe(recipients) || heldImport && excludesMe(sealTo.importers());
        synchronized (lock) {
            writing = new Writing(stored.id(), stored.revision());
            try {
                byte[] readBack = notMine ? payload.clone() : null;
                backend.put(new KeyRecord(id, stored.revision(), root.seal(id, stored.revision(), payload)));
                rememberSeals.run();
                MasterKey published = stored;
                if (notMine) {
                    // sealed to others only: this process keeps what it would read back, not the material it wrote
                    published = MasterKeyCodec.decode(stored.id(), stored.revision(), readBack, me);
                    stored.versions().forEach(KeyVersion::wipe);
                }
                snapshot = snapshot.with(published);
                if (sealsWhatWasInRecord(stored, sealTo, inRecordBefore, importInRecordBefore)) {
                    sealedFromRecord();
                }
                return Optional.of(published);
            } catch (StaleRecordException e) {
                return Optional.empty();
            } catch (IOException e) {
                throw new KeyStoreException("could not store key " + id + ": " + e.getMessage(), e);
            } finally {
                writing = null;
                Arrays.fill(payload, (byte) 0);
            }
        }
    }

    /** The numbers of {@code key}'s active versions whose material this process holds in the record, not sealed. */
    private static Set<Integer> versionsInRecord(MasterKey key) {
        Set<Integer> numbers = new java.util.HashSet<>();
        if (key != null) {
            for (KeyVersion v : key.versions()) {
                if (v.state() == VersionState.ACTIVE && !v.isSealedAway() && v.sealed() == null) {
                    numbers.add(v.number());
                }
            }
        }
        return numbers;
    }

    /** Whether {@code key}'s import parameters' private key is held in the record, not sealed. */
    private static boolean importKeyInRecord(MasterKey key) {
        ImportState.WrappingParameters w = key == null ? null : key.imports().map(ImportState::wrapping).orElse(null);
        return w != null && !w.isSealedAway() && w.sealed() == null;
    }

    /**
     * Whether the write of {@code written} (to {@code sealTo}) sealed a secret the store kept in the
     * record before: a version of {@code inRecordBefore} now sealed, or the import key.
     */
    private static boolean sealsWhatWasInRecord(MasterKey written, MasterKeyCodec.SealTo sealTo, Set<Integer> inRecordBefore,
                                                boolean importInRecordBefore) {
        for (KeyVersion v : written.versions()) {
            if (inRecordBefore.contains(v.number()) && v.sealed() != null) {
                return true;
            }
        }
        return importInRecordBefore && importKeyInRecord(written) && sealTo.importers() != null
                && !sealTo.importers().isEmpty();
    }

    /**
     * A write sealed what the store's files kept in the record (or a reseal sealed a key anew): a
     * backend that keeps earlier forms
     * of records in its files (the file store's image, journal and {@code NAME.prev}) rewrites them
     * now, or once at the end of {@link #compactingOnceAfter}. Under the lock.
     */
    private void sealedFromRecord() {
        if (compactionDeferred > 0) {
            compactionPending = true;
        } else {
            compactQuietly();
        }
    }

    private void compactQuietly() {
        try {
            backend.compact();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "kms-jca sealed keys whose earlier form the store's files still hold,"
                    + " and could not rewrite them (" + e.getMessage() + "): run kms reseal-keys again");
        }
    }

    /**
     * Runs {@code work} (many writes) with the store's files rewritten once at its end, if any of
     * its writes sealed what they kept in the record, even when {@code work} fails part-way.
     */
    <T> T compactingOnceAfter(Work<T> work) throws KeyStoreException {
        synchronized (lock) {
            compactionDeferred++;
        }
        try {
            return work.run();
        } finally {
            synchronized (lock) {
                compactionDeferred--;
                if (compactionDeferred == 0 && compactionPending) {
                    compactionPending = false;
                    compactQuietly();
                }
            }
        }
    }

    /** What {@link #reseal} found. */
    enum Reseal {
        /** The key was written, sealed to the principals that may use it now. */
        WRITTEN,
        /** Nothing to do: sealed to exactly them already, or nothing this process holds to seal. */
        UNCHANGED,
        /** Its material is in the record and no credential may use it, so it cannot be sealed. */
        NOBODY_MAY_USE
    }

    /**
     * Seals {@code id}'s material anew to the principals that may use it now, when this process
     * holds its material and the seal in the store is not to exactly them (or the material is
     * still in the record where it could be sealed). Retried on a concurrent change.
     */
    Reseal reseal(UUID id) throws KeyStoreException {
        synchronized (lock) {
            MasterKey current = snapshot.byId().get(id);
            for (int attempt = 1; current != null; attempt++) {
                Reseal needed = resealNeeded(current);
                if (needed != Reseal.WRITTEN) {
                    return needed;
                }
                if (tryCommit(current).isPresent()) {
                    sealedFromRecord(); // the files' earlier form of the key (in the record, or to others) goes too
                    return Reseal.WRITTEN;
                }
                if (attempt == MAX_ATTEMPTS) {
                    throw stale(id);
                }
                current = rereadForChange(id);
            }
            return Reseal.UNCHANGED;
        }
    }

    /** {@link Reseal#WRITTEN} when a write would seal {@code key} differently from how the store has it. */
    private Reseal resealNeeded(MasterKey key) throws KeyStoreException {
        MasterKeyCodec.SealTo sealTo;
        try {
            sealTo = sealing.recipients(key);
        } catch (IOException e) {
            throw new KeyStoreException("could not read the store's credentials: " + e.getMessage(), e);
        }
        if (importKeyNeedsSealing(key, sealTo.importers())) {
            return Reseal.WRITTEN;
        }
        List<SealGroup.Recipient> recipients = sealTo.material();
        if (recipients == null) {
            return Reseal.UNCHANGED; // material stays in the record while a credential without a key pair may hold it
        }
        SealGroup one = null;
        for (KeyVersion v : key.versions()) {
            if (v.state() != VersionState.ACTIVE || v.isSealedAway()) {
                continue;
            }
            KeyVersion.Sealed was = v.sealed();
            if (recipients.isEmpty()) {
                // kept as it is (a write changes nothing): in the record, readable by every credential, it is reported
                return was == null ? Reseal.NOBODY_MAY_USE : Reseal.UNCHANGED;
            }
            if (was == null || !was.group().isOpen() || !was.group().sealsExactly(recipients)
                    || one != null && !one.sameSeal(was.group())) {
                return Reseal.WRITTEN; // not sealed to exactly them, or held versions spread over several groups
            }
            one = was.group();
        }
        return Reseal.UNCHANGED;
    }

    /** Whether the import parameters' private key this process holds is not sealed to exactly {@code importers}. */
    private static boolean importKeyNeedsSealing(MasterKey key, List<SealGroup.Recipient> importers) {
        ImportState.WrappingParameters w = key.imports().map(ImportState::wrapping).orElse(null);
        if (w == null || w.isSealedAway() || importers == null || importers.isEmpty()) {
            return false;
        }
        KeyVersion.Sealed was = w.sealed();
        return was == null || !was.group().isOpen() || !was.group().sealsExactly(importers);
    }

    /** Whether material sealed to {@code to} is not this process's to keep (null: kept in the record, it is). */
    private boolean excludesMe(List<SealGroup.Recipient> to) {
        return to != null && to.stream().noneMatch(r -> me != null && me.hasPublicKey(r.publicKey()));
    }

    /** The numbers of the versions of {@code id} the store holds, as this registry last read or wrote it. */
    private Set<Integer> storedVersions(UUID id) {
        MasterKey before = snapshot.byId().get(id);
        if (before == null) {
            return Set.of();
        }
        Set<Integer> numbers = new java.util.HashSet<>();
        before.versions().forEach(v -> numbers.add(v.number()));
        return numbers;
    }

    /** {@link #tryCommit}, for a write that is not retried: a stale revision fails it. */
    public MasterKey commit(MasterKey next) throws KeyStoreException {
        return tryCommit(next).orElseThrow(() -> stale(next.id()));
    }

    /**
     * Applies {@code transition} to {@code key} and commits the result; after a lost
     * compare-and-set the key is read again and the transition applied to what is there now, so
     * no writer's change is lost. A transition that returns its argument writes nothing. The
     * material of versions the change ended is wiped once the change is durable.
     *
     * @return the key as committed (or unchanged)
     * @throws IllegalStateException from the transition: the key's state does not allow it
     */
    MasterKey change(MasterKey key, UnaryOperator<MasterKey> transition) throws KeyStoreException {
        synchronized (lock) {
            MasterKey current = key;
            for (int attempt = 1; ; attempt++) {
                MasterKey changed = transition.apply(current);
                Optional<MasterKey> next = changed == current ? Optional.of(current) : tryCommit(changed);
                if (next.isPresent()) {
                    current.wipeEnded(next.get()); // durable now: before, a failed write would have left it unusable
                    return next.get();
                }
                if (attempt == MAX_ATTEMPTS) {
                    throw stale(key.id());
                }
                current = rereadForChange(key.id());
            }
        }
    }

    private MasterKey rereadForChange(UUID id) throws KeyStoreException {
        try {
            MasterKey k = reread(id);
            if (k == null) {
                throw new KeyStoreException("key " + id + " was removed by another writer");
            }
            return k;
        } catch (IOException e) {
            throw new KeyStoreException("could not re-read key " + id + ": " + e.getMessage(), e);
        }
    }

    private static KeyStoreException stale(UUID id) {
        return new KeyStoreException("key " + id + " was changed by another writer; read it again and retry");
    }

    /**
     * Picks up what other writers (other processes on a shared store) changed: every record
     * whose revision differs from ours is unsealed again and published, with new version objects
     * (so a changed key's derived-key caches start again, and wraps counted here since its last
     * write are not carried over). Versions the other writer ended (revoked, destroyed) are
     * wiped here once the newer key is published ({@link #publishedOver}). A record changed
     * outside kms-jca (rolled back, altered, or gone while this process holds its key, which then
     * stays as held) is refused after the others are published, so one bad row does not hide the
     * legitimate changes of every other key.
     *
     * @return how many keys changed
     * @throws CorruptStoreException a record was refused (the others were published)
     */
    int refresh() throws IOException {
        synchronized (lock) {
            return refreshLocked();
        }
    }

    private int refreshLocked() throws IOException {
        backend.refresh(); // a backend that keeps what it read renews it; others are always current
        var byId = new HashMap<>(snapshot.byId());
        int changed = 0;
        CorruptStoreException refused = null;
        Map<String, Long> revisions = backend.revisions();
        for (UUID held : snapshot.byId().keySet()) {
            if (!revisions.containsKey(held.toString())) { // the key stays as this process holds it
                refused = collect(refused, disappeared(held));
            }
        }
        for (Map.Entry<String, Long> stored : revisions.entrySet()) {
            UUID id = UUID.fromString(stored.getKey());
            MasterKey mine = byId.get(id);
            MasterKey newer;
            try {
                newer = mine == null || mine.revision() != stored.getValue() ? newer(id, mine) : null;
            } catch (CorruptStoreException e) {
                refused = collect(refused, e);
                continue;
            }
            if (newer != null) {
                byId.put(id, newer);
                changed++;
            }
        }
        if (changed > 0) {
            Snapshot before = snapshot;
            snapshot = Snapshot.of(byId.values()); // one new snapshot, however many keys changed
            before.byId().forEach((id, mine) -> publishedOver(mine, snapshot.byId().get(id)));
        }
        if (refused != null) {
            throw refused;
        }
        return changed;
    }

    /**
     * {@link #refreshLocked} for a backend that says which records its re-read found changed (a
     * file store): only those are compared and unsealed again, so {@link #reread}, which every
     * rotation starts with, costs what changed rather than every key (the periodic
     * {@link #refresh} still compares every record). As the full comparison, it refuses a
     * record changed outside kms-jca, or gone from the store while this process holds its key,
     * after taking in the others.
     */
    private int refreshChangedLocked(Set<String> ids) throws IOException {
        Snapshot before = snapshot;
        CorruptStoreException refused = null;
        for (String keyId : ids) {
            UUID id = UUID.fromString(keyId);
            MasterKey newer;
            try {
                newer = newer(id, snapshot.byId().get(id)); // a record gone that this process holds is refused
            } catch (CorruptStoreException e) {
                refused = collect(refused, e);
                continue;
            }
            if (newer != null) {
                MasterKey mine = snapshot.byId().get(id);
                snapshot = snapshot.with(newer);
                publishedOver(mine, newer);
            }
        }
        if (refused != null) {
            throw refused;
        }
        int changed = 0;
        for (String keyId : ids) {
            UUID id = UUID.fromString(keyId);
            if (snapshot.byId().get(id) != before.byId().get(id)) {
                changed++;
            }
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
    boolean refreshKey(UUID id) throws IOException {
        synchronized (lock) {
            MasterKey mine = snapshot.byId().get(id);
            MasterKey newer = newer(id, mine);
            if (newer == null) {
                return false;
            }
            snapshot = snapshot.with(newer);
            publishedOver(mine, newer);
            return true;
        }
    }

    /**
     * After a refresh published {@code newer} in place of {@code mine} (null: a key new here, or
     * unchanged): wipes the material of {@code mine}'s versions that another writer ended, as
     * {@link #change} does for this process's own changes. The other writer's change is durable
     * (it was read from the store), and from now on no request finds the old objects; a request
     * already holding one fails as a request racing a revocation here does.
     */
    private static void publishedOver(MasterKey mine, MasterKey newer) {
        if (mine != null && newer != null && newer != mine) {
            mine.wipeEnded(newer);
        }
    }

    /** Refuses the record of key {@code id}, gone from the store; from now on the key is held as it is. */
    private CorruptStoreException disappeared(UUID id) {
        tampered.add(id);
        return new CorruptStoreException("the record of key " + id + " disappeared from the store; keys are never "
                + "deleted, so it was removed outside kms-jca");
    }

    /** {@code next} added to the refusals of one re-read: the first is thrown, the others suppressed in it. */
    private static CorruptStoreException collect(CorruptStoreException refused, CorruptStoreException next) {
        if (refused == null) {
            return next;
        }
        refused.addSuppressed(next);
        return refused;
    }

    /**
     * The stored key if it is newer than {@code mine}, else null. A record whose revision went
     * back, or that disappeared, was changed outside kms-jca and is refused.
     */
    private MasterKey newer(UUID id, MasterKey mine) throws IOException {
        Optional<KeyRecord> stored = backend.get(id.toString());
        if (stored.isEmpty()) {
            if (mine != null) {
                throw disappeared(id);
            }
            return null;
        }
        long revision = stored.get().revision();
        if (mine != null && revision < mine.revision()) {
            tampered.add(id);
            throw new CorruptStoreException("the record of key " + id + " went back from revision " + mine.revision()
                    + " to " + revision + ": it was rolled back outside kms-jca");
        }
        if (mine != null && revision == mine.revision()) {
            return null;
        }
        if (mine != null && tampered.contains(id)) {
            throw new CorruptStoreException("the record of key " + id + " was changed outside kms-jca before; this"
                    + " process keeps revision " + mine.revision() + " of it, and none written since, until it restarts");
        }
        return unseal(stored.get());
    }

    /**
     * Another process changed a key of a shared store (the backend's change feed said so): the
     * key is re-read now, so a rotation, a disable or a new key takes effect here without waiting
     * for the periodic re-read. Our own changes are published by the commit that makes them: a
     * report of the key and revision this registry is writing now is its own (the backend tells
     * listeners from inside the write), and another thread's report waits for the lock, so it
     * finds the write published and compares revisions.
     *
     * @throws UncheckedIOException the record could not be read: the change was not taken in, and
     *                              the backend tells us again (KeyRecordStore's listener rule).
     *                              A record refused as changed outside kms-jca is reported here
     *                              instead, since reading it again cannot help
     */
    void follow(String keyId) {
        try {
            synchronized (lock) {
                if (KeyRecordStore.ALL_KEYS.equals(keyId)) {
                    if (writing == null) { // during our own write the next refresh takes it in, as before
                        refreshLocked();
                    }
                } else if (!isOwnWrite(keyId)) {
                    refreshKey(UUID.fromString(keyId));
                }
            }
        } catch (CorruptStoreException e) {
            LOG.log(System.Logger.Level.WARNING, "kms-jca refused a record changed elsewhere: " + e.getMessage()
                    + "; the key keeps the state this process saw last");
        } catch (IOException e) {
            throw new UncheckedIOException("kms-jca could not re-read " + (KeyRecordStore.ALL_KEYS.equals(keyId)
                    ? "the keys" : "key " + keyId) + " after a change elsewhere: " + e.getMessage(), e);
        }
    }

    /** Under the lock: whether {@code keyId} is the record this registry is writing. */
    private boolean isOwnWrite(String keyId) {
        Writing w = writing;
        return w != null && w.id().toString().equals(keyId);
    }

    /**
     * Wipes the root key and the material of every version (the key service is closing). Under
     * the lock, so no commit seals with a half-wiped root key.
     */
    void wipe() {
        synchronized (lock) {
            for (MasterKey key : snapshot.byId().values()) {
                key.versions().forEach(KeyVersion::wipe);
            }
            root.destroy();
            if (me != null) {
                me.destroy();
            }
        }
    }

    /** The key as the store holds it now (every other writer's change read in), or null. */
    MasterKey reread(UUID id) throws IOException {
        synchronized (lock) {
            if (backend instanceof SnapshotKeyRecordStore snapshots) {
                // the records the re-read found changed, and this key, which the store may have
                // read in earlier (during our own write, whose report the registry skips)
                Set<String> ids = new java.util.HashSet<>(snapshots.refreshChanged());
                ids.add(id.toString());
                refreshChangedLocked(ids);
            } else {
                refreshLocked();
            }
            return snapshot.byId().get(id);
        }
    }

    private MasterKey unseal(KeyRecord record) throws IOException {
        byte[] payload = root.open(record);
        try {
            return MasterKeyCodec.decode(UUID.fromString(record.keyId()), record.revision(), payload, me);
        } catch (IllegalArgumentException e) {
            throw new CorruptStoreException("record of key " + record.keyId() + " is malformed: " + e.getMessage(), e);
        }
    }
}
