package io.kmsjca.internal.policy;

/**
 * A key policy (or the store policy) in the JSON grammar of AWS KMS key policies, parsed,
 * validated and compiled once: {@link #evaluate} is lock-free and allocates little, as it runs
 * on every cryptographic request. Immutable.
 */
public final class PolicyDocument {

    /** AWS KMS's limit on a key policy: 32 KiB. */
    public static final int MAX_CHARS = 32_768;

    private final String json;

    private PolicyDocument(String json) {
        this.json = json;
    }

    /**
     * Parses and validates {@code json}.
     *
     * @throws MalformedPolicyException naming the first element, operator, condition key or action
     *                                  that is invalid or not supported
     */
    public static PolicyDocument parse(String json) throws MalformedPolicyException {
        throw new UnsupportedOperationException("skeleton: implemented by the policy work");
    }

    /**
     * The default key policy of a new key, as AWS KMS writes it: one statement,
     * {@code "Sid": "Enable IAM User Permissions"}, allowing {@code kms:*} to the store's account
     * ({@code arn:aws:iam::ACCOUNT:root}), so the store policy decides who may do what.
     */
    public static String defaultKeyPolicy(String account) {
        throw new UnsupportedOperationException("skeleton: implemented by the policy work");
    }

    /** The document as it was put (AWS returns a key policy as written). */
    public String json() {
        return json;
    }

    /** What this document says about {@code request}: explicit deny, then allow, else no match. */
    public PolicyEvaluation evaluate(AccessRequest request) {
        throw new UnsupportedOperationException("skeleton: implemented by the policy work");
    }
}
