package io.kmsjca.keys;

/**
 * One credential of a store, as {@link KeyService#listCredentials()} shows it: never its secret.
 *
 * @param principal     the principal every request through the credential is made as
 * @param kind          password or key file
 * @param administrator whether it may do every store operation and manage credentials
 * @param actsForOthers whether a request through it may name another principal (a JAAS Subject,
 *                      {@code KmsAuditContext.runAs}); otherwise such a name is ignored
 * @param holdsKeyPair  whether it has a key pair, so keys can be sealed to it: every credential made
 *                      by this release has one; one made before does not, and while a store has such a
 *                      credential that may hold a key, that key's material stays readable by every
 *                      credential (docs/authorization.md, "Sealing per principal")
 */
public record CredentialInfo(String principal, CredentialKind kind, boolean administrator, boolean actsForOthers,
                             boolean holdsKeyPair) {

    /** A credential without a key pair (the version-1 password, a credential made before sealing per principal). */
    public CredentialInfo(String principal, CredentialKind kind, boolean administrator, boolean actsForOthers) {
        this(principal, kind, administrator, actsForOthers, false);
    }
}
