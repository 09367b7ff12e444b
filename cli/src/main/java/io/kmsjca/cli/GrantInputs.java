package io.kmsjca.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.kmsjca.keys.GrantOperation;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How the AWS CLI spells a grant on the command line: {@code --operations Decrypt Encrypt},
 * {@code --constraints EncryptionContextSubset={k=v,k2=v2}} or its JSON form, and the grant
 * token that {@code create-grant} prints.
 */
final class GrantInputs {

    static final String SUBSET = "EncryptionContextSubset";
    static final String EQUALS = "EncryptionContextEquals";
    /** Longer input is refused before it is parsed (AWS's grant tokens are at most 8192 characters). */
    static final int MAX_CHARS = 8192;

    private GrantInputs() {
    }

    /** One of {@link GrantOperation}'s names, exactly as AWS spells it. */
    static final class Operation implements ITypeConverter<GrantOperation> {
        @Override
        public GrantOperation convert(String value) {
            for (GrantOperation op : GrantOperation.values()) {
                if (op.name().equals(value)) {
                    return op;
                }
            }
            String known = Arrays.stream(GrantOperation.values()).map(Enum::name).collect(Collectors.joining(", "));
            String hint = Arrays.stream(GrantOperation.values()).filter(op -> op.name().equalsIgnoreCase(value))
                    .map(op -> " (did you mean " + op.name() + "? names are case-sensitive)").findFirst().orElse("");
            throw new TypeConversionException("unknown grant operation '" + bounded(value) + "'" + hint
                    + "; the operations are " + known);
        }
    }

    /**
     * The operations {@code --operations} names. Converted here rather than by picocli, which
     * would take an unknown name after a known one for a stray argument instead of naming it.
     */
    static Set<GrantOperation> operations(List<String> names) {
        Set<GrantOperation> ops = EnumSet.noneOf(GrantOperation.class);
        Operation converter = new Operation();
        for (String name : names) {
            try {
                ops.add(converter.convert(name));
            } catch (TypeConversionException e) {
                throw new CliException(ExitCode.USAGE, "--operations: " + e.getMessage());
            }
        }
        return ops;
    }

    /** A grant's encryption-context constraints: at most one of the two maps is non-empty once the key service has checked it. */
    record Constraints(Map<String, String> equals, Map<String, String> subset) {
        static final Constraints NONE = new Constraints(Map.of(), Map.of());
    }

    /**
     * {@code EncryptionContextSubset={k=v,k2=v2}} or {@code EncryptionContextEquals={...}} (the
     * AWS CLI's shorthand), or the JSON object {@code {"EncryptionContextSubset":{"k":"v"}}}.
     */
    static final class ConstraintsConverter implements ITypeConverter<Constraints> {
        @Override
        public Constraints convert(String value) {
            if (value.length() > MAX_CHARS) {
                throw new TypeConversionException("constraints longer than " + MAX_CHARS + " characters");
            }
            Map<String, Map<String, String>> parsed = value.strip().startsWith("{") ? json(value) : shorthand(value);
            return new Constraints(parsed.getOrDefault(EQUALS, Map.of()), parsed.getOrDefault(SUBSET, Map.of()));
        }

        private static Map<String, Map<String, String>> json(String value) {
            Map<String, Map<String, String>> all = new LinkedHashMap<>();
            try {
                JsonObject object = JsonParser.parseString(value).getAsJsonObject();
                for (Map.Entry<String, JsonElement> constraint : object.entrySet()) {
                    Map<String, String> pairs = new LinkedHashMap<>();
                    for (Map.Entry<String, JsonElement> pair : constraint.getValue().getAsJsonObject().entrySet()) {
                        if (!pair.getValue().isJsonPrimitive() || !pair.getValue().getAsJsonPrimitive().isString()) {
                            throw new TypeConversionException("constraint " + bounded(constraint.getKey()) + ": the value of '"
                                    + bounded(pair.getKey()) + "' is not a string");
                        }
                        pairs.put(pair.getKey(), pair.getValue().getAsString());
                    }
                    put(all, constraint.getKey(), pairs);
                }
            } catch (JsonParseException | IllegalStateException | UnsupportedOperationException e) {
                throw new TypeConversionException("bad JSON for --constraints; write {\"" + SUBSET + "\":{\"key\":\"value\"}}");
            }
            return all;
        }

        private static Map<String, Map<String, String>> shorthand(String value) {
            Map<String, Map<String, String>> all = new LinkedHashMap<>();
            String rest = value.strip();
            while (!rest.isEmpty()) {
                int open = rest.indexOf("={");
                int close = rest.indexOf('}');
                if (open <= 0 || close < open) {
                    throw new TypeConversionException("bad --constraints '" + bounded(value) + "'; write " + SUBSET
                            + "={key=value,key2=value2} or " + EQUALS + "={...}");
                }
                put(all, rest.substring(0, open), pairs(rest.substring(open + 2, close)));
                rest = rest.substring(close + 1);
                if (rest.startsWith(",")) {
                    rest = rest.substring(1);
                } else if (!rest.isEmpty()) {
                    throw new TypeConversionException("bad --constraints: expected ',' after '}', found '" + bounded(rest) + "'");
                }
            }
            return all;
        }

        private static Map<String, String> pairs(String inside) {
            Map<String, String> pairs = new LinkedHashMap<>();
            if (inside.isBlank()) {
                return pairs;
            }
            for (String pair : inside.split(",", -1)) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new TypeConversionException("bad constraint pair '" + bounded(pair) + "'; write key=value");
                }
                if (pairs.put(pair.substring(0, eq), pair.substring(eq + 1)) != null) {
                    throw new TypeConversionException("a constraint names '" + bounded(pair.substring(0, eq)) + "' twice");
                }
            }
            return pairs;
        }

        private static void put(Map<String, Map<String, String>> all, String name, Map<String, String> pairs) {
            if (!name.equals(SUBSET) && !name.equals(EQUALS)) {
                throw new TypeConversionException("unknown constraint '" + bounded(name) + "'; the constraints are "
                        + SUBSET + " and " + EQUALS);
            }
            if (all.put(name, pairs) != null) {
                throw new TypeConversionException("--constraints names " + name + " twice");
            }
        }
    }

    /**
     * A grant token as {@code create-grant} prints it, {@code KEYID:GRANTID}: it names the key, so
     * that {@code retire-grant --grant-token} needs nothing else (as in AWS). Not a secret.
     */
    static String token(String keyId, String grantId) {
        return keyId + ":" + grantId;
    }

    /** A grant named by a token, or by a bare grant id (then {@code keyId} is null). */
    record GrantRef(String keyId, String grantId) {
        static GrantRef parse(String token) {
            if (token.length() > MAX_CHARS) {
                throw new CliException(ExitCode.USAGE, "a grant token is at most " + MAX_CHARS + " characters");
            }
            int colon = token.lastIndexOf(':');
            return colon < 0 ? new GrantRef(null, token) : new GrantRef(token.substring(0, colon), token.substring(colon + 1));
        }
    }

    /** Input echoed in a message is cut short: a message is one line. */
    private static String bounded(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
