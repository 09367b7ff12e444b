package io.kmsjca.keys;

import io.kmsjca.audit.AuditDispatcher;
import io.kmsjca.spi.KeyRecord;
import io.kmsjca.spi.KeyRecordStore;
import io.kmsjca.spi.StaleRecordException;
import io.kmsjca.spi.audit.AuditListener;
import io.kmsjca.spi.audit.AuditOperation;

import java.io.IOException;
import java.security.InvalidKeyException;
import java.security.KeyStoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * The one place that knows key state: the public management API of a key store (the API the
 * JCA classes and the CLI call) over a storage backend.
 *
 * <p>State lives in an immutable {@link Snapshot} swapped atomically: wraps and unwraps read it
 * without a lock, changes are serialized, sealed under the root key, made durable by the
 * backend, and only then published. Obtain one through {@link KeyStores}.
 */
public final class KeyService implements AutoCloseable {

    private final KeyRecordStore backend;
    private final RootKey root;
    private final KeyServiceOptions options;
    private final AuditDispatcher audit;
    private volatile Snapshot snapshot;

    /** Every key by id, and every alias to its key's id. */
    record Snapshot(Map<UUID, MasterKey> byId, Map<String, UUID> byAlias) {
        static Snapshot of(Iterable<MasterKey> keys) {
            var byId = new HashMap<UUID, MasterKey>();
            var byAlias = new HashMap<String, UUID>();
            for (MasterKey k : keys) {
                byId.put(k.id(), k);
                k.aliases().forEach(a -> byAlias.put(a, k.id()));
            }
            return new Snapshot(Map.copyOf(byId), Map.copyOf(byAlias));
        }

        Snapshot with(MasterKey changed) {
            var keys = new HashMap<>(byId);
            keys.put(changed.id(), changed);
            return of(keys.values());
        }
    }

    KeyService(KeyRecordStore backend, RootKey root, KeyServiceOptions options) throws IOException {
        this.backend = backend;
        this.root = root;
        this.options = options;
        this.audit = new AuditDispatcher(options.clock(), options.auditListeners());
        List<MasterKey> keys = new ArrayList<>();
        for (KeyRecord r : backend.list()) {
            keys.add(unseal(r));
        }
        this.snapshot = Snapshot.of(keys);
    }

    // ---------------------------------------------------------------- management API

    /**
     * Creates a master key whose AES-256 material is generated inside the provider and never
     * seen by the caller (KMS CreateKey).
     *
     * @param alias       an alias for it, or null
     * @param description free text, at most 8 KiB of UTF-8
     */
    public KmsKeyHandle createKey(String alias, String description) throws KeyStoreException {
        byte[] material = new byte[32];
        options.random().nextBytes(material);
        try {
            return addKey(AuditOperation.CREATE_KEY, alias, description, KeyOrigin.GENERATED, material);
        } finally {
            Arrays.fill(material, (byte) 0);
        }
    }

    /**
     * Imports 32 bytes of AES-256 material (KMS ImportKeyMaterial). Under a new alias (or none)
     * it becomes a new master key; under an existing alias it becomes that key's next version,
     * and the older versions stay, so nothing is ever overwritten. The caller wipes its copy.
     */
    public KmsKeyHandle importKeyMaterial(String alias, byte[] material) throws KeyStoreException {
        if (material == null || material.length != 32) {
            throw new KeyStoreException("master keys are AES-256: key material must be 32 bytes, was "
                    + (material == null ? "null" : material.length));
        }
        String name = alias == null ? null : normalize(alias);
        synchronized (this) {
            UUID existing = name == null ? null : snapshot.byAlias.get(name);
            if (existing == null) {
                return addKey(AuditOperation.IMPORT_KEY_MATERIAL, name, "", KeyOrigin.IMPORTED, material);
            }
            MasterKey key = snapshot.byId.get(existing);
            MasterKey next = change(AuditOperation.IMPORT_KEY_MATERIAL, key, name, k -> k.withVersion(
                    new KeyVersion(k.versions().size() + 1, now(), KeyOrigin.IMPORTED, material)));
            return new KmsKeyHandle(this, next.id(), name);
        }
    }

    /** A handle on the key an alias (or {@code alias/NAME}) or a key id names, if there is one. */
    public Optional<KmsKeyHandle> findKey(String aliasOrKeyId) {
        return lookup(aliasOrKeyId).map(k -> new KmsKeyHandle(this, k.id(), aliasIn(k, aliasOrKeyId)));
    }

    /** KMS DescribeKey: everything about a key but its material. */
    public KeyMetadata describeKey(String aliasOrKeyId) throws KeyStoreException {
        return lookup(aliasOrKeyId).orElseThrow(() -> unknown(aliasOrKeyId)).metadata();
    }

    /** Every key, oldest first. */
    public List<KeyMetadata> listKeys() {
        return snapshot.byId.values().stream().sorted(Comparator.comparing(MasterKey::created)
                .thenComparing(MasterKey::id)).map(MasterKey::metadata).toList();
    }

    /** Whether {@code alias} (in any spelling {@link Aliases#normalize} accepts) names a key. */
    public boolean hasAlias(String alias) {
        try {
            return alias != null && snapshot.byAlias.containsKey(Aliases.normalize(alias));
        } catch (IllegalArgumentException notAnAlias) {
            return false;
        }
    }

    /** Every alias, sorted. */
    public List<String> aliases() {
        return snapshot.byAlias.keySet().stream().sorted().toList();
    }

    /**
     * Removes an alias (KMS DeleteAlias). A key whose last alias goes is scheduled for deletion
     * after the configured waiting period, so {@code KeyStore.deleteEntry} never destroys
     * material at once; until then the key can still be found by id and recovered.
     *
     * @return whether the alias existed
     */
    public synchronized boolean deleteAlias(String alias) throws KeyStoreException {
        String name = normalize(alias);
        UUID id = snapshot.byAlias.get(name);
        if (id == null) {
            return false;
        }
        MasterKey key = change(AuditOperation.DELETE_ALIAS, snapshot.byId.get(id), name, k -> {
            var rest = new ArrayList<>(k.aliases());
            rest.remove(name);
            return k.withAliases(rest);
        });
        if (key.aliases().isEmpty() && key.state() != KeyState.PENDING_DELETION) {
            scheduleDeletion(key, options.pendingWindowDays());
        }
        return true;
    }

    /**
     * KMS ScheduleKeyDeletion: the key becomes PendingDeletion (no cryptographic use) and its
     * material is destroyed after {@code pendingWindowDays} (7..30).
     *
     * @return the deletion date
     */
    public synchronized Instant scheduleKeyDeletion(String aliasOrKeyId, int pendingWindowDays)
            throws KeyStoreException {
        try {
            KeyServiceOptions.checkPendingWindow(pendingWindowDays);
        } catch (IllegalArgumentException e) {
            throw new KeyStoreException(e.getMessage(), e);
        }
        MasterKey key = lookup(aliasOrKeyId).orElseThrow(() -> unknown(aliasOrKeyId));
        return scheduleDeletion(key, pendingWindowDays).deletionDate().orElseThrow();
    }

    /** The audit listeners of this store: add and remove them here. */
    public AuditDispatcher audit() {
        return audit;
    }

    /** Adds an audit listener; shorthand for {@code audit().addListener}. */
    public void addAuditListener(AuditListener listener) {
        audit.addListener(listener);
    }

    // ---------------------------------------------------------------- used by the JCA classes

    /** The key a handle names, if it may be used for cryptography now. Lock-free. */
    MasterKey usableKey(KmsKeyHandle handle) throws InvalidKeyException {
        if (handle.service() != this) {
            throw new InvalidKeyException("key handle " + handle.keyId() + " belongs to another key store");
        }
        if (handle.isDestroyed()) {
            throw new InvalidKeyException("key handle " + handle.keyId() + " was destroyed");
        }
        MasterKey key = snapshot.byId.get(handle.keyId());
        if (key == null) {
            throw new InvalidKeyException("key " + handle.keyId() + " no longer exists");
        }
        if (key.state() != KeyState.ENABLED) {
            throw new KeyUnavailableException("key " + key.displayName() + " is " + key.state().displayName());
        }
        return key;
    }

    KeyServiceOptions options() {
        return options;
    }

    KeyRecordStore backend() {
        return backend;
    }

    RootKey root() {
        return root;
    }

    @Override
    public void close() throws IOException {
        backend.close();
    }

    // ---------------------------------------------------------------- changes, in one place

    private synchronized KmsKeyHandle addKey(AuditOperation op, String alias, String description, KeyOrigin origin,
                                             byte[] material) throws KeyStoreException {
        String name = alias == null ? null : normalize(alias);
        UUID id = UUID.randomUUID();
        try {
            if (name != null && snapshot.byAlias.containsKey(name)) {
                throw new KeyStoreException("alias " + name + " already names key " + snapshot.byAlias.get(name));
            }
            if (description.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MasterKeyCodec.MAX_DESCRIPTION_BYTES) {
                throw new KeyStoreException("description is longer than " + MasterKeyCodec.MAX_DESCRIPTION_BYTES + " bytes");
            }
            Instant now = now();
            MasterKey key = new MasterKey(id, 1, description, KeyState.ENABLED, KeyManagerType.CUSTOMER, now, null,
                    name == null ? List.of() : List.of(name), List.of(new KeyVersion(1, now, origin, material)));
            persist(key);
            audit.record(op, id, 1, name, null, List.of());
            return new KmsKeyHandle(this, id, name);
        } catch (KeyStoreException e) {
            audit.record(op, id, 0, name, e, List.of());
            throw e;
        }
    }

    private MasterKey scheduleDeletion(MasterKey key, int days) throws KeyStoreException {
        Instant when = now().plus(Duration.ofDays(days));
        return change(AuditOperation.SCHEDULE_KEY_DELETION, key, null,
                k -> k.withState(KeyState.PENDING_DELETION, when));
    }

    /** Applies {@code edit} to {@code key} at its next revision, durably, audited. */
    private synchronized MasterKey change(AuditOperation op, MasterKey key, String alias, UnaryOperator<MasterKey> edit)
            throws KeyStoreException {
        try {
            MasterKey next = edit.apply(key).atRevision(key.revision() + 1);
            persist(next);
            audit.record(op, next.id(), next.current().number(), alias, null, List.of());
            return next;
        } catch (KeyStoreException | RuntimeException e) {
            audit.record(op, key.id(), key.current().number(), alias, e, List.of());
            throw e;
        }
    }

    private void persist(MasterKey key) throws KeyStoreException {
        byte[] payload = MasterKeyCodec.encode(key);
        try {
            String id = key.id().toString();
            backend.put(new KeyRecord(id, key.revision(), root.seal(id, key.revision(), payload, options.random())));
            snapshot = snapshot.with(key);
        } catch (StaleRecordException e) {
            throw new KeyStoreException("key " + key.id() + " was changed by another writer; read it again and retry", e);
        } catch (IOException e) {
            throw new KeyStoreException("could not store key " + key.id() + ": " + e.getMessage(), e);
        } finally {
            Arrays.fill(payload, (byte) 0);
        }
    }

    private MasterKey unseal(KeyRecord record) throws IOException {
        byte[] payload = root.open(record);
        try {
            return MasterKeyCodec.decode(UUID.fromString(record.keyId()), record.revision(), payload);
        } catch (IllegalArgumentException e) {
            throw new io.kmsjca.spi.CorruptStoreException("record of key " + record.keyId() + " is malformed: "
                    + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- lookups

    private Optional<MasterKey> lookup(String aliasOrKeyId) {
        if (aliasOrKeyId == null) {
            return Optional.empty();
        }
        Snapshot s = snapshot;
        try {
            MasterKey byId = s.byId.get(UUID.fromString(aliasOrKeyId));
            if (byId != null) {
                return Optional.of(byId);
            }
        } catch (IllegalArgumentException notAnId) {
            // fall through to aliases
        }
        try {
            UUID id = s.byAlias.get(Aliases.normalize(aliasOrKeyId));
            return Optional.ofNullable(id == null ? null : s.byId.get(id));
        } catch (IllegalArgumentException notAnAlias) {
            return Optional.empty();
        }
    }

    private static String aliasIn(MasterKey key, String aliasOrKeyId) {
        try {
            String name = Aliases.normalize(aliasOrKeyId);
            return key.aliases().contains(name) ? name : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String normalize(String alias) throws KeyStoreException {
        try {
            return Aliases.normalize(alias);
        } catch (IllegalArgumentException e) {
            throw new KeyStoreException(e.getMessage(), e);
        }
    }

    private static KeyStoreException unknown(String aliasOrKeyId) {
        return new KeyStoreException("no key with alias or id '" + aliasOrKeyId + "'");
    }

    private Instant now() {
        return options.clock().instant();
    }
}
