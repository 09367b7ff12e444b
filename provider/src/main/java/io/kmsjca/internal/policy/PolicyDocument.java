package io.kmsjca.internal.policy;

/**
 * A key policy (or the store policy) in the JSON grammar of AWS KMS key policies, parsed,
 * validated and compiled once: {@link #evaluate} is lock-free and allocates little, as it runs
 * on every cryptographic request. Immutable. The grammar supported, the case rules and the local
 * meaning of principals are in docs/authorization.md, "Key policy grammar".
 */
public final class PolicyDocument {

    /** AWS KMS's limit on a key policy: 32 KiB. */
    public static final int MAX_CHARS = 32_768;

    private final String json;
    private final Statement[] statements;
    private final boolean dependsOnTime;

    private PolicyDocument(String json, Statement[] statements) {
        this.json = json;
        this.statements = statements;
        boolean time = false;
        for (Statement st : statements) {
            time |= st.dependsOnTime();
        }
        this.dependsOnTime = time; // from the compiled keys: JSON may spell a key with escapes
    }

    /**
     * Parses and validates {@code json}.
     *
     * @throws MalformedPolicyException naming the first element, operator, condition key or action
     *                                  that is invalid or not supported
     */
    public static PolicyDocument parse(String json) throws MalformedPolicyException {
        return new PolicyDocument(json, PolicyCompiler.compile(PolicyJson.parse(json)));
    }

    /**
     * The default key policy of a new key, as AWS KMS writes it: one statement,
     * {@code "Sid": "Enable IAM User Permissions"}, allowing {@code kms:*} to the store's account
     * ({@code arn:aws:iam::ACCOUNT:root}), so the store policy decides who may do what.
     *
     * @throws IllegalArgumentException if {@code account} is not 12 digits
     */
    public static String defaultKeyPolicy(String account) {
        if (account == null || !account.matches("[0-9]{12}")) {
            throw new IllegalArgumentException("an account id is 12 digits");
        }
        return "{\n"
                + "  \"Version\": \"2012-10-17\",\n"
                + "  \"Id\": \"key-default-1\",\n"
                + "  \"Statement\": [\n"
                + "    {\n"
                + "      \"Sid\": \"Enable IAM User Permissions\",\n"
                + "      \"Effect\": \"Allow\",\n"
                + "      \"Principal\": {\n"
                + "        \"AWS\": \"arn:aws:iam::" + account + ":root\"\n"
                + "      },\n"
                + "      \"Action\": \"kms:*\",\n"
                + "      \"Resource\": \"*\"\n"
                + "    }\n"
                + "  ]\n"
                + "}\n";
    }

    /**
     * Whether a decision under this document can change with time alone (it names
     * {@code aws:CurrentTime} in a condition, however spelled): then no decision may be remembered.
     */
    public boolean dependsOnTime() {
        return dependsOnTime;
    }

    /** The document as it was put (AWS returns a key policy as written). */
    public String json() {
        return json;
    }

    /**
     * What this document says about {@code request}: explicit deny, then allow, else no match.
     * A Deny naming the store's account applies to every principal; an Allow that names the
     * principal (or {@code *}) gives {@link PolicyEvaluation.Outcome#ALLOW}, one that names only
     * the account {@link PolicyEvaluation.Outcome#ALLOW_IF_STORE_ALLOWS}. Among statements of the
     * same outcome, the first in the document is reported.
     */
    public PolicyEvaluation evaluate(AccessRequest request) {
        String action = request.action();
        int actionIndex = KmsActions.index(action);
        PolicyEvaluation allow = null;
        PolicyEvaluation delegated = null;
        for (Statement st : statements) {
            if (!st.deny && allow != null) {
                continue; // an allow is already decided; only a deny can change the answer
            }
            if (!st.actionMatches(actionIndex, action) || !st.resourceMatches(request.resource())) {
                continue;
            }
            int who = st.principalMatch(request);
            if (who == Statement.NO_PRINCIPAL) {
                continue;
            }
            if (!st.deny && who == Statement.VIA_ACCOUNT && delegated != null) {
                continue;
            }
            if (!st.conditionsHold(request)) {
                continue;
            }
            if (st.deny) {
                return st.decided;
            }
            if (who == Statement.DIRECT) {
                allow = st.decided;
            } else {
                delegated = st.delegated;
            }
        }
        if (allow != null) {
            return allow;
        }
        return delegated != null ? delegated : PolicyEvaluation.NO_MATCH;
    }

    /**
     * What this document could ever say about {@code request} whatever its context and time:
     * {@link PolicyEvaluation.Outcome#EXPLICIT_DENY} only for a Deny without conditions (it
     * refuses always), else the best Allow as if every condition held, else no match. The set of
     * principals a key's material is sealed to is decided by this (docs/FORMAT.md, "Sealing per
     * principal"), so it may give more than a request would get, never less.
     */
    public PolicyEvaluation.Outcome mayAllow(AccessRequest request) {
        String action = request.action();
        int actionIndex = KmsActions.index(action);
        PolicyEvaluation.Outcome best = PolicyEvaluation.Outcome.NO_MATCH;
        for (Statement st : statements) {
            if (!st.actionMatches(actionIndex, action) || !st.resourceMatches(request.resource())) {
                continue;
            }
            int who = st.principalMatch(request);
            if (who == Statement.NO_PRINCIPAL) {
                continue;
            }
            if (st.deny) {
                if (st.unconditional()) {
                    return PolicyEvaluation.Outcome.EXPLICIT_DENY;
                }
            } else if (who == Statement.DIRECT) {
                best = PolicyEvaluation.Outcome.ALLOW;
            } else if (best == PolicyEvaluation.Outcome.NO_MATCH) {
                best = PolicyEvaluation.Outcome.ALLOW_IF_STORE_ALLOWS;
            }
        }
        return best;
    }
}
