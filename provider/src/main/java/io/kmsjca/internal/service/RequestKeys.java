package io.kmsjca.internal.service;

import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.internal.policy.ConditionKeys;
import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.GrantRequest;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The condition keys the key service supplies with a request, under AWS's names and with AWS's
 * values (docs/authorization.md, "Condition keys"). A key a policy names and the request lacks is
 * absent, which makes a Deny on it with a positive operator never apply: so every key the document
 * says is supplied is supplied here. The maps of a key's own requests are built once, so the hot
 * path allocates nothing.
 */
final class RequestKeys {

    /** The algorithm of every symmetric key's request (AWS's name). */
    static final String ALGORITHM = "SYMMETRIC_DEFAULT";

    /** By spec, usage and origin ({@link #index}), built once so the hot path allocates nothing. */
    private static final List<Map<String, List<String>>> ON_KEY = build(false);
    private static final List<Map<String, List<String>>> USE = build(true);

    private RequestKeys() {
    }

    /** AWS's name of an origin: {@code AWS_KMS} or {@code EXTERNAL}. */
    static String origin(KeyOrigin origin) {
        return origin == KeyOrigin.IMPORTED ? "EXTERNAL" : "AWS_KMS";
    }

    /** A management request on {@code key}: its spec, usage and origin. */
    static Map<String, List<String>> onKey(MasterKey key) {
        return ON_KEY.get(index(key.keySpec(), key.keyUsage(), key.origin()));
    }

    /**
     * A cryptographic request with {@code key}: its spec, usage, origin and, for a symmetric key,
     * the algorithm (an asymmetric key's request names its algorithm itself: not supplied).
     */
    static Map<String, List<String>> use(MasterKey key) {
        return USE.get(index(key.keySpec(), key.keyUsage(), key.origin()));
    }

    /** CreateKey of a symmetric key of {@code origin} (no lockout bypass: CreateKey here takes no policy). */
    static Map<String, List<String>> createKey(KeyOrigin origin) {
        return createKey(KeySpec.SYMMETRIC_DEFAULT, KeyUsage.ENCRYPT_DECRYPT, origin);
    }

    /** CreateKey of a key of {@code spec} and {@code usage}. */
    static Map<String, List<String>> createKey(KeySpec spec, KeyUsage usage, KeyOrigin origin) {
        return plus(ON_KEY.get(index(spec, usage, origin)), bypass(false));
    }

    /** CreateKey as {@code request} asks it, of {@code origin}: its spec, usage and whether it bypasses the lockout check. */
    static Map<String, List<String>> createKey(CreateKeyRequest request, KeyOrigin origin) {
        return plus(ON_KEY.get(index(request.keySpec(), request.keyUsage(), origin)),
                bypass(request.bypassPolicyLockoutSafetyCheck()));
    }

    /** PutKeyPolicy and PutStorePolicy: whether the caller bypasses the lockout safety check. */
    static Map<String, List<String>> bypass(boolean bypass) {
        return Map.of(ConditionKeys.BYPASS_POLICY_LOCKOUT_SAFETY_CHECK, List.of(Boolean.toString(bypass)));
    }

    /** CreateGrant: what the grant would allow, to whom, its constraint type; never for an AWS service. */
    static Map<String, List<String>> createGrant(GrantRequest request) {
        Map<String, List<String>> keys = new HashMap<>();
        keys.put(ConditionKeys.GRANT_OPERATIONS, request.operations().stream().map(Enum::name).sorted().toList());
        keys.put(ConditionKeys.GRANTEE_PRINCIPAL, List.of(request.granteePrincipal()));
        if (request.retiringPrincipal() != null) {
            keys.put(ConditionKeys.RETIRING_PRINCIPAL, List.of(request.retiringPrincipal()));
        }
        if (!request.encryptionContextEquals().isEmpty()) {
            keys.put(ConditionKeys.GRANT_CONSTRAINT_TYPE, List.of("EncryptionContextEquals"));
        } else if (!request.encryptionContextSubset().isEmpty()) {
            keys.put(ConditionKeys.GRANT_CONSTRAINT_TYPE, List.of("EncryptionContextSubset"));
        }
        keys.put(ConditionKeys.GRANT_IS_FOR_AWS_RESOURCE, List.of("false"));
        return keys;
    }

    /** Both maps' keys (the second's win). */
    static Map<String, List<String>> plus(Map<String, List<String>> a, Map<String, List<String>> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        Map<String, List<String>> both = new HashMap<>(a);
        both.putAll(b);
        return Map.copyOf(both);
    }

    private static int index(KeySpec spec, KeyUsage usage, KeyOrigin origin) {
        return (spec.ordinal() * KeyUsage.values().length + usage.ordinal()) * KeyOrigin.values().length + origin.ordinal();
    }

    private static List<Map<String, List<String>>> build(boolean use) {
        List<Map<String, List<String>>> all = new ArrayList<>();
        for (KeySpec spec : KeySpec.values()) {
            for (KeyUsage usage : KeyUsage.values()) {
                for (KeyOrigin origin : KeyOrigin.values()) {
                    Map<String, List<String>> keys = Map.of(ConditionKeys.KEY_SPEC, List.of(spec.name()),
                            ConditionKeys.KEY_USAGE, List.of(usage.name()), ConditionKeys.KEY_ORIGIN, List.of(origin(origin)));
                    all.add(use && spec == KeySpec.SYMMETRIC_DEFAULT // an HMAC key's request names its MAC algorithm itself
                            ? plus(keys, Map.of(ConditionKeys.ENCRYPTION_ALGORITHM, List.of(ALGORITHM))) : keys);
                }
            }
        }
        return List.copyOf(all);
    }
}
