package io.kmsjca.server;

import java.util.List;
import java.util.Map;

import static io.kmsjca.server.Shapes.map;

/** GetKeyPolicy, PutKeyPolicy, ListKeyPolicies: a key has one policy, named {@code default}. */
final class PolicyOperations {

    private final OperationContext kms;

    PolicyOperations(OperationContext kms) {
        this.kms = kms;
    }

    void register(Map<String, Operation> table) {
        table.put("GetKeyPolicy", r -> {
            String key = kms.key(r, "KeyId");
            policyName(r);
            return map("Policy", kms.service().getKeyPolicy(key), "PolicyName", "default");
        });
        table.put("PutKeyPolicy", r -> {
            String key = kms.key(r, "KeyId");
            policyName(r);
            String policy = r.requiredString("Policy", KeyOperations.MAX_POLICY_CHARS);
            kms.service().putKeyPolicy(key, policy, r.bool("BypassPolicyLockoutSafetyCheck"));
            return Map.of();
        });
        table.put("ListKeyPolicies", r -> {
            List<String> names = kms.service().listKeyPolicies(kms.key(r, "KeyId"));
            return map("PolicyNames", names, "Truncated", false);
        });
    }

    /** PolicyName is optional, and {@code default} when given (AWS's only policy name). */
    private static void policyName(JsonInput r) throws KmsError {
        String name = r.string("PolicyName", 128);
        if (name != null && !name.equals("default")) {
            throw KmsError.notFound("No such policy " + name + ": a key's policy is named default");
        }
    }
}
