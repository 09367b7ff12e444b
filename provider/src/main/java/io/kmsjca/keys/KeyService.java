package io.kmsjca.keys;

import io.kmsjca.audit.AuditDelivery;
import io.kmsjca.audit.AuditLogVerifier;
import io.kmsjca.audit.AuditVerificationKey;
import io.kmsjca.spi.KeyRecordStore;
import io.kmsjca.spi.audit.AuditListener;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyStoreException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The management API of a key store, the one the JCA classes and the CLI call: create, describe
 * and list keys; aliases; enable, disable, schedule and cancel deletion; rotation (automatic,
 * on demand, by usage); re-encryption; retirement and revocation of versions. Every call is
 * audited, and every change is durable before the call returns.
 *
 * <p>Obtain one with {@link io.kmsjca.provider.KmsAdmin#open(java.nio.file.Path, char[])} (or the
 * other {@code KmsAdmin.open} methods). The provider gives out its own implementation only; how
 * it is built is in docs/architecture.md.
 *
 * <p>Methods that name a key take a key id or an alias ({@code orders} or {@code alias/orders}).
 * A request wrong in itself (a value out of range, an invalid or taken alias) fails with
 * {@link InvalidKeyRequestException}, audited FAILED; one the key's state or manager does not
 * allow with {@link KeyStateException}, audited DENIED; an unknown key with
 * {@link KeyNotFoundException}; a backend failure with a plain {@link KeyStoreException} and its cause.
 */
public interface KeyService extends AutoCloseable {

    /** KMS CreateKey with an alias (or null) and a description; material generated inside the provider. */
    KmsKeyHandle createKey(String alias, String description) throws KeyStoreException;

    /** KMS CreateKey: AES-256 material generated inside the provider and never seen by the caller. */
    KmsKeyHandle createKey(CreateKeyRequest request) throws KeyStoreException;

    /**
     * Imports 32 bytes of AES-256 material (KMS ImportKeyMaterial). Under a new alias (or none)
     * it becomes a new master key; under an existing alias it becomes that key's next version,
     * and the older versions stay, so nothing is ever overwritten. The caller wipes its copy.
     */
    KmsKeyHandle importKeyMaterial(String alias, byte[] material) throws KeyStoreException;

    /**
     * KMS CreateKey of an asymmetric key ({@link CreateKeyRequest#keySpec} RSA, ECC, ML-DSA or
     * Ed25519, with its usage): the key pair is generated inside the provider; the private key
     * never leaves it. Asymmetric keys do not rotate (as in AWS KMS): a rotation period is refused.
     *
     * @throws InvalidKeyRequestException the spec is symmetric, or the usage is not allowed for it
     */
    KmsPrivateKeyHandle createKeyPair(CreateKeyRequest request) throws KeyStoreException;

    /**
     * Makes {@code privateKey} (an RSA, EC, ML-DSA or Ed25519 private key the caller holds) a new
     * asymmetric master key of {@code usage} under {@code alias} (or none), with {@code chain}
     * (its certificate chain, or empty). Used by {@code KeyStore.setKeyEntry} (migrating a PKCS#12
     * store with {@code keytool -importkeystore}) and by the key pairs {@code KeyPairGenerator "KMS"}
     * makes. The caller destroys its copy.
     *
     * @throws InvalidKeyRequestException the key is of no supported spec, the usage is not allowed
     *                                    for it, or the chain's first certificate is not its public key
     */
    KmsPrivateKeyHandle importKeyPair(String alias, KeyUsage usage, java.security.PrivateKey privateKey,
                                      List<java.security.cert.X509Certificate> chain) throws KeyStoreException;

    /** A handle on an asymmetric key by alias or key id, if there is one (a symmetric key: empty). */
    Optional<KmsPrivateKeyHandle> findPrivateKey(String aliasOrKeyId);

    /** KMS GetPublicKey: the public half of an asymmetric key, as a standard X.509 public key. */
    java.security.PublicKey getPublicKey(String key) throws KeyStoreException;

    /**
     * KMS Sign: a signature (DER for ECDSA, as AWS KMS returns it) of {@code message} by the
     * private key of {@code key}, a SIGN_VERIFY key.
     *
     * @throws java.security.InvalidKeyException  the key is unknown, not SIGN_VERIFY, or not usable now
     * @throws java.security.SignatureException   the message is too long (RAW: at most
     *                                            {@link MessageType#MAX_RAW_BYTES}) or a DIGEST of the wrong length
     * @throws java.security.InvalidAlgorithmParameterException the algorithm is not one of the key's
     */
    byte[] sign(String key, byte[] message, MessageType messageType, SigningAlgorithm algorithm)
            throws GeneralSecurityException;

    /** KMS Verify: whether {@code signature} is a valid signature of {@code message} by {@code key}. */
    boolean verify(String key, byte[] message, MessageType messageType, byte[] signature, SigningAlgorithm algorithm)
            throws GeneralSecurityException;

    /** KMS Encrypt with an RSA ENCRYPT_DECRYPT key: RSA-OAEP under its public key. */
    byte[] encrypt(String key, byte[] plaintext, EncryptionAlgorithm algorithm) throws GeneralSecurityException;

    /**
     * KMS Decrypt with an RSA ENCRYPT_DECRYPT key: RSA-OAEP with its private key.
     *
     * @throws javax.crypto.BadPaddingException the ciphertext does not decrypt under this key and algorithm
     */
    byte[] decrypt(String key, byte[] ciphertext, EncryptionAlgorithm algorithm) throws GeneralSecurityException;

    /**
     * KMS DeriveSharedSecret: the raw ECDH shared secret between the private key of {@code key}
     * (an ECC KEY_AGREEMENT key) and {@code peerPublicKey} (X.509 SubjectPublicKeyInfo DER, same curve).
     * The caller wipes it.
     */
    byte[] deriveSharedSecret(String key, KeyAgreementAlgorithm algorithm, byte[] peerPublicKey)
            throws GeneralSecurityException;

    /**
     * KMS GenerateDataKeyPair ({@code withPlaintext}) and GenerateDataKeyPairWithoutPlaintext: a
     * fresh key pair of {@code pairSpec} generated by the provider, its private key sealed under the
     * symmetric key {@code key} and {@code context}.
     */
    DataKeyPair generateDataKeyPair(String key, KeySpec pairSpec, Map<String, String> context, boolean withPlaintext)
            throws GeneralSecurityException;

    /** The certificate chain stored with an asymmetric key (leaf first), empty if none. */
    List<java.security.cert.X509Certificate> certificateChain(String key) throws KeyStoreException;

    /**
     * Replaces the certificate chain of an asymmetric key (a CA reply, {@code keytool -importcert});
     * the first certificate must carry the key's public key. Audited; an empty list removes the chain.
     */
    void setCertificateChain(String key, List<java.security.cert.X509Certificate> chain) throws KeyStoreException;

    /**
     * KMS GenerateMac: the HMAC of {@code message} (at most 4096 bytes) under {@code key}, an HMAC
     * key of usage GENERATE_VERIFY_MAC whose algorithm is {@code algorithm}.
     */
    byte[] generateMac(String key, byte[] message, MacAlgorithm algorithm) throws GeneralSecurityException;

    /** KMS VerifyMac: whether {@code mac} is the HMAC of {@code message} (compared in constant time). */
    boolean verifyMac(String key, byte[] message, byte[] mac, MacAlgorithm algorithm) throws GeneralSecurityException;

    /** KMS GenerateRandom: {@code numberOfBytes} (1 to 1024) bytes from the provider's generator. */
    byte[] generateRandom(int numberOfBytes) throws GeneralSecurityException;

    /**
     * KMS GetParametersForImport for a key of origin EXTERNAL ({@link CreateKeyRequest#origin}):
     * a fresh RSA wrapping key of {@code wrappingKeySpec} (RSA_2048, RSA_3072, RSA_4096) and an
     * import token bound to the key, the wrapping key and {@code algorithm}, valid 24 hours.
     */
    ImportParameters getParametersForImport(String key, WrappingAlgorithm algorithm, KeySpec wrappingKeySpec)
            throws GeneralSecurityException;

    /**
     * KMS ImportKeyMaterial: unwraps {@code encryptedKeyMaterial} with the wrapping key the token
     * names and makes it the key's material; the key becomes Enabled. Material for a key that had
     * material before must be the same material (as AWS).
     *
     * @param validTo when the material expires ({@link ExpirationModel#KEY_MATERIAL_EXPIRES}), else null
     */
    void importKeyMaterial(String key, byte[] importToken, byte[] encryptedKeyMaterial, ExpirationModel expirationModel,
                           Instant validTo) throws GeneralSecurityException;

    /** KMS DeleteImportedKeyMaterial: the key's material is wiped and it returns to PendingImport. */
    void deleteImportedKeyMaterial(String key) throws KeyStoreException;

    /**
     * The provider-managed key of a named service (alias {@code kms/managed/NAME}), created on
     * first use and rotated every year by the provider. Its users cannot disable or delete it,
     * nor change its rotation.
     */
    KmsKeyHandle managedKey(String serviceName) throws KeyStoreException;

    /**
     * A verifier for this store's audit log (the key and the log's checkpoint come from the
     * store); it checks the log's signature records too.
     */
    AuditLogVerifier auditLogVerifier();

    /**
     * The public key that verifies the signatures this store writes into its audit log: not a
     * secret, to be handed to auditors, who verify the log with it alone
     * ({@link io.kmsjca.audit.PublicKeyAuditLogVerifier}). The same for every process sharing the store.
     */
    AuditVerificationKey auditLogVerificationKey();

    /**
     * Retires the store's watch over the audit log at {@code log} on {@code host} (as its writers
     * name them): after a log was archived and removed on purpose, so the next log written there is
     * not reported as a log deleted or replaced (docs/audit.md). Audited as UNTAG_KEY of the audit key.
     *
     * @return whether the store watched a log there
     */
    boolean retireAuditLog(Path log, String host) throws IOException;

    /** {@link #retireAuditLog(Path, String)} for a log written on this host. */
    boolean retireAuditLog(Path log) throws IOException;

    /**
     * A handle on the key an alias (or {@code alias/NAME}) or a key id names, if there is one. For
     * an asymmetric key KMSWrap, envelopes and data keys refuse the handle ({@code InvalidKeyException}
     * naming its spec and usage): use {@link #findPrivateKey}.
     */
    Optional<KmsKeyHandle> findKey(String aliasOrKeyId);

    /** KMS DescribeKey: everything about a key but its material. */
    KeyMetadata describeKey(String key) throws KeyStoreException;

    /**
     * Every key that is not destroyed, ordered by id.
     *
     * @throws KeyAccessDeniedException the store policy does not allow {@code kms:ListKeys}
     */
    List<KeyMetadata> listKeys() throws KeyStoreException;

    /**
     * KMS ListKeys with paging: up to {@code limit} (1..1000) keys after {@code marker} (null
     * for the first page), ordered by id.
     */
    KeyPage listKeys(int limit, String marker) throws KeyStoreException;

    /**
     * Whether {@code alias} (in any spelling: case-insensitive, with or without {@code alias/}) names a key. Unlike
     * {@link #findKey}, never true for a key id: this is {@code KeyStore.containsAlias}.
     */
    boolean hasAlias(String alias);

    /**
     * Every alias, sorted.
     *
     * @deprecated the names of {@link #listAliases()}, which also says which key each names:
     *             {@code listAliases().stream().map(KeyAlias::alias).toList()}
     */
    @Deprecated
    List<String> aliases();

    /**
     * KMS ListAliases: every alias with its key, sorted by alias.
     *
     * @throws KeyAccessDeniedException the store policy does not allow {@code kms:ListAliases}
     */
    List<KeyAlias> listAliases() throws KeyStoreException;

    /** KMS ListKeyRotations: the versions after the first, each with its date and reason. */
    List<KeyRotation> listKeyRotations(String key) throws KeyStoreException;

    /** KMS CreateAlias: a further alias for a key. */
    void createAlias(String alias, String key) throws KeyStoreException;

    /** KMS UpdateAlias: points an existing alias at another key. */
    void updateAlias(String alias, String targetKey) throws KeyStoreException;

    /**
     * KMS DeleteAlias. A customer key whose last alias goes is scheduled for deletion after the
     * configured waiting period, so {@code KeyStore.deleteEntry} never destroys material at once;
     * until then the key can still be found by id and recovered with {@link #cancelKeyDeletion}.
     *
     * @return whether the alias existed
     */
    boolean deleteAlias(String alias) throws KeyStoreException;

    /** KMS EnableKey. */
    void enableKey(String key) throws KeyStoreException;

    /** KMS DisableKey: no cryptographic use until enabled again; describe still works. */
    void disableKey(String key) throws KeyStoreException;

    /** KMS ScheduleKeyDeletion with the configured waiting period. */
    Instant scheduleKeyDeletion(String key) throws KeyStoreException;

    /**
     * KMS ScheduleKeyDeletion: the key becomes PendingDeletion (no cryptographic use) and its
     * material is destroyed after {@code pendingWindowDays} (7..30).
     *
     * @return the deletion date
     */
    Instant scheduleKeyDeletion(String key, int pendingWindowDays) throws KeyStoreException;

    /** KMS CancelKeyDeletion: the key comes back Disabled, as in KMS; enable it to use it. */
    void cancelKeyDeletion(String key) throws KeyStoreException;

    /** KMS EnableKeyRotation: rotate automatically every {@code periodDays} (90..2560). */
    void enableKeyRotation(String key, int periodDays) throws KeyStoreException;

    /** KMS DisableKeyRotation. */
    void disableKeyRotation(String key) throws KeyStoreException;

    /**
     * KMS RotateKeyOnDemand: a new current version generated inside the provider. New wraps use
     * it; blobs of the older versions keep unwrapping.
     *
     * @return the new version's number
     */
    int rotateKeyOnDemand(String key) throws KeyStoreException;

    /**
     * Vault's {@code min_decryption_version}: blobs of versions below {@code version} no longer
     * decrypt. Re-wrap them first ({@link #reEncrypt}); the material stays, so lowering the
     * minimum again restores them.
     */
    void setMinDecryptionVersion(String key, int version) throws KeyStoreException;

    /**
     * Revokes a compromised version: its material is wiped once the revocation is durable, and its blobs fail with a
     * message saying so. Revoking the current version rotates the key first. Cannot be undone.
     */
    void revokeKeyVersion(String key, int version) throws KeyStoreException;

    /** KMS TagResource: adds or replaces tags (at most 50; keys 1..128 characters, values up to 256). */
    void tagKey(String key, Map<String, String> tags) throws KeyStoreException;

    /** KMS UntagResource. */
    void untagKey(String key, Collection<String> tagKeys) throws KeyStoreException;

    // ---------------------------------------------------------------- who may do what (docs/authorization.md)

    /**
     * KMS GetKeyPolicy: the key's policy as it was put, or AWS's default key policy (which lets
     * the store policy decide) if none was.
     */
    String getKeyPolicy(String key) throws KeyStoreException;

    /**
     * KMS PutKeyPolicy. The document is parsed and validated: an element, operator, condition key
     * or action this provider does not support is refused, named, never ignored.
     *
     * @param bypassPolicyLockoutSafetyCheck put it even if it will not let the caller put a
     *                                       policy again (AWS's lockout safety check)
     * @throws InvalidKeyRequestException the document is malformed, or would lock the caller out
     */
    void putKeyPolicy(String key, String policy, boolean bypassPolicyLockoutSafetyCheck) throws KeyStoreException;

    /** KMS ListKeyPolicies: a key has one policy, named {@code default}. */
    List<String> listKeyPolicies(String key) throws KeyStoreException;

    /**
     * The store policy, which decides operations on the store itself (CreateKey, ListKeys,
     * ListAliases, ...) and whatever a key policy delegates to the store's account; empty when
     * the store has none, and then everything is allowed that key policies delegate.
     */
    Optional<String> getStorePolicy() throws KeyStoreException;

    /** Puts the store policy, with the same validation and lockout check as {@link #putKeyPolicy}. */
    void putStorePolicy(String policy, boolean bypassPolicyLockoutSafetyCheck) throws KeyStoreException;

    /**
     * KMS CreateGrant: takes effect at once. With a name, a request equal to an existing grant's
     * returns that grant.
     */
    KeyGrant createGrant(String key, GrantRequest request) throws KeyStoreException;

    /** KMS ListGrants. */
    List<KeyGrant> listGrants(String key) throws KeyStoreException;

    /** KMS ListRetirableGrants: the grants, on any key, that name {@code retiringPrincipal}. */
    List<KeyGrant> listRetirableGrants(String retiringPrincipal) throws KeyStoreException;

    /** KMS RetireGrant: by its retiring principal, its grantee if it allows RetireGrant, or whom the policy allows. */
    void retireGrant(String key, String grantId) throws KeyStoreException;

    /** KMS RevokeGrant. */
    void revokeGrant(String key, String grantId) throws KeyStoreException;

    /**
     * KMS ReEncrypt (Vault rewrap): the data key inside {@code blob} is wrapped again under the
     * current version of {@code destinationKey} (null: the blob's own key, to move it to the
     * newest version), without ever reaching the caller.
     *
     * @throws InvalidKeyException a key is unknown or unusable, or the blob names a version that
     *                             may not decrypt
     * @throws GeneralSecurityException the blob or the source context does not authenticate
     *                                  ({@code AEADBadTagException}) or is malformed
     */
    byte[] reEncrypt(byte[] blob, Map<String, String> sourceContext, String destinationKey, Map<String, String> destinationContext) throws GeneralSecurityException;

    /** The batch form of {@link #reEncrypt(byte[], Map, String, Map)}: each blob succeeds or fails on its own. */
    List<ReEncryptResult> reEncrypt(List<byte[]> blobs, Map<String, String> sourceContext, String destinationKey, Map<String, String> destinationContext);

    /**
     * Does now what the background maintenance does on its schedule: rotates keys whose
     * rotation period has passed or whose current version reached the usage threshold,
     * destroys the material of keys whose deletion waiting period ended, and persists usage
     * counts. Tests call this after moving the injected clock.
     */
    MaintenanceReport runMaintenance();

    /** The audit listeners of this store (add and remove them here), its delivery counters and flush; records nothing. */
    AuditDelivery audit();

    /** Adds an audit listener; shorthand for {@code audit().addListener}. */
    void addAuditListener(AuditListener listener);

    /**
     * Adds a credential to the store (a password, or a key file generated now and returned once),
     * naming {@code request.principal()}: a store opened with it makes every request as that
     * principal. Only a request made with an administrator credential itself may; audited
     * CREATE_CREDENTIAL. Every credential unwraps the same root key: the separation between
     * principals is a check inside the provider, not yet in the bytes (docs/authorization.md).
     *
     * @throws InvalidKeyRequestException the principal already has a credential, its name is
     *                                    invalid, the store has 32 credentials, or it is not a live store
     * @throws KeyAccessDeniedException   the store was not opened with an administrator credential
     */
    CreatedCredential createCredential(CredentialRequest request) throws KeyStoreException;

    /** The store's credentials, never their secrets; for administrator credentials only. */
    List<CredentialInfo> listCredentials() throws KeyStoreException;

    /**
     * Removes {@code principal}'s credential: it no longer opens the store (services already open
     * with it keep working until closed). Refused for the last administrator credential and for
     * the credential this store was opened with; audited DELETE_CREDENTIAL.
     *
     * @throws InvalidKeyRequestException no such credential, or one of the refusals above
     * @throws KeyAccessDeniedException   the store was not opened with an administrator credential
     */
    void deleteCredential(String principal) throws KeyStoreException;

    /** The credential this store was opened with (a version-1 store's password is the administrator {@code admin}). */
    CredentialInfo credential();

    /**
     * Makes an access key for {@code principal}: an id and a secret that sign requests to a
     * kms-jca server (AWS Signature Version 4), its requests made as {@code principal} and decided
     * as an administrator's when {@code administrator}. The secret is sealed in the store and
     * returned this once. Only a request made with an administrator credential may; audited
     * CREATE_ACCESS_KEY.
     *
     * @throws InvalidKeyRequestException the principal's name is invalid, or the store has the most access keys it keeps
     * @throws KeyAccessDeniedException   the store was not opened with an administrator credential
     */
    CreatedAccessKey createAccessKey(String principal, boolean administrator) throws KeyStoreException;

    /** The store's access keys, never their secrets; for administrator credentials only. */
    List<AccessKeyInfo> listAccessKeys() throws KeyStoreException;

    /**
     * Removes an access key: requests signed with it are refused from the next one each server
     * checks (at once in this JVM; after {@link #refresh()} in another). Audited DELETE_ACCESS_KEY.
     *
     * @throws InvalidKeyRequestException no such access key
     * @throws KeyAccessDeniedException   the store was not opened with an administrator credential
     */
    void deleteAccessKey(String accessKeyId) throws KeyStoreException;

    /**
     * The access key {@code accessKeyId}, to authenticate a signed request and make it as its
     * principal; empty if the store has no such key. For a store opened with a credential that
     * acts for others (a server's), since it lets the caller make requests as another principal.
     *
     * @throws KeyAccessDeniedException the store was not opened with a credential that acts for others
     */
    java.util.Optional<AccessKeySigner> accessKey(String accessKeyId) throws KeyStoreException;

    /**
     * Whether {@code password} opens the credential this store was opened with (true for a store
     * never written with a password; false when that credential is a key file or was deleted).
     * Another principal's password is false. Costs one password derivation.
     */
    boolean verifyPassword(char[] password) throws IOException;

    /**
     * Stops maintenance, persists usage counts, delivers and closes the audit trail, closes the
     * backend, and wipes the root key and every version's material: a closed service keeps no
     * secret in memory, and its handles fail with {@link InvalidKeyException}.
     */
    void close() throws IOException;

    /**
     * Picks up changes other processes made to a shared store (a file opened by several JVMs):
     * maintenance does this on its schedule.
     *
     * @return how many keys changed
     */
    int refresh() throws IOException;
}
