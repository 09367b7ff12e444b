package io.kmsjca.internal.remote;

import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.DataKeyPair;
import io.kmsjca.keys.EncryptionAlgorithm;
import io.kmsjca.keys.KeyAgreementAlgorithm;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;
import io.kmsjca.keys.GrantRequest;
import io.kmsjca.keys.KeyAlias;
import io.kmsjca.keys.KeyGrant;
import io.kmsjca.keys.KeyMetadata;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeyPage;
import io.kmsjca.keys.KeyRotation;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsKeyHandle;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStoreException;
import java.security.ProviderException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.kmsjca.internal.remote.KeyReferences.aliasName;
import static io.kmsjca.internal.remote.KeyReferences.aliasOf;
import static io.kmsjca.internal.remote.KeyReferences.bareAlias;
import static io.kmsjca.internal.remote.KeyReferences.isKeyId;
import static io.kmsjca.internal.remote.KeyReferences.keyRef;

/**
 * A kms-jca server's key store as a {@link KeyService}: the management calls the AWS KMS API has
 * (DescribeKey, ListKeys, ListAliases, CreateKey, aliases, EnableKey/DisableKey, deletion, rotation,
 * tags, key policies, grants ({@link RemoteGrants}), ReEncrypt; and for asymmetric keys, through {@link RemoteAsymmetricKeys},
 * CreateKey of a key pair, GetPublicKey, Sign, Verify, RSA Encrypt/Decrypt, DeriveSharedSecret and
 * GenerateDataKeyPair), each one signed request made as the configured access key's
 * principal, decided and audited by the server. What the API has no operation for is refused in
 * {@link RemoteRefusals}; certificate chains too (the API keeps none: an empty chain, and
 * a refusal to set one). Its handles ({@link RemoteKeyHandle}) key KMSWrap, KMSDataKey and
 * KMSEnvelope, and its private-key handles ({@link RemotePrivateKeyHandle}) Signature, RSA-OAEP and
 * ECDH; no master or private key material ever enters this JVM.
 *
 * <p>A method that declares no checked exception (findKey, hasAlias, aliases) throws a
 * {@link ProviderException} naming the server when it gets no answer.
 */
public final class RemoteKeyService extends RemoteRefusals {

    private final RemoteSettings settings;
    private final KmsHttpClient client;
    private final RemoteKeyOperations operations;
    private final RemoteAsymmetricKeys asymmetric;
    private final RemoteMacs macs;
    private final RemoteGrants grants;

    private RemoteKeyService(RemoteSettings settings) {
        super(settings.url(), settings.accessKeyId());
        this.settings = settings;
        this.client = new KmsHttpClient(settings);
        this.operations = new RemoteKeyOperations(client);
        this.asymmetric = new RemoteAsymmetricKeys(client);
        this.macs = new RemoteMacs(client);
        this.grants = new RemoteGrants(client);
    }

    /** A client of the server {@code settings} name; it owns the settings and wipes their secret on close. Sends nothing yet. */
    public static RemoteKeyService open(RemoteSettings settings) {
        return new RemoteKeyService(settings);
    }

    /** The server's URL. */
    public String url() {
        return settings.url();
    }

    /**
     * One request (ListAliases, a page of one) to learn that the server answers and accepts the
     * access key; a refusal by policy still proves both.
     *
     * @throws IOException naming the URL when the server cannot be reached, with an
     *                     {@link java.security.UnrecoverableKeyException} cause when it refuses the access key
     */
    public void checkConnection() throws IOException {
        try {
            client.call("ListAliases", new JsonBody().number("Limit", 1).toBytes());
        } catch (RemoteFailure f) {
            if (f.type() == null || RemoteErrors.CREDENTIAL.contains(f.type()) || f.status() >= 500) {
                throw RemoteErrors.loading(f);
            }
        }
    }

    // ---------------------------------------------------------------- keys

    @Override
    public KmsKeyHandle createKey(String alias, String description) throws KeyStoreException {
        return createKey((alias == null ? CreateKeyRequest.withoutAlias() : CreateKeyRequest.withAlias(alias))
                .description(description));
    }

    /**
     * KMS CreateKey, then CreateAlias and EnableKeyRotation as the request asks: three requests,
     * not one transaction. An alias that already names a key is refused before the key is made
     * ({@link #refuseTakenAlias}); should a later request still fail, the key exists without
     * that alias or rotation, and the exception names it ({@link #forTheNewKey}).
     */
    @Override
    public KmsKeyHandle createKey(CreateKeyRequest request) throws KeyStoreException {
        if (request.keySpec().isAsymmetric() && request.origin() != KeyOrigin.IMPORTED) {
            throw new io.kmsjca.keys.InvalidKeyRequestException("createKey makes symmetric keys; a " + request.keySpec()
                    + " key is made by createKeyPair");
        }
        if (!request.keySpec().allowedUsages().contains(request.keyUsage())) {
            throw new io.kmsjca.keys.InvalidKeyRequestException("key usage " + request.keyUsage() + " is not allowed for "
                    + request.keySpec() + ": one of " + request.keySpec().allowedUsages());
        }
        if (request.keySpec() != KeySpec.SYMMETRIC_DEFAULT && request.rotationPeriodDays() > 0) {
            throw new io.kmsjca.keys.InvalidKeyRequestException("a " + request.keySpec()
                    + " key cannot have a rotation period: HMAC keys do not rotate, as in AWS KMS");
        }
        refuseTakenAlias(request.alias());
        UUID id = metadataId(call("CreateKey", JsonBody.createKey(request), "kms:CreateKey", null));
        if (request.alias() != null) {
            forTheNewKey(id, "CreateAlias " + aliasName(request.alias()), () -> {
                createAlias(request.alias(), id.toString());
                return null;
            });
        }
        if (request.rotationPeriodDays() > 0) {
            forTheNewKey(id, "EnableKeyRotation", () -> {
                enableKeyRotation(id.toString(), request.rotationPeriodDays());
                return null;
            });
        }
        return new RemoteKeyHandle(operations, id, request.alias() == null ? null : bareAlias(request.alias()),
                request.keySpec());
    }

    @Override
    public Optional<KmsKeyHandle> findKey(String aliasOrKeyId) {
        if (aliasOrKeyId == null || aliasOrKeyId.isBlank()) {
            return Optional.empty();
        }
        try {
            Fields m = client.fields("DescribeKey", new JsonBody().string("KeyId", keyRef(aliasOrKeyId))).object("KeyMetadata");
            UUID id = RemoteAnswers.answeredFor(url(), aliasOrKeyId, m.keyId("KeyId"), "DescribeKey");
            return Optional.of(new RemoteKeyHandle(operations, id, aliasOf(aliasOrKeyId),
                    RemoteRecords.keySpec(url(), "DescribeKey", m)));
        } catch (RemoteFailure f) {
            if (f.is("NotFoundException")) {
                return Optional.empty();
            }
            if (f.is("AccessDeniedException") && !isKeyId(aliasOrKeyId)) {
                return aliasTarget(aliasOrKeyId, f); // the key exists, and the caller may not describe it
            }
            throw unanswered(f);
        }
    }

    /** The key an alias names, from ListAliases: for a caller that may list aliases but not describe that key. */
    private Optional<KmsKeyHandle> aliasTarget(String alias, RemoteFailure describeRefused) {
        String name = bareAlias(alias);
        try {
            return listAliases().stream().filter(a -> a.alias().equalsIgnoreCase(name)).findFirst()
                    .map(a -> new RemoteKeyHandle(operations, a.keyId(), name));
        } catch (KeyStoreException e) {
            throw unanswered(describeRefused);
        }
    }

    @Override
    public KeyMetadata describeKey(String key) throws KeyStoreException {
        Fields m;
        UUID id;
        try {
            m = call("DescribeKey", new JsonBody().string("KeyId", keyRef(key)), "kms:DescribeKey", key).object("KeyMetadata");
            id = RemoteAnswers.answeredFor(url(), key, m.keyId("KeyId"), "DescribeKey");
        } catch (RemoteFailure f) {
            throw RemoteErrors.management(f, "kms:DescribeKey", key);
        }
        List<String> aliases = listAliases(id).stream().map(KeyAlias::alias).toList();
        try {
            return RemoteRecords.metadata(url(), m, id, aliases);
        } catch (RemoteFailure f) {
            throw RemoteErrors.management(f, "kms:DescribeKey", id.toString());
        }
    }

    @Override
    public List<KeyMetadata> listKeys() throws KeyStoreException {
        List<KeyMetadata> all = new ArrayList<>();
        String marker = null;
        for (int page = 0; ; page++) {
            KeyPage p = listKeys(RemotePages.PAGE, marker);
            all.addAll(p.keys());
            try {
                marker = RemotePages.next(url(), "ListKeys", marker, p.nextMarker(), page);
            } catch (RemoteFailure f) {
                throw RemoteErrors.management(f, "kms:ListKeys", null);
            }
            if (marker == null) {
                return all;
            }
        }
    }

    /** KMS ListKeys, then DescribeKey of each key on the page (and one ListAliases for their aliases). */
    @Override
    public KeyPage listKeys(int limit, String marker) throws KeyStoreException {
        if (limit < 1 || limit > 1000) {
            throw new io.kmsjca.keys.InvalidKeyRequestException("limit must be 1..1000, was " + limit);
        }
        Fields r = call("ListKeys", new JsonBody().number("Limit", limit).string("Marker", marker), "kms:ListKeys", null);
        Map<UUID, List<String>> aliases = new LinkedHashMap<>();
        for (KeyAlias a : listAliases()) {
            aliases.computeIfAbsent(a.keyId(), k -> new ArrayList<>()).add(a.alias());
        }
        List<KeyMetadata> keys = new ArrayList<>();
        try {
            for (Fields k : r.objects("Keys")) {
                UUID id = k.keyId("KeyId");
                Fields m = call("DescribeKey", new JsonBody().string("KeyId", id.toString()), "kms:DescribeKey", id.toString())
                        .object("KeyMetadata");
                RemoteAnswers.answeredFor(url(), id.toString(), m.keyId("KeyId"), "DescribeKey");
                keys.add(RemoteRecords.metadata(url(), m, id, aliases.getOrDefault(id, List.of())));
            }
            keys.sort(Comparator.comparing(KeyMetadata::keyId));
            return new KeyPage(keys, RemotePages.nextMarker(url(), "ListKeys", r));
        } catch (RemoteFailure f) {
            throw RemoteErrors.management(f, "kms:ListKeys", null);
        }
    }

    @Override
    public boolean hasAlias(String alias) {
        if (alias == null || alias.isBlank() || isKeyId(alias)) {
            return false;
        }
        return findKey(aliasName(alias)).isPresent();
    }

    @Deprecated
    @Override
    public List<String> aliases() {
        try {
            return listAliases().stream().map(KeyAlias::alias).toList();
        } catch (KeyStoreException e) {
            throw new ProviderException(e.getMessage(), e);
        }
    }

    @Override
    public List<KeyAlias> listAliases() throws KeyStoreException {
        return listAliases(null);
    }

    /** KMS ListAliases, every page; of one key when {@code keyId} is not null. */
    private List<KeyAlias> listAliases(UUID keyId) throws KeyStoreException {
        List<KeyAlias> all = new ArrayList<>();
        try {
            RemotePages.readAll(url(), "ListAliases",
                    marker -> client.fields("ListAliases", new JsonBody().string("KeyId", keyId == null ? null : keyId.toString())
                            .number("Limit", RemotePages.PAGE).string("Marker", marker)),
                    page -> {
                        for (Fields a : page.objects("Aliases")) {
                            if (a.optionalString("TargetKeyId") != null) {
                                all.add(new KeyAlias(bareAlias(a.string("AliasName")), a.keyId("TargetKeyId")));
                            }
                        }
                    });
        } catch (RemoteFailure f) {
            throw RemoteErrors.management(f, "kms:ListAliases", null);
        }
        all.sort(Comparator.comparing(KeyAlias::alias));
        return all;
    }

    @Override
    public List<KeyRotation> listKeyRotations(String key) throws KeyStoreException {
        List<KeyRotation> rotations = new ArrayList<>();
        try {
            RemotePages.readAll(url(), "ListKeyRotations",
                    marker -> client.fields("ListKeyRotations", new JsonBody().string("KeyId", keyRef(key))
                            .number("Limit", RemotePages.PAGE).string("Marker", marker)),
                    page -> {
                        for (Fields rotation : page.objects("Rotations")) {
                            // the versions after the first, in order: AWS names no version numbers
                            rotations.add(RemoteRecords.rotation(rotation, rotations.size() + 2));
                        }
                    });
        } catch (RemoteFailure f) {
            throw RemoteErrors.management(f, "kms:ListKeyRotations", key);
        }
        return rotations;
    }

    // ---------------------------------------------------------------- changes

    @Override
    public void createAlias(String alias, String key) throws KeyStoreException {
        call("CreateAlias", new JsonBody().string("AliasName", aliasName(alias)).string("TargetKeyId", keyRef(key)),
                "kms:CreateAlias", key);
    }

    @Override
    public void updateAlias(String alias, String targetKey) throws KeyStoreException {
        call("UpdateAlias", new JsonBody().string("AliasName", aliasName(alias)).string("TargetKeyId", keyRef(targetKey)),
                "kms:UpdateAlias", targetKey);
    }

    @Override
    public boolean deleteAlias(String alias) throws KeyStoreException {
        try {
            client.fields("DeleteAlias", new JsonBody().string("AliasName", aliasName(alias)));
            return true;
        } catch (RemoteFailure f) {
            if (f.is("NotFoundException")) {
                return false;
            }
            throw RemoteErrors.management(f, "kms:DeleteAlias", alias);
        }
    }

    @Override
    public void enableKey(String key) throws KeyStoreException {
        call("EnableKey", new JsonBody().string("KeyId", keyRef(key)), "kms:EnableKey", key);
    }

    @Override
    public void disableKey(String key) throws KeyStoreException {
        call("DisableKey", new JsonBody().string("KeyId", keyRef(key)), "kms:DisableKey", key);
    }

    /** KMS ScheduleKeyDeletion with the server's waiting period (AWS's default: 30 days). */
    @Override
    public Instant scheduleKeyDeletion(String key) throws KeyStoreException {
        return deletionDate(call("ScheduleKeyDeletion", new JsonBody().string("KeyId", keyRef(key)),
                "kms:ScheduleKeyDeletion", key));
    }

    @Override
    public Instant scheduleKeyDeletion(String key, int pendingWindowDays) throws KeyStoreException {
        return deletionDate(call("ScheduleKeyDeletion", new JsonBody().string("KeyId", keyRef(key))
                .number("PendingWindowInDays", pendingWindowDays), "kms:ScheduleKeyDeletion", key));
    }

    @Override
    public void cancelKeyDeletion(String key) throws KeyStoreException {
        call("CancelKeyDeletion", new JsonBody().string("KeyId", keyRef(key)), "kms:CancelKeyDeletion", key);
    }

    @Override
    public void enableKeyRotation(String key, int periodDays) throws KeyStoreException {
        call("EnableKeyRotation", new JsonBody().string("KeyId", keyRef(key)).number("RotationPeriodInDays", periodDays),
                "kms:EnableKeyRotation", key);
    }

    @Override
    public void disableKeyRotation(String key) throws KeyStoreException {
        call("DisableKeyRotation", new JsonBody().string("KeyId", keyRef(key)), "kms:DisableKeyRotation", key);
    }

    /** KMS RotateKeyOnDemand; the new version's number is counted from ListKeyRotations (AWS returns none). */
    @Override
    public int rotateKeyOnDemand(String key) throws KeyStoreException {
        call("RotateKeyOnDemand", new JsonBody().string("KeyId", keyRef(key)), "kms:RotateKeyOnDemand", key);
        return listKeyRotations(key).size() + 1;
    }

    @Override
    public void tagKey(String key, Map<String, String> tags) throws KeyStoreException {
        call("TagResource", new JsonBody().string("KeyId", keyRef(key)).tags("Tags", tags), "kms:TagResource", key);
    }

    @Override
    public void untagKey(String key, Collection<String> tagKeys) throws KeyStoreException {
        call("UntagResource", new JsonBody().string("KeyId", keyRef(key)).strings("TagKeys", tagKeys),
                "kms:UntagResource", key);
    }

    @Override
    public String getKeyPolicy(String key) throws KeyStoreException {
        try {
            return call("GetKeyPolicy", new JsonBody().string("KeyId", keyRef(key)).string("PolicyName", "default"),
                    "kms:GetKeyPolicy", key).string("Policy");
        } catch (RemoteFailure f) {
            throw RemoteErrors.management(f, "kms:GetKeyPolicy", key);
        }
    }

    @Override
    public void putKeyPolicy(String key, String policy, boolean bypassPolicyLockoutSafetyCheck) throws KeyStoreException {
        call("PutKeyPolicy", new JsonBody().string("KeyId", keyRef(key)).string("PolicyName", "default")
                .string("Policy", policy).bool("BypassPolicyLockoutSafetyCheck", bypassPolicyLockoutSafetyCheck),
                "kms:PutKeyPolicy", key);
    }

    @Override
    public List<String> listKeyPolicies(String key) throws KeyStoreException {
        try {
            return call("ListKeyPolicies", new JsonBody().string("KeyId", keyRef(key)), "kms:ListKeyPolicies", key)
                    .strings("PolicyNames");
        } catch (RemoteFailure f) {
            throw RemoteErrors.management(f, "kms:ListKeyPolicies", key);
        }
    }

    /** KMS ReEncrypt: the blob goes to the server and comes back under the destination key; no plaintext here. */
    @Override
    public byte[] reEncrypt(byte[] blob, Map<String, String> sourceContext, String destinationKey,
                            Map<String, String> destinationContext) throws GeneralSecurityException {
        int wrapped = io.kmsjca.internal.format.WrappedKeyBlob.plaintextLength(checked(blob)); // a malformed blob: before any request
        String destination = destinationKey != null ? keyRef(destinationKey)
                : io.kmsjca.internal.format.WrappedKeyBlob.keyId(blob).toString();
        try {
            byte[] out = client.fields("ReEncrypt", new JsonBody().blob("CiphertextBlob", blob, 0, blob.length)
                    .map("SourceEncryptionContext", sourceContext).string("DestinationKeyId", destination)
                    .map("DestinationEncryptionContext", destinationContext)).blob("CiphertextBlob");
            try {
                io.kmsjca.internal.format.WrappedKeyBlob.check(out);
            } catch (GeneralSecurityException e) {
                throw RemoteFailure.protocol(settings.url(), "ReEncrypt", "a CiphertextBlob that is not a KMSWrap blob: "
                        + e.getMessage());
            }
            RemoteAnswers.answeredFor(url(), destination, io.kmsjca.internal.format.WrappedKeyBlob.keyId(out), "ReEncrypt");
            if (io.kmsjca.internal.format.WrappedKeyBlob.plaintextLength(out) != wrapped) { // not this blob's data key
                throw RemoteFailure.protocol(settings.url(), "ReEncrypt", "a blob wrapping "
                        + io.kmsjca.internal.format.WrappedKeyBlob.plaintextLength(out) + " bytes for a blob of " + wrapped);
            }
            return out;
        } catch (RemoteFailure f) {
            RemoteKeyHandle named = new RemoteKeyHandle(operations, io.kmsjca.internal.format.WrappedKeyBlob.keyId(checked(blob)), null);
            throw RemoteErrors.opening(f, named);
        }
    }

    // ---------------------------------------------------------------- grants (RemoteGrants)

    @Override
    public KeyGrant createGrant(String key, GrantRequest request) throws KeyStoreException {
        return grants.create(key, request);
    }

    @Override
    public List<KeyGrant> listGrants(String key) throws KeyStoreException {
        return grants.list(key);
    }

    @Override
    public List<KeyGrant> listRetirableGrants(String retiringPrincipal) throws KeyStoreException {
        return grants.retirable(retiringPrincipal);
    }

    @Override
    public void retireGrant(String key, String grantId) throws KeyStoreException {
        grants.retire(key, grantId);
    }

    @Override
    public void revokeGrant(String key, String grantId) throws KeyStoreException {
        grants.revoke(key, grantId);
    }

    // ---------------------------------------------------------------- what the AWS KMS API has no operation for

    /** False: a remote store has no password; the access key authenticates. */
    @Override
    public boolean verifyPassword(char[] password) {
        return false;
    }

    /** Nothing to pick up: every call asks the server. */
    @Override
    public int refresh() {
        return 0;
    }

    /** Wipes the signing key and the secret access key; the handles fail from now on. */
    @Override
    public void close() {
        operations.close();
        asymmetric.close();
        client.close();
        settings.wipe();
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Refuses, as the embedded store does, an alias that already names a key, before CreateKey makes
     * a key that could not take it (one DescribeKey). An alias this caller may not describe, or a
     * server that does not answer, is left to CreateAlias to refuse.
     */
    private void refuseTakenAlias(String alias) throws KeyStoreException {
        if (alias == null) {
            return;
        }
        try {
            client.fields("DescribeKey", new JsonBody().string("KeyId", aliasName(alias)));
        } catch (RemoteFailure notFoundOrNotOurs) {
            return;
        }
        throw io.kmsjca.internal.service.AliasChanges.taken(bareAlias(alias));
    }

    /** A request that completes a key CreateKey made: refused, it says which key now exists without it. */
    private static <T> T forTheNewKey(UUID id, String step, ManagementCall<T> call) throws KeyStoreException {
        try {
            return call.run();
        } catch (KeyStoreException e) {
            throw (KeyStoreException) new KeyStoreException("key " + id + " was created, but " + step + " failed: "
                    + e.getMessage() + "; the key exists without it: retry the step, or delete the key with"
                    + " scheduleKeyDeletion").initCause(e);
        }
    }

    @FunctionalInterface
    private interface ManagementCall<T> {
        T run() throws KeyStoreException;
    }

    private Fields call(String operation, JsonBody body, String action, String key) throws KeyStoreException {
        return client.manage(operation, body, action, key);
    }

    private ProviderException unanswered(RemoteFailure f) {
        return new ProviderException(f.getMessage(), f);
    }

    private static UUID metadataId(Fields r) throws KeyStoreException {
        try {
            return r.object("KeyMetadata").keyId("KeyId");
        } catch (RemoteFailure f) {
            throw RemoteErrors.management(f, "kms:DescribeKey", null);
        }
    }

    private static Instant deletionDate(Fields r) throws KeyStoreException {
        try {
            return r.date("DeletionDate");
        } catch (RemoteFailure f) {
            throw RemoteErrors.management(f, "kms:ScheduleKeyDeletion", null);
        }
    }

    private static byte[] checked(byte[] blob) throws GeneralSecurityException {
        io.kmsjca.internal.format.WrappedKeyBlob.check(blob);
        return blob;
    }

    @Override
    public String toString() {
        return "RemoteKeyService[" + settings.url() + "]";
    }

    // ---------------------------------------------------------------- asymmetric keys (RemoteAsymmetricKeys)

    /**
     * KMS CreateKey of a key pair, then CreateAlias as the request asks (two requests, not one
     * transaction, as {@link #createKey(CreateKeyRequest)}), then GetPublicKey for the handle's public half.
     */
    @Override
    public KmsPrivateKeyHandle createKeyPair(CreateKeyRequest request) throws KeyStoreException {
        refuseTakenAlias(request.alias());
        UUID id = asymmetric.createKey(request);
        if (request.alias() != null) {
            forTheNewKey(id, "CreateAlias " + aliasName(request.alias()), () -> {
                createAlias(request.alias(), id.toString());
                return null;
            });
        }
        return forTheNewKey(id, "GetPublicKey",
                () -> asymmetric.handle(id.toString(), request.alias() == null ? null : bareAlias(request.alias())));
    }

    /** DescribeKey, then GetPublicKey for an asymmetric key: a handle carrying its public key; empty for a symmetric key. */
    @Override
    public Optional<KmsPrivateKeyHandle> findPrivateKey(String aliasOrKeyId) {
        if (aliasOrKeyId == null || aliasOrKeyId.isBlank()) {
            return Optional.empty();
        }
        return asymmetric.find(keyRef(aliasOrKeyId), aliasOf(aliasOrKeyId)).map(KmsPrivateKeyHandle.class::cast);
    }

    @Override
    public java.security.PublicKey getPublicKey(String key) throws KeyStoreException {
        return asymmetric.getPublicKey(keyRef(key));
    }

    @Override
    public byte[] sign(String key, byte[] message, MessageType messageType, SigningAlgorithm algorithm)
            throws GeneralSecurityException {
        return asymmetric.sign(keyRef(key), null, message, messageType, algorithm);
    }

    @Override
    public boolean verify(String key, byte[] message, MessageType messageType, byte[] signature, SigningAlgorithm algorithm)
            throws GeneralSecurityException {
        return asymmetric.verify(keyRef(key), message, messageType, signature, algorithm);
    }

    @Override
    public byte[] encrypt(String key, byte[] plaintext, EncryptionAlgorithm algorithm) throws GeneralSecurityException {
        return asymmetric.encrypt(keyRef(key), plaintext, algorithm);
    }

    @Override
    public byte[] decrypt(String key, byte[] ciphertext, EncryptionAlgorithm algorithm) throws GeneralSecurityException {
        return asymmetric.decrypt(keyRef(key), null, ciphertext, algorithm);
    }

    @Override
    public byte[] deriveSharedSecret(String key, KeyAgreementAlgorithm algorithm, byte[] peerPublicKey)
            throws GeneralSecurityException {
        return asymmetric.deriveSharedSecret(keyRef(key), null, algorithm, peerPublicKey);
    }

    @Override
    public DataKeyPair generateDataKeyPair(String key, KeySpec pairSpec, Map<String, String> context, boolean withPlaintext)
            throws GeneralSecurityException {
        return asymmetric.generateDataKeyPair(keyRef(key), pairSpec, context, withPlaintext);
    }

    /** Empty: the AWS KMS API keeps no certificates (docs/server.md). */
    @Override
    public List<java.security.cert.X509Certificate> certificateChain(String key) {
        return List.of();
    }

    /** Refused: the AWS KMS API has no place for a certificate chain; keep it beside the key (a PKCS#12 or PEM file). */
    @Override
    public void setCertificateChain(String key, List<java.security.cert.X509Certificate> chain) throws KeyStoreException {
        throw new KeyStoreException("a certificate chain cannot be stored with a key of kms-jca server " + settings.url()
                + ": the AWS KMS API keeps no certificates; keep the chain beside the key (a PKCS#12 or PEM file), "
                + "or use the embedded store");
    }

    // ---------------------------------------------------------------- HMAC keys, random bytes (RemoteMacs)

    @Override
    public byte[] generateMac(String key, byte[] message, io.kmsjca.keys.MacAlgorithm algorithm)
            throws GeneralSecurityException {
        return macs.generateMac(keyRef(key), message, algorithm);
    }

    @Override
    public boolean verifyMac(String key, byte[] message, byte[] mac, io.kmsjca.keys.MacAlgorithm algorithm)
            throws GeneralSecurityException {
        return macs.verifyMac(keyRef(key), message, mac, algorithm);
    }

    @Override
    public byte[] generateRandom(int numberOfBytes) throws GeneralSecurityException {
        return macs.generateRandom(numberOfBytes);
    }

    @Override
    public io.kmsjca.keys.ImportParameters getParametersForImport(String key, io.kmsjca.keys.WrappingAlgorithm algorithm,
            io.kmsjca.keys.KeySpec wrappingKeySpec) throws GeneralSecurityException {
        Fields r = importCall("GetParametersForImport", new JsonBody().string("KeyId", keyRef(key))
                .string("WrappingAlgorithm", algorithm.name()).string("WrappingKeySpec", wrappingKeySpec.name()),
                "kms:GetParametersForImport", key);
        try {
            return new io.kmsjca.keys.ImportParameters(r.keyId("KeyId"), r.blob("ImportToken"), r.blob("PublicKey"),
                    algorithm, wrappingKeySpec, r.date("ParametersValidTo"));
        } catch (RemoteFailure f) {
            throw RemoteErrors.management(f, "kms:GetParametersForImport", key);
        }
    }

    @Override
    public void importKeyMaterial(String key, byte[] importToken, byte[] encryptedKeyMaterial,
            io.kmsjca.keys.ExpirationModel expirationModel, java.time.Instant validTo) throws GeneralSecurityException {
        JsonBody body = new JsonBody().string("KeyId", keyRef(key))
                .blob("ImportToken", importToken, 0, importToken.length)
                .blob("EncryptedKeyMaterial", encryptedKeyMaterial, 0, encryptedKeyMaterial.length)
                .string("ExpirationModel", expirationModel.name());
        if (validTo != null) {
            body.number("ValidTo", validTo.getEpochSecond());
        }
        importCall("ImportKeyMaterial", body, "kms:ImportKeyMaterial", key);
    }

    @Override
    public void deleteImportedKeyMaterial(String key) throws KeyStoreException {
        importCall("DeleteImportedKeyMaterial", new JsonBody().string("KeyId", keyRef(key)), "kms:DeleteImportedKeyMaterial", key);
    }

    /** A call of the import API: AWS's import errors become {@link io.kmsjca.keys.ImportRefusedException}s of that reason. */
    private Fields importCall(String operation, JsonBody body, String action, String key) throws KeyStoreException {
        try {
            return client.fields(operation, body);
        } catch (RemoteFailure f) {
            for (io.kmsjca.keys.ImportRefusedException.Reason reason : io.kmsjca.keys.ImportRefusedException.Reason.values()) {
                if (f.is(reason.awsName())) {
                    var e = new io.kmsjca.keys.ImportRefusedException(reason, f.serverMessage() + " (kms-jca server "
                            + f.url() + ")");
                    e.initCause(f);
                    throw e;
                }
            }
            throw RemoteErrors.management(f, action, key);
        }
    }
}
