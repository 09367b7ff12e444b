package io.kmsjca.internal.model;

import io.kmsjca.internal.store.MasterKeyCodec;
import io.kmsjca.keys.KeyGrant;
import io.kmsjca.keys.KeyManagerType;
import io.kmsjca.keys.KeyMetadata;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyState;
import io.kmsjca.keys.KeyUnavailableException;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.MacAlgorithm;
import io.kmsjca.keys.VersionState;

import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * A master key at one revision: immutable. Every lifecycle rule lives here, as a transition
 * that returns the changed key, or refuses with a {@link TransitionRefused} (the key's state or
 * manager does not allow it) or a {@link TransitionArgumentInvalid} (the argument is wrong in any
 * state), whose message names the key, its state or the allowed range, and what to do. The key
 * service only applies transitions.
 *
 * <pre>
 *   state            enable    disable   schedule deletion   cancel deletion   crypto
 *   Enabled          (stays)   Disabled  PendingDeletion     refused           yes
 *   Disabled         Enabled   (stays)   PendingDeletion     refused           no
 *   PendingDeletion  refused   refused   refused             Disabled          no
 *   Destroyed        refused   refused   refused             refused           no
 *   PendingImport    refused   refused   PendingDeletion     (PendingImport)   no
 * </pre>
 * A key of origin EXTERNAL ({@link #createExternal}) starts in PendingImport; ImportKeyMaterial
 * makes it Enabled; DeleteImportedKeyMaterial or the material's ValidTo returns it to PendingImport.
 */
public final class MasterKey {

    public static final int MIN_ROTATION_DAYS = 90;
    public static final int MAX_ROTATION_DAYS = 2560;
    public static final int DEFAULT_ROTATION_DAYS = 365;

    private final UUID id;
    private final long revision;
    private final String description;
    private final KeyState state;
    private final KeyManagerType manager;
    private final Instant created;
    private final Instant deletionDate;
    private final List<String> aliases;
    private final Map<String, String> tags;
    private final int rotationPeriodDays;
    private final int minDecryptionVersion;
    private final List<KeyVersion> versions;
    private final AccessRules access;
    private final KeySpec keySpec;
    private final KeyUsage keyUsage;
    private final CertificateChain chain;
    /** The import side of a key of origin EXTERNAL; null for every other key. */
    private final ImportState imports;

    public MasterKey(UUID id, long revision, String description, KeyState state, KeyManagerType manager, Instant created,
              Instant deletionDate, List<String> aliases, Map<String, String> tags, int rotationPeriodDays,
              int minDecryptionVersion, List<KeyVersion> versions) {
        this(id, revision, description, state, manager, created, deletionDate, aliases, tags, rotationPeriodDays,
                minDecryptionVersion, versions, AccessRules.DEFAULT);
    }

    public MasterKey(UUID id, long revision, String description, KeyState state, KeyManagerType manager, Instant created,
              Instant deletionDate, List<String> aliases, Map<String, String> tags, int rotationPeriodDays,
              int minDecryptionVersion, List<KeyVersion> versions, AccessRules access) {
        this(id, revision, description, state, manager, created, deletionDate, aliases, tags, rotationPeriodDays,
                minDecryptionVersion, versions, access, KeySpec.SYMMETRIC_DEFAULT, KeyUsage.ENCRYPT_DECRYPT,
                CertificateChain.EMPTY);
    }

    /**
     * A key of any spec. An asymmetric key has exactly one version (it does not rotate), no
     * rotation period, its version's material a key pair of its spec; only it may have a
     * certificate chain.
     */
    public MasterKey(UUID id, long revision, String description, KeyState state, KeyManagerType manager, Instant created,
              Instant deletionDate, List<String> aliases, Map<String, String> tags, int rotationPeriodDays,
              int minDecryptionVersion, List<KeyVersion> versions, AccessRules access, KeySpec keySpec,
              KeyUsage keyUsage, CertificateChain chain) {
        this(id, revision, description, state, manager, created, deletionDate, aliases, tags, rotationPeriodDays,
                minDecryptionVersion, versions, access, keySpec, keyUsage, chain, null);
    }

    /**
     * A key of any spec and origin: {@code imports} non-null makes it a key of origin EXTERNAL
     * (AWS's bring-your-own-key): one version for life, no rotation, state PendingImport exactly
     * while its version has no material ({@link VersionState#PENDING_IMPORT}).
     */
    public MasterKey(UUID id, long revision, String description, KeyState state, KeyManagerType manager, Instant created,
              Instant deletionDate, List<String> aliases, Map<String, String> tags, int rotationPeriodDays,
              int minDecryptionVersion, List<KeyVersion> versions, AccessRules access, KeySpec keySpec,
              KeyUsage keyUsage, CertificateChain chain, ImportState imports) {
        this.imports = imports;
        this.id = Objects.requireNonNull(id);
        this.keySpec = Objects.requireNonNull(keySpec);
        this.keyUsage = Objects.requireNonNull(keyUsage);
        this.chain = Objects.requireNonNull(chain);
        this.revision = revision;
        this.description = Objects.requireNonNull(description);
        this.state = Objects.requireNonNull(state);
        this.manager = Objects.requireNonNull(manager);
        this.created = Objects.requireNonNull(created);
        this.deletionDate = deletionDate;
        this.aliases = List.copyOf(new TreeSet<>(aliases));
        this.tags = Map.copyOf(new TreeMap<>(tags));
        this.rotationPeriodDays = rotationPeriodDays;
        this.minDecryptionVersion = minDecryptionVersion;
        this.versions = List.copyOf(versions);
        this.access = Objects.requireNonNull(access);
        if ((state == KeyState.PENDING_DELETION || state == KeyState.DESTROYED) != (deletionDate != null)) {
            throw new IllegalArgumentException("a deletion date is set exactly when the key is PendingDeletion or Destroyed");
        }
        if (this.versions.isEmpty()) {
            throw new IllegalArgumentException("a master key has at least one version");
        }
        for (int i = 0; i < this.versions.size(); i++) {
            if (this.versions.get(i).number() != i + 1) {
                throw new IllegalArgumentException("key versions must be numbered 1, 2, 3, ...");
            }
        }
        if (rotationPeriodDays != 0 && (rotationPeriodDays < MIN_ROTATION_DAYS || rotationPeriodDays > MAX_ROTATION_DAYS)) {
            throw new IllegalArgumentException("rotation period must be " + MIN_ROTATION_DAYS + ".." + MAX_ROTATION_DAYS
                    + " days, was " + rotationPeriodDays);
        }
        if (minDecryptionVersion < 1 || minDecryptionVersion > this.versions.size()) {
            throw new IllegalArgumentException("minimum decryption version must be 1.." + this.versions.size()
                    + ", was " + minDecryptionVersion);
        }
        if (!keySpec.allowedUsages().contains(keyUsage)) {
            throw new IllegalArgumentException("a " + keySpec + " key cannot have usage " + keyUsage);
        }
        checkMaterialKinds();
        checkImports();
    }

    /** The invariants of keys of origin EXTERNAL (see the constructor). */
    private void checkImports() {
        boolean waiting = versions.get(0).state() == VersionState.PENDING_IMPORT;
        if (imports == null) {
            if (state == KeyState.PENDING_IMPORT || waiting) {
                throw new IllegalArgumentException("only a key of origin EXTERNAL waits for material");
            }
            return;
        }
        if (versions.size() != 1 || rotationPeriodDays != 0 || versions.get(0).origin() != KeyOrigin.IMPORTED) {
            throw new IllegalArgumentException("a key of origin EXTERNAL has one imported version and no rotation period");
        }
        if (state == KeyState.PENDING_IMPORT && !waiting
                || (state == KeyState.ENABLED || state == KeyState.DISABLED) && (waiting || imports.expirationModel() == null)) {
            throw new IllegalArgumentException("a key of origin EXTERNAL is PendingImport exactly while it has no material");
        }
        if (waiting && imports.expirationModel() != null) {
            throw new IllegalArgumentException("a key without material has no expiration model");
        }
    }

    private void checkMaterialKinds() {
        boolean hmacKey = keySpec.family() == KeySpec.Family.HMAC;
        if (!keySpec.isAsymmetric()) {
            if (!chain.isEmpty()) {
                throw new IllegalArgumentException("only an asymmetric key has a certificate chain");
            }
            for (KeyVersion v : versions) {
                if (v.pair() != null) {
                    throw new IllegalArgumentException("a symmetric key's versions hold AES material, not a key pair");
                }
                if (v.state() == VersionState.ACTIVE && v.isHmac() != hmacKey) {
                    throw new IllegalArgumentException("the versions of a " + keySpec + " key must hold "
                            + (hmacKey ? "HMAC" : "AES") + " material");
                }
            }
            if (hmacKey) {
                checkHmacVersion();
            }
            return;
        }
        if (versions.size() != 1 || rotationPeriodDays != 0) {
            throw new IllegalArgumentException("an asymmetric key has exactly one version and no rotation period");
        }
        KeyVersion only = versions.get(0);
        if (only.state() == VersionState.ACTIVE && (only.pair() == null || only.pair().spec() != keySpec)) {
            throw new IllegalArgumentException("the version of a " + keySpec + " key must hold a " + keySpec + " key pair");
        }
    }

    /** An HMAC key: one version for life, no rotation period, its material keyed for its spec's algorithm. */
    private void checkHmacVersion() {
        if (versions.size() != 1 || rotationPeriodDays != 0) {
            throw new IllegalArgumentException("an HMAC key has exactly one version and no rotation period");
        }
        KeyVersion only = versions.get(0);
        if (only.state() == VersionState.ACTIVE) {
            String jca = MacAlgorithm.forKey(keySpec, keyUsage).get(0).jcaName();
            try {
                if (!jca.equals(only.hmacKey().getAlgorithm())) {
                    throw new IllegalArgumentException("the version of a " + keySpec + " key must hold " + jca
                            + " material");
                }
            } catch (InvalidKeyException wiped) {
                // material wiped in memory (a closed store): nothing left to check
            }
        }
    }

    /** A new HMAC key whose one version holds generated or imported HMAC material of {@code spec}, at revision 0. */
    public static MasterKey createHmac(UUID id, String description, KeyManagerType manager, Instant now,
                                       List<String> aliases, Map<String, String> tags, KeySpec spec, KeyUsage usage,
                                       KeyVersion only, AccessRules access) {
        if (spec.family() != KeySpec.Family.HMAC || !spec.allowedUsages().contains(usage)) {
            throw new TransitionArgumentInvalid("a " + spec + " key may be used for " + spec.allowedUsages()
                    + ", not " + usage);
        }
        return new MasterKey(id, 0, description, KeyState.ENABLED, manager, now, null, aliases, tags, 0, 1,
                List.of(only), access, spec, usage, CertificateChain.EMPTY);
    }

    /** A new key with one version, at revision 0: its first commit stores it as revision 1. */
    public static MasterKey create(UUID id, String description, KeyManagerType manager, Instant now, List<String> aliases,
                            Map<String, String> tags, int rotationPeriodDays, KeyVersion first) {
        return create(id, description, manager, now, aliases, tags, rotationPeriodDays, first, AccessRules.DEFAULT);
    }

    /** {@link #create} with a key policy and grants of its own. */
    public static MasterKey create(UUID id, String description, KeyManagerType manager, Instant now, List<String> aliases,
                            Map<String, String> tags, int rotationPeriodDays, KeyVersion first, AccessRules access) {
        checkRotationPeriod(rotationPeriodDays);
        return new MasterKey(id, 0, description, KeyState.ENABLED, manager, now, null, aliases, tags,
                rotationPeriodDays, 1, List.of(first), access);
    }

    /** A new asymmetric key whose one version holds a key pair of {@code spec}, at revision 0. */
    public static MasterKey createPair(UUID id, String description, KeyManagerType manager, Instant now,
                                       List<String> aliases, Map<String, String> tags, KeySpec spec, KeyUsage usage,
                                       KeyVersion only, CertificateChain chain) {
        if (!spec.allowedUsages().contains(usage)) {
            throw new TransitionArgumentInvalid("a " + spec + " key may be used for " + spec.allowedUsages()
                    + ", not " + usage);
        }
        return new MasterKey(id, 0, description, KeyState.ENABLED, manager, now, null, aliases, tags, 0, 1,
                List.of(only), AccessRules.DEFAULT, spec, usage, chain);
    }

    /**
     * A new key of origin EXTERNAL ({@code CreateKey --origin EXTERNAL}), at revision 0: state
     * PendingImport, its one version without material until ImportKeyMaterial.
     */
    public static MasterKey createExternal(UUID id, String description, Instant now, List<String> aliases,
                                           Map<String, String> tags, KeySpec spec, KeyUsage usage) {
        if (!spec.allowedUsages().contains(usage)) {
            throw new TransitionArgumentInvalid("a " + spec + " key may be used for " + spec.allowedUsages()
                    + ", not " + usage);
        }
        KeyVersion waiting = KeyVersion.withoutMaterial(1, now, KeyOrigin.IMPORTED, io.kmsjca.keys.RotationReason.IMPORTED,
                VersionState.PENDING_IMPORT, now, 0);
        return new MasterKey(id, 0, description, KeyState.PENDING_IMPORT, KeyManagerType.CUSTOMER, now, null, aliases,
                tags, 0, 1, List.of(waiting), AccessRules.DEFAULT, spec, usage, CertificateChain.EMPTY, ImportState.NEW);
    }

    /** A rotation period a request may set: 0 (off) or 90..2560 days. */
    static void checkRotationPeriod(int days) {
        if (days != 0 && (days < MIN_ROTATION_DAYS || days > MAX_ROTATION_DAYS)) {
            throw new TransitionArgumentInvalid("rotation period must be " + MIN_ROTATION_DAYS + " to " + MAX_ROTATION_DAYS
                    + " days, not " + days);
        }
    }

    // ---------------------------------------------------------------- reading

    public UUID id() {
        return id;
    }

    public long revision() {
        return revision;
    }

    public String description() {
        return description;
    }

    public KeyState state() {
        return state;
    }

    public KeyManagerType manager() {
        return manager;
    }

    public Instant created() {
        return created;
    }

    public Optional<Instant> deletionDate() {
        return Optional.ofNullable(deletionDate);
    }

    public List<String> aliases() {
        return aliases;
    }

    public Map<String, String> tags() {
        return tags;
    }

    /** Days between automatic rotations, or 0 when automatic rotation is off. */
    public int rotationPeriodDays() {
        return rotationPeriodDays;
    }

    public int minDecryptionVersion() {
        return minDecryptionVersion;
    }

    public List<KeyVersion> versions() {
        return versions;
    }

    public KeySpec keySpec() {
        return keySpec;
    }

    public KeyUsage keyUsage() {
        return keyUsage;
    }

    public boolean isAsymmetric() {
        return keySpec.isAsymmetric();
    }

    /** Whether this is an HMAC key (HMAC_224 .. HMAC_512, GENERATE_VERIFY_MAC). */
    public boolean isHmac() {
        return keySpec.family() == KeySpec.Family.HMAC;
    }

    /**
     * Whether this key has one version for life (a key pair, an HMAC key): it does not rotate, as
     * in AWS KMS, and has no rotation period or minimum decryption version.
     */
    public boolean isSingleVersion() {
        return keySpec != KeySpec.SYMMETRIC_DEFAULT;
    }

    /**
     * Whether a rotation can give it a new version: not a key of imported material (EXTERNAL),
     * nor a key pair or an HMAC key, which have one version for life, as in AWS KMS.
     */
    public boolean rotates() {
        return imports == null && !isSingleVersion();
    }

    /** The certificate chain of an asymmetric key (leaf first), empty if none. */
    public CertificateChain certificateChain() {
        return chain;
    }

    /** The key pair of an asymmetric key, while it has one (not once destroyed). */
    public Optional<KeyPairMaterial> keyPair() {
        return Optional.ofNullable(versions.get(0).pair());
    }

    /**
     * Refuses an operation of symmetric keys (KMSWrap, envelopes, data keys, re-encryption) on
     * an asymmetric key: {@code what} says what was asked ("wrap keys").
     */
    public void requireSymmetric(String what) throws InvalidKeyException {
        if (keySpec != KeySpec.SYMMETRIC_DEFAULT) { // key pairs and HMAC keys alike
            throw new InvalidKeyException("key " + displayName() + " is a " + keySpec + " " + keyUsage + " key: it cannot "
                    + what + "; that takes a " + KeySpec.SYMMETRIC_DEFAULT + " " + KeyUsage.ENCRYPT_DECRYPT + " key");
        }
    }

    /**
     * Refuses an operation of asymmetric keys on a key of another spec or usage: {@code usage}
     * null takes any asymmetric key (GetPublicKey).
     */
    public void requireAsymmetric(KeyUsage usage, String what) throws InvalidKeyException {
        if (!keySpec.isAsymmetric() || usage != null && keyUsage != usage) {
            throw new InvalidKeyException("key " + displayName() + " is a " + keySpec + " " + keyUsage + " key: it cannot "
                    + what + "; that takes an asymmetric " + (usage == null ? "" : usage + " ") + "key");
        }
    }

    /** The import side of a key of origin EXTERNAL; empty for every other key. */
    public Optional<ImportState> imports() {
        return Optional.ofNullable(imports);
    }

    /** Whether the key was created with origin EXTERNAL (bring your own key). */
    public boolean isExternal() {
        return imports != null;
    }

    /** Whether the parameters of its latest GetParametersForImport are past their ValidTo at {@code now}, unused. */
    public boolean importParametersExpiryDue(Instant now) {
        return imports != null && imports.wrapping() != null && !now.isBefore(imports.wrapping().validTo());
    }

    /**
     * The expired import parameters dropped (maintenance): no record keeps a wrapping key no token
     * may use any more; its private key is wiped once this is durable ({@link #wipeEnded}).
     */
    public MasterKey importParametersExpired(Instant now) {
        refuseUnless(importParametersExpiryDue(now), "cleared of its import parameters", "they have not expired");
        return withImports(imports.withWrapping(null), state, versions);
    }

    /** When its imported material expires (KEY_MATERIAL_EXPIRES), or null: not imported, or no expiry. */
    public Instant materialExpiry() {
        return imports == null ? null : imports.validTo();
    }

    /** Whether its imported material is due to expire at {@code now} (KEY_MATERIAL_EXPIRES). */
    public boolean materialExpiryDue(Instant now) {
        return imports != null && (state == KeyState.ENABLED || state == KeyState.DISABLED) && imports.expiryDue(now);
    }

    /**
     * Refuses GenerateMac, VerifyMac or a JCA {@code Mac} on a key that is not an HMAC key of
     * {@code algorithm} ({@code what}: "generate MACs").
     */
    public void requireHmac(MacAlgorithm algorithm, String what) throws InvalidKeyException {
        if (keyUsage != KeyUsage.GENERATE_VERIFY_MAC) {
            throw new InvalidKeyException("key " + displayName() + " is a " + keySpec + " " + keyUsage + " key: it cannot "
                    + what + "; that takes an HMAC key of usage " + KeyUsage.GENERATE_VERIFY_MAC);
        }
        List<MacAlgorithm> own = MacAlgorithm.forKey(keySpec, keyUsage);
        if (!own.contains(algorithm)) {
            throw new InvalidKeyException("key " + displayName() + " is a " + keySpec + " key: its MAC algorithm is "
                    + own.get(0) + ", not " + algorithm);
        }
    }

    /** Its key policy and grants. */
    public AccessRules access() {
        return access;
    }

    /** The version every new wrap uses. */
    public KeyVersion current() {
        return versions.get(versions.size() - 1);
    }

    /** The origin of the key: that of its first version. */
    public KeyOrigin origin() {
        return versions.get(0).origin();
    }

    /** How the key is named in messages: its first alias if it has one, and its id. */
    public String displayName() {
        return aliases.isEmpty() ? id.toString() : "alias/" + aliases.get(0) + " (" + id + ")";
    }

    /** When automatic rotation next falls due, if it is on. */
    public Optional<Instant> nextRotationDate() {
        return rotationPeriodDays == 0 ? Optional.empty()
                : Optional.of(current().created().plus(Duration.ofDays(rotationPeriodDays)));
    }

    public boolean rotationDue(Instant now) {
        return state == KeyState.ENABLED && nextRotationDate().map(d -> !now.isBefore(d)).orElse(false);
    }

    public boolean destructionDue(Instant now) {
        return state == KeyState.PENDING_DELETION && !now.isBefore(deletionDate);
    }

    /**
     * The version a blob names, if it may decrypt now.
     *
     * @throws InvalidKeyException the version does not exist, is retired below the minimum
     *                             decryption version, was revoked, or was destroyed
     */
    public KeyVersion versionForUnwrap(int number) throws InvalidKeyException {
        if (number < 1 || number > versions.size()) {
            throw new InvalidKeyException("key " + displayName() + " has no version " + number);
        }
        KeyVersion v = versions.get(number - 1);
        if (v.state() == VersionState.REVOKED) {
            throw new KeyUnavailableException("key " + displayName() + " version " + number + " was revoked on "
                    + v.stateDate() + "; its blobs can no longer be decrypted");
        }
        if (v.state() == VersionState.DESTROYED) {
            throw new KeyUnavailableException("key " + displayName() + " version " + number + " was destroyed on "
                    + v.stateDate() + "; its blobs can no longer be decrypted");
        }
        if (number < minDecryptionVersion) {
            throw new KeyUnavailableException("key " + displayName() + " version " + number
                    + " is retired (minimum decryption version is " + minDecryptionVersion + "); re-wrap its blobs "
                    + "under a current version before retiring it, or lower the minimum");
        }
        return v;
    }

    /** What callers may see: everything but the material. */
    public KeyMetadata metadata() {
        return new KeyMetadata(id, aliases, description, state, origin(), manager, keySpec, keyUsage, created, deletionDate, current().number(), versions.size(),
                rotationPeriodDays, nextRotationDate().orElse(null), minDecryptionVersion, tags,
                imports == null ? null : imports.expirationModel(), imports == null ? null : imports.validTo());
    }

    // ---------------------------------------------------------------- transitions

    public MasterKey atRevision(long next) {
        return new MasterKey(id, next, description, state, manager, created, deletionDate, aliases, tags,
                rotationPeriodDays, minDecryptionVersion, versions, access, keySpec, keyUsage, chain, imports);
    }

    private MasterKey with(KeyState s, Instant deletion, List<String> a, Map<String, String> t, int rotation,
                           int minVersion, List<KeyVersion> v) {
        return new MasterKey(id, revision, description, s, manager, created, deletion, a, t, rotation, minVersion, v, access,
                keySpec, keyUsage, s == KeyState.DESTROYED ? CertificateChain.EMPTY : chain, imports);
    }

    /**
     * A new certificate chain (empty: none): only an asymmetric key that is Enabled or Disabled
     * takes one, and the chain's first certificate must carry its public key.
     */
    public MasterKey withCertificateChain(CertificateChain next) {
        if (!keySpec.isAsymmetric()) {
            throw new TransitionArgumentInvalid("key " + displayName() + " is a " + keySpec
                    + " key: only an asymmetric key has a certificate chain");
        }
        refuseUnless(state == KeyState.ENABLED || state == KeyState.DISABLED, "given a certificate chain", "");
        if (!next.isEmpty()) {
            X509Certificate leaf = next.certificates().get(0);
            byte[] own = keyPair().map(p -> p.publicKeyDer()).orElse(null);
            byte[] carried = leaf.getPublicKey().getEncoded();
            if (own == null || carried == null || !MessageDigest.isEqual(own, carried)) {
                throw new TransitionArgumentInvalid("the first certificate of the chain ("
                        + leaf.getSubjectX500Principal().getName() + ") does not carry the public key of key "
                        + displayName());
            }
        }
        return new MasterKey(id, revision, description, state, manager, created, deletionDate, aliases, tags,
                rotationPeriodDays, minDecryptionVersion, versions, access, keySpec, keyUsage, next, imports);
    }

    /** Asymmetric, HMAC and EXTERNAL keys have one version for life, as in AWS KMS: {@code what} is refused. */
    private void refuseIfSingleVersion(String what) {
        if (imports != null) {
            throw new TransitionRefused("key " + displayName() + " has origin EXTERNAL: it cannot " + what
                    + "; its material is imported, and re-imported only the same (docs/decisions.md: no rotation of"
                    + " imported keys)");
        }
        if (isSingleVersion()) {
            throw new TransitionRefused("key " + displayName() + " is a " + keySpec + " key: it cannot " + what
                    + "; " + (isHmac() ? "HMAC" : "asymmetric") + " keys have one version for life (they do not rotate,"
                    + " as in AWS KMS)");
        }
    }

    /**
     * A new key policy or new grants; refused once the key is destroyed. (Provider-managed keys
     * take no customer policy: the key service calls {@link #requireCustomerManaged} first.)
     */
    public MasterKey withAccess(AccessRules next, String what) {
        refuseUnless(state != KeyState.DESTROYED, what, "its material is gone");
        return new MasterKey(id, revision, description, state, manager, created, deletionDate, aliases, tags,
                rotationPeriodDays, minDecryptionVersion, versions, next, keySpec, keyUsage, chain, imports);
    }

    public MasterKey enabled() {
        refuseUnless(state == KeyState.ENABLED || state == KeyState.DISABLED, "enabled",
                state == KeyState.PENDING_DELETION ? "cancel the deletion first"
                        : state == KeyState.PENDING_IMPORT ? "import its key material first" : "its material is gone");
        return with(KeyState.ENABLED, null, aliases, tags, rotationPeriodDays, minDecryptionVersion, versions);
    }

    public MasterKey disabled() {
        requireCustomerManaged("disabled");
        refuseUnless(state == KeyState.ENABLED || state == KeyState.DISABLED, "disabled",
                state == KeyState.PENDING_IMPORT ? "it has no material to use" : "it is already unusable");
        return with(KeyState.DISABLED, null, aliases, tags, rotationPeriodDays, minDecryptionVersion, versions);
    }

    public MasterKey deletionScheduled(Instant when) {
        requireCustomerManaged("scheduled for deletion");
        refuseUnless(state == KeyState.ENABLED || state == KeyState.DISABLED || state == KeyState.PENDING_IMPORT,
                "scheduled for deletion",
                state == KeyState.PENDING_DELETION ? "it already is, until " + deletionDate : "its material is gone");
        return with(KeyState.PENDING_DELETION, when, aliases, tags, rotationPeriodDays, minDecryptionVersion, versions);
    }

    public MasterKey deletionCancelled() {
        refuseUnless(state == KeyState.PENDING_DELETION, "taken out of deletion", "it is not pending deletion");
        // a key of origin EXTERNAL without material goes back to waiting for it (AWS: PendingImport)
        KeyState back = versions.get(0).state() == VersionState.PENDING_IMPORT ? KeyState.PENDING_IMPORT : KeyState.DISABLED;
        return with(back, null, aliases, tags, rotationPeriodDays, minDecryptionVersion, versions);
    }

    // ---------------------------------------------------------------- bring your own key

    /** Refuses an import operation on a key whose origin is not EXTERNAL (AWS: UnsupportedOperationException). */
    public void requireExternal(String what) {
        if (imports == null) {
            throw new ImportRefused(io.kmsjca.keys.ImportRefusedException.Reason.UNSUPPORTED_OPERATION, "key "
                    + displayName() + " has origin " + (origin() == KeyOrigin.IMPORTED ? "IMPORTED (raw import)" : "AWS_KMS")
                    + ", not EXTERNAL: it cannot " + what + "; create a key with origin EXTERNAL to import material");
        }
    }

    /** The parameters of a new GetParametersForImport; they replace any earlier ones. */
    public MasterKey withWrappingParameters(ImportState.WrappingParameters next) {
        requireImportParametersAllowed();
        return withImports(imports.withWrapping(next), state, versions);
    }

    /**
     * Refuses unless this key may be given import parameters: origin EXTERNAL, customer managed,
     * PendingImport, Enabled or Disabled. Checked before a wrapping key is generated, and again
     * when the parameters are committed.
     */
    public void requireImportParametersAllowed() {
        requireExternal("give import parameters");
        requireCustomerManaged("given import parameters");
        refuseUnless(state == KeyState.PENDING_IMPORT || state == KeyState.ENABLED || state == KeyState.DISABLED,
                "given import parameters", "");
    }

    /**
     * {@code material} (a version 1 holding it) imported: a key in PendingImport becomes Enabled
     * (AWS); a key that has its material takes only the same material again, and only its
     * expiration changes. {@code digest} is the material's keyed digest: it must be that of the
     * first import (AWS: "you must reimport the same key material").
     */
    public MasterKey materialImported(KeyVersion material, byte[] digest, io.kmsjca.keys.ExpirationModel model,
                                      Instant validTo) {
        requireExternal("import key material");
        refuseUnless(state == KeyState.PENDING_IMPORT || state == KeyState.ENABLED || state == KeyState.DISABLED,
                "given imported material", state == KeyState.PENDING_DELETION ? "cancel the deletion first" : "");
        if (!imports.sameMaterial(digest)) {
            throw new ImportRefused(io.kmsjca.keys.ImportRefusedException.Reason.INCORRECT_KEY_MATERIAL, "the key material"
                    + " imported is not the material first imported into key " + displayName()
                    + ": a key of origin EXTERNAL takes only its own material again");
        }
        ImportState next = imports.imported(digest, model, validTo);
        if (state == KeyState.PENDING_IMPORT) {
            return withImports(next, KeyState.ENABLED, List.of(material));
        }
        return withImports(next, state, versions); // the same material: the version in place stays
    }

    /**
     * The imported material deleted (DeleteImportedKeyMaterial) or expired (its ValidTo): the
     * key returns to PendingImport; the material is wiped once this is committed.
     */
    public MasterKey materialRemoved(Instant now) {
        requireExternal("delete imported key material");
        refuseUnless(state == KeyState.ENABLED || state == KeyState.DISABLED || state == KeyState.PENDING_IMPORT,
                "have its imported material deleted", "");
        KeyVersion v = versions.get(0);
        KeyVersion gone = v.state() == VersionState.ACTIVE ? v.ended(VersionState.PENDING_IMPORT, now) : v;
        return withImports(imports.materialGone(), KeyState.PENDING_IMPORT, List.of(gone));
    }

    /**
     * The imported material expired at its ValidTo (maintenance): {@link #materialRemoved}, refused
     * unless the expiry is due now. A commit that re-reads the key re-applies this to the key as
     * another process left it, which may have re-imported the material with a later ValidTo.
     */
    public MasterKey materialExpired(Instant now) {
        refuseUnless(materialExpiryDue(now), "emptied of its imported material", "its ValidTo "
                + imports().map(ImportState::validTo).map(String::valueOf).orElse("(none)") + " has not come");
        return materialRemoved(now);
    }

    private MasterKey withImports(ImportState next, KeyState s, List<KeyVersion> v) {
        return new MasterKey(id, revision, description, s, manager, created, deletionDate, aliases, tags,
                rotationPeriodDays, minDecryptionVersion, v, access, keySpec, keyUsage, chain, next);
    }

    /**
     * End of the waiting period: every version without material; the record stays as a
     * tombstone. The old versions are wiped once this is committed ({@link #wipeEnded}).
     */
    public MasterKey destroyed(Instant now) {
        refuseUnless(destructionDue(now), "destroyed", "its waiting period has not ended");
        List<KeyVersion> ended = new ArrayList<>();
        for (KeyVersion v : versions) {
            ended.add(v.state() == VersionState.ACTIVE ? v.ended(VersionState.DESTROYED, now) : v);
        }
        MasterKey gone = with(KeyState.DESTROYED, deletionDate, List.of(), tags, 0, minDecryptionVersion, ended);
        return imports == null ? gone : gone.withImports(imports.materialGone().withWrapping(null), KeyState.DESTROYED, ended);
    }

    /** A new current version. Rotation needs an enabled key, as in KMS. */
    public MasterKey rotated(KeyVersion next) {
        refuseIfSingleVersion("be rotated");
        refuseUnless(state == KeyState.ENABLED, "rotated", "enable it first");
        return withVersion(next);
    }

    /** A version appended whatever the state (imported material). */
    public MasterKey withVersion(KeyVersion next) {
        refuseIfSingleVersion("take new material");
        refuseUnless(state != KeyState.DESTROYED, "given new material", "it was destroyed");
        if (versions.size() >= MasterKeyCodec.MAX_VERSIONS) {
            throw new TransitionRefused("key " + displayName() + " has " + versions.size() + " versions, the most a key"
                    + " may have (" + MasterKeyCodec.MAX_VERSIONS + "): create a new key and move its data to it");
        }
        var all = new ArrayList<>(versions);
        all.add(next);
        return with(state, deletionDate, aliases, tags, rotationPeriodDays, minDecryptionVersion, all);
    }

    public MasterKey withRotationPeriod(int days) {
        requireCustomerManaged("given another rotation period");
        refuseIfSingleVersion("have a rotation period");
        checkRotationPeriod(days);
        refuseUnless(state == KeyState.ENABLED || state == KeyState.DISABLED, "given a rotation period", "");
        return with(state, deletionDate, aliases, tags, days, minDecryptionVersion, versions);
    }

    public MasterKey withMinDecryptionVersion(int min) {
        requireCustomerManaged("given a minimum decryption version");
        refuseIfSingleVersion("have a minimum decryption version");
        if (min < 1 || min > current().number()) {
            throw new TransitionArgumentInvalid("minimum decryption version of " + displayName() + " must be 1 to "
                    + current().number() + ", not " + min);
        }
        return with(state, deletionDate, aliases, tags, rotationPeriodDays, min, versions);
    }

    /** Revokes a version that is not current (rotate first): its material is wiped once this is committed. */
    public MasterKey versionRevoked(int number, Instant now) {
        requireCustomerManaged("revoked");
        refuseIfSingleVersion("have a version revoked");
        if (number < 1 || number > versions.size()) {
            throw new TransitionArgumentInvalid("key " + displayName() + " has no version " + number);
        }
        if (number == current().number()) {
            throw new TransitionRefused("version " + number + " of " + displayName() + " is current: rotate first");
        }
        KeyVersion v = versions.get(number - 1);
        if (v.state() != VersionState.ACTIVE) {
            throw new TransitionRefused("version " + number + " of " + displayName() + " is already "
                    + v.state().name().toLowerCase());
        }
        var all = new ArrayList<>(versions);
        all.set(number - 1, v.ended(VersionState.REVOKED, now));
        return with(state, deletionDate, aliases, tags, rotationPeriodDays, minDecryptionVersion, all);
    }

    /**
     * Wipes the material of every version that was active here and has ended in {@code committed}
     * (revoked, destroyed), and the import wrapping key if {@code committed} no longer has these
     * parameters (replaced or dropped). Called only after {@code committed} is durable: before
     * that the store still calls those versions active, and this process must still unwrap their
     * blobs. {@code committed} is this key changed here, or the key as another writer left it (a
     * refresh: all its objects are new, so parameters are compared by their public key, and an
     * import running here on the old copy is not refused for a change that kept them).
     */
    public void wipeEnded(MasterKey committed) {
        ImportState.WrappingParameters mine = imports == null ? null : imports.wrapping();
        ImportState.WrappingParameters kept = committed.imports == null ? null : committed.imports.wrapping();
        if (mine != null && (kept == null || kept != mine && !Arrays.equals(kept.publicKeyDer(), mine.publicKeyDer()))) {
            imports.wipeWrappingKey(); // replaced by newer parameters, or gone with the key
        }
        for (int i = 0; i < versions.size(); i++) {
            KeyVersion was = versions.get(i);
            KeyVersion now = i < committed.versions.size() ? committed.versions.get(i) : null;
            if (was.state() == VersionState.ACTIVE && (now == null || now.state() != VersionState.ACTIVE)) {
                was.wipe();
            }
        }
    }

    public MasterKey withAliases(List<String> next) {
        refuseUnless(state == KeyState.ENABLED || state == KeyState.DISABLED || state == KeyState.PENDING_IMPORT
                        || next.size() < aliases.size(),
                "given an alias", "it is " + state.displayName());
        return with(state, deletionDate, next, tags, rotationPeriodDays, minDecryptionVersion, versions);
    }

    public MasterKey withTags(Map<String, String> next) {
        return with(state, deletionDate, aliases, next, rotationPeriodDays, minDecryptionVersion, versions);
    }

    /** A new grant: only on a customer key that is Enabled or Disabled. */
    public MasterKey withGrant(KeyGrant grant) {
        requireGrantable();
        var next = new ArrayList<>(access.grants());
        next.add(grant);
        return withAccess(access.withGrants(next), "given a grant");
    }

    /** Refuses a grant, new or repeated, unless this is a customer-managed key, Enabled or Disabled (as AWS). */
    public void requireGrantable() {
        requireCustomerManaged("given a grant");
        refuseUnless(state == KeyState.ENABLED || state == KeyState.DISABLED, "given a grant", "");
    }

    /** Provider-managed keys belong to the provider: their users cannot change their life. */
    public void requireCustomerManaged(String what) {
        if (manager != KeyManagerType.CUSTOMER) {
            throw new TransitionRefused("key " + displayName() + " is provider-managed: it cannot be " + what);
        }
    }

    private void refuseUnless(boolean allowed, String what, String hint) {
        if (!allowed) {
            throw new TransitionRefused("key " + displayName() + " is " + state.displayName() + ": it cannot be "
                    + what + (hint.isEmpty() ? "" : "; " + hint));
        }
    }
}
