package io.kmsjca.server;

import io.kmsjca.keys.GrantOperation;
import io.kmsjca.keys.GrantRequest;
import io.kmsjca.keys.KeyGrant;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static io.kmsjca.server.Shapes.map;

/**
 * CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant. A grant takes effect at
 * once, so a grant token is only a name for the grant: {@code KEYID:GRANTID}, which RetireGrant
 * takes in place of the key and grant ids; GrantTokens members of other requests are accepted and ignored.
 */
final class GrantOperations {

    static final int MAX_PRINCIPAL_CHARS = 256;
    static final int MAX_GRANT_ID_CHARS = 128;
    private static final Pattern TOKEN = Pattern.compile("([0-9a-f-]{36}):([0-9a-zA-Z]{1,128})");

    private final OperationContext kms;

    GrantOperations(OperationContext kms) {
        this.kms = kms;
    }

    void register(Map<String, Operation> table) {
        table.put("CreateGrant", this::createGrant);
        table.put("ListGrants", this::listGrants);
        table.put("ListRetirableGrants", r -> page(kms.service().listRetirableGrants(
                r.requiredString("RetiringPrincipal", MAX_PRINCIPAL_CHARS)), r));
        table.put("RetireGrant", this::retireGrant);
        table.put("RevokeGrant", r -> {
            String key = kms.key(r, "KeyId");
            kms.service().revokeGrant(key, r.requiredString("GrantId", MAX_GRANT_ID_CHARS));
            return Map.of();
        });
    }

    private Map<String, Object> createGrant(JsonInput r) throws Exception {
        String key = kms.key(r, "KeyId");
        Set<GrantOperation> operations = EnumSet.noneOf(GrantOperation.class);
        for (String name : r.stringList("Operations", GrantOperation.values().length)) {
            try {
                operations.add(GrantOperation.valueOf(name));
            } catch (IllegalArgumentException e) {
                throw KmsError.validation("Operations has an unknown operation " + name);
            }
        }
        if (operations.isEmpty()) {
            throw KmsError.validation("Operations is required");
        }
        GrantRequest request = GrantRequest.to(r.requiredString("GranteePrincipal", MAX_PRINCIPAL_CHARS), operations)
                .retiringPrincipal(r.string("RetiringPrincipal", MAX_PRINCIPAL_CHARS))
                .name(r.string("Name", 256));
        JsonInput constraints = r.object("Constraints");
        if (constraints != null) {
            request = request.contextEquals(constraints.stringMap("EncryptionContextEquals"))
                    .contextSubset(constraints.stringMap("EncryptionContextSubset"));
        }
        KeyGrant grant = kms.service().createGrant(key, request);
        return map("GrantToken", grant.keyId() + ":" + grant.grantId(), "GrantId", grant.grantId());
    }

    private Map<String, Object> listGrants(JsonInput r) throws Exception {
        String grantId = r.string("GrantId", MAX_GRANT_ID_CHARS);
        String grantee = r.string("GranteePrincipal", MAX_PRINCIPAL_CHARS);
        List<KeyGrant> grants = kms.service().listGrants(kms.key(r, "KeyId")).stream()
                .filter(g -> grantId == null || g.grantId().equals(grantId))
                .filter(g -> grantee == null || g.granteePrincipal().equals(grantee)).toList();
        return page(grants, r);
    }

    private Map<String, Object> retireGrant(JsonInput r) throws Exception {
        String token = r.string("GrantToken", 8192);
        if (token != null) {
            var m = TOKEN.matcher(token);
            if (!m.matches()) {
                throw new KmsError("InvalidGrantTokenException", 400, "the grant token is not one this server issued");
            }
            kms.service().retireGrant(m.group(1), m.group(2));
            return Map.of();
        }
        String key = kms.key(r, "KeyId");
        kms.service().retireGrant(key, r.requiredString("GrantId", MAX_GRANT_ID_CHARS));
        return Map.of();
    }

    /** A page of grants in the order the service lists them; the marker is the last grant id of the previous page. */
    private Map<String, Object> page(List<KeyGrant> grants, JsonInput r) throws KmsError {
        int limit = r.integer("Limit", 1, 100, 50);
        String marker = r.string("Marker", MAX_GRANT_ID_CHARS);
        int start = 0;
        if (marker != null) {
            start = -1;
            for (int i = 0; i < grants.size(); i++) {
                if (grants.get(i).grantId().equals(marker)) {
                    start = i + 1;
                }
            }
            if (start < 0) {
                throw KmsError.validation("Marker is not one this server returned");
            }
        }
        List<Map<String, Object>> page = new ArrayList<>();
        for (int i = start; i < grants.size() && page.size() < limit; i++) {
            page.add(Shapes.grant(grants.get(i), kms.ids()));
        }
        int end = start + page.size();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Grants", page);
        out.put("NextMarker", end < grants.size() ? grants.get(end - 1).grantId() : null);
        out.put("Truncated", end < grants.size());
        return out;
    }
}
