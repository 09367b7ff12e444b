package io.kmsjca.internal.policy;

/**
 * What one policy document says about one request.
 *
 * @param outcome     see {@link Outcome}
 * @param statementId the {@code Sid} of the statement that decided, else {@code #N} (its index
 *                    from 0); null for {@link Outcome#NO_MATCH}
 */
public record PolicyEvaluation(Outcome outcome, String statementId) {

    public static final PolicyEvaluation NO_MATCH = new PolicyEvaluation(Outcome.NO_MATCH, null);

    /** In order of precedence: the first that any statement gives wins. */
    public enum Outcome {
        /** A Deny statement matched: refused, whatever else allows. */
        EXPLICIT_DENY,
        /** An Allow statement naming the principal (or {@code *}) matched. */
        ALLOW,
        /** Only an Allow statement naming the store's account matched: the store policy decides. */
        ALLOW_IF_STORE_ALLOWS,
        /** No statement matched: implicitly denied. */
        NO_MATCH
    }

    public boolean isExplicitDeny() {
        return outcome == Outcome.EXPLICIT_DENY;
    }

    /**
     * Whether the request is allowed, given what the store policy says ({@code storeAllows}, asked
     * only when this outcome delegates to it): {@link Outcome#ALLOW} yes,
     * {@link Outcome#ALLOW_IF_STORE_ALLOWS} as the store policy says, otherwise no. The lockout
     * safety check asks this of a new key policy for {@code kms:PutKeyPolicy} by the caller.
     */
    public boolean allows(boolean storeAllows) {
        return outcome == Outcome.ALLOW || (outcome == Outcome.ALLOW_IF_STORE_ALLOWS && storeAllows);
    }
}
