package io.kmsjca.server;

import io.kmsjca.keys.KeyMetadata;
import io.kmsjca.keys.KeyRotation;
import io.kmsjca.keys.RotationReason;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.kmsjca.server.Shapes.map;

/** EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand, ListKeyRotations. */
final class RotationOperations {

    /** AWS's bounds and default of RotationPeriodInDays. */
    static final int MIN_PERIOD_DAYS = 90;
    static final int MAX_PERIOD_DAYS = 2560;
    static final int DEFAULT_PERIOD_DAYS = 365;

    private final OperationContext kms;

    RotationOperations(OperationContext kms) {
        this.kms = kms;
    }

    void register(Map<String, Operation> table) {
        table.put("EnableKeyRotation", r -> {
            String key = kms.key(r, "KeyId");
            kms.service().enableKeyRotation(key, r.integer("RotationPeriodInDays", MIN_PERIOD_DAYS, MAX_PERIOD_DAYS,
                    DEFAULT_PERIOD_DAYS));
            return Map.of();
        });
        table.put("DisableKeyRotation", r -> {
            kms.service().disableKeyRotation(kms.key(r, "KeyId"));
            return Map.of();
        });
        table.put("GetKeyRotationStatus", r -> {
            KeyMetadata m = kms.service().describeKey(kms.key(r, "KeyId"));
            boolean on = m.rotationPeriodDays() > 0;
            return map("KeyId", kms.ids().keyArn(m.keyId()), "KeyRotationEnabled", on,
                    "RotationPeriodInDays", on ? m.rotationPeriodDays() : null,
                    "NextRotationDate", on ? m.nextRotationDate() : null);
        });
        table.put("RotateKeyOnDemand", r -> {
            String key = kms.key(r, "KeyId");
            kms.service().rotateKeyOnDemand(key);
            return map("KeyId", kms.handle(key).keyId().toString());
        });
        table.put("ListKeyRotations", this::listKeyRotations);
    }

    /** The versions after the first, oldest first; the marker is the last version number of the previous page. */
    private Map<String, Object> listKeyRotations(JsonInput r) throws Exception {
        String key = kms.key(r, "KeyId");
        int limit = r.integer("Limit", 1, 1000, 100);
        int after = r.has("Marker") ? marker(r.string("Marker", 16)) : 0;
        String arn = kms.ids().keyArn(kms.handle(key).keyId());
        List<Map<String, Object>> page = new ArrayList<>();
        String next = null;
        int last = after;
        for (KeyRotation rotation : kms.service().listKeyRotations(key)) {
            if (rotation.version() <= after) {
                continue;
            }
            if (page.size() == limit) {
                next = Integer.toString(last);
                break;
            }
            page.add(map("KeyId", arn, "RotationDate", rotation.date(),
                    "RotationType", rotation.reason() == RotationReason.ON_DEMAND ? "ON_DEMAND" : "AUTOMATIC"));
            last = rotation.version();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Rotations", page);
        out.put("NextMarker", next);
        out.put("Truncated", next != null);
        return out;
    }

    private static int marker(String text) throws KmsError {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw KmsError.validation("Marker is not one this server returned");
        }
    }
}
