package io.kmsjca.keys;

/** The operations a grant may allow, by AWS KMS's names (CreateGrant's {@code Operations}). */
public enum GrantOperation {
    Decrypt, Encrypt, GenerateDataKey, GenerateDataKeyWithoutPlaintext, ReEncryptFrom, ReEncryptTo,
    CreateGrant, RetireGrant, DescribeKey, GenerateDataKeyPair, GenerateDataKeyPairWithoutPlaintext,
    Sign, Verify, GetPublicKey, GenerateMac, VerifyMac, DeriveSharedSecret;

    /** The policy action this operation corresponds to: {@code kms:} and its name. */
    public String action() {
        return "kms:" + name();
    }

    /** The operation an action names, or null when no grant can allow it (management actions). */
    public static GrantOperation ofAction(String action) {
        if (!action.startsWith("kms:")) {
            return null;
        }
        String name = action.substring(4);
        for (GrantOperation op : values()) {
            if (op.name().equals(name)) {
                return op;
            }
        }
        return null;
    }
}
