package io.kmsjca.internal.remote;

import java.util.UUID;

/** How a key or an alias is named to the server, the way the AWS KMS API takes it. */
final class KeyReferences {

    private KeyReferences() {
    }

    /** A key id or ARN as is; an alias as {@code alias/NAME}. */
    static String keyRef(String key) {
        if (key == null) {
            return null;
        }
        String k = key.strip();
        return isKeyId(k) || k.startsWith("arn:") || k.startsWith("alias/") ? k : "alias/" + k;
    }

    /** Whether {@code s} is a key id (a UUID's 36 characters), as opposed to an alias or an ARN. */
    static boolean isKeyId(String s) {
        if (s.length() != 36) {
            return false;
        }
        try {
            UUID.fromString(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The alias a handle found by {@code aliasOrKeyId} carries: none for a key id or an ARN, else the bare alias. */
    static String aliasOf(String aliasOrKeyId) {
        String s = aliasOrKeyId.strip();
        return isKeyId(s) || s.startsWith("arn:") ? null : bareAlias(s);
    }

    /** An alias as the API names it: {@code alias/NAME}. */
    static String aliasName(String alias) {
        String a = alias.strip();
        return a.regionMatches(true, 0, "alias/", 0, 6) ? "alias/" + a.substring(6) : "alias/" + a;
    }

    /** An alias without its {@code alias/} prefix, as the provider names it. */
    static String bareAlias(String alias) {
        String a = alias.strip();
        return a.regionMatches(true, 0, "alias/", 0, 6) ? a.substring(6) : a;
    }
}
