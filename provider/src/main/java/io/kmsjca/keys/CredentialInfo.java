package io.kmsjca.keys;

/**
 * One credential of a store, as {@link KeyService#listCredentials()} shows it: never its secret.
 *
 * @param principal     the principal every request through the credential is made as
 * @param kind          password or key file
 * @param administrator whether it may do every store operation and manage credentials
 * @param actsForOthers whether a request through it may name another principal (a JAAS Subject,
 *                      {@code KmsAuditContext.runAs}); otherwise such a name is ignored
 */
public record CredentialInfo(String principal, CredentialKind kind, boolean administrator, boolean actsForOthers) {
}
