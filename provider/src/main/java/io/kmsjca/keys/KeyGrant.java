package io.kmsjca.keys;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * A grant on a key (AWS KMS ListGrants' {@code GrantListEntry}): it lets {@code granteePrincipal}
 * perform {@code operations} on the key, within its encryption-context constraints, whatever the
 * key policy says (an explicit Deny in a policy still wins). Immutable.
 *
 * @param grantId                 the grant's id (64 hex digits)
 * @param keyId                   the key it is on
 * @param name                    the name it was created with ("" if none): a second CreateGrant
 *                                with the same name, grantee, operations and constraints returns
 *                                this grant instead of making another
 * @param granteePrincipal        who it lets act
 * @param retiringPrincipal       who may retire it besides the grantee ({@code null} if none)
 * @param issuingPrincipal        who created it
 * @param operations              what it allows
 * @param encryptionContextEquals allowed only with exactly this context (empty: no such constraint)
 * @param encryptionContextSubset allowed only with a context containing all these pairs (empty: none)
 * @param creationDate            when it was created
 */
public record KeyGrant(String grantId, UUID keyId, String name, String granteePrincipal, String retiringPrincipal,
                       String issuingPrincipal, Set<GrantOperation> operations,
                       Map<String, String> encryptionContextEquals, Map<String, String> encryptionContextSubset,
                       Instant creationDate) {

    public KeyGrant {
        Objects.requireNonNull(grantId, "grantId");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(granteePrincipal, "granteePrincipal");
        Objects.requireNonNull(issuingPrincipal, "issuingPrincipal");
        operations = Set.copyOf(EnumSet.copyOf(Objects.requireNonNull(operations, "operations")));
        encryptionContextEquals = Map.copyOf(encryptionContextEquals);
        encryptionContextSubset = Map.copyOf(encryptionContextSubset);
        Objects.requireNonNull(creationDate, "creationDate");
    }

    /**
     * Whether this grant lets {@code principal} perform {@code operation} with {@code context}:
     * the grantee, one of the operations, and every constraint met, context keys and values
     * compared exactly (AWS compares the keys ignoring case: docs/decisions.md).
     */
    public boolean allows(String principal, GrantOperation operation, Map<String, String> context) {
        if (!granteePrincipal.equals(principal) || !operations.contains(operation)) {
            return false;
        }
        if (!encryptionContextEquals.isEmpty() && !encryptionContextEquals.equals(context)) {
            return false;
        }
        for (Map.Entry<String, String> pair : encryptionContextSubset.entrySet()) {
            if (!pair.getValue().equals(context.get(pair.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code principal} may retire this grant by the grant's own terms: its retiring
     * principal, or its grantee when the grant allows {@code RetireGrant} (AWS's rule; a policy
     * allowing {@code kms:RetireGrant} on the key also may).
     */
    public boolean retirableBy(String principal) {
        return principal.equals(retiringPrincipal)
                || principal.equals(granteePrincipal) && operations.contains(GrantOperation.RetireGrant);
    }
}
