package io.kmsjca.internal.service;

import io.kmsjca.internal.audit.Principals;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.internal.policy.AccessRequest;
import io.kmsjca.internal.policy.MalformedPolicyException;
import io.kmsjca.internal.policy.PolicyDocument;
import io.kmsjca.internal.policy.PolicyEvaluation;
import io.kmsjca.keys.AccessDenial;
import io.kmsjca.keys.GrantOperation;
import io.kmsjca.keys.KeyGrant;
import io.kmsjca.keys.KeyServiceOptions;

import io.kmsjca.spi.audit.AuditOperation;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Who may do what: the one place a request is decided against the key policy, the store policy
 * and the key's grants, as AWS KMS decides (docs/authorization.md):
 * <ol>
 *   <li>an explicit Deny in the key policy or the store policy refuses;</li>
 *   <li>else a key-policy Allow naming the principal allows;</li>
 *   <li>else a key-policy Allow naming the store's account allows if the store policy allows
 *       (the default key policy is exactly that);</li>
 *   <li>else a grant to the principal for the operation, within its constraints, allows;</li>
 *   <li>else refused.</li>
 * </ol>
 * A store without a store policy allows everything a key policy delegates to it: every store
 * made before policies existed behaves as it did. Lock-free: it reads the registry's snapshot.
 */
public final class KeyAccess {

    /** The account of a store opened with the default options ({@link KeyServiceOptions#DEFAULT_ACCOUNT}). */
    public static final String ACCOUNT = KeyServiceOptions.DEFAULT_ACCOUNT;
    /** The region of a store opened with the default options. */
    public static final String REGION = KeyServiceOptions.DEFAULT_REGION;
    /** The provider-owned key whose policy is the store policy. */
    static final String STORE_POLICY_PURPOSE = "store-policy";
    static final UUID STORE_POLICY_KEY = OwnedKeys.id(STORE_POLICY_PURPOSE);

    /** Why a request was allowed or refused. */
    record Decision(boolean allowed, String statementId, String policy) {
        static final Decision ALLOWED = new Decision(true, null, null);

        AccessDenial denial(String principal, String action, UUID keyId) {
            return new AccessDenial(principal, action, keyId == null ? null : keyId.toString(), statementId, policy);
        }
    }

    private static final PolicyEvaluation DEFAULT_KEY_POLICY =
            new PolicyEvaluation(PolicyEvaluation.Outcome.ALLOW_IF_STORE_ALLOWS, "Enable IAM User Permissions");
    private static final PolicyEvaluation NO_STORE_POLICY = new PolicyEvaluation(PolicyEvaluation.Outcome.ALLOW, null);

    private static final PolicyEvaluation NOTHING_ALLOWED = new PolicyEvaluation(PolicyEvaluation.Outcome.NO_MATCH, null);

    private final KeyRegistry registry;
    private final Clock clock;
    private final Callers callers;
    private final String region;
    private final String account;

    KeyAccess(KeyRegistry registry, Clock clock, Callers callers, String region, String account) {
        this.registry = registry;
        this.clock = clock;
        this.callers = callers;
        this.region = region;
        this.account = account;
    }

    /** The store's account, as policies name it ({@code arn:aws:iam::ACCOUNT:root}) and key ARNs carry it. */
    String account() {
        return account;
    }

    /** The credential the store was opened with. */
    CredentialIdentity caller() {
        return callers.opened();
    }

    /**
     * The identity the request on this thread is decided with: the credential the store was opened
     * with, or inside an access key's {@code actAs} scope that access key's ({@link Callers}).
     */
    CredentialIdentity requester() {
        return callers.current();
    }

    Callers callers() {
        return callers;
    }

    /**
     * The action of an audited operation, by AWS KMS's names; null for what only the provider
     * itself does (scheduled rotation, destruction at the end of the waiting period, audit).
     * Local operations AWS lacks have names of their own, listed as extensions in
     * docs/authorization.md.
     */
    static String action(AuditOperation op) {
        return switch (op) {
            case CREATE_KEY -> "kms:CreateKey";
            case IMPORT_KEY_MATERIAL -> "kms:ImportKeyMaterial";
            case ENCRYPT, WRAP_KEY, REUSE_CACHED_DATA_KEY -> "kms:Encrypt";
            case GENERATE_DATA_KEY -> "kms:GenerateDataKey";
            case GENERATE_DATA_KEY_WITHOUT_PLAINTEXT -> "kms:GenerateDataKeyWithoutPlaintext";
            case UNWRAP_KEY, DECRYPT -> "kms:Decrypt";
            case RE_ENCRYPT -> "kms:ReEncryptFrom";
            case CREATE_ALIAS -> "kms:CreateAlias";
            case UPDATE_ALIAS -> "kms:UpdateAlias";
            case DELETE_ALIAS -> "kms:DeleteAlias";
            case ENABLE_KEY -> "kms:EnableKey";
            case DISABLE_KEY -> "kms:DisableKey";
            case SCHEDULE_KEY_DELETION -> "kms:ScheduleKeyDeletion";
            case CANCEL_KEY_DELETION -> "kms:CancelKeyDeletion";
            case ENABLE_KEY_ROTATION -> "kms:EnableKeyRotation";
            case DISABLE_KEY_ROTATION -> "kms:DisableKeyRotation";
            case ROTATE_KEY -> "kms:RotateKeyOnDemand";
            case SET_MIN_DECRYPTION_VERSION -> "kms:SetMinDecryptionVersion";
            case REVOKE_KEY_VERSION -> "kms:RevokeKeyVersion";
            case TAG_KEY -> "kms:TagResource";
            case UNTAG_KEY -> "kms:UntagResource";
            case PUT_KEY_POLICY -> "kms:PutKeyPolicy";
            case PUT_STORE_POLICY -> "kms:PutStorePolicy";
            case CREATE_GRANT -> "kms:CreateGrant";
            case RETIRE_GRANT -> "kms:RetireGrant";
            case REVOKE_GRANT -> "kms:RevokeGrant";
            case DESCRIBE_KEY -> "kms:DescribeKey";
            case GET_KEY_POLICY -> "kms:GetKeyPolicy";
            case LIST_GRANTS -> "kms:ListGrants";
            case GET_STORE_POLICY -> "kms:GetStorePolicy";
            case CREATE_CREDENTIAL -> "kms:CreateCredential";
            case DELETE_CREDENTIAL -> "kms:DeleteCredential";
            case CREATE_ACCESS_KEY -> "kms:CreateAccessKey";
            case DELETE_ACCESS_KEY -> "kms:DeleteAccessKey";
            case SIGN -> "kms:Sign";
            case VERIFY -> "kms:Verify";
            case GET_PUBLIC_KEY -> "kms:GetPublicKey";
            case DERIVE_SHARED_SECRET -> "kms:DeriveSharedSecret";
            case GENERATE_DATA_KEY_PAIR -> "kms:GenerateDataKeyPair";
            case GENERATE_DATA_KEY_PAIR_WITHOUT_PLAINTEXT -> "kms:GenerateDataKeyPairWithoutPlaintext";
            // a certificate chain is public, descriptive metadata: its administrator's, like the description
            case SET_CERTIFICATE_CHAIN -> "kms:UpdateKeyDescription";
            case GENERATE_MAC -> "kms:GenerateMac";
            case VERIFY_MAC -> "kms:VerifyMac";
            case GENERATE_RANDOM -> "kms:GenerateRandom";
            case GET_PARAMETERS_FOR_IMPORT -> "kms:GetParametersForImport";
            case DELETE_IMPORTED_KEY_MATERIAL -> "kms:DeleteImportedKeyMaterial";
            case DESTROY_KEY_MATERIAL, LOAD_KEY_STORE, STORE_KEY_STORE, AUDIT_EVENTS_DROPPED, AUDIT_DELIVERY_FAILED,
                 AUDIT_LOG_CUT, EXPIRE_KEY_MATERIAL, EXPIRE_IMPORT_PARAMETERS, RESEAL_KEY -> null;
        };
    }

    /** The key's ARN in this store's region and account, as policies' {@code Resource} names it. */
    String arn(UUID keyId) {
        return arn(region, account, keyId);
    }

    /** {@code arn:aws:kms:REGION:ACCOUNT:key/ID}. */
    public static String arn(String region, String account, UUID keyId) {
        return "arn:aws:kms:" + region + ":" + account + ":key/" + keyId;
    }

    /**
     * The principal of the request on this thread: the credential's, or for a credential that
     * acts for others the caller's ({@link CredentialIdentity#resolve()}).
     */
    String principal() {
        return requester().resolve().name();
    }

    /**
     * Whether nothing restricts this request: a store operation by the store's root (an
     * administrator credential that does not act for others, {@link CredentialIdentity#administersStore()}),
     * or an administrator credential's request with no store policy and {@code key} (null: a store
     * operation) with the default key policy. The hot path's shortcut: it needs no principal.
     * Other credentials' requests are always decided.
     */
    boolean unrestricted(MasterKey key) {
        CredentialIdentity caller = requester();
        if (!caller.administrator()) {
            return false;
        }
        return storePolicyKey() == null && (key == null || !key.access().hasOwnPolicy())
                || key == null && caller.administersStore();
    }

    /** Decides {@code action} by {@code principal} on {@code key} (null: the store itself). */
    Decision decide(String principal, String action, MasterKey key, Map<String, String> context,
                    Map<String, List<String>> otherKeys) {
        PolicyDocument store;
        try {
            store = storePolicy();
        } catch (MalformedPolicyException e) {
            // validated when put: a store policy this code cannot read (a newer writer's grammar) refuses all
            return new Decision(false, "unreadable policy: " + e.getMessage(), "store policy");
        }
        return decide(principal, action, key, context, otherKeys, store, true);
    }

    /**
     * {@link #decide}, with the store policy given (null: none) for the lockout check of a new
     * store policy, and the key's grants considered or not.
     */
    Decision decide(String principal, String action, MasterKey key, Map<String, String> context,
                    Map<String, List<String>> otherKeys, PolicyDocument storePolicy, boolean useGrants) {
        CredentialIdentity caller = requester();
        if (key == null && caller.administersStore()) {
            return Decision.ALLOWED; // the store's root: whatever the store policy says
        }
        List<String> names = caller.actsForOthers() ? namesOf(principal) : List.of(principal);
        boolean administrator = caller.administrator();
        if (names.size() == 1) {
            return decideFor(names.get(0), action, key, context, otherKeys, storePolicy, useGrants, administrator);
        }
        // a Subject with several principals (a user and its groups): a Deny of any refuses, an Allow of any allows
        Decision allowed = null;
        Decision refused = null;
        for (String name : names) {
            Decision d = decideFor(name, action, key, context, otherKeys, storePolicy, useGrants, administrator);
            if (!d.allowed() && d.statementId() != null) {
                return d; // an explicit Deny (or an unreadable policy)
            }
            if (d.allowed()) {
                allowed = d;
            } else if (refused == null) {
                refused = d;
            }
        }
        return allowed != null ? allowed : refused;
    }

    /**
     * The names {@code principal} answers to: each principal's name when it is the joined names
     * of the caller's JAAS Subject (Principals joins them), else itself.
     */
    private static List<String> namesOf(String principal) {
        if (principal.indexOf(',') < 0) {
            return List.of(principal);
        }
        List<String> names = Principals.subjectPrincipalNames();
        return names.size() > 1 && String.join(",", names).equals(principal) ? names : List.of(principal);
    }

    private Decision decideFor(String principal, String action, MasterKey key, Map<String, String> context,
                               Map<String, List<String>> otherKeys, PolicyDocument storePolicy, boolean useGrants,
                               boolean administrator) {
        AccessRequest request = new AccessRequest(principal, action, key == null ? "*" : arn(key.id()), account,
                context, clock.instant(), otherKeys);
        PolicyEvaluation byKey = key == null ? null : evaluate(key, request);
        if (byKey != null && byKey.isExplicitDeny()) {
            return new Decision(false, byKey.statementId(), "key policy");
        }
        // no store policy: an administrator credential's requests are allowed what it delegates (every store made
        // before policies behaves as it did); another credential's are allowed nothing it does not name
        PolicyEvaluation byStore = storePolicy != null ? storePolicy.evaluate(request)
                : administrator ? NO_STORE_POLICY : NOTHING_ALLOWED;
        if (byStore.isExplicitDeny()) {
            return new Decision(false, byStore.statementId(), "store policy");
        }
        boolean storeAllows = byStore.outcome() != PolicyEvaluation.Outcome.NO_MATCH;
        if (key == null) {
            return storeAllows ? Decision.ALLOWED : new Decision(false, null, "store policy");
        }
        if (byKey.outcome() == PolicyEvaluation.Outcome.ALLOW
                || byKey.outcome() == PolicyEvaluation.Outcome.ALLOW_IF_STORE_ALLOWS && storeAllows) {
            return Decision.ALLOWED;
        }
        if (useGrants && grantAllowing(principal, action, key, context) != null) {
            return Decision.ALLOWED;
        }
        return new Decision(false, null, "key policy");
    }

    /**
     * The first of {@code key}'s grants that lets {@code principal} perform {@code action} with
     * {@code context}, or null. A grant's {@code RetireGrant} lets its grantee retire that grant
     * alone and its {@code CreateGrant} lets it pass on what it has (AccessChanges decides both by
     * the grant's own terms): neither is {@code kms:RetireGrant} or {@code kms:CreateGrant} on the
     * whole key, which would let a grantee retire every other principal's grant.
     */
    static KeyGrant grantAllowing(String principal, String action, MasterKey key, Map<String, String> context) {
        GrantOperation operation = GrantOperation.ofAction(action);
        if (operation != null && operation != GrantOperation.RetireGrant && operation != GrantOperation.CreateGrant) {
            for (KeyGrant grant : key.access().grants()) {
                if (grant.allows(principal, operation, context)) {
                    return grant;
                }
            }
        }
        return null;
    }

    /**
     * Whether {@code action} by {@code principal} on {@code key} could ever be allowed, whatever
     * the request's context and time: {@link #decideFor} with every condition taken as met and a
     * Deny counted only without conditions; a grant counts whatever its constraints. To whom a
     * key's material is sealed is decided by this ({@link SealRecipients}), so it may say yes
     * where a request would be refused, never no where one could be allowed.
     */
    boolean mayEverAllow(String principal, boolean administrator, String action, MasterKey key) {
        AccessRequest request = new AccessRequest(principal, action, arn(key.id()), account, Map.of(), clock.instant(),
                Map.of());
        PolicyEvaluation.Outcome byKey;
        PolicyDocument store;
        try {
            PolicyDocument own = key.access().compiled();
            byKey = own == null ? DEFAULT_KEY_POLICY.outcome() : own.mayAllow(request);
            store = storePolicy();
        } catch (MalformedPolicyException e) {
            return false; // a policy this code cannot read refuses every request
        }
        PolicyEvaluation.Outcome byStore = store != null ? store.mayAllow(request)
                : (administrator ? NO_STORE_POLICY : NOTHING_ALLOWED).outcome();
        if (byKey == PolicyEvaluation.Outcome.EXPLICIT_DENY || byStore == PolicyEvaluation.Outcome.EXPLICIT_DENY) {
            return false;
        }
        if (new PolicyEvaluation(byKey, null).allows(byStore != PolicyEvaluation.Outcome.NO_MATCH)) {
            return true;
        }
        GrantOperation operation = GrantOperation.ofAction(action);
        return operation != null && key.access().grants().stream()
                .anyMatch(g -> g.granteePrincipal().equals(principal) && g.operations().contains(operation));
    }

    private static PolicyEvaluation evaluate(MasterKey key, AccessRequest request) {
        try {
            PolicyDocument policy = key.access().compiled();
            return policy == null ? DEFAULT_KEY_POLICY : policy.evaluate(request);
        } catch (MalformedPolicyException e) {
            // validated when put: a policy this code cannot read (a newer writer's grammar) refuses all
            return new PolicyEvaluation(PolicyEvaluation.Outcome.EXPLICIT_DENY, "unreadable policy: " + e.getMessage());
        }
    }

    /** The revision of the store policy in force (-1: none): a remembered decision is valid while it stays. */
    long storePolicyRevision() {
        MasterKey holder = storePolicyKey();
        return holder == null ? -1 : holder.revision();
    }

    /** Whether a decision on {@code key} could change with time alone, so must not be remembered. */
    boolean dependsOnTime(MasterKey key) {
        try {
            PolicyDocument own = key.access().compiled();
            PolicyDocument store = storePolicy();
            return own != null && own.dependsOnTime() || store != null && store.dependsOnTime();
        } catch (MalformedPolicyException e) {
            return true;
        }
    }

    /** The store policy, or null when the store has none. */
    PolicyDocument storePolicy() throws MalformedPolicyException {
        MasterKey holder = storePolicyKey();
        return holder == null ? null : holder.access().compiled();
    }

    /** The store policy as put, or null when the store has none. */
    String storePolicyJson() {
        MasterKey holder = storePolicyKey();
        return holder == null ? null : holder.access().policy();
    }

    private MasterKey storePolicyKey() {
        MasterKey holder = registry.snapshot().byId().get(STORE_POLICY_KEY);
        return holder == null || !holder.access().hasOwnPolicy() ? null : holder;
    }
}
