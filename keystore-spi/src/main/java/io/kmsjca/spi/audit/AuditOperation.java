package io.kmsjca.spi.audit;

/** What a caller did, named after the AWS KMS API action it corresponds to. */
public enum AuditOperation {
    /** A master key whose material was generated inside the provider (KMS CreateKey). */
    CREATE_KEY,
    /** Caller-supplied material became a master key or a new version of one (KMS ImportKeyMaterial). */
    IMPORT_KEY_MATERIAL,
    /** A data key wrapped under a master key ({@code Cipher.wrap}). */
    WRAP_KEY,
    /** A wrapped data key recovered ({@code Cipher.unwrap}). */
    UNWRAP_KEY,
    /** A small payload encrypted under a master key (KMS Encrypt). */
    ENCRYPT,
    /** A small payload decrypted (KMS Decrypt). */
    DECRYPT,
    /** A data key generated and returned with its wrapped form (KMS GenerateDataKey). */
    GENERATE_DATA_KEY,
    /** A data key generated and returned only wrapped (KMS GenerateDataKeyWithoutPlaintext). */
    GENERATE_DATA_KEY_WITHOUT_PLAINTEXT,
    /** An alias removed from a key (KMS DeleteAlias). */
    DELETE_ALIAS,
    /** A key scheduled for deletion (KMS ScheduleKeyDeletion). */
    SCHEDULE_KEY_DELETION,
    /** A key store opened. */
    LOAD_KEY_STORE,
    /** A key store written out or its password changed. */
    STORE_KEY_STORE
}
