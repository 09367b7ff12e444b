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
    /** An envelope message encrypted with a cached data key instead of a new one (data-key caching). */
    REUSE_CACHED_DATA_KEY,
    /** A blob moved to another key or version without revealing its data key (KMS ReEncrypt). */
    RE_ENCRYPT,
    /** An alias added to a key (KMS CreateAlias). */
    CREATE_ALIAS,
    /** An alias moved to another key (KMS UpdateAlias). */
    UPDATE_ALIAS,
    /** An alias removed from a key (KMS DeleteAlias). */
    DELETE_ALIAS,
    /** A key enabled (KMS EnableKey). */
    ENABLE_KEY,
    /** A key disabled (KMS DisableKey). */
    DISABLE_KEY,
    /** A key scheduled for deletion (KMS ScheduleKeyDeletion). */
    SCHEDULE_KEY_DELETION,
    /** A scheduled deletion cancelled (KMS CancelKeyDeletion). */
    CANCEL_KEY_DELETION,
    /** A key's material destroyed at the end of its deletion waiting period. */
    DESTROY_KEY_MATERIAL,
    /** Automatic rotation turned on or its period changed (KMS EnableKeyRotation). */
    ENABLE_KEY_ROTATION,
    /** Automatic rotation turned off (KMS DisableKeyRotation). */
    DISABLE_KEY_ROTATION,
    /** A new key version, on demand, on schedule or by usage (KMS RotateKeyOnDemand). */
    ROTATE_KEY,
    /** Versions below a minimum retired from decryption (Vault min_decryption_version). */
    SET_MIN_DECRYPTION_VERSION,
    /** One compromised key version revoked and its material wiped. */
    REVOKE_KEY_VERSION,
    /** Tags added or changed (KMS TagResource). */
    TAG_KEY,
    /** Tags removed (KMS UntagResource). */
    UNTAG_KEY,
    /** A key store opened, or an attempt that failed (a wrong password). */
    LOAD_KEY_STORE,
    /** A key store written out or its password changed. */
    STORE_KEY_STORE,
    /** Asynchronous delivery dropped events because its queue was full; the message gives the count. */
    AUDIT_EVENTS_DROPPED,
    /** A listener failed under the fail-open policy; the message gives the listener and the count. */
    AUDIT_DELIVERY_FAILED,
    /**
     * The audit log no longer holds the record the store's checkpoint names: records were cut
     * from its end. Recorded once per checkpoint by the writer that finds it; the message says where.
     */
    AUDIT_LOG_CUT,
    /** A key policy put (AWS KMS PutKeyPolicy). */
    PUT_KEY_POLICY,
    /** The store policy put: who may create keys, list them, and manage credentials. */
    PUT_STORE_POLICY,
    /** A grant created on a key (CreateGrant); the message-free event names the key. */
    CREATE_GRANT,
    /** A grant retired by its grantee or retiring principal (RetireGrant). */
    RETIRE_GRANT,
    /** A grant revoked (RevokeGrant). */
    REVOKE_GRANT,
    /** A key described; reads are audited when refused. */
    DESCRIBE_KEY,
    /** A key policy read (GetKeyPolicy, ListKeyPolicies); audited when refused. */
    GET_KEY_POLICY,
    /** A key's grants listed (ListGrants); audited when refused. */
    LIST_GRANTS,
    /** The store policy read; audited when refused. */
    GET_STORE_POLICY,
    /** A credential added to the store: a password or a key file naming a principal. */
    CREATE_CREDENTIAL,
    /** A credential removed from the store: it no longer opens it. */
    DELETE_CREDENTIAL,
    /** An access key made for a principal (a kms-jca server's credentials, AWS Signature Version 4); never its secret. */
    CREATE_ACCESS_KEY,
    /** An access key removed: requests signed with it are refused. */
    DELETE_ACCESS_KEY,
    /** A message or digest signed by an asymmetric key (KMS Sign). */
    SIGN,
    /** A signature checked with an asymmetric key (KMS Verify). */
    VERIFY,
    /** A public key read (KMS GetPublicKey); audited when refused. */
    GET_PUBLIC_KEY,
    /** A shared secret derived with an ECC key-agreement key (KMS DeriveSharedSecret). */
    DERIVE_SHARED_SECRET,
    /** A data key pair generated, its private key returned in plain and wrapped (KMS GenerateDataKeyPair). */
    GENERATE_DATA_KEY_PAIR,
    /** A data key pair generated, its private key returned only wrapped (KMS GenerateDataKeyPairWithoutPlaintext). */
    GENERATE_DATA_KEY_PAIR_WITHOUT_PLAINTEXT,
    /** The certificate chain stored with an asymmetric key replaced ({@code keytool -importcert}, {@code KeyStore.setKeyEntry}). */
    SET_CERTIFICATE_CHAIN,
    /** A MAC computed with an HMAC key (KMS GenerateMac). */
    GENERATE_MAC,
    /** A MAC checked with an HMAC key (KMS VerifyMac). */
    VERIFY_MAC,
    /** Random bytes drawn from the provider's generator (KMS GenerateRandom). */
    GENERATE_RANDOM,
    /** A wrapping key and import token issued for a key of origin EXTERNAL (KMS GetParametersForImport). */
    GET_PARAMETERS_FOR_IMPORT,
    /** Imported material deleted on request; the key is PendingImport again (KMS DeleteImportedKeyMaterial). */
    DELETE_IMPORTED_KEY_MATERIAL,
    /** Imported material deleted by the provider at its ValidTo date; the key is PendingImport again. */
    EXPIRE_KEY_MATERIAL,
    /** Import parameters (a wrapping key and its token) dropped by the provider, unused, 24 hours after GetParametersForImport. */
    EXPIRE_IMPORT_PARAMETERS,
    /**
     * A key's material sealed anew to the principals its policies and grants let use it now
     * (docs/authorization.md, "Sealing per principal"): after a credential was created or
     * deleted, the store policy changed, or on request ({@code kms reseal-keys}).
     */
    RESEAL_KEY
}
