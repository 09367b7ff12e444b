package io.kmsjca.internal.service;

import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.internal.policy.ConditionKeys;
import io.kmsjca.keys.GrantRequest;
import io.kmsjca.keys.KeyOrigin;

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

    /** Every master key here is a symmetric AES-256 key for encryption (AWS's names). */
    static final String KEY_SPEC = "SYMMETRIC_DEFAULT";
    static final String KEY_USAGE = "ENCRYPT_DECRYPT";
    static final String ALGORITHM = "SYMMETRIC_DEFAULT";

    private static final Map<String, List<String>> GENERATED_KEY = ofKey("AWS_KMS");
    private static final Map<String, List<String>> IMPORTED_KEY = ofKey("EXTERNAL");
    private static final Map<String, List<String>> GENERATED_USE = plus(GENERATED_KEY,
            Map.of(ConditionKeys.ENCRYPTION_ALGORITHM, List.of(ALGORITHM)));
    private static final Map<String, List<String>> IMPORTED_USE = plus(IMPORTED_KEY,
            Map.of(ConditionKeys.ENCRYPTION_ALGORITHM, List.of(ALGORITHM)));

    private RequestKeys() {
    }

    /** AWS's name of an origin: {@code AWS_KMS} or {@code EXTERNAL}. */
    static String origin(KeyOrigin origin) {
        return origin == KeyOrigin.IMPORTED ? "EXTERNAL" : "AWS_KMS";
    }

    /** A management request on {@code key}: its spec, usage and origin. */
    static Map<String, List<String>> onKey(MasterKey key) {
        return key.origin() == KeyOrigin.IMPORTED ? IMPORTED_KEY : GENERATED_KEY;
    }

    /** A cryptographic request with {@code key}: its spec, usage, origin and the algorithm. */
    static Map<String, List<String>> use(MasterKey key) {
        return key.origin() == KeyOrigin.IMPORTED ? IMPORTED_USE : GENERATED_USE;
    }

    /** CreateKey of a key of {@code origin} (no lockout bypass: CreateKey here takes no policy). */
    static Map<String, List<String>> createKey(KeyOrigin origin) {
        return plus(ofKey(origin(origin)), bypass(false));
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

    private static Map<String, List<String>> ofKey(String origin) {
        return Map.of(ConditionKeys.KEY_SPEC, List.of(KEY_SPEC), ConditionKeys.KEY_USAGE, List.of(KEY_USAGE),
                ConditionKeys.KEY_ORIGIN, List.of(origin));
    }
}
