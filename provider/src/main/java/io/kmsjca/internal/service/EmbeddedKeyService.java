package io.kmsjca.internal.service;

import io.kmsjca.internal.engine.PrivateKeyEngine;
import io.kmsjca.internal.engine.WrapEngine;
import io.kmsjca.internal.model.KeyNames;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.internal.store.RootKey;
import io.kmsjca.internal.format.KeySlot;
import io.kmsjca.internal.format.KeySlots;
import io.kmsjca.internal.store.CredentialSecret;
import io.kmsjca.internal.store.SlotKeys;
import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.CreatedCredential;
import io.kmsjca.keys.DataKeyPair;
import io.kmsjca.keys.EncryptionAlgorithm;
import io.kmsjca.keys.KeyAgreementAlgorithm;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;
import io.kmsjca.keys.CredentialInfo;
import io.kmsjca.keys.CredentialRequest;
import io.kmsjca.keys.GrantRequest;
import io.kmsjca.keys.KeyGrant;
import io.kmsjca.keys.KeyAlias;
import io.kmsjca.keys.KeyMetadata;
import io.kmsjca.keys.KeyPage;
import io.kmsjca.keys.KeyRotation;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.MaintenanceReport;
import io.kmsjca.keys.ReEncryptResult;

import io.kmsjca.audit.AuditDelivery;
import io.kmsjca.internal.audit.AuditDispatcher;
import io.kmsjca.audit.AuditLogVerifier;
import io.kmsjca.audit.AuditVerificationKey;
import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.spi.KeyRecordStore;
import io.kmsjca.spi.audit.AuditListener;
import io.kmsjca.spi.audit.AuditOperation;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyStoreException;
import java.security.PrivateKey;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The embedded key service: keys kept by a storage backend in this JVM. */
public final class EmbeddedKeyService implements KeyService {

    private final KeyRegistry registry;
    private final KeyServiceOptions options;
    private final AuditLogKeeper auditLog;
    private final AuditDispatcher audit;
    private final KeyAccess access;
    private final KeyChanges changes;
    private final KeyQueries queries;
    private final KeyLifecycle lifecycle;
    private final AliasChanges aliasChanges;
    private final KeyCreation creation;
    private final KeyMaintenance maintenance;
    private final KeyUse use;
    private final ReEncryption reEncryption;
    private final AccessChanges accessChanges;
    private final CredentialChanges credentials;
    private final AccessKeys accessKeys;
    private final KeyPairRequests keyPairs;
    private final KeyImports imports;
    private final KeyReseals reseals;
    private KeyRecordStore.Subscription changeFeed;

    /** Wires the parts; no I/O. {@link KeyServiceFactory} reads the store, then {@link #start}s the service. */
    EmbeddedKeyService(KeyRegistry registry, KeyServiceOptions options, AuditLogKeeper auditLog, AuditDispatcher audit,
                       Callers callers) {
        this.registry = registry;
        this.options = options;
        this.auditLog = auditLog;
        this.audit = audit;
        this.access = new KeyAccess(registry, options.clock(), callers, options.region(), options.account());
        this.changes = new KeyChanges(registry, audit, options, access);
        this.queries = new KeyQueries(registry);
        this.lifecycle = new KeyLifecycle(registry, changes);
        this.aliasChanges = new AliasChanges(registry, changes, options);
        this.creation = new KeyCreation(registry, changes);
        this.maintenance = new KeyMaintenance(registry, changes, options, () -> auditLog.checkpoint(audit));
        this.use = new KeyUse(registry, options, maintenance, access);
        this.reEncryption = new ReEncryption(registry, use, audit);
        this.accessChanges = new AccessChanges(registry, changes, access, this);
        this.credentials = new CredentialChanges(registry, changes, access, audit, options);
        this.accessKeys = new AccessKeys(registry, changes, access, audit);
        this.keyPairs = new KeyPairRequests(this, registry, changes, use, audit);
        this.imports = new KeyImports(registry, changes, audit);
        this.reseals = new KeyReseals(registry, audit);
    }

    /** Follows the backend's change feed and schedules maintenance: the last step of opening. */
    void start() {
        changeFeed = registry.backend().subscribe(registry::follow);
        maintenance.start();
    }

    /**
     * The embedded service behind {@code service}.
     *
     * @throws IllegalArgumentException for a {@link KeyService} this provider did not make
     */
    public static EmbeddedKeyService of(KeyService service) {
        if (service instanceof EmbeddedKeyService embedded) {
            return embedded;
        }
        throw new IllegalArgumentException("not a key service of kms-jca: " + service.getClass().getName());
    }

    @Override
    public KmsKeyHandle createKey(String alias, String description) throws KeyStoreException {
        return createKey(CreateKeyRequest.withAlias(alias).description(description));
    }

    @Override
    public KmsKeyHandle createKey(CreateKeyRequest request) throws KeyStoreException {
        if (request.origin() == io.kmsjca.keys.KeyOrigin.IMPORTED) {
            return handle(imports.createExternal(request)); // any spec: no material to make a key pair's handle from yet
        }
        return handle(creation.create(request));
    }

    @Override
    public KmsKeyHandle importKeyMaterial(String alias, byte[] material) throws KeyStoreException {
        return handle(creation.importMaterial(alias, material));
    }

    @Override
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
        return new ServiceKeyHandle(this, named.key().id(), named.alias(), named.key().keySpec());
    }

    @Override
    public AuditLogVerifier auditLogVerifier() {
        return auditLog.verifier();
    }

    @Override
    public AuditVerificationKey auditLogVerificationKey() {
        return auditLog.verificationKey();
    }

    @Override
    public boolean retireAuditLog(Path log, String host) throws IOException {
        return auditLog.retire(log, host, audit);
    }

    @Override
    public boolean retireAuditLog(Path log) throws IOException {
        return auditLog.retire(log, AuditDispatcher.host(), audit);
    }

    /** Keeps the audit log's checkpoint in the store: maintenance does this on its schedule, and close. */
    void checkpointAuditLog() {
        auditLog.checkpoint(audit);
    }

    @Override
    public Optional<KmsKeyHandle> findKey(String aliasOrKeyId) {
        // any key: KMSWrap, envelopes and data keys refuse an asymmetric key's handle, naming its spec and usage
        return registry.lookup(aliasOrKeyId).map(k -> new ServiceKeyHandle(this, k.id(), KeyNames.aliasIn(k, aliasOrKeyId),
                k.keySpec()));
    }

    @Override
    public KeyMetadata describeKey(String key) throws KeyStoreException {
        return changes.find(key, AuditOperation.DESCRIBE_KEY).metadata();
    }

    @Override
    public List<KeyMetadata> listKeys() throws KeyStoreException {
        changes.authorize(AuditOperation.DESCRIBE_KEY, "kms:ListKeys", null, null, Map.of());
        return queries.listKeys();
    }

    @Override
    public KeyPage listKeys(int limit, String marker) throws KeyStoreException {
        changes.authorize(AuditOperation.DESCRIBE_KEY, "kms:ListKeys", null, null, Map.of());
        return queries.listKeys(limit, marker);
    }

    @Override
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
    @Override
    public List<String> aliases() {
        try {
            changes.authorize(AuditOperation.DESCRIBE_KEY, "kms:ListAliases", null, null, Map.of());
        } catch (KeyStoreException refused) {
            return List.of(); // as listAliases() refuses (audited); this method declares no exception
        }
        return queries.aliases();
    }

    @Override
    public List<KeyAlias> listAliases() throws KeyStoreException {
        changes.authorize(AuditOperation.DESCRIBE_KEY, "kms:ListAliases", null, null, Map.of());
        return queries.listAliases();
    }

    @Override
    public List<KeyRotation> listKeyRotations(String key) throws KeyStoreException {
        MasterKey found = changes.lookup(key, AuditOperation.DESCRIBE_KEY);
        changes.authorize(AuditOperation.DESCRIBE_KEY, "kms:ListKeyRotations", found, null, Map.of());
        return queries.listKeyRotations(found.id().toString());
    }

    @Override
    public void createAlias(String alias, String key) throws KeyStoreException {
        aliasChanges.create(alias, key);
    }

    @Override
    public void updateAlias(String alias, String targetKey) throws KeyStoreException {
        aliasChanges.update(alias, targetKey);
    }

    @Override
    public boolean deleteAlias(String alias) throws KeyStoreException {
        return aliasChanges.delete(alias);
    }

    @Override
    public void enableKey(String key) throws KeyStoreException {
        changes.change(AuditOperation.ENABLE_KEY, key, null, MasterKey::enabled);
    }

    @Override
    public void disableKey(String key) throws KeyStoreException {
        changes.change(AuditOperation.DISABLE_KEY, key, null, MasterKey::disabled);
    }

    @Override
    public Instant scheduleKeyDeletion(String key) throws KeyStoreException {
        return scheduleKeyDeletion(key, options.pendingWindowDays());
    }

    @Override
    public Instant scheduleKeyDeletion(String key, int pendingWindowDays) throws KeyStoreException {
        return lifecycle.scheduleDeletion(key, pendingWindowDays);
    }

    @Override
    public void cancelKeyDeletion(String key) throws KeyStoreException {
        changes.change(AuditOperation.CANCEL_KEY_DELETION, key, null, MasterKey::deletionCancelled);
    }

    @Override
    public void enableKeyRotation(String key, int periodDays) throws KeyStoreException {
        changes.change(AuditOperation.ENABLE_KEY_ROTATION, key, null, k -> k.withRotationPeriod(periodDays));
    }

    @Override
    public void disableKeyRotation(String key) throws KeyStoreException {
        changes.change(AuditOperation.DISABLE_KEY_ROTATION, key, null, k -> k.withRotationPeriod(0));
    }

    @Override
    public int rotateKeyOnDemand(String key) throws KeyStoreException {
        return lifecycle.rotateOnDemand(key);
    }

    @Override
    public void setMinDecryptionVersion(String key, int version) throws KeyStoreException {
        changes.change(AuditOperation.SET_MIN_DECRYPTION_VERSION, key, null, k -> k.withMinDecryptionVersion(version));
    }

    @Override
    public void revokeKeyVersion(String key, int version) throws KeyStoreException {
        lifecycle.revokeVersion(key, version);
    }

    @Override
    public void tagKey(String key, Map<String, String> tags) throws KeyStoreException {
        lifecycle.tag(key, tags);
    }

    @Override
    public void untagKey(String key, Collection<String> tagKeys) throws KeyStoreException {
        lifecycle.untag(key, tagKeys);
    }

    @Override
    public String getKeyPolicy(String key) throws KeyStoreException {
        return accessChanges.keyPolicy(key);
    }

    @Override
    public void putKeyPolicy(String key, String policy, boolean bypassPolicyLockoutSafetyCheck) throws KeyStoreException {
        accessChanges.putKeyPolicy(key, policy, bypassPolicyLockoutSafetyCheck);
    }

    @Override
    public List<String> listKeyPolicies(String key) throws KeyStoreException {
        changes.find(key, AuditOperation.GET_KEY_POLICY);
        return List.of("default");
    }

    @Override
    public Optional<String> getStorePolicy() throws KeyStoreException {
        return Optional.ofNullable(accessChanges.storePolicy());
    }

    @Override
    public void putStorePolicy(String policy, boolean bypassPolicyLockoutSafetyCheck) throws KeyStoreException {
        accessChanges.putStorePolicy(policy, bypassPolicyLockoutSafetyCheck);
        resealAfter("the store policy changed"); // who may use a key delegated to the store may have changed
    }

    @Override
    public KeyGrant createGrant(String key, GrantRequest request) throws KeyStoreException {
        return accessChanges.createGrant(key, request);
    }

    @Override
    public List<KeyGrant> listGrants(String key) throws KeyStoreException {
        return accessChanges.listGrants(key);
    }

    @Override
    public List<KeyGrant> listRetirableGrants(String retiringPrincipal) throws KeyStoreException {
        return accessChanges.listRetirableGrants(retiringPrincipal);
    }

    @Override
    public void retireGrant(String key, String grantId) throws KeyStoreException {
        accessChanges.retireGrant(key, grantId);
    }

    @Override
    public void revokeGrant(String key, String grantId) throws KeyStoreException {
        accessChanges.revokeGrant(key, grantId);
    }

    @Override
    public CreatedCredential createCredential(CredentialRequest request) throws KeyStoreException {
        CreatedCredential created = credentials.create(java.util.Objects.requireNonNull(request, "request"));
        resealAfter("a credential was created"); // the keys this process holds that the new principal may use
        return created;
    }

    @Override
    public List<CredentialInfo> listCredentials() throws KeyStoreException {
        return credentials.list();
    }

    @Override
    public void deleteCredential(String principal) throws KeyStoreException {
        deleteCredential(principal, false);
    }

    /** {@link #deleteCredential(String)}, accepting the loss of keys sealed to that credential alone when asked to. */
    public void deleteCredential(String principal, boolean acceptKeyLoss) throws KeyStoreException {
        credentials.delete(java.util.Objects.requireNonNull(principal, "principal"), acceptKeyLoss);
        resealAfter("a credential was deleted"); // the keys this process holds, without the deleted principal
    }

    /**
     * Seals the keys this process holds to whoever may use them after {@code change}. The change
     * is done and stays done if this fails (each key's failure is audited RESEAL_KEY): a warning
     * says to run {@code kms reseal-keys}.
     */
    private void resealAfter(String change) {
        try {
            reseals.resealAll();
        } catch (KeyStoreException e) {
            System.getLogger("io.kmsjca").log(System.Logger.Level.WARNING, "kms-jca: " + change + ", but the keys could"
                    + " not all be sealed to whoever may use them now (" + e.getMessage() + "): run kms reseal-keys");
        }
    }

    /**
     * Seals every key this process holds anew to the principals its policies and grants let use
     * it now, where the store holds it sealed otherwise (docs/authorization.md, "Sealing per
     * principal").
     *
     * @return how many keys were written, and the ids of keys left in the record because no
     *         credential may use them
     */
    public io.kmsjca.provider.ResealReport resealKeys() throws KeyStoreException {
        KeyReseals.Result r = reseals.resealAll();
        return new io.kmsjca.provider.ResealReport(r.written(), r.nobodyMayUse());
    }

    @Override
    public CredentialInfo credential() {
        CredentialIdentity c = access.caller();
        return new CredentialInfo(c.principal(), c.kind(), c.administrator(), c.actsForOthers(), registry.keyPair() != null);
    }

    @Override
    public io.kmsjca.keys.CreatedAccessKey createAccessKey(String principal, boolean administrator) throws KeyStoreException {
        return accessKeys.create(principal, administrator);
    }

    @Override
    public List<io.kmsjca.keys.AccessKeyInfo> listAccessKeys() throws KeyStoreException {
        return accessKeys.list();
    }

    @Override
    public void deleteAccessKey(String accessKeyId) throws KeyStoreException {
        accessKeys.delete(accessKeyId);
    }

    @Override
    public java.util.Optional<io.kmsjca.keys.AccessKeySigner> accessKey(String accessKeyId) throws KeyStoreException {
        return accessKeys.find(accessKeyId);
    }

    /** The credential this store was opened with. */
    CredentialIdentity caller() {
        return access.caller();
    }

    @Override
    public byte[] reEncrypt(byte[] blob, Map<String, String> sourceContext, String destinationKey,
                            Map<String, String> destinationContext) throws GeneralSecurityException {
        return reEncryption.one(new WrapEngine(), blob, EncryptionContext.of(sourceContext), destinationKey,
                EncryptionContext.of(destinationContext));
    }

    @Override
    public List<ReEncryptResult> reEncrypt(List<byte[]> blobs, Map<String, String> sourceContext, String destinationKey,
                                           Map<String, String> destinationContext) {
        return reEncryption.all(blobs, EncryptionContext.of(sourceContext), destinationKey,
                EncryptionContext.of(destinationContext));
    }

    @Override
    public MaintenanceReport runMaintenance() {
        return maintenance.run();
    }

    @Override
    public AuditDelivery audit() {
        return audit.view();
    }

    /** Where this store's own code records its events: never handed out of the package. */
    public AuditDispatcher auditRecorder() {
        return audit;
    }

    @Override
    public void addAuditListener(AuditListener listener) {
        audit.addListener(listener);
    }

    @Override
    public boolean verifyPassword(char[] password) throws IOException {
        Optional<byte[]> header = registry.backend().header();
        if (header.isEmpty()) {
            return true;
        }
        KeySlots slots;
        try {
            slots = KeySlots.decode(header.get());
        } catch (IllegalArgumentException e) {
            throw new IOException("key store header is invalid: " + e.getMessage(), e);
        }
        Optional<KeySlot> own = slots.find(access.caller().principal());
        return own.isPresent() && SlotKeys.opens(registry.root(), own.get(), CredentialSecret.password(null, password));
    }

    /** Whether the store has a password (a header): false for a new in-memory store never written. */
    public boolean hasPassword() throws IOException {
        return registry.backend().header().isPresent();
    }

    @Override
    public void close() throws IOException {
        // a close completes whatever the interrupt: the flush below must see every event delivered before the
        // closing signature and checkpoint (an interrupted flush would throw early); the flag is set again after
        boolean interrupted = Thread.interrupted();
        try {
            closeAll();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void closeAll() throws IOException {
        use.close();
        accessKeys.close();
        changeFeed.close();
        maintenance.stop();
        try {
            maintenance.flushUsage();
            ProviderException auditFailed = null;
            try {
                audit.flush();
            } catch (ProviderException e) { // a listener failed to flush (counted, reported): the store closes all the same
                auditFailed = e;
            }
            auditLog.signAtClose(); // before the checkpoint, so the store's checkpoint covers the closing signature
            auditLog.checkpoint(audit);
            audit.close();
            registry.backend().close();
            if (auditFailed != null) {
                throw new IOException("the store closed, but its audit trail failed to flush: events may not be durable",
                        auditFailed);
            }
        } finally {
            registry.wipe();
        }
    }

    /**
     * The key a handle names, if it may be used for cryptography now and the policies or grants
     * let the caller perform {@code op} with {@code context}. Lock-free.
     */
    public MasterKey usableKey(KmsKeyHandle handle, AuditOperation op, EncryptionContext context) throws InvalidKeyException {
        return use.usableKey(handle, this, op, context);
    }

    public KeyUse keyUse() {
        return use;
    }

    KeyRegistry registry() {
        return registry;
    }

    @Override
    public int refresh() throws IOException {
        return registry.refresh();
    }

    KeyServiceOptions options() {
        return options;
    }

    public KeyRecordStore backend() {
        return registry.backend();
    }

    RootKey root() {
        return registry.root();
    }

    /** The key pair of the credential this store was opened with (null: a credential without one). */
    io.kmsjca.internal.store.PrincipalKeyPair keyPair() {
        return registry.keyPair();
    }

    // ---------------------------------------------------------------- asymmetric keys

    @Override
    public KmsPrivateKeyHandle createKeyPair(CreateKeyRequest request) throws KeyStoreException {
        if (request.origin() == io.kmsjca.keys.KeyOrigin.IMPORTED) {
            throw changes.audited(AuditOperation.CREATE_KEY, null, request.alias(), new io.kmsjca.keys.InvalidKeyRequestException(
                    "a key pair of origin EXTERNAL has no public key until its material is imported: create it with"
                            + " createKey(request.origin(IMPORTED)), then findPrivateKey once imported"));
        }
        return privateHandle(creation.createPair(java.util.Objects.requireNonNull(request, "request")));
    }

    @Override
    public KmsPrivateKeyHandle importKeyPair(String alias, KeyUsage usage, PrivateKey privateKey,
                                             List<X509Certificate> chain) throws KeyStoreException {
        return privateHandle(creation.importPair(alias, usage, privateKey, chain));
    }

    private KmsPrivateKeyHandle privateHandle(KeyCreation.Named named) {
        MasterKey k = named.key();
        return ServicePrivateKeyHandle.of(this, k.id(), named.alias(), k.keySpec(), k.keyUsage(),
                k.keyPair().orElseThrow().publicKey());
    }

    @Override
    public Optional<KmsPrivateKeyHandle> findPrivateKey(String aliasOrKeyId) {
        return keyPairs.find(aliasOrKeyId);
    }

    @Override
    public PublicKey getPublicKey(String key) throws KeyStoreException {
        return keyPairs.publicKey(key);
    }

    @Override
    public byte[] sign(String key, byte[] message, MessageType messageType, SigningAlgorithm algorithm)
            throws GeneralSecurityException {
        java.util.Objects.requireNonNull(message, "message");
        return new PrivateKeyEngine().sign(keyPairs.target(key, AuditOperation.SIGN), message, 0, message.length,
                messageType, algorithm);
    }

    @Override
    public boolean verify(String key, byte[] message, MessageType messageType, byte[] signature,
                          SigningAlgorithm algorithm) throws GeneralSecurityException {
        return new PrivateKeyEngine().verify(keyPairs.target(key, AuditOperation.VERIFY), message, messageType, signature,
                algorithm);
    }

    @Override
    public byte[] encrypt(String key, byte[] plaintext, EncryptionAlgorithm algorithm) throws GeneralSecurityException {
        return new PrivateKeyEngine().encrypt(keyPairs.target(key, AuditOperation.ENCRYPT), plaintext, algorithm);
    }

    @Override
    public byte[] decrypt(String key, byte[] ciphertext, EncryptionAlgorithm algorithm) throws GeneralSecurityException {
        return new PrivateKeyEngine().decrypt(keyPairs.target(key, AuditOperation.DECRYPT), ciphertext, algorithm);
    }

    @Override
    public byte[] deriveSharedSecret(String key, KeyAgreementAlgorithm algorithm, byte[] peerPublicKey)
            throws GeneralSecurityException {
        return new PrivateKeyEngine().deriveSharedSecret(keyPairs.target(key, AuditOperation.DERIVE_SHARED_SECRET),
                algorithm, peerPublicKey);
    }

    @Override
    public DataKeyPair generateDataKeyPair(String key, KeySpec pairSpec, Map<String, String> context,
                                           boolean withPlaintext) throws GeneralSecurityException {
        return keyPairs.generateDataKeyPair(key, pairSpec, context, withPlaintext);
    }

    @Override
    public List<X509Certificate> certificateChain(String key) throws KeyStoreException {
        return keyPairs.certificateChain(key);
    }

    @Override
    public void setCertificateChain(String key, List<X509Certificate> chain) throws KeyStoreException {
        keyPairs.setCertificateChain(key, chain);
    }

    /**
     * The asymmetric key a private key handle names, if it is a live handle of this store, the key
     * may be used for {@code op} now (state, usage) and the policies or grants let the caller
     * perform it with the request's condition keys {@code requestKeys} (kms:SigningAlgorithm, ...).
     * Lock-free; not audited (the engine audits).
     */
    public MasterKey usablePair(KmsPrivateKeyHandle handle, AuditOperation op, Map<String, List<String>> requestKeys)
            throws InvalidKeyException {
        return use.usablePair(handle, this, op, requestKeys);
    }

    /** {@link #usablePair(KmsPrivateKeyHandle, AuditOperation, Map)} of key {@code id}, named {@code alias} by the request. */
    public MasterKey usablePair(java.util.UUID id, String alias, AuditOperation op, Map<String, List<String>> requestKeys)
            throws InvalidKeyException {
        return use.usablePair(id, alias, op, requestKeys);
    }

    // ---------------------------------------------------------------- HMAC keys and random bytes

    @Override
    public byte[] generateMac(String key, byte[] message, io.kmsjca.keys.MacAlgorithm algorithm)
            throws GeneralSecurityException {
        return new io.kmsjca.internal.engine.MacEngine().generateMac(macTarget(key, AuditOperation.GENERATE_MAC), message,
                algorithm);
    }

    @Override
    public boolean verifyMac(String key, byte[] message, byte[] mac, io.kmsjca.keys.MacAlgorithm algorithm)
            throws GeneralSecurityException {
        return new io.kmsjca.internal.engine.MacEngine().verifyMac(macTarget(key, AuditOperation.VERIFY_MAC), message, mac,
                algorithm);
    }

    /** The key a GenerateMac or VerifyMac request names; an unknown one refused (InvalidKeyException), audited. */
    private io.kmsjca.internal.engine.MacEngine.Target macTarget(String key, AuditOperation op) throws InvalidKeyException {
        Optional<MasterKey> found = key == null ? Optional.empty() : registry.lookup(key);
        if (found.isEmpty()) {
            InvalidKeyException e = new InvalidKeyException("no key with alias or id '" + key + "'");
            audit.record(op, null, 0, null, e, EncryptionContext.EMPTY);
            throw e;
        }
        return io.kmsjca.internal.engine.MacEngine.Target.named(this, found.get().id(),
                KeyNames.aliasIn(found.get(), key));
    }

    /**
     * The HMAC key {@code id}, if it may be used now for {@code op} with {@code algorithm} and the
     * caller may perform it with {@code requestKeys} (null: not decided here). Lock-free; not
     * audited (the engine audits).
     */
    public MasterKey usableHmac(java.util.UUID id, String alias, AuditOperation op, io.kmsjca.keys.MacAlgorithm algorithm,
                                Map<String, List<String>> requestKeys) throws InvalidKeyException {
        return use.usableHmac(id, alias, op, algorithm, requestKeys);
    }

    /**
     * Tests only, until ImportKeyMaterial with a wrapping key lands: a new HMAC key of {@code spec}
     * holding {@code material} (copied; the caller wipes its own), origin EXTERNAL.
     */
    KmsKeyHandle importHmacKeyForTests(String alias, KeySpec spec, byte[] material) throws KeyStoreException {
        return handle(creation.importHmac(alias, spec, material));
    }

    /** The most bytes one GenerateRandom request returns, as AWS KMS. */
    public static final int MAX_RANDOM_BYTES = 1024;

    /**
     * KMS GenerateRandom: bytes from the provider's generator. AWS authorizes it by IAM policy
     * alone (no key): here the store policy, as kms:GenerateRandom. Audited GENERATE_RANDOM, with
     * no key.
     */
    @Override
    public byte[] generateRandom(int numberOfBytes) throws GeneralSecurityException {
        AuditOperation op = AuditOperation.GENERATE_RANDOM;
        if (numberOfBytes < 1 || numberOfBytes > MAX_RANDOM_BYTES) {
            throw changes.audited(op, null, null, new InvalidKeyRequestException("the number of random bytes must be 1 to "
                    + MAX_RANDOM_BYTES + ", not " + numberOfBytes));
        }
        changes.authorize(op, KeyAccess.action(op), null, null, Map.of());
        byte[] bytes = new byte[numberOfBytes];
        io.kmsjca.internal.crypto.KmsRandom.nextBytes(bytes);
        audit.record(op, null, 0, null, null, EncryptionContext.EMPTY);
        return bytes;
    }

    @Override
    public io.kmsjca.keys.ImportParameters getParametersForImport(String key, io.kmsjca.keys.WrappingAlgorithm algorithm,
            io.kmsjca.keys.KeySpec wrappingKeySpec) throws GeneralSecurityException {
        return imports.parameters(key, algorithm, wrappingKeySpec);
    }

    @Override
    public void importKeyMaterial(String key, byte[] importToken, byte[] encryptedKeyMaterial,
            io.kmsjca.keys.ExpirationModel expirationModel, java.time.Instant validTo) throws GeneralSecurityException {
        imports.importMaterial(key, importToken, encryptedKeyMaterial, expirationModel, validTo);
    }

    @Override
    public void deleteImportedKeyMaterial(String key) throws KeyStoreException {
        imports.deleteMaterial(key);
    }
}
