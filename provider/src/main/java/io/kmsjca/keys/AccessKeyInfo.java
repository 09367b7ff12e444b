package io.kmsjca.keys;

import java.time.Instant;

/**
 * An access key of the store, never its secret: what {@link KeyService#listAccessKeys()} returns.
 *
 * @param accessKeyId   the id a SigV4 request names ({@code Credential=ID/...})
 * @param principal     the principal its requests are made as
 * @param administrator whether its requests are decided as an administrator credential's
 *                      (docs/authorization.md); false for a key user or an auditor
 * @param created       when it was made
 */
public record AccessKeyInfo(String accessKeyId, String principal, boolean administrator, Instant created) {
}
