package io.kmsjca.internal.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a parsed policy document against the key-policy grammar (docs/authorization.md,
 * "Key policy grammar") and compiles its statements. Every refusal names the element, operator,
 * condition key or action refused, and the statement it is in.
 */
final class PolicyCompiler {

    static final String VERSION_2012 = "2012-10-17";
    static final String VERSION_2008 = "2008-10-17";

    private static final Set<String> TOP_LEVEL = Set.of("Version", "Id", "Statement");
    private static final Set<String> STATEMENT_ELEMENTS = Set.of(
            "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition");
    private static final Set<String> UNSUPPORTED_PRINCIPAL_TYPES = Set.of("Service", "Federated", "CanonicalUser");
    private static final Pattern ACCOUNT_ROOT = Pattern.compile("arn:aws:iam::([0-9]{12}):root");
    private static final Pattern ACCOUNT_ID = Pattern.compile("[0-9]{12}");

    private boolean policyVariables;
    private String where = "policy";

    private PolicyCompiler() {
    }

    static Statement[] compile(Object document) throws MalformedPolicyException {
        return new PolicyCompiler().document(document);
    }

    private Statement[] document(Object document) throws MalformedPolicyException {
        Map<String, Object> top = object(document, "the policy document");
        for (String name : top.keySet()) {
            if (!TOP_LEVEL.contains(name)) {
                throw refuse("unknown top-level element " + name);
            }
        }
        Object version = top.get("Version");
        if (version != null) {
            String v = string(version, "Version");
            if (!v.equals(VERSION_2012) && !v.equals(VERSION_2008)) {
                throw refuse("Version " + v + " is not supported (use " + VERSION_2012 + ")");
            }
            policyVariables = v.equals(VERSION_2012);
        }
        if (top.containsKey("Id")) {
            string(top.get("Id"), "Id");
        }
        Object statements = top.get("Statement");
        if (statements == null) {
            throw refuse("the policy has no Statement");
        }
        List<Object> list = statements instanceof List ? castList(statements) : List.of(statements);
        if (list.isEmpty()) {
            throw refuse("Statement is empty");
        }
        Statement[] out = new Statement[list.size()];
        Set<String> sids = new HashSet<>();
        for (int i = 0; i < out.length; i++) {
            out[i] = statement(list.get(i), i, sids);
        }
        return out;
    }

    private Statement statement(Object json, int index, Set<String> sids) throws MalformedPolicyException {
        where = "statement #" + index;
        Map<String, Object> st = object(json, "a Statement");
        String id = "#" + index;
        if (st.containsKey("Sid")) {
            String sid = string(st.get("Sid"), "Sid");
            if (!sid.isEmpty()) {
                if (sid.matches("#[0-9]+")) {
                    throw refuse("Sid \"" + sid + "\" would read as the index of another statement");
                }
                if (!sids.add(sid)) {
                    throw refuse("Sid \"" + sid + "\" is not unique");
                }
                id = sid;
                where = "statement \"" + sid + "\"";
            }
        }
        for (String name : st.keySet()) {
            if (!STATEMENT_ELEMENTS.contains(name)) {
                throw refuse("unknown element " + name);
            }
        }
        Object effect = st.get("Effect");
        if (effect == null) {
            throw refuse("Effect is missing");
        }
        String e = string(effect, "Effect");
        if (!e.equals("Allow") && !e.equals("Deny")) {
            throw refuse("Effect must be \"Allow\" or \"Deny\", not \"" + e + "\"");
        }
        if (st.containsKey("NotPrincipal")) {
            throw refuse("NotPrincipal is not supported (name the principals in Principal)");
        }
        if (!st.containsKey("Principal")) {
            throw refuse("Principal is missing");
        }
        Set<String> principals = new HashSet<>();
        boolean anyPrincipal = principal(st.get("Principal"), principals);
        Set<String> accounts = new HashSet<>();
        for (String p : principals) {
            Matcher root = ACCOUNT_ROOT.matcher(p);
            if (root.matches()) {
                accounts.add(root.group(1));
            } else if (ACCOUNT_ID.matcher(p).matches()) {
                accounts.add(p);
            }
        }

        String actionElement = exactlyOne(st, "Action", "NotAction");
        List<String> actions = strings(st.get(actionElement), actionElement);
        long mask = 0;
        boolean anyAction = false;
        String[] lowerPatterns = new String[actions.size()];
        for (int i = 0; i < lowerPatterns.length; i++) {
            String a = actions.get(i);
            if (a.equals("*")) {
                anyAction = true;
            }
            lowerPatterns[i] = a.toLowerCase(Locale.ROOT);
            long m = a.equals("*") ? KmsActions.ALL_MASK : KmsActions.mask(lowerPatterns[i]);
            if (m == 0) {
                throw refuse(actionElement + " " + a + " matches no AWS KMS action");
            }
            mask |= m;
        }

        String resourceElement = exactlyOne(st, "Resource", "NotResource");
        List<String> resources = strings(st.get(resourceElement), resourceElement);
        boolean anyResource = false;
        Set<String> exact = new HashSet<>();
        List<String> patterns = new ArrayList<>();
        for (String r : resources) {
            if (r.equals("*")) {
                anyResource = true;
            } else if (!r.startsWith("arn:")) {
                throw refuse(resourceElement + " " + r + " is neither \"*\" nor an ARN");
            } else if (policyVariables && r.contains("${")) {
                throw refuse("policy variables (${...}) are not supported, in " + resourceElement + " " + r);
            } else if (Wildcard.hasWildcard(r)) {
                patterns.add(r);
            } else {
                exact.add(r);
            }
        }

        Condition[] conditions = st.containsKey("Condition") ? conditions(st.get("Condition")) : new Condition[0];
        return new Statement(id, e.equals("Deny"), anyPrincipal, Set.copyOf(principals), Set.copyOf(accounts),
                actionElement.equals("NotAction"), mask, anyAction, lowerPatterns,
                resourceElement.equals("NotResource"), anyResource, Set.copyOf(exact), patterns.toArray(new String[0]),
                conditions);
    }

    /** Fills {@code names}; true if the principal is everyone ({@code *}). */
    private boolean principal(Object json, Set<String> names) throws MalformedPolicyException {
        if (json instanceof Map) {
            Map<String, Object> map = castMap(json);
            if (map.isEmpty()) {
                throw refuse("Principal is empty");
            }
            for (String type : map.keySet()) {
                if (UNSUPPORTED_PRINCIPAL_TYPES.contains(type)) {
                    throw refuse("Principal type " + type + " is not supported (use \"AWS\")");
                }
                if (!type.equals("AWS")) {
                    throw refuse("unknown Principal type " + type);
                }
            }
            json = map.get("AWS");
        }
        boolean any = false;
        for (String name : strings(json, "Principal")) {
            if (name.isEmpty()) {
                throw refuse("a Principal name is empty");
            }
            if (name.equals("*")) {
                any = true;
            } else if (name.indexOf('*') >= 0) {
                throw refuse("Principal " + name + ": a principal name has no wildcards (only \"*\" alone, everyone)");
            } else {
                names.add(name);
            }
        }
        return any;
    }

    private Condition[] conditions(Object json) throws MalformedPolicyException {
        Map<String, Object> block = object(json, "Condition");
        List<Condition> out = new ArrayList<>();
        for (Map.Entry<String, Object> op : block.entrySet()) {
            Map<String, Object> keys = object(op.getValue(), "condition operator " + op.getKey());
            if (keys.isEmpty()) {
                throw refuse("condition operator " + op.getKey() + " names no condition key");
            }
            for (Map.Entry<String, Object> k : keys.entrySet()) {
                List<String> values = conditionValues(k.getValue(), op.getKey(), k.getKey());
                try {
                    out.add(Condition.compile(op.getKey(), k.getKey(), values, policyVariables));
                } catch (MalformedPolicyException refused) {
                    throw refuse(refused.getMessage());
                }
            }
        }
        return out.toArray(new Condition[0]);
    }

    /** Condition values: strings, numbers and booleans (AWS takes their text), one or a non-empty list. */
    private List<String> conditionValues(Object json, String operator, String key) throws MalformedPolicyException {
        List<Object> raw = json instanceof List ? castList(json) : List.of(json);
        if (raw.isEmpty()) {
            throw refuse("condition " + operator + " on " + key + " has no values");
        }
        List<String> out = new ArrayList<>(raw.size());
        for (Object v : raw) {
            if (v instanceof String || v instanceof Boolean || v instanceof io.kmsjca.internal.json.StrictJson.Num) {
                out.add(v.toString());
            } else {
                throw refuse("condition " + operator + " on " + key + " takes strings, numbers or booleans");
            }
        }
        return out;
    }

    private String exactlyOne(Map<String, Object> st, String a, String notA) throws MalformedPolicyException {
        boolean hasA = st.containsKey(a);
        boolean hasNotA = st.containsKey(notA);
        if (hasA == hasNotA) {
            throw refuse("exactly one of " + a + " and " + notA + " is required");
        }
        return hasA ? a : notA;
    }

    /** A string or a non-empty list of strings. */
    private List<String> strings(Object json, String element) throws MalformedPolicyException {
        List<Object> raw = json instanceof List ? castList(json) : List.of(json);
        if (raw.isEmpty()) {
            throw refuse(element + " is empty");
        }
        List<String> out = new ArrayList<>(raw.size());
        for (Object v : raw) {
            out.add(string(v, element));
        }
        return out;
    }

    private String string(Object json, String element) throws MalformedPolicyException {
        if (!(json instanceof String)) {
            throw refuse(element + " must be a string");
        }
        return (String) json;
    }

    private Map<String, Object> object(Object json, String what) throws MalformedPolicyException {
        if (!(json instanceof Map)) {
            throw refuse(what + " must be a JSON object");
        }
        return castMap(json);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object json) {
        return (Map<String, Object>) json;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> castList(Object json) {
        return (List<Object>) json;
    }

    private MalformedPolicyException refuse(String what) {
        return new MalformedPolicyException(where + ": " + what);
    }
}
