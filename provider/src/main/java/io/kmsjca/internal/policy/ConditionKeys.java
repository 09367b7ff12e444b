package io.kmsjca.internal.policy;

import java.util.List;

/**
 * The names under which the key service passes condition-key values in
 * {@link AccessRequest#otherKeys()}: AWS's spelling, exactly (the policy may write them in any
 * case). A key the request does not carry is absent, which makes most conditions on it false
 * (docs/authorization.md, "Conditions"). Boolean keys take {@code "true"} or {@code "false"}.
 */
public final class ConditionKeys {

    /** Multi-valued: the operations a CreateGrant request would allow ({@code "Decrypt"}, ...). */
    public static final String GRANT_OPERATIONS = "kms:GrantOperations";
    public static final String GRANTEE_PRINCIPAL = "kms:GranteePrincipal";
    public static final String RETIRING_PRINCIPAL = "kms:RetiringPrincipal";
    /** {@code EncryptionContextEquals} or {@code EncryptionContextSubset}. */
    public static final String GRANT_CONSTRAINT_TYPE = "kms:GrantConstraintType";
    public static final String KEY_SPEC = "kms:KeySpec";
    public static final String KEY_USAGE = "kms:KeyUsage";
    public static final String KEY_ORIGIN = "kms:KeyOrigin";
    public static final String ENCRYPTION_ALGORITHM = "kms:EncryptionAlgorithm";
    /** Sign and Verify: the signing algorithm ({@code ECDSA_SHA_256}, ...) and the message type ({@code RAW}, ...). */
    public static final String SIGNING_ALGORITHM = "kms:SigningAlgorithm";
    public static final String MESSAGE_TYPE = "kms:MessageType";
    /** GenerateMac and VerifyMac: the MAC algorithm ({@code HMAC_SHA_256}, ...). */
    public static final String MAC_ALGORITHM = "kms:MacAlgorithm";
    /** DeriveSharedSecret: {@code ECDH}. */
    public static final String KEY_AGREEMENT_ALGORITHM = "kms:KeyAgreementAlgorithm";
    /** Boolean: CreateKey and PutKeyPolicy. */
    public static final String BYPASS_POLICY_LOCKOUT_SAFETY_CHECK = "kms:BypassPolicyLockoutSafetyCheck";
    /** Boolean: always {@code "false"} here (no AWS service creates grants). */
    public static final String GRANT_IS_FOR_AWS_RESOURCE = "kms:GrantIsForAWSResource";

    /** Multi-valued string keys from {@link AccessRequest#otherKeys()}. */
    static final List<String> MULTI_VALUED_STRINGS = List.of(GRANT_OPERATIONS);
    /** Single-valued string keys from {@link AccessRequest#otherKeys()}. */
    static final List<String> STRINGS = List.of(GRANTEE_PRINCIPAL, RETIRING_PRINCIPAL, GRANT_CONSTRAINT_TYPE,
            KEY_SPEC, KEY_USAGE, KEY_ORIGIN, ENCRYPTION_ALGORITHM, SIGNING_ALGORITHM, MESSAGE_TYPE, KEY_AGREEMENT_ALGORITHM,
            MAC_ALGORITHM);
    /** Boolean keys from {@link AccessRequest#otherKeys()}. */
    static final List<String> BOOLEANS = List.of(BYPASS_POLICY_LOCKOUT_SAFETY_CHECK, GRANT_IS_FOR_AWS_RESOURCE);

    private ConditionKeys() {
    }
}
