package io.kmsjca.keys;

/**
 * Who was refused what, on which key, and which policy statement decided (if one did): what a
 * {@link KeyAccessDeniedException} or {@link KeyUseDeniedException} carries. Names only; no
 * secret.
 *
 * @param principal   the principal of the request
 * @param action      the AWS action name, {@code kms:Decrypt}, {@code kms:PutKeyPolicy}, ...
 * @param keyId       the key's id, or null for an operation on the store itself
 * @param statementId the {@code Sid} (or {@code #N}) of the Deny statement that refused, or null
 *                    when nothing allowed the request (implicit deny)
 * @param policy      which policy decided: {@code key policy} or {@code store policy}; or
 *                    {@code credential} for what only an administrator credential may do;
 *                    {@value #ACTS_FOR_OTHERS} for what only a store opened with a credential that
 *                    acts for others may do (use access keys); {@value #DELETED_ACCESS_KEY} for a
 *                    request made with an access key deleted since it was looked up
 */
public record AccessDenial(String principal, String action, String keyId, String statementId, String policy) {

    /** The {@code policy} of a refusal to a store whose credential does not act for others. */
    public static final String ACTS_FOR_OTHERS = "credential acting for others";
    /** The {@code policy} of a refusal to an access key deleted since it was looked up. */
    public static final String DELETED_ACCESS_KEY = "deleted access key";

    /** The sentence every refusal starts with. */
    public String describe() {
        String what = keyId == null ? "the key store" : "key " + keyId;
        if ("credential".equals(policy)) {
            return "principal '" + principal + "' may not " + action + " on " + what
                    + ": only a request made with an administrator credential may";
        }
        if (ACTS_FOR_OTHERS.equals(policy)) {
            return "principal '" + principal + "' may not " + action + " on " + what
                    + ": only a store opened with a credential that acts for others may";
        }
        if (DELETED_ACCESS_KEY.equals(policy)) {
            return "principal '" + principal + "' may not " + action + " on " + what + ": its access key was deleted";
        }
        String why = statementId != null
                ? "statement '" + statementId + "' of the " + policy + " denies it"
                : keyId == null ? "the store policy does not allow it" : "neither the key policy nor a grant allows it";
        return "principal '" + principal + "' may not " + action + " on " + what + ": " + why;
    }
}
