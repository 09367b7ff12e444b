package io.kmsjca.internal.remote;

import io.kmsjca.internal.crypto.AsymmetricSizes;
import io.kmsjca.internal.crypto.KeyPairs;
import io.kmsjca.internal.format.WrappedKeyBlob;
import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.DataKeyPair;
import io.kmsjca.keys.EncryptionAlgorithm;
import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeyAgreementAlgorithm;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;

import javax.crypto.BadPaddingException;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyStoreException;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.SignatureException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The asymmetric keys of a kms-jca server, for {@link RemoteKeyService}: CreateKey of a key pair,
 * DescribeKey and GetPublicKey for a handle, Sign, Verify, RSA Encrypt and Decrypt,
 * DeriveSharedSecret and GenerateDataKeyPair[WithoutPlaintext], one request each. The server
 * decides and audits every request; this class holds each answer to its request (the key it is
 * about, the algorithm, lengths) and turns AWS's errors into the embedded mode's exceptions.
 * It also is the {@link io.kmsjca.internal.engine.PrivateKeyOperations} of its handles
 * ({@link RemotePrivateKeyOperations}). Thread-safe.
 */
final class RemoteAsymmetricKeys {

    /** The longest RSA ciphertext: RSA-4096's 512 bytes. */
    private static final int MAX_RSA_CIPHERTEXT_BYTES = 512;

    private final KmsHttpClient client;
    private final RemotePrivateKeyOperations handles;

    RemoteAsymmetricKeys(KmsHttpClient client) {
        this.client = client;
        this.handles = new RemotePrivateKeyOperations(this);
    }

    String url() {
        return client.url();
    }

    void close() {
        handles.close();
    }

    /**
     * KMS CreateKey of a key pair with the request's spec and usage; its alias and the handle are the
     * caller's next requests. Asymmetric keys do not rotate (as in AWS): a rotation period is refused
     * before anything is sent.
     */
    UUID createKey(CreateKeyRequest request) throws KeyStoreException {
        if (!request.keySpec().isAsymmetric()) {
            throw new InvalidKeyRequestException("createKeyPair makes asymmetric keys; " + request.keySpec()
                    + " is symmetric: use createKey");
        }
        if (!request.keySpec().allowedUsages().contains(request.keyUsage())) {
            throw new InvalidKeyRequestException("key usage " + request.keyUsage() + " is not allowed for "
                    + request.keySpec() + ": one of " + request.keySpec().allowedUsages());
        }
        if (request.origin() == KeyOrigin.IMPORTED) { // as the embedded store: a handle needs the public key
            throw new InvalidKeyRequestException("a key pair of origin EXTERNAL has no public key until its material is"
                    + " imported: create it with createKey(request.origin(IMPORTED)), then findPrivateKey once imported");
        }
        if (request.rotationPeriodDays() > 0) {
            throw new InvalidKeyRequestException("asymmetric keys do not rotate (as in AWS KMS): no rotation period for a "
                    + request.keySpec() + " key");
        }
        try {
            Fields m = call("CreateKey", JsonBody.createKey(request)).object("KeyMetadata");
            UUID id = m.keyId("KeyId");
            if (!request.keySpec().name().equals(m.optionalString("KeySpec"))
                    || !request.keyUsage().name().equals(m.optionalString("KeyUsage"))) {
                throw RemoteFailure.protocol(url(), "CreateKey", "a key of " + m.optionalString("KeySpec") + " / "
                        + m.optionalString("KeyUsage") + " for a request of " + request.keySpec() + " / " + request.keyUsage());
            }
            return id;
        } catch (RemoteFailure f) {
            throw RemoteErrors.management(f, "kms:CreateKey", null);
        }
    }

    /**
     * A handle on the asymmetric key {@code ref} (a key id, ARN or {@code alias/NAME}) names: DescribeKey,
     * then GetPublicKey for its public half; empty for a symmetric key or none.
     *
     * @throws ProviderException naming the server when it gives no answer or refuses
     */
    Optional<RemotePrivateKeyHandle> find(String ref, String alias) {
        try {
            Fields m = call("DescribeKey", new JsonBody().string("KeyId", ref)).object("KeyMetadata");
            String spec = m.optionalString("KeySpec");
            if (spec == null || java.util.Arrays.stream(KeySpec.values())
                    .noneMatch(k -> k.isAsymmetric() && k.name().equals(spec))) {
                return Optional.empty(); // a symmetric key: SYMMETRIC_DEFAULT or an HMAC key (no public key to fetch)
            }
            return Optional.of(handle(m.keyId("KeyId").toString(), alias));
        } catch (RemoteFailure f) {
            if (f.is("NotFoundException")) {
                return Optional.empty();
            }
            throw new ProviderException(f.getMessage(), f);
        } catch (KeyStoreException e) {
            throw new ProviderException(e.getMessage(), e);
        }
    }

    /** The handle of key {@code keyId}: one GetPublicKey for its spec, usage and public key. */
    RemotePrivateKeyHandle handle(String keyId, String alias) throws KeyStoreException {
        PublicKeyAnswer answer = publicKey(keyId);
        return RemotePrivateKeyHandle.of(handles, url(), answer.keyId(), alias, answer.spec(), answer.usage(), answer.key());
    }

    /** KMS GetPublicKey. */
    PublicKey getPublicKey(String ref) throws KeyStoreException {
        return publicKey(ref).key();
    }

    private record PublicKeyAnswer(UUID keyId, KeySpec spec, KeyUsage usage, PublicKey key) {
    }

    private PublicKeyAnswer publicKey(String ref) throws KeyStoreException {
        try {
            Fields r = call("GetPublicKey", new JsonBody().string("KeyId", ref));
            UUID id = RemoteAnswers.answeredFor(url(), ref, r.keyId("KeyId"), "GetPublicKey");
            KeySpec spec = RemoteAnswers.named(url(), "GetPublicKey", KeySpec.class, r.string("KeySpec"));
            KeyUsage usage = RemoteAnswers.named(url(), "GetPublicKey", KeyUsage.class, r.string("KeyUsage"));
            if (!spec.isAsymmetric() || !spec.allowedUsages().contains(usage)) {
                throw RemoteFailure.protocol(url(), "GetPublicKey", "a public key of " + spec + " / " + usage);
            }
            try {
                return new PublicKeyAnswer(id, spec, usage, KeyPairs.decodePublic(spec, r.blob("PublicKey")));
            } catch (InvalidKeyException e) {
                throw RemoteFailure.protocol(url(), "GetPublicKey", "a PublicKey that is not a " + spec + " public key");
            }
        } catch (RemoteFailure f) {
            throw RemoteErrors.management(f, "kms:GetPublicKey", ref);
        }
    }

    /**
     * KMS Sign; a message the server calls invalid (its length, a digest of the wrong size) is a
     * SignatureException. The signature must have a length a key of {@code spec} signs with
     * ({@link AsymmetricSizes}; {@code spec} null: only the key's id is known, so some spec that
     * signs with {@code algorithm}).
     */
    byte[] sign(String ref, KeySpec spec, byte[] message, MessageType type, SigningAlgorithm algorithm)
            throws GeneralSecurityException {
        JsonBody body = new JsonBody().string("KeyId", ref).blob("Message", message, 0, message.length)
                .string("MessageType", type.name()).string("SigningAlgorithm", algorithm.name());
        try {
            Fields r = call("Sign", body);
            RemoteAnswers.answeredFor(url(), ref, r.keyId("KeyId"), "Sign");
            RemoteAnswers.algorithmAnswered(url(), algorithm.name(), r.optionalString("SigningAlgorithm"), "Sign");
            byte[] signature = r.blob("Signature");
            if (spec != null ? !AsymmetricSizes.isSignatureLength(spec, signature.length)
                    : !AsymmetricSizes.isSignatureLength(algorithm, signature.length)) {
                throw RemoteFailure.protocol(url(), "Sign", "a " + algorithm + " signature of " + signature.length
                        + " bytes" + (spec != null ? " for a " + spec + " key" : ""));
            }
            return signature;
        } catch (RemoteFailure f) {
            if (f.is("ValidationException")) {
                throw (SignatureException) new SignatureException(f.serverMessage() + " (kms-jca server " + url() + ")").initCause(f);
            }
            throw RemoteErrors.keyUse(f, "kms:Sign", ref);
        }
    }

    /** KMS Verify: true when the server says SignatureValid, false on its KMSInvalidSignatureException. */
    boolean verify(String ref, byte[] message, MessageType type, byte[] signature, SigningAlgorithm algorithm)
            throws GeneralSecurityException {
        JsonBody body = new JsonBody().string("KeyId", ref).blob("Message", message, 0, message.length)
                .string("MessageType", type.name()).blob("Signature", signature, 0, signature.length)
                .string("SigningAlgorithm", algorithm.name());
        try {
            Fields r = call("Verify", body);
            RemoteAnswers.answeredFor(url(), ref, r.keyId("KeyId"), "Verify");
            if (!r.bool("SignatureValid", false)) {
                throw RemoteFailure.protocol(url(), "Verify", "an answer that is neither SignatureValid nor KMSInvalidSignatureException");
            }
            return true;
        } catch (RemoteFailure f) {
            if (f.is("KMSInvalidSignatureException")) {
                return false;
            }
            if (f.is("ValidationException")) {
                throw (SignatureException) new SignatureException(f.serverMessage() + " (kms-jca server " + url() + ")").initCause(f);
            }
            throw RemoteErrors.keyUse(f, "kms:Verify", ref);
        }
    }

    /** KMS Encrypt with an RSA key: RSA-OAEP on the server (its public key would do, but the server audits). */
    byte[] encrypt(String ref, byte[] plaintext, EncryptionAlgorithm algorithm) throws GeneralSecurityException {
        JsonBody body = new JsonBody().string("KeyId", ref).blob("Plaintext", plaintext, 0, plaintext.length)
                .string("EncryptionAlgorithm", algorithm.name());
        try {
            Fields r = call("Encrypt", body);
            RemoteAnswers.answeredFor(url(), ref, r.keyId("KeyId"), "Encrypt");
            RemoteAnswers.algorithmAnswered(url(), algorithm.name(), r.optionalString("EncryptionAlgorithm"), "Encrypt");
            byte[] ciphertext = r.blob("CiphertextBlob");
            if (ciphertext.length == 0 || ciphertext.length > MAX_RSA_CIPHERTEXT_BYTES) {
                throw RemoteFailure.protocol(url(), "Encrypt", "an RSA ciphertext of " + ciphertext.length + " bytes");
            }
            return ciphertext;
        } catch (RemoteFailure f) {
            throw RemoteErrors.keyUse(f, "kms:Encrypt", ref);
        }
    }

    /**
     * KMS Decrypt with an RSA key, named (AWS requires the KeyId); a ciphertext that does not
     * decrypt is a BadPaddingException. The plaintext must be one RSA-OAEP encrypts under a key of
     * {@code spec} (null: only the key's id is known, so under the longest modulus).
     */
    byte[] decrypt(String ref, KeySpec spec, byte[] ciphertext, EncryptionAlgorithm algorithm) throws GeneralSecurityException {
        // the algorithms AWS lists for the key (any RSA key's when only its id is known), as the embedded store
        // refuses the others, before the server decrypts (the size check needs an RSA-OAEP algorithm)
        java.util.List<EncryptionAlgorithm> allowed = EncryptionAlgorithm.forKey(spec != null ? spec : KeySpec.RSA_2048,
                KeyUsage.ENCRYPT_DECRYPT);
        if (spec != null && spec.family() != KeySpec.Family.RSA || !allowed.contains(algorithm)) {
            throw new java.security.InvalidAlgorithmParameterException(algorithm + " is not an encryption algorithm of "
                    + (spec != null ? spec : "asymmetric") + " keys; RSA keys decrypt with one of "
                    + EncryptionAlgorithm.forKey(KeySpec.RSA_2048, KeyUsage.ENCRYPT_DECRYPT));
        }
        JsonBody body = new JsonBody().string("KeyId", ref).blob("CiphertextBlob", ciphertext, 0, ciphertext.length)
                .string("EncryptionAlgorithm", algorithm.name());
        byte[] plaintext = null;
        try {
            Fields r = call("Decrypt", body);
            plaintext = r.blob("Plaintext");
            RemoteAnswers.answeredFor(url(), ref, r.keyId("KeyId"), "Decrypt");
            RemoteAnswers.algorithmAnswered(url(), algorithm.name(), r.optionalString("EncryptionAlgorithm"), "Decrypt");
            int max = spec != null ? AsymmetricSizes.oaepMaxPlaintextBytes(spec, algorithm)
                    : AsymmetricSizes.oaepMaxPlaintextBytes(algorithm);
            if (plaintext.length > max) {
                throw RemoteFailure.protocol(url(), "Decrypt", "a plaintext of " + plaintext.length + " bytes, longer than "
                        + algorithm + " decrypts (" + max + ")");
            }
            return plaintext;
        } catch (RemoteFailure f) {
            if (plaintext != null) {
                Arrays.fill(plaintext, (byte) 0);
            }
            if (f.is("InvalidCiphertextException")) {
                throw (BadPaddingException) new BadPaddingException(f.serverMessage() + " (kms-jca server " + url() + ")").initCause(f);
            }
            throw RemoteErrors.keyUse(f, "kms:Decrypt", ref);
        }
    }

    /**
     * KMS DeriveSharedSecret; a peer key the server refuses (another curve, malformed) is an
     * InvalidKeyException. The secret must be as long as the field of {@code spec} (null: only the
     * key's id is known, so of some EC spec). The caller wipes the secret.
     */
    byte[] deriveSharedSecret(String ref, KeySpec spec, KeyAgreementAlgorithm algorithm, byte[] peerPublicKey)
            throws GeneralSecurityException {
        if (spec != null && spec.family() != KeySpec.Family.EC) { // before the server answers (the size check needs it)
            throw new InvalidKeyException("a " + spec + " key does no key agreement");
        }
        JsonBody body = new JsonBody().string("KeyId", ref).string("KeyAgreementAlgorithm", algorithm.name())
                .blob("PublicKey", peerPublicKey, 0, peerPublicKey.length);
        byte[] secret = null;
        try {
            Fields r = call("DeriveSharedSecret", body);
            secret = r.blob("SharedSecret");
            RemoteAnswers.answeredFor(url(), ref, r.keyId("KeyId"), "DeriveSharedSecret");
            if (spec != null ? secret.length != AsymmetricSizes.sharedSecretBytes(spec)
                    : !AsymmetricSizes.isSharedSecretLength(secret.length)) {
                throw RemoteFailure.protocol(url(), "DeriveSharedSecret", "a shared secret of " + secret.length + " bytes");
            }
            return secret;
        } catch (RemoteFailure f) {
            if (secret != null) {
                Arrays.fill(secret, (byte) 0);
            }
            throw RemoteErrors.keyUse(f, "kms:DeriveSharedSecret", ref);
        }
    }

    /**
     * KMS GenerateDataKeyPair or GenerateDataKeyPairWithoutPlaintext under the symmetric key {@code ref}:
     * the answer must be a pair of {@code spec}, its private key sealed in a KMSWrap blob of that key,
     * and its private key in plaintext (if asked for) the private key of its public key.
     */
    DataKeyPair generateDataKeyPair(String ref, KeySpec spec, Map<String, String> context, boolean withPlaintext)
            throws GeneralSecurityException {
        if (!spec.isAsymmetric()) {
            throw new InvalidKeyException("a data key pair is asymmetric; " + spec + " is not");
        }
        String operation = withPlaintext ? "GenerateDataKeyPair" : "GenerateDataKeyPairWithoutPlaintext";
        JsonBody body = new JsonBody().string("KeyId", ref).string("KeyPairSpec", spec.name()).map("EncryptionContext", context);
        byte[] privateKey = null;
        try {
            Fields r = call(operation, body);
            privateKey = withPlaintext ? r.blob("PrivateKeyPlaintext") : null;
            UUID id = RemoteAnswers.answeredFor(url(), ref, r.keyId("KeyId"), operation);
            if (!spec.name().equals(r.optionalString("KeyPairSpec"))) {
                throw RemoteFailure.protocol(url(), operation, "a key pair of " + r.optionalString("KeyPairSpec") + ", not " + spec);
            }
            byte[] sealed = r.blob("PrivateKeyCiphertextBlob");
            try {
                WrappedKeyBlob.check(sealed);
            } catch (GeneralSecurityException e) {
                throw RemoteFailure.protocol(url(), operation, "a PrivateKeyCiphertextBlob that is not a KMSWrap blob");
            }
            if (!WrappedKeyBlob.keyId(sealed).equals(id)) {
                throw RemoteFailure.protocol(url(), operation, "a private key sealed under another key, " + WrappedKeyBlob.keyId(sealed));
            }
            byte[] publicKey = r.blob("PublicKey");
            PublicKey decoded;
            try {
                decoded = KeyPairs.decodePublic(spec, publicKey);
            } catch (InvalidKeyException e) {
                throw RemoteFailure.protocol(url(), operation, "a PublicKey that is not a " + spec + " public key");
            }
            if (privateKey != null) { // what the caller keeps must open what is encrypted to the public key it hands out
                try {
                    KeyPairs.checkPairwise(spec, KeyPairs.decodePrivate(spec, privateKey), decoded);
                } catch (InvalidKeyException e) {
                    throw RemoteFailure.protocol(url(), operation, "a PrivateKeyPlaintext that is not the private key of"
                            + " its PublicKey");
                }
            }
            DataKeyPair pair = new DataKeyPair(id, spec, publicKey, privateKey, sealed);
            privateKey = null; // the caller's now
            return pair;
        } catch (RemoteFailure f) {
            throw RemoteErrors.keyUse(f, "kms:" + operation, ref);
        } finally {
            if (privateKey != null) {
                Arrays.fill(privateKey, (byte) 0);
            }
        }
    }

    private Fields call(String operation, JsonBody body) throws RemoteFailure {
        return client.fields(operation, body);
    }
}
