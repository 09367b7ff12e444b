package io.kmsjca.internal.policy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * The base condition operators supported (without {@code ForAllValues:}/{@code ForAnyValue:} or
 * {@code IfExists}), each building the test of one request value against the policy's values.
 * A negated operator is built from its positive test: the condition inverts it.
 */
enum ConditionOperator {
    STRING_EQUALS("StringEquals", ConditionKey.Type.STRING, false),
    STRING_NOT_EQUALS("StringNotEquals", ConditionKey.Type.STRING, true),
    STRING_EQUALS_IGNORE_CASE("StringEqualsIgnoreCase", ConditionKey.Type.STRING, false),
    STRING_NOT_EQUALS_IGNORE_CASE("StringNotEqualsIgnoreCase", ConditionKey.Type.STRING, true),
    STRING_LIKE("StringLike", ConditionKey.Type.STRING, false),
    STRING_NOT_LIKE("StringNotLike", ConditionKey.Type.STRING, true),
    BOOL("Bool", ConditionKey.Type.BOOL, false),
    NULL("Null", null, false),
    DATE_EQUALS("DateEquals", ConditionKey.Type.DATE, false),
    DATE_NOT_EQUALS("DateNotEquals", ConditionKey.Type.DATE, true),
    DATE_LESS_THAN("DateLessThan", ConditionKey.Type.DATE, false),
    DATE_LESS_THAN_EQUALS("DateLessThanEquals", ConditionKey.Type.DATE, false),
    DATE_GREATER_THAN("DateGreaterThan", ConditionKey.Type.DATE, false),
    DATE_GREATER_THAN_EQUALS("DateGreaterThanEquals", ConditionKey.Type.DATE, false);

    /** Operator families AWS defines that this provider refuses (no key here takes them). */
    private static final List<String> UNSUPPORTED_FAMILIES = List.of(
            "Numeric", "Arn", "IpAddress", "NotIpAddress", "Binary");

    final String awsName;
    final ConditionKey.Type type;
    final boolean negated;

    ConditionOperator(String awsName, ConditionKey.Type type, boolean negated) {
        this.awsName = awsName;
        this.type = type;
        this.negated = negated;
    }

    static ConditionOperator named(String base, String written) throws MalformedPolicyException {
        for (ConditionOperator op : values()) {
            if (op.awsName.equals(base)) {
                return op;
            }
        }
        for (String family : UNSUPPORTED_FAMILIES) {
            if (base.startsWith(family)) {
                throw new MalformedPolicyException("condition operator " + written + " is not supported");
            }
        }
        throw new MalformedPolicyException("condition operator " + written + " is unknown");
    }

    /** The positive test (a negated operator's condition inverts it). */
    ConditionKey.ValueTest test(List<String> values, String written, String keyName) throws MalformedPolicyException {
        String[] v = values.toArray(new String[0]);
        switch (this) {
            case STRING_EQUALS:
            case STRING_NOT_EQUALS:
                return s -> {
                    for (String x : v) {
                        if (x.equals(s)) {
                            return true;
                        }
                    }
                    return false;
                };
            case STRING_EQUALS_IGNORE_CASE:
            case STRING_NOT_EQUALS_IGNORE_CASE:
                return s -> {
                    for (String x : v) {
                        if (x.equalsIgnoreCase(s)) {
                            return true;
                        }
                    }
                    return false;
                };
            case STRING_LIKE:
            case STRING_NOT_LIKE:
                return s -> {
                    for (String x : v) {
                        if (Wildcard.matches(x, s, false)) {
                            return true;
                        }
                    }
                    return false;
                };
            case BOOL:
                boolean acceptTrue = false;
                boolean acceptFalse = false;
                for (String x : v) {
                    boolean b = Condition.parseBool(x, written, keyName);
                    acceptTrue |= b;
                    acceptFalse |= !b;
                }
                boolean t = acceptTrue;
                boolean f = acceptFalse;
                return s -> (t && "true".equalsIgnoreCase(s)) || (f && "false".equalsIgnoreCase(s));
            default:
                return dateTest(parseDates(v, written, keyName));
        }
    }

    private ConditionKey.ValueTest dateTest(Instant[] limits) {
        ConditionOperator op = this;
        return new ConditionKey.ValueTest() {
            @Override
            public boolean test(String value) {
                return false;
            }

            @Override
            public boolean test(Instant value) {
                for (Instant limit : limits) {
                    int c = value.compareTo(limit);
                    boolean ok;
                    switch (op) {
                        case DATE_LESS_THAN: ok = c < 0; break;
                        case DATE_LESS_THAN_EQUALS: ok = c <= 0; break;
                        case DATE_GREATER_THAN: ok = c > 0; break;
                        case DATE_GREATER_THAN_EQUALS: ok = c >= 0; break;
                        default: ok = c == 0; break; // DateEquals, DateNotEquals (inverted by the condition)
                    }
                    if (ok) {
                        return true;
                    }
                }
                return false;
            }
        };
    }

    private static Instant[] parseDates(String[] values, String written, String keyName)
            throws MalformedPolicyException {
        Instant[] out = new Instant[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = parseDate(values[i]);
            if (out[i] == null) {
                throw new MalformedPolicyException("condition operator " + written + " on " + keyName
                        + ": \"" + values[i] + "\" is not a date (ISO 8601, or seconds since the epoch)");
            }
        }
        return out;
    }

    /**
     * A date as AWS accepts it: ISO 8601 ({@code 2026-12-31}, {@code 2026-12-31T23:59:59Z},
     * with an offset or fraction; without an offset, UTC) or whole seconds since the epoch.
     */
    static Instant parseDate(String s) {
        if (!s.isEmpty() && s.length() <= 12 && s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Instant.ofEpochSecond(Long.parseLong(s));
        }
        String u = s.toUpperCase(Locale.ROOT);
        try {
            return OffsetDateTime.parse(u).toInstant();
        } catch (DateTimeParseException notOffset) {
            // try the next form
        }
        try {
            return LocalDateTime.parse(u).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException notLocal) {
            // try the next form
        }
        try {
            return LocalDate.parse(u).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException notDate) {
            return null;
        }
    }
}
