package io.kmsjca.internal.policy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One request as a policy sees it.
 *
 * @param principal         who asks (an opaque name; exact, case-sensitive match)
 * @param action            the AWS action name, {@code kms:Decrypt}, {@code kms:CreateKey}, ...
 * @param resource          the key's ARN ({@code arn:aws:kms:REGION:ACCOUNT:key/ID}), or {@code *} for
 *                          an operation on the store itself
 * @param account           the store's account id (12 digits): the principal
 *                          {@code arn:aws:iam::ACCOUNT:root} or {@code ACCOUNT} names "the store"
 * @param encryptionContext the request's encryption context (empty if none; never null)
 * @param time              when the request is made ({@code aws:CurrentTime})
 * @param otherKeys         further condition keys and their values for this request (for example
 *                          {@code kms:GrantOperations}, {@code kms:GranteePrincipal}); names as in
 *                          AWS, never null
 */
public record AccessRequest(String principal, String action, String resource, String account,
                            Map<String, String> encryptionContext, Instant time, Map<String, List<String>> otherKeys) {
    public AccessRequest {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(encryptionContext, "encryptionContext");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(otherKeys, "otherKeys");
    }
}
