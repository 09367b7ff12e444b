package io.kmsjca.internal.policy;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The names of AWS KMS's actions ({@code kms:Decrypt}, ...), as AWS's service authorization
 * reference lists them, including the permission-only ones ({@code kms:ReEncryptFrom},
 * {@code kms:ReEncryptTo}, {@code kms:SynchronizeMultiRegionKey}). Action names match
 * case-insensitively, as in AWS. Each action has an index below 64, so a set of actions is a
 * {@code long} bit mask.
 */
public final class KmsActions {

    /**
     * The actions of operations kms-jca has and AWS KMS lacks (docs/authorization.md, "The action
     * of each operation"): a policy may name them like AWS's own.
     */
    public static final List<String> EXTENSIONS = List.of("kms:SetMinDecryptionVersion", "kms:RevokeKeyVersion",
            "kms:PutStorePolicy", "kms:GetStorePolicy", "kms:CreateCredential", "kms:DeleteCredential",
            "kms:ListCredentials", "kms:CreateAccessKey", "kms:DeleteAccessKey");

    /** Every action AWS KMS defines, in AWS's spelling, with its {@code kms:} prefix. */
    public static final List<String> AWS = List.of(
            "kms:CancelKeyDeletion", "kms:ConnectCustomKeyStore", "kms:CreateAlias",
            "kms:CreateCustomKeyStore", "kms:CreateGrant", "kms:CreateKey", "kms:Decrypt",
            "kms:DeleteAlias", "kms:DeleteCustomKeyStore", "kms:DeleteImportedKeyMaterial",
            "kms:DeriveSharedSecret", "kms:DescribeCustomKeyStores", "kms:DescribeKey",
            "kms:DisableKey", "kms:DisableKeyRotation", "kms:DisconnectCustomKeyStore",
            "kms:EnableKey", "kms:EnableKeyRotation", "kms:Encrypt", "kms:GenerateDataKey",
            "kms:GenerateDataKeyPair", "kms:GenerateDataKeyPairWithoutPlaintext",
            "kms:GenerateDataKeyWithoutPlaintext", "kms:GenerateMac", "kms:GenerateRandom",
            "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:GetParametersForImport",
            "kms:GetPublicKey", "kms:ImportKeyMaterial", "kms:ListAliases", "kms:ListGrants",
            "kms:ListKeyPolicies", "kms:ListKeyRotations", "kms:ListKeys", "kms:ListResourceTags",
            "kms:ListRetirableGrants", "kms:PutKeyPolicy", "kms:ReEncryptFrom", "kms:ReEncryptTo",
            "kms:ReplicateKey", "kms:RetireGrant", "kms:RevokeGrant", "kms:RotateKeyOnDemand",
            "kms:ScheduleKeyDeletion", "kms:Sign", "kms:SynchronizeMultiRegionKey",
            "kms:TagResource", "kms:UntagResource", "kms:UpdateAlias", "kms:UpdateCustomKeyStore",
            "kms:UpdateKeyDescription", "kms:UpdatePrimaryRegion", "kms:Verify", "kms:VerifyMac");

    /** Every action a policy may name: AWS's, then the {@link #EXTENSIONS}. */
    public static final List<String> ALL = Stream.concat(AWS.stream(), EXTENSIONS.stream()).toList();

    /** The bit mask of every action. */
    static final long ALL_MASK;

    private static final Map<String, Integer> EXACT = new HashMap<>();
    private static final Map<String, Integer> LOWER = new HashMap<>();
    private static final String[] LOWER_NAMES = new String[ALL.size()];

    static {
        if (ALL.size() > 64) {
            throw new ExceptionInInitializerError("more than 64 KMS actions: widen the action mask");
        }
        for (int i = 0; i < ALL.size(); i++) {
            String name = ALL.get(i);
            EXACT.put(name, i);
            LOWER_NAMES[i] = name.toLowerCase(Locale.ROOT);
            LOWER.put(LOWER_NAMES[i], i);
        }
        ALL_MASK = ALL.size() == 64 ? -1L : (1L << ALL.size()) - 1;
    }

    private KmsActions() {
    }

    /** AWS's spelling of {@code action} (matched case-insensitively), or null if it is not a KMS action. */
    public static String canonical(String action) {
        int i = index(action);
        return i < 0 ? null : ALL.get(i);
    }

    /** The action's index (its bit in a mask), or -1 if {@code action} is not a KMS action. */
    static int index(String action) {
        Integer i = EXACT.get(action); // the usual case: no allocation
        if (i == null) {
            i = LOWER.get(action.toLowerCase(Locale.ROOT));
        }
        return i == null ? -1 : i;
    }

    /** The mask of the actions that {@code lowerPattern} (lower case, {@code *} and {@code ?}) matches. */
    static long mask(String lowerPattern) {
        long m = 0;
        for (int i = 0; i < LOWER_NAMES.length; i++) {
            if (Wildcard.matches(lowerPattern, LOWER_NAMES[i], false)) {
                m |= 1L << i;
            }
        }
        return m;
    }
}
