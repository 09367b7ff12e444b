package io.kmsjca.internal.model;

import io.kmsjca.internal.store.MasterKeyCodec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The rules for tags and the small list operations on aliases, apart from the service that applies them. */
public final class KeyNames {

    /** Aliases under this prefix belong to the provider. */
    public static final String RESERVED_ALIAS_PREFIX = "kms/";
    /** The alias prefix of provider-managed keys ({@code kms/managed/SERVICE}). */
    public static final String MANAGED_ALIAS_PREFIX = "kms/managed/";

    private KeyNames() {
    }

    /** The tags a request may set; called inside the audited change, which reports a violation as an invalid request. */
    public static Map<String, String> checkTags(Map<String, String> tags) {
        for (Map.Entry<String, String> t : tags.entrySet()) {
            String k = t.getKey();
            String v = t.getValue();
            if (k == null || k.isEmpty() || k.length() > MasterKeyCodec.MAX_TAG_KEY_CHARS || v == null
                    || v.length() > MasterKeyCodec.MAX_TAG_VALUE_CHARS || k.startsWith("kms:")) {
                throw new TransitionArgumentInvalid("tag keys must be 1.." + MasterKeyCodec.MAX_TAG_KEY_CHARS
                        + " characters not starting with kms:, values 0.." + MasterKeyCodec.MAX_TAG_VALUE_CHARS);
            }
            if (!wellFormed(k) || !wellFormed(v)) {
                throw new TransitionArgumentInvalid("tag keys and values must be well-formed Unicode (no unpaired surrogate)");
            }
        }
        if (tags.size() > MasterKeyCodec.MAX_TAGS) {
            throw new TransitionArgumentInvalid("a key has at most " + MasterKeyCodec.MAX_TAGS + " tags");
        }
        return tags;
    }

    /** Whether {@code s} encodes to UTF-8 as it is, with no unpaired surrogate silently replaced. */
    private static boolean wellFormed(String s) {
        return java.nio.charset.StandardCharsets.UTF_8.newEncoder().canEncode(s);
    }

    public static Map<String, String> checkTagCount(Map<String, String> tags) {
        if (tags.size() > MasterKeyCodec.MAX_TAGS) {
            throw new TransitionArgumentInvalid("a key has at most " + MasterKeyCodec.MAX_TAGS + " tags");
        }
        return tags;
    }

    public static List<String> plus(List<String> list, String item) {
        var next = new ArrayList<>(list);
        next.add(item);
        return next;
    }

    public static List<String> minus(List<String> list, String item) {
        var next = new ArrayList<>(list);
        next.remove(item);
        return next;
    }

    public static String aliasIn(MasterKey key, String aliasOrKeyId) {
        try {
            String name = Aliases.normalize(aliasOrKeyId);
            return key.aliases().contains(name) ? name : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
