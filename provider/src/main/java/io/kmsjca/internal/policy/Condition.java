package io.kmsjca.internal.policy;

import java.time.Instant;
import java.util.List;

/**
 * One compiled condition: an operator applied to one key with its policy values (ORed, or NORed
 * for a negated operator), with AWS's rules for absent keys, {@code ...IfExists},
 * {@code ForAllValues:} / {@code ForAnyValue:} and {@code Null}.
 */
final class Condition {

    /** How the request's values of a multi-valued key are quantified. */
    enum SetQualifier { NONE, FOR_ALL_VALUES, FOR_ANY_VALUE }

    private final ConditionKey key;
    private final ConditionKey.ValueTest test;
    private final boolean negated;
    private final SetQualifier set;
    private final boolean ifExists;
    private final boolean isNull;
    private final boolean nullWhenAbsent;
    private final boolean nullWhenPresent;

    private Condition(ConditionKey key, ConditionKey.ValueTest test, boolean negated, SetQualifier set,
                      boolean ifExists, boolean isNull, boolean nullWhenAbsent, boolean nullWhenPresent) {
        this.key = key;
        this.test = test;
        this.negated = negated;
        this.set = set;
        this.ifExists = ifExists;
        this.isNull = isNull;
        this.nullWhenAbsent = nullWhenAbsent;
        this.nullWhenPresent = nullWhenPresent;
    }

    /**
     * Compiles {@code operator} (as written, e.g. {@code ForAnyValue:StringLikeIfExists}) on
     * {@code keyName} with {@code values} (already strings; at least one).
     */
    static Condition compile(String operator, String keyName, List<String> values, boolean policyVariables)
            throws MalformedPolicyException {
        SetQualifier set = SetQualifier.NONE;
        String base = operator;
        if (base.startsWith("ForAllValues:")) {
            set = SetQualifier.FOR_ALL_VALUES;
            base = base.substring("ForAllValues:".length());
        } else if (base.startsWith("ForAnyValue:")) {
            set = SetQualifier.FOR_ANY_VALUE;
            base = base.substring("ForAnyValue:".length());
        }
        boolean ifExists = false;
        if (base.endsWith("IfExists") && base.length() > "IfExists".length()) {
            ifExists = true;
            base = base.substring(0, base.length() - "IfExists".length());
        }
        ConditionOperator op = ConditionOperator.named(base, operator);
        ConditionKey key = ConditionKey.resolve(keyName);

        if (op == ConditionOperator.NULL) {
            if (set != SetQualifier.NONE || ifExists) {
                throw new MalformedPolicyException("condition operator " + operator
                        + " is not valid: Null takes no ForAllValues:/ForAnyValue: prefix and no IfExists suffix");
            }
            boolean whenAbsent = false;
            boolean whenPresent = false;
            for (String v : values) {
                boolean b = parseBool(v, operator, keyName);
                whenAbsent |= b;
                whenPresent |= !b;
            }
            return new Condition(key, null, false, set, false, true, whenAbsent, whenPresent);
        }
        if (op.type != key.type) {
            throw new MalformedPolicyException("condition operator " + operator + " does not apply to "
                    + key.name + ", a " + key.type.name().toLowerCase(java.util.Locale.ROOT) + " key");
        }
        if (key.multiValued && set == SetQualifier.NONE) {
            throw new MalformedPolicyException("condition key " + key.name
                    + " has many values: qualify " + operator + " with ForAnyValue: or ForAllValues:");
        }
        if (policyVariables && op.type == ConditionKey.Type.STRING) {
            for (String v : values) {
                if (v.contains("${")) {
                    throw new MalformedPolicyException("policy variables (${...}) are not supported, in "
                            + operator + " on " + keyName);
                }
            }
        }
        ConditionKey.ValueTest test = op.test(values, operator, keyName);
        return new Condition(key, test, op.negated, set, ifExists, false, false, false);
    }

    /** Whether this condition reads the time of the request ({@code aws:CurrentTime}, however the policy spelled it). */
    boolean dependsOnTime() {
        return key.type == ConditionKey.Type.DATE;
    }

    boolean holds(AccessRequest request) {
        if (isNull) {
            int bits = key.scan(request, ANY);
            return (bits & ConditionKey.PRESENT) == 0 ? nullWhenAbsent : nullWhenPresent;
        }
        int bits = key.scan(request, test);
        if ((bits & ConditionKey.PRESENT) == 0) {
            if (ifExists) {
                return true;
            }
            switch (set) {
                case FOR_ALL_VALUES:
                    return true; // AWS: ForAllValues over no values is true
                case FOR_ANY_VALUE:
                    return false;
                default:
                    return negated; // a negated operator on an absent key is true
            }
        }
        boolean anyMatched = (bits & ConditionKey.MATCHED) != 0;
        boolean anyUnmatched = (bits & ConditionKey.UNMATCHED) != 0;
        switch (set) {
            case FOR_ALL_VALUES:
                return negated ? !anyMatched : !anyUnmatched;
            case FOR_ANY_VALUE:
                return negated ? anyUnmatched : anyMatched;
            default:
                return negated ? !anyMatched : anyMatched;
        }
    }

    private static final ConditionKey.ValueTest ANY = new ConditionKey.ValueTest() {
        @Override
        public boolean test(String value) {
            return true;
        }

        @Override
        public boolean test(Instant value) {
            return true;
        }
    };

    static boolean parseBool(String v, String operator, String keyName) throws MalformedPolicyException {
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new MalformedPolicyException("condition operator " + operator + " on " + keyName
                + " takes \"true\" or \"false\", not \"" + v + "\"");
    }
}
