package io.kmsjca.internal.policy;

import io.kmsjca.internal.json.MalformedJsonException;
import io.kmsjca.internal.json.StrictJson;

/**
 * Policy documents' JSON: {@link StrictJson} with the policy limits, at most
 * {@link PolicyDocument#MAX_CHARS} characters and {@link #MAX_DEPTH} levels of nesting.
 */
final class PolicyJson {

    /** Deepest nesting of objects and arrays accepted. */
    static final int MAX_DEPTH = 16;

    /** JSON {@code null}. */
    static final Object NULL = StrictJson.NULL;

    private PolicyJson() {
    }

    static Object parse(String json) throws MalformedPolicyException {
        if (json == null) {
            throw new MalformedPolicyException("policy document is null");
        }
        try {
            return StrictJson.parse(json, PolicyDocument.MAX_CHARS, MAX_DEPTH);
        } catch (MalformedJsonException e) {
            String why = e.getMessage();
            throw new MalformedPolicyException(why.startsWith("document has") ? "policy " + why : why);
        }
    }
}
