package io.kmsjca.keys;

import io.kmsjca.audit.AuditDelivery;
import io.kmsjca.audit.AuditDispatcher;
import io.kmsjca.audit.AuditLogVerifier;
import io.kmsjca.format.EncryptionContext;
import io.kmsjca.spi.KeyRecordStore;
import io.kmsjca.spi.audit.AuditListener;
import io.kmsjca.spi.audit.AuditOperation;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyStoreException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The management API of a key store, the one the JCA classes and the CLI call: create, describe
 * and list keys; aliases; enable, disable, schedule and cancel deletion; rotation (automatic,
 * on demand, by usage); re-encryption; retirement and revocation of versions. Every call is
 * audited, and every change is durable before the call returns.
 *
 * <p>A thin facade: the lifecycle rules live in {@link MasterKey}; this class says which rule a
 * request applies and delegates. {@link KeyChanges} applies and audits a transition through the
 * {@link KeyRegistry}, the one owner of the store's lock and its transactions; {@link KeyCreation},
 * {@link AliasChanges}, {@link KeyLifecycle}, {@link KeyQueries}, {@link ReEncryption} and
 * {@link KeyMaintenance} carry out the requests and depend on the registry, never on this class.
 * Wraps and unwraps ({@link KeyUse}) read the registry's snapshot without a lock. Obtain a
 * service through {@link KeyStores}, or from a loaded {@code KeyStore} with
 * {@code KmsKeyStores.keyService(keyStore, password)}.
 *
 * <p>Methods that name a key take a key id or an alias ({@code orders} or {@code alias/orders}).
 * A request wrong in itself (a value out of range, an invalid or taken alias) fails with
 * {@link InvalidKeyRequestException}, audited FAILED; one the key's state or manager does not
 * allow with {@link KeyStateException}, audited DENIED; an unknown key with
 * {@link KeyNotFoundException}; a backend failure with a plain {@link KeyStoreException} and its cause.
 */
public final class KeyService implements AutoCloseable {

    private final KeyRegistry registry;
    private final KeyServiceOptions options;
    private final AuditLogKeeper auditLog;
    private final AuditDispatcher audit;
    private final KeyChanges changes;
    private final KeyQueries queries;
    private final KeyLifecycle lifecycle;
    private final AliasChanges aliasChanges;
    private final KeyCreation creation;
    private final KeyMaintenance maintenance;
    private final KeyUse use;
    private final ReEncryption reEncryption;
    private KeyRecordStore.Subscription changeFeed;

    /** Wires the parts; no I/O. {@link KeyServiceFactory} reads the store, then {@link #start}s the service. */
    KeyService(KeyRegistry registry, KeyServiceOptions options, AuditLogKeeper auditLog, AuditDispatcher audit) {
        this.registry = registry;
        this.options = options;
        this.auditLog = auditLog;
        this.audit = audit;
        this.changes = new KeyChanges(registry, audit, options);
        this.queries = new KeyQueries(registry);
        this.lifecycle = new KeyLifecycle(registry, changes);
        this.aliasChanges = new AliasChanges(registry, changes, options);
        this.creation = new KeyCreation(registry, changes);
        this.maintenance = new KeyMaintenance(registry, changes, options, () -> auditLog.checkpoint(audit));
        this.use = new KeyUse(registry, options, maintenance);
        this.reEncryption = new ReEncryption(registry, use, audit);
    }

    /** Follows the backend's change feed and schedules maintenance: the last step of opening. */
    void start() {
        changeFeed = registry.backend().subscribe(registry::follow);
        maintenance.start();
    }

    /** KMS CreateKey with an alias (or null) and a description; material generated inside the provider. */
    public KmsKeyHandle createKey(String alias, String description) throws KeyStoreException {
        return createKey(CreateKeyRequest.withAlias(alias).description(description));
    }

    /** KMS CreateKey: AES-256 material generated inside the provider and never seen by the caller. */
    public KmsKeyHandle createKey(CreateKeyRequest request) throws KeyStoreException {
        return handle(creation.create(request));
    }

    /**
     * Imports 32 bytes of AES-256 material (KMS ImportKeyMaterial). Under a new alias (or none)
     * it becomes a new master key; under an existing alias it becomes that key's next version,
     * and the older versions stay, so nothing is ever overwritten. The caller wipes its copy.
     */
    public KmsKeyHandle importKeyMaterial(String alias, byte[] material) throws KeyStoreException {
        return handle(creation.importMaterial(alias, material));
    }

    /**
     * The provider-managed key of a named service (alias {@code kms/managed/NAME}), created on
     * first use and rotated every year by the provider. Its users cannot disable or delete it,
     * nor change its rotation.
     */
    public KmsKeyHandle managedKey(String serviceName) throws KeyStoreException {
        return handle(creation.managed(serviceName));
    }

    /** The provider-owned key for an internal purpose, created on first use; never listed or returned. */
    MasterKey ownedKey(String purpose) throws KeyStoreException {
        OwnedKeys.Found owned = OwnedKeys.findOrCreate(registry, purpose, options);
        if (owned.created()) {
            audit.record(AuditOperation.CREATE_KEY, owned.key().id(), 1, null, null, EncryptionContext.EMPTY);
        }
        return owned.key();
    }

    private KmsKeyHandle handle(KeyCreation.Named named) {
        return new KmsKeyHandle(this, named.key().id(), named.alias());
    }

    /** A verifier for this store's audit log (the key and the log's checkpoint come from the store). */
    public AuditLogVerifier auditLogVerifier() {
        return auditLog.verifier();
    }

    /**
     * Retires the store's watch over the audit log at {@code log} on {@code host} (as its writers
     * name them): after a log was archived and removed on purpose, so the next log written there is
     * not reported as a log deleted or replaced (docs/audit.md). Audited as UNTAG_KEY of the audit key.
     *
     * @return whether the store watched a log there
     */
    public boolean retireAuditLog(Path log, String host) throws IOException {
        return auditLog.retire(log, host, audit);
    }

    /** {@link #retireAuditLog(Path, String)} for a log written on this host. */
    public boolean retireAuditLog(Path log) throws IOException {
        return auditLog.retire(log, AuditDispatcher.host(), audit);
    }

    /** Keeps the audit log's checkpoint in the store: maintenance does this on its schedule, and close. */
    void checkpointAuditLog() {
        auditLog.checkpoint(audit);
    }

    /** A handle on the key an alias (or {@code alias/NAME}) or a key id names, if there is one. */
    public Optional<KmsKeyHandle> findKey(String aliasOrKeyId) {
        return registry.lookup(aliasOrKeyId).map(k -> new KmsKeyHandle(this, k.id(), KeyNames.aliasIn(k, aliasOrKeyId)));
    }

    /** KMS DescribeKey: everything about a key but its material. */
    public KeyMetadata describeKey(String key) throws KeyStoreException {
        return queries.find(key).metadata();
    }

    /** Every key that is not destroyed, ordered by id. */
    public List<KeyMetadata> listKeys() {
        return queries.listKeys();
    }

    /**
     * KMS ListKeys with paging: up to {@code limit} (1..1000) keys after {@code marker} (null
     * for the first page), ordered by id.
     */
    public KeyPage listKeys(int limit, String marker) {
        return queries.listKeys(limit, marker);
    }

    /**
     * Whether {@code alias} (in any spelling {@link Aliases#normalize} accepts) names a key. Unlike
     * {@link #findKey}, never true for a key id: this is {@code KeyStore.containsAlias}.
     */
    public boolean hasAlias(String alias) {
        return queries.hasAlias(alias);
    }

    /**
     * Every alias, sorted.
     *
     * @deprecated the names of {@link #listAliases()}, which also says which key each names:
     *             {@code listAliases().stream().map(KeyAlias::alias).toList()}
     */
    @Deprecated
    public List<String> aliases() {
        return queries.aliases();
    }

    /** KMS ListAliases: every alias with its key, sorted by alias. */
    public List<KeyAlias> listAliases() {
        return queries.listAliases();
    }

    /** KMS ListKeyRotations: the versions after the first, each with its date and reason. */
    public List<KeyRotation> listKeyRotations(String key) throws KeyStoreException {
        return queries.listKeyRotations(key);
    }

    /** KMS CreateAlias: a further alias for a key. */
    public void createAlias(String alias, String key) throws KeyStoreException {
        aliasChanges.create(alias, key);
    }

    /** KMS UpdateAlias: points an existing alias at another key. */
    public void updateAlias(String alias, String targetKey) throws KeyStoreException {
        aliasChanges.update(alias, targetKey);
    }

    /**
     * KMS DeleteAlias. A customer key whose last alias goes is scheduled for deletion after the
     * configured waiting period, so {@code KeyStore.deleteEntry} never destroys material at once;
     * until then the key can still be found by id and recovered with {@link #cancelKeyDeletion}.
     *
     * @return whether the alias existed
     */
    public boolean deleteAlias(String alias) throws KeyStoreException {
        return aliasChanges.delete(alias);
    }

    /** KMS EnableKey. */
    public void enableKey(String key) throws KeyStoreException {
        changes.change(AuditOperation.ENABLE_KEY, key, null, MasterKey::enabled);
    }

    /** KMS DisableKey: no cryptographic use until enabled again; describe still works. */
    public void disableKey(String key) throws KeyStoreException {
        changes.change(AuditOperation.DISABLE_KEY, key, null, MasterKey::disabled);
    }

    /** KMS ScheduleKeyDeletion with the configured waiting period. */
    public Instant scheduleKeyDeletion(String key) throws KeyStoreException {
        return scheduleKeyDeletion(key, options.pendingWindowDays());
    }

    /**
     * KMS ScheduleKeyDeletion: the key becomes PendingDeletion (no cryptographic use) and its
     * material is destroyed after {@code pendingWindowDays} (7..30).
     *
     * @return the deletion date
     */
    public Instant scheduleKeyDeletion(String key, int pendingWindowDays) throws KeyStoreException {
        return lifecycle.scheduleDeletion(key, pendingWindowDays);
    }

    /** KMS CancelKeyDeletion: the key comes back Disabled, as in KMS; enable it to use it. */
    public void cancelKeyDeletion(String key) throws KeyStoreException {
        changes.change(AuditOperation.CANCEL_KEY_DELETION, key, null, MasterKey::deletionCancelled);
    }

    /** KMS EnableKeyRotation: rotate automatically every {@code periodDays} (90..2560). */
    public void enableKeyRotation(String key, int periodDays) throws KeyStoreException {
        changes.change(AuditOperation.ENABLE_KEY_ROTATION, key, null, k -> k.withRotationPeriod(periodDays));
    }

    /** KMS DisableKeyRotation. */
    public void disableKeyRotation(String key) throws KeyStoreException {
        changes.change(AuditOperation.DISABLE_KEY_ROTATION, key, null, k -> k.withRotationPeriod(0));
    }

    /**
     * KMS RotateKeyOnDemand: a new current version generated inside the provider. New wraps use
     * it; blobs of the older versions keep unwrapping.
     *
     * @return the new version's number
     */
    public int rotateKeyOnDemand(String key) throws KeyStoreException {
        return lifecycle.rotateOnDemand(key);
    }

    /**
     * Vault's {@code min_decryption_version}: blobs of versions below {@code version} no longer
     * decrypt. Re-wrap them first ({@link #reEncrypt}); the material stays, so lowering the
     * minimum again restores them.
     */
    public void setMinDecryptionVersion(String key, int version) throws KeyStoreException {
        changes.change(AuditOperation.SET_MIN_DECRYPTION_VERSION, key, null, k -> k.withMinDecryptionVersion(version));
    }

    /**
     * Revokes a compromised version: its material is wiped once the revocation is durable, and its blobs fail with a
     * message saying so. Revoking the current version rotates the key first. Cannot be undone.
     */
    public void revokeKeyVersion(String key, int version) throws KeyStoreException {
        lifecycle.revokeVersion(key, version);
    }

    /** KMS TagResource: adds or replaces tags (at most 50; keys 1..128 characters, values up to 256). */
    public void tagKey(String key, Map<String, String> tags) throws KeyStoreException {
        lifecycle.tag(key, tags);
    }

    /** KMS UntagResource. */
    public void untagKey(String key, Collection<String> tagKeys) throws KeyStoreException {
        lifecycle.untag(key, tagKeys);
    }

    /**
     * KMS ReEncrypt (Vault rewrap): the data key inside {@code blob} is wrapped again under the
     * current version of {@code destinationKey} (null: the blob's own key, to move it to the
     * newest version), without ever reaching the caller.
     *
     * @throws InvalidKeyException a key is unknown or unusable, or the blob names a version that
     *                             may not decrypt
     * @throws GeneralSecurityException the blob or the source context does not authenticate
     *                                  ({@code AEADBadTagException}) or is malformed
     */
    public byte[] reEncrypt(byte[] blob, Map<String, String> sourceContext, String destinationKey,
                            Map<String, String> destinationContext) throws GeneralSecurityException {
        return reEncryption.one(new WrapEngine(), blob, EncryptionContext.of(sourceContext), destinationKey,
                EncryptionContext.of(destinationContext));
    }

    /** The batch form of {@link #reEncrypt(byte[], Map, String, Map)}: each blob succeeds or fails on its own. */
    public List<ReEncryptResult> reEncrypt(List<byte[]> blobs, Map<String, String> sourceContext, String destinationKey,
                                           Map<String, String> destinationContext) {
        return reEncryption.all(blobs, EncryptionContext.of(sourceContext), destinationKey,
                EncryptionContext.of(destinationContext));
    }

    /**
     * Does now what the background maintenance does on its schedule: rotates keys whose
     * rotation period has passed or whose current version reached the usage threshold,
     * destroys the material of keys whose deletion waiting period ended, and persists usage
     * counts. Tests call this after moving the injected clock.
     */
    public MaintenanceReport runMaintenance() {
        return maintenance.run();
    }

    /** The audit listeners of this store (add and remove them here), its delivery counters and flush; records nothing. */
    public AuditDelivery audit() {
        return audit.view();
    }

    /** Where this store's own code records its events: never handed out of the package. */
    AuditDispatcher auditRecorder() {
        return audit;
    }

    /** Adds an audit listener; shorthand for {@code audit().addListener}. */
    public void addAuditListener(AuditListener listener) {
        audit.addListener(listener);
    }

    /**
     * Whether {@code password} opens this store's root key (true for a store never written with
     * a password). Costs one password derivation.
     */
    public boolean verifyPassword(char[] password) throws IOException {
        Optional<byte[]> header = registry.backend().header();
        return header.isEmpty() || registry.root().isUnlockedBy(header.get(), password);
    }

    /** Whether the store has a password (a header): false for a new in-memory store never written. */
    boolean hasPassword() throws IOException {
        return registry.backend().header().isPresent();
    }

    /**
     * Stops maintenance, persists usage counts, delivers and closes the audit trail, closes the
     * backend, and wipes the root key and every version's material: a closed service keeps no
     * secret in memory, and its handles fail with {@link InvalidKeyException}.
     */
    @Override
    public void close() throws IOException {
        use.close();
        changeFeed.close();
        maintenance.stop();
        try {
            maintenance.flushUsage();
            audit.flush();
            auditLog.checkpoint(audit);
            audit.close();
            registry.backend().close();
        } finally {
            registry.wipe();
        }
    }

    /** The key a handle names, if it may be used for cryptography now. Lock-free. */
    MasterKey usableKey(KmsKeyHandle handle) throws InvalidKeyException {
        return use.usableKey(handle, this);
    }

    KeyUse keyUse() {
        return use;
    }

    KeyRegistry registry() {
        return registry;
    }

    /**
     * Picks up changes other processes made to a shared store (a file opened by several JVMs):
     * maintenance does this on its schedule.
     *
     * @return how many keys changed
     */
    public int refresh() throws IOException {
        return registry.refresh();
    }

    KeyServiceOptions options() {
        return options;
    }

    KeyRecordStore backend() {
        return registry.backend();
    }

    RootKey root() {
        return registry.root();
    }
}
