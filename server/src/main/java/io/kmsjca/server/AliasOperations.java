package io.kmsjca.server;

import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyAlias;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.kmsjca.server.Shapes.map;

/**
 * ListAliases, CreateAlias, UpdateAlias, DeleteAlias. As the embedded provider does, deleting a
 * customer key's last alias schedules the key for deletion (docs/server.md, "Differences from AWS KMS").
 */
final class AliasOperations {

    static final int MAX_ALIAS_CHARS = 256;

    private final OperationContext kms;

    AliasOperations(OperationContext kms) {
        this.kms = kms;
    }

    void register(Map<String, Operation> table) {
        table.put("ListAliases", this::listAliases);
        table.put("CreateAlias", r -> {
            String alias = KeyIds.requireAliasName(r.requiredString("AliasName", MAX_ALIAS_CHARS));
            String target = kms.key(r, "TargetKeyId");
            try {
                kms.service().createAlias(alias, target);
            } catch (InvalidKeyRequestException e) {
                // the service refuses a taken alias as an invalid request; AWS names it AlreadyExistsException
                if (kms.service().hasAlias(alias)) {
                    throw new KmsError("AlreadyExistsException", 400, "An alias with the name "
                            + kms.ids().requestedAliasArn(alias) + " already exists");
                }
                throw e;
            }
            return Map.of();
        });
        table.put("UpdateAlias", r -> {
            String alias = KeyIds.requireAliasName(r.requiredString("AliasName", MAX_ALIAS_CHARS));
            kms.service().updateAlias(alias, kms.key(r, "TargetKeyId"));
            return Map.of();
        });
        table.put("DeleteAlias", r -> {
            String alias = KeyIds.requireAliasName(r.requiredString("AliasName", MAX_ALIAS_CHARS));
            if (!kms.service().deleteAlias(alias)) {
                throw KmsError.notFound("Alias " + kms.ids().requestedAliasArn(alias) + " is not found.");
            }
            return Map.of();
        });
    }

    /** Sorted by alias name; the marker is the last alias name of the previous page. */
    private Map<String, Object> listAliases(JsonInput r) throws Exception {
        int limit = r.integer("Limit", 1, 100, 50);
        String marker = r.string("Marker", 1024);
        UUID onlyKey = r.has("KeyId") ? kms.handle(kms.key(r, "KeyId")).keyId() : null;
        List<Map<String, Object>> page = new ArrayList<>();
        String next = null;
        for (KeyAlias a : kms.service().listAliases()) {
            String name = KeyIds.aliasName(a.alias());
            if ((marker != null && name.compareTo(marker) <= 0) || (onlyKey != null && !onlyKey.equals(a.keyId()))) {
                continue;
            }
            if (page.size() == limit) {
                next = (String) page.get(page.size() - 1).get("AliasName");
                break;
            }
            page.add(map("AliasName", name, "AliasArn", kms.ids().aliasArn(a.alias()), "TargetKeyId", a.keyId().toString()));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Aliases", page);
        out.put("NextMarker", next);
        out.put("Truncated", next != null);
        return out;
    }
}
