package io.kmsjca.internal.policy;

import java.util.Set;

/**
 * One compiled statement: who (principal names and accounts), what (an action bit mask, with
 * the lower-cased patterns kept for actions outside {@link KmsActions}), on what (resources) and
 * when (conditions, ANDed). Its possible results are built once, so matching allocates nothing.
 */
final class Statement {

    /** {@link #principalMatch} results. */
    static final int NO_PRINCIPAL = 0;
    static final int DIRECT = 1;
    static final int VIA_ACCOUNT = 2;

    final boolean deny;
    private final boolean anyPrincipal;
    private final Set<String> principals;
    private final Set<String> accounts;

    private final boolean notAction;
    private final long actionMask;
    private final boolean anyAction;
    private final String[] lowerActionPatterns;

    private final boolean notResource;
    private final boolean anyResource;
    private final Set<String> exactResources;
    private final String[] resourcePatterns;

    private final Condition[] conditions;

    final PolicyEvaluation decided;
    final PolicyEvaluation delegated;

    Statement(String id, boolean deny, boolean anyPrincipal, Set<String> principals, Set<String> accounts,
              boolean notAction, long actionMask, boolean anyAction, String[] lowerActionPatterns,
              boolean notResource, boolean anyResource, Set<String> exactResources, String[] resourcePatterns,
              Condition[] conditions) {
        this.deny = deny;
        this.anyPrincipal = anyPrincipal;
        this.principals = principals;
        this.accounts = accounts;
        this.notAction = notAction;
        this.actionMask = actionMask;
        this.anyAction = anyAction;
        this.lowerActionPatterns = lowerActionPatterns;
        this.notResource = notResource;
        this.anyResource = anyResource;
        this.exactResources = exactResources;
        this.resourcePatterns = resourcePatterns;
        this.conditions = conditions;
        this.decided = new PolicyEvaluation(deny ? PolicyEvaluation.Outcome.EXPLICIT_DENY
                : PolicyEvaluation.Outcome.ALLOW, id);
        this.delegated = new PolicyEvaluation(PolicyEvaluation.Outcome.ALLOW_IF_STORE_ALLOWS, id);
    }

    /** {@code actionIndex} is {@link KmsActions#index} of {@code action}, computed once per request. */
    boolean actionMatches(int actionIndex, String action) {
        boolean listed;
        if (anyAction) {
            listed = true;
        } else if (actionIndex >= 0) {
            listed = (actionMask & (1L << actionIndex)) != 0;
        } else {
            listed = false;
            for (String p : lowerActionPatterns) {
                if (Wildcard.matches(p, action, true)) {
                    listed = true;
                    break;
                }
            }
        }
        return listed != notAction;
    }

    boolean resourceMatches(String resource) {
        boolean listed = anyResource || exactResources.contains(resource);
        if (!listed) {
            for (String p : resourcePatterns) {
                if (Wildcard.matches(p, resource, false)) {
                    listed = true;
                    break;
                }
            }
        }
        return listed != notResource;
    }

    /**
     * {@link #DIRECT} if the statement names the principal (or {@code *}); else
     * {@link #VIA_ACCOUNT} if it names the store's account; else {@link #NO_PRINCIPAL}.
     */
    int principalMatch(AccessRequest request) {
        if (anyPrincipal || principals.contains(request.principal())) {
            return DIRECT;
        }
        return accounts.contains(request.account()) ? VIA_ACCOUNT : NO_PRINCIPAL;
    }

    /** Whether a condition of this statement reads the time of the request. */
    boolean dependsOnTime() {
        for (Condition c : conditions) {
            if (c.dependsOnTime()) {
                return true;
            }
        }
        return false;
    }

    /** Whether this statement has no condition, so applies to every request it matches. */
    boolean unconditional() {
        return conditions.length == 0;
    }

    boolean conditionsHold(AccessRequest request) {
        for (Condition c : conditions) {
            if (!c.holds(request)) {
                return false;
            }
        }
        return true;
    }
}
