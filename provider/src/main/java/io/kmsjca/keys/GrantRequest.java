package io.kmsjca.keys;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A CreateGrant request: {@code GrantRequest.to("app", Set.of(GrantOperation.Decrypt)).contextSubset(Map.of("tenant", "42"))}.
 *
 * @param granteePrincipal        who the grant lets act
 * @param operations              what it allows (at least one)
 * @param retiringPrincipal       who may retire it besides the grantee (null: nobody else)
 * @param name                    a name for idempotency ("" for none)
 * @param encryptionContextEquals only with exactly this context (empty: no constraint)
 * @param encryptionContextSubset only with a context that contains these pairs (empty: no constraint)
 */
public record GrantRequest(String granteePrincipal, Set<GrantOperation> operations, String retiringPrincipal,
                           String name, Map<String, String> encryptionContextEquals,
                           Map<String, String> encryptionContextSubset) {

    public GrantRequest {
        Objects.requireNonNull(granteePrincipal, "granteePrincipal");
        operations = Set.copyOf(operations);
        name = name == null ? "" : name;
        encryptionContextEquals = Map.copyOf(encryptionContextEquals);
        encryptionContextSubset = Map.copyOf(encryptionContextSubset);
    }

    /** A grant of {@code operations} to {@code grantee}, without constraints, name or retiring principal. */
    public static GrantRequest to(String grantee, Set<GrantOperation> operations) {
        return new GrantRequest(grantee, operations, null, "", Map.of(), Map.of());
    }

    public GrantRequest retiringPrincipal(String principal) {
        return new GrantRequest(granteePrincipal, operations, principal, name, encryptionContextEquals, encryptionContextSubset);
    }

    public GrantRequest name(String grantName) {
        return new GrantRequest(granteePrincipal, operations, retiringPrincipal, grantName, encryptionContextEquals,
                encryptionContextSubset);
    }

    public GrantRequest contextEquals(Map<String, String> context) {
        return new GrantRequest(granteePrincipal, operations, retiringPrincipal, name, context, encryptionContextSubset);
    }

    public GrantRequest contextSubset(Map<String, String> context) {
        return new GrantRequest(granteePrincipal, operations, retiringPrincipal, name, encryptionContextEquals, context);
    }
}
