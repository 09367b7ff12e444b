package io.kmsjca.internal.service;

import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.internal.model.AccessRules;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.internal.model.TransitionRefused;
import io.kmsjca.internal.policy.MalformedPolicyException;
import io.kmsjca.internal.policy.PolicyDocument;
import io.kmsjca.internal.store.AccessRulesCodec;
import io.kmsjca.keys.GrantOperation;
import io.kmsjca.keys.GrantRequest;
import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyAccessDeniedException;
import io.kmsjca.keys.KeyGrant;
import io.kmsjca.keys.KeyNotFoundException;
import io.kmsjca.keys.KeyStateException;
import io.kmsjca.spi.audit.AuditOperation;

import java.nio.charset.StandardCharsets;
import java.security.KeyStoreException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Key policies, the store policy and grants: PutKeyPolicy with AWS's lockout safety check,
 * CreateGrant with its idempotent name and the rule that a grant passes on no more than it has,
 * RetireGrant, RevokeGrant. Every change goes through {@link KeyChanges}, audited.
 */
final class AccessChanges {

    /** Grant operations that take no encryption context: a grant allowing them takes no constraint (as in AWS). */
    private static final Set<GrantOperation> WITHOUT_CONTEXT = EnumSet.of(GrantOperation.DescribeKey,
            GrantOperation.RetireGrant, GrantOperation.GetPublicKey, GrantOperation.Sign, GrantOperation.Verify,
            GrantOperation.GenerateMac, GrantOperation.VerifyMac, GrantOperation.DeriveSharedSecret);

    private final KeyRegistry registry;
    private final KeyChanges changes;
    private final KeyAccess access;
    private final EmbeddedKeyService service;

    AccessChanges(KeyRegistry registry, KeyChanges changes, KeyAccess access, EmbeddedKeyService service) {
        this.registry = registry;
        this.changes = changes;
        this.access = access;
        this.service = service;
    }

    // ---------------------------------------------------------------- key policies

    String keyPolicy(String keyRef) throws KeyStoreException {
        MasterKey key = changes.find(keyRef, AuditOperation.GET_KEY_POLICY);
        String own = key.access().policy();
        return own != null ? own : PolicyDocument.defaultKeyPolicy(access.account());
    }

    void putKeyPolicy(String keyRef, String policy, boolean bypassLockoutCheck) throws KeyStoreException {
        AuditOperation op = AuditOperation.PUT_KEY_POLICY;
        PolicyDocument document = changes.parsePolicy(op, null, policy);
        registry.atomically(() -> {
            MasterKey key = changes.lookup(keyRef, op);
            changes.authorize(op, KeyAccess.action(op), key, null, RequestKeys.bypass(bypassLockoutCheck));
            try {
                changes.withPolicy(key, document, bypassLockoutCheck);
            } catch (InvalidKeyRequestException e) {
                throw changes.audited(op, key.id(), null, e);
            } catch (TransitionRefused e) { // a destroyed key: refused, audited, as apply refuses every other change of it
                throw changes.audited(op, key.id(), null, new KeyStateException(e.getMessage(), e));
            }
            return changes.apply(op, key, null, k -> {
                k.requireCustomerManaged("given a key policy");
                return k.withAccess(k.access().withPolicy(document.json()), "given a key policy");
            });
        });
    }

    // ---------------------------------------------------------------- the store policy

    String storePolicy() throws KeyStoreException {
        changes.authorize(AuditOperation.GET_STORE_POLICY, null, null);
        return access.storePolicyJson();
    }

    void putStorePolicy(String policy, boolean bypassLockoutCheck) throws KeyStoreException {
        AuditOperation op = AuditOperation.PUT_STORE_POLICY;
        PolicyDocument document = changes.parsePolicy(op, null, policy);
        changes.authorize(op, KeyAccess.action(op), null, null, RequestKeys.bypass(bypassLockoutCheck));
        String principal = access.principal();
        if (!bypassLockoutCheck && !access.decide(principal, "kms:PutStorePolicy", null, Map.of(),
                RequestKeys.bypass(false), document, true).allowed()) {
            throw changes.audited(op, null, null, new InvalidKeyRequestException("the new store policy will not allow"
                    + " principal '" + principal + "' to update the store policy in the future (the lockout safety"
                    + " check); to put it anyway, bypass the check"));
        }
        MasterKey holder = service.ownedKey(KeyAccess.STORE_POLICY_PURPOSE);
        changes.apply(op, holder, null, k -> k.withAccess(k.access().withPolicy(document.json()), "given the store policy"));
    }

    // ---------------------------------------------------------------- grants

    KeyGrant createGrant(String keyRef, GrantRequest request) throws KeyStoreException {
        AuditOperation op = AuditOperation.CREATE_GRANT;
        check(op, request);
        return registry.atomically(() -> {
            MasterKey key = changes.lookup(keyRef, op);
            String principal = access.principal();
            authorizeCreateGrant(op, principal, key, request);
            try {
                key.requireGrantable(); // a repeated request too, as AWS refuses it on a key pending deletion
            } catch (TransitionRefused e) {
                throw changes.audited(op, key.id(), null, new KeyStateException(e.getMessage(), e));
            }
            for (KeyGrant g : key.access().grants()) {
                if (sameGrant(g, request)) {
                    changes.unchanged(op, key, null); // a request all the same, audited like the first
                    return g; // CreateGrant with a name is idempotent, as in AWS
                }
            }
            if (key.access().grants().size() >= AccessRules.MAX_GRANTS) {
                throw changes.audited(op, key.id(), null, new InvalidKeyRequestException("key " + key.displayName()
                        + " already has " + AccessRules.MAX_GRANTS + " grants, the most a key may carry (LimitExceeded):"
                        + " retire or revoke one first"));
            }
            byte[] id = new byte[32];
            KmsRandom.nextBytes(id);
            KeyGrant grant = new KeyGrant(HexFormat.of().formatHex(id), key.id(), request.name(),
                    request.granteePrincipal(), request.retiringPrincipal(), principal, request.operations(),
                    request.encryptionContextEquals(), request.encryptionContextSubset(), changes.now());
            changes.apply(op, key, null, k -> k.withGrant(grant));
            return grant;
        });
    }

    /**
     * The key policy (or the store policy it defers to) allows {@code kms:CreateGrant}; or a grant
     * with {@code CreateGrant} does, and then the new grant allows no more than it: a subset of its
     * operations, and at least its constraints.
     */
    private void authorizeCreateGrant(AuditOperation op, String principal, MasterKey key, GrantRequest request)
            throws KeyStoreException {
        if (access.unrestricted(key)) {
            return;
        }
        Map<String, List<String>> keys = RequestKeys.plus(RequestKeys.onKey(key), RequestKeys.createGrant(request));
        // as in AWS, kms:EncryptionContext:KEY and kms:EncryptionContextKeys of a CreateGrant are the new
        // grant's constraint pairs (none without a constraint)
        Map<String, String> constraint = new java.util.TreeMap<>(request.encryptionContextSubset());
        constraint.putAll(request.encryptionContextEquals());
        KeyAccess.Decision byPolicy;
        try {
            byPolicy = access.decide(principal, "kms:CreateGrant", key, constraint, keys, access.storePolicy(), false);
        } catch (MalformedPolicyException e) {
            byPolicy = new KeyAccess.Decision(false, "unreadable policy: " + e.getMessage(), "store policy");
        }
        if (byPolicy.allowed()) {
            return;
        }
        if (byPolicy.statementId() == null) { // no explicit deny: a grant with CreateGrant may pass on what it has
            for (KeyGrant parent : key.access().grants()) {
                if (parent.granteePrincipal().equals(principal) && parent.operations().contains(GrantOperation.CreateGrant)
                        && narrower(request, parent)) {
                    return;
                }
            }
        }
        throw changes.audited(op, key.id(), null,
                new KeyAccessDeniedException(byPolicy.denial(principal, "kms:CreateGrant", key.id())));
    }

    private static boolean narrower(GrantRequest child, KeyGrant parent) {
        if (!parent.operations().containsAll(child.operations())) {
            return false;
        }
        if (!parent.encryptionContextEquals().isEmpty()
                && !parent.encryptionContextEquals().equals(child.encryptionContextEquals())) {
            return false;
        }
        for (Map.Entry<String, String> pair : parent.encryptionContextSubset().entrySet()) {
            boolean inSubset = pair.getValue().equals(child.encryptionContextSubset().get(pair.getKey()));
            boolean inEquals = pair.getValue().equals(child.encryptionContextEquals().get(pair.getKey()));
            if (!inSubset && !inEquals) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameGrant(KeyGrant g, GrantRequest r) {
        return !r.name().isEmpty() && g.name().equals(r.name()) && g.granteePrincipal().equals(r.granteePrincipal())
                && g.operations().equals(r.operations()) && java.util.Objects.equals(g.retiringPrincipal(), r.retiringPrincipal())
                && g.encryptionContextEquals().equals(r.encryptionContextEquals())
                && g.encryptionContextSubset().equals(r.encryptionContextSubset());
    }

    private void check(AuditOperation op, GrantRequest r) throws KeyStoreException {
        String problem = null;
        if (r.granteePrincipal().isEmpty() || bytes(r.granteePrincipal()) > AccessRulesCodec.MAX_PRINCIPAL_BYTES) {
            problem = "the grantee principal must be 1 to " + AccessRulesCodec.MAX_PRINCIPAL_BYTES + " bytes";
        } else if (r.retiringPrincipal() != null && (r.retiringPrincipal().isEmpty()
                || bytes(r.retiringPrincipal()) > AccessRulesCodec.MAX_PRINCIPAL_BYTES)) {
            problem = "the retiring principal must be 1 to " + AccessRulesCodec.MAX_PRINCIPAL_BYTES + " bytes";
        } else if (!r.name().matches("[a-zA-Z0-9:/_-]{0,256}")) {
            problem = "a grant name is at most 256 of a-z, A-Z, 0-9, ':', '/', '_' and '-'";
        } else if (r.operations().isEmpty()) {
            problem = "a grant allows at least one operation";
        } else if (constraintBytes(r) > AccessRulesCodec.MAX_GRANT_CONSTRAINT_BYTES) {
            problem = "grant constraints take at most " + AccessRulesCodec.MAX_GRANT_CONSTRAINT_BYTES + " bytes";
        } else if (!r.encryptionContextEquals().isEmpty() && !r.encryptionContextSubset().isEmpty()) {
            problem = "a grant takes EncryptionContextEquals or EncryptionContextSubset, not both";
        } else if (constraintBytes(r) > 0 && r.operations().stream().anyMatch(WITHOUT_CONTEXT::contains)) {
            problem = "a grant with encryption-context constraints cannot allow operations that take no encryption"
                    + " context (" + WITHOUT_CONTEXT + ")";
        }
        if (problem != null) {
            throw changes.audited(op, null, null, new InvalidKeyRequestException(problem));
        }
    }

    private static int constraintBytes(GrantRequest r) {
        int n = 0;
        for (Map<String, String> m : List.of(r.encryptionContextEquals(), r.encryptionContextSubset())) {
            for (Map.Entry<String, String> e : m.entrySet()) {
                n += bytes(e.getKey()) + bytes(e.getValue());
            }
        }
        return n;
    }

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    List<KeyGrant> listGrants(String keyRef) throws KeyStoreException {
        return changes.find(keyRef, AuditOperation.LIST_GRANTS).access().grants();
    }

    /** Every grant {@code retiringPrincipal} may retire (ListRetirableGrants, a store operation). */
    List<KeyGrant> listRetirableGrants(String retiringPrincipal) throws KeyStoreException {
        changes.authorize(AuditOperation.LIST_GRANTS, "kms:ListRetirableGrants", null, null, Map.of());
        List<KeyGrant> all = new ArrayList<>();
        for (MasterKey k : registry.snapshot().byId().values()) {
            for (KeyGrant g : k.access().grants()) {
                if (retiringPrincipal.equals(g.retiringPrincipal())) {
                    all.add(g);
                }
            }
        }
        all.sort(java.util.Comparator.comparing(KeyGrant::creationDate).thenComparing(KeyGrant::grantId));
        return all;
    }

    /** RetireGrant: by the grant's retiring principal, its grantee if it allows RetireGrant, or whom the policy allows. */
    void retireGrant(String keyRef, String grantId) throws KeyStoreException {
        AuditOperation op = AuditOperation.RETIRE_GRANT;
        registry.atomically(() -> {
            MasterKey key = changes.lookup(keyRef, op);
            KeyGrant grant = grant(op, key, grantId);
            String principal = access.principal();
            if (!grant.retirableBy(principal)) {
                changes.authorize(op, key, null);
            }
            return without(op, key, grantId);
        });
    }

    /** RevokeGrant: whom the key policy allows {@code kms:RevokeGrant}. */
    void revokeGrant(String keyRef, String grantId) throws KeyStoreException {
        AuditOperation op = AuditOperation.REVOKE_GRANT;
        registry.atomically(() -> {
            MasterKey key = changes.find(keyRef, op);
            grant(op, key, grantId);
            return without(op, key, grantId);
        });
    }

    private KeyGrant grant(AuditOperation op, MasterKey key, String grantId) throws KeyStoreException {
        for (KeyGrant g : key.access().grants()) {
            if (g.grantId().equals(grantId)) {
                return g;
            }
        }
        throw changes.audited(op, key.id(), null, KeyNotFoundException.grant(grantId, key.id().toString()));
    }

    private MasterKey without(AuditOperation op, MasterKey key, String grantId) throws KeyStoreException {
        return changes.apply(op, key, null, k -> k.withAccess(k.access().withGrants(k.access().grants().stream()
                .filter(g -> !g.grantId().equals(grantId)).toList()), "stripped of a grant"));
    }
}
