package io.kmsjca.internal.model;

import io.kmsjca.internal.policy.MalformedPolicyException;
import io.kmsjca.internal.policy.PolicyDocument;
import io.kmsjca.keys.KeyGrant;

import java.util.List;
import java.util.Objects;

/**
 * Who may use and manage one key: its key policy and its grants. Immutable; the policy is
 * compiled once, when first evaluated.
 *
 * <p>A key without a policy of its own (every key made before policies existed, and provider
 * keys) has AWS's default key policy, which delegates every decision to the store policy.
 */
public final class AccessRules {

    /** The most grants a key may carry: they are kept in its record, whose size is bounded. */
    public static final int MAX_GRANTS = 50;

    /** No policy of its own, no grants. */
    public static final AccessRules DEFAULT = new AccessRules(null, List.of());

    private final String policy;
    private final List<KeyGrant> grants;
    private volatile PolicyDocument compiled;

    public AccessRules(String policy, List<KeyGrant> grants) {
        this.policy = policy;
        this.grants = List.copyOf(grants);
        if (this.grants.size() > MAX_GRANTS) {
            throw new IllegalArgumentException("a key carries at most " + MAX_GRANTS + " grants, not " + this.grants.size());
        }
    }

    /** The key's own policy document as put, or null: the default, which defers to the store policy. */
    public String policy() {
        return policy;
    }

    public List<KeyGrant> grants() {
        return grants;
    }

    /** Whether the key has a policy of its own (not the default). */
    public boolean hasOwnPolicy() {
        return policy != null;
    }

    /**
     * The compiled policy, or null for the default. A stored policy was validated when it was put;
     * one that no longer compiles (a newer writer's grammar) is refused, never ignored.
     */
    public PolicyDocument compiled() throws MalformedPolicyException {
        if (policy == null) {
            return null;
        }
        PolicyDocument c = compiled;
        if (c == null) {
            c = PolicyDocument.parse(policy);
            compiled = c;
        }
        return c;
    }

    public AccessRules withPolicy(String next) {
        return new AccessRules(next, grants);
    }

    public AccessRules withGrants(List<KeyGrant> next) {
        return new AccessRules(policy, next);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AccessRules other && Objects.equals(policy, other.policy) && grants.equals(other.grants);
    }

    @Override
    public int hashCode() {
        return Objects.hash(policy, grants);
    }
}
