package io.kmsjca.internal.policy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builders shared by the policy tests: compact JSON with single quotes, and requests. */
final class PolicyTestSupport {

    static final String ACCOUNT = "111122223333";
    static final String ROOT = "arn:aws:iam::" + ACCOUNT + ":root";
    static final String KEY_ARN = "arn:aws:kms:us-east-1:" + ACCOUNT + ":key/1234abcd-12ab-34cd-56ef-1234567890ab";
    static final Instant NOW = Instant.parse("2026-06-15T12:00:00Z");

    private PolicyTestSupport() {
    }

    /** JSON written with single quotes for readability (no test string needs a real one). */
    static String j(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    /** A 2012-10-17 policy of these statements (each single-quoted JSON). */
    static String policy(String... statements) {
        return j("{'Version':'2012-10-17','Statement':[" + String.join(",", statements) + "]}");
    }

    static PolicyDocument parse(String json) {
        try {
            return PolicyDocument.parse(json);
        } catch (MalformedPolicyException e) {
            throw new AssertionError("refused: " + e.getMessage(), e);
        }
    }

    static Req req(String principal, String action) {
        return new Req(principal, action);
    }

    /** A request under construction; {@link #build} makes the {@link AccessRequest}. */
    static final class Req {
        final String principal;
        final String action;
        String resource = KEY_ARN;
        Instant time = NOW;
        final Map<String, String> context = new LinkedHashMap<>();
        final Map<String, List<String>> other = new LinkedHashMap<>();

        Req(String principal, String action) {
            this.principal = principal;
            this.action = action;
        }

        Req ec(String key, String value) {
            context.put(key, value);
            return this;
        }

        Req other(String key, String... values) {
            other.put(key, List.of(values));
            return this;
        }

        Req at(String isoInstant) {
            time = Instant.parse(isoInstant);
            return this;
        }

        Req on(String resourceArn) {
            resource = resourceArn;
            return this;
        }

        AccessRequest build() {
            return new AccessRequest(principal, action, resource, ACCOUNT, Map.copyOf(context), time, Map.copyOf(other));
        }

        @Override
        public String toString() {
            return principal + " " + action + (resource.equals(KEY_ARN) ? "" : " on " + resource)
                    + (context.isEmpty() ? "" : " ec=" + context) + (other.isEmpty() ? "" : " " + other)
                    + (time.equals(NOW) ? "" : " at " + time);
        }
    }

    /** "OUTCOME" or "OUTCOME statementId", as the tables write results. */
    static String show(PolicyEvaluation e) {
        return e.statementId() == null ? e.outcome().name() : e.outcome() + " " + e.statementId();
    }
}
