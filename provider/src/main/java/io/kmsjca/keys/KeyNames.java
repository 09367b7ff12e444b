package io.kmsjca.keys;

import java.security.KeyStoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The rules for tags and the small list operations on aliases, apart from the service that applies them. */
final class KeyNames {

    private KeyNames() {
    }

    static Map<String, String> checkTags(Map<String, String> tags) throws KeyStoreException {
        for (Map.Entry<String, String> t : tags.entrySet()) {
            String k = t.getKey();
            String v = t.getValue();
            if (k == null || k.isEmpty() || k.length() > 128 || v == null || v.length() > 256 || k.startsWith("kms:")) {
                throw new KeyStoreException("tag keys must be 1..128 characters not starting with kms:, values 0..256");
            }
        }
        if (tags.size() > MasterKeyCodec.MAX_TAGS) {
            throw new KeyStoreException("a key has at most " + MasterKeyCodec.MAX_TAGS + " tags");
        }
        return tags;
    }

    static Map<String, String> checkTagCount(Map<String, String> tags) {
        if (tags.size() > MasterKeyCodec.MAX_TAGS) {
            throw new IllegalStateException("a key has at most " + MasterKeyCodec.MAX_TAGS + " tags");
        }
        return tags;
    }

    static List<String> plus(List<String> list, String item) {
        var next = new ArrayList<>(list);
        next.add(item);
        return next;
    }

    static List<String> minus(List<String> list, String item) {
        var next = new ArrayList<>(list);
        next.remove(item);
        return next;
    }

    static String aliasIn(MasterKey key, String aliasOrKeyId) {
        try {
            String name = Aliases.normalize(aliasOrKeyId);
            return key.aliases().contains(name) ? name : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
