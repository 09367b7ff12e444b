package io.kmsjca.server;

import java.util.LinkedHashMap;
import java.util.Map;

import static io.kmsjca.server.Shapes.map;

/** TagResource, UntagResource, ListResourceTags. */
final class TagOperations {

    /** AWS's bounds on a tag (the key service checks them again). */
    static final int MAX_TAGS = 50;
    static final int MAX_TAG_KEY_CHARS = 128;
    static final int MAX_TAG_VALUE_CHARS = 256;

    private final OperationContext kms;

    TagOperations(OperationContext kms) {
        this.kms = kms;
    }

    void register(Map<String, Operation> table) {
        table.put("TagResource", r -> {
            String key = kms.key(r, "KeyId");
            kms.service().tagKey(key, tagList(r));
            return Map.of();
        });
        table.put("UntagResource", r -> {
            String key = kms.key(r, "KeyId");
            kms.service().untagKey(key, r.stringList("TagKeys", MAX_TAGS));
            return Map.of();
        });
        table.put("ListResourceTags", r -> {
            Map<String, String> tags = kms.service().describeKey(kms.key(r, "KeyId")).tags();
            return map("Tags", Shapes.tags(tags), "Truncated", false);
        });
    }

    /** The request's {@code Tags}: a list of {@code {"TagKey": ..., "TagValue": ...}}. */
    static Map<String, String> tagList(JsonInput r) throws KmsError {
        Map<String, String> tags = new LinkedHashMap<>();
        for (JsonInput tag : r.objectList("Tags", MAX_TAGS)) {
            String key = tag.requiredString("TagKey", MAX_TAG_KEY_CHARS);
            String value = tag.string("TagValue", MAX_TAG_VALUE_CHARS);
            if (value == null) {
                throw KmsError.validation("TagValue is required");
            }
            if (tags.put(key, value) != null) {
                throw KmsError.validation("Tags has TagKey " + key + " twice");
            }
        }
        return tags;
    }
}
