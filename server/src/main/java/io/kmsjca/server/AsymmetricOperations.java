package io.kmsjca.server;

import io.kmsjca.internal.crypto.KeyPairs;
import io.kmsjca.keys.DataKeyPair;
import io.kmsjca.keys.EncryptionAlgorithm;
import io.kmsjca.keys.KeyAgreementAlgorithm;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;
import io.kmsjca.provider.KmsEncryptionContextSpec;

import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.SignatureException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

import static io.kmsjca.server.Shapes.map;

/**
 * The operations of asymmetric keys (issue #19), over the key service's methods: Sign, Verify,
 * GetPublicKey, DeriveSharedSecret, GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext,
 * and Encrypt and Decrypt with an RSA ENCRYPT_DECRYPT key ({@link CryptoOperations} hands those
 * over). The key's usage and the algorithm are checked here first, so the refusals are AWS's
 * ({@code InvalidKeyUsageException}); the key service checks them again, with state and policy, and
 * audits. Every base64 member is bounded before it is decoded; secrets are wiped once encoded.
 */
final class AsymmetricOperations {

    /** The longest signature Verify takes: ML-DSA-87's is 4627 bytes; 6 KiB leaves room. */
    static final int MAX_SIGNATURE_BYTES = 6 * 1024;
    /** The longest public key DeriveSharedSecret takes (DER SubjectPublicKeyInfo). */
    static final int MAX_PUBLIC_KEY_BYTES = 8 * 1024;
    /** The longest RSA ciphertext: one RSA-4096 block. */
    static final int MAX_RSA_CIPHERTEXT_BYTES = 512;

    private final OperationContext kms;

    AsymmetricOperations(OperationContext kms) {
        this.kms = kms;
    }

    void register(Map<String, Operation> table) {
        table.put("Sign", this::sign);
        table.put("Verify", this::verify);
        table.put("GetPublicKey", this::getPublicKey);
        table.put("DeriveSharedSecret", this::deriveSharedSecret);
        table.put("GenerateDataKeyPair", r -> generateDataKeyPair(r, true));
        table.put("GenerateDataKeyPairWithoutPlaintext", r -> generateDataKeyPair(r, false));
    }

    private Map<String, Object> sign(JsonInput r) throws Exception {
        String resolved = kms.key(r, "KeyId");
        refuseDryRun(r);
        byte[] message = r.blob("Message", MessageType.MAX_RAW_BYTES);
        MessageType type = messageType(r);
        KmsPrivateKeyHandle key = kms.privateKey(resolved, KeyUsage.SIGN_VERIFY, "Sign");
        SigningAlgorithm algorithm = signingAlgorithm(r, key);
        byte[] signature;
        try {
            signature = kms.service().sign(resolved, message, type, algorithm);
        } catch (SignatureException e) {
            throw KmsError.validation(e.getMessage());
        } catch (InvalidAlgorithmParameterException e) {
            throw KmsError.invalidKeyUsage(e.getMessage());
        }
        return map("KeyId", kms.ids().keyArn(key.keyId()), "Signature", base64(signature),
                "SigningAlgorithm", algorithm.name());
    }

    private Map<String, Object> verify(JsonInput r) throws Exception {
        String resolved = kms.key(r, "KeyId");
        refuseDryRun(r);
        byte[] message = r.blob("Message", MessageType.MAX_RAW_BYTES);
        byte[] signature = r.blob("Signature", MAX_SIGNATURE_BYTES);
        MessageType type = messageType(r);
        KmsPrivateKeyHandle key = kms.privateKey(resolved, KeyUsage.SIGN_VERIFY, "Verify");
        SigningAlgorithm algorithm = signingAlgorithm(r, key);
        boolean valid;
        try {
            valid = kms.service().verify(resolved, message, type, signature, algorithm);
        } catch (SignatureException e) {
            throw KmsError.validation(e.getMessage());
        } catch (InvalidAlgorithmParameterException e) {
            throw KmsError.invalidKeyUsage(e.getMessage());
        }
        if (!valid) {
            throw KmsError.kmsInvalidSignature("the signature is not valid for this message, key and algorithm");
        }
        return map("KeyId", kms.ids().keyArn(key.keyId()), "SignatureValid", true, "SigningAlgorithm", algorithm.name());
    }

    private Map<String, Object> getPublicKey(JsonInput r) throws Exception {
        String resolved = kms.key(r, "KeyId");
        KmsPrivateKeyHandle key = kms.privateKey(resolved).orElse(null);
        if (key == null) {
            KmsKeyHandle symmetric = kms.handle(resolved); // NotFoundException when there is no key at all
            throw KmsError.unsupported("key " + symmetric.keyId() + " is a symmetric key: it has no public key");
        }
        byte[] der = kms.service().getPublicKey(resolved).getEncoded();
        return map("KeyId", kms.ids().keyArn(key.keyId()), "PublicKey", base64(der),
                "CustomerMasterKeySpec", key.keySpec().name(), "KeySpec", key.keySpec().name(),
                "KeyUsage", key.keyUsage().name(),
                "EncryptionAlgorithms", Shapes.names(EncryptionAlgorithm.forKey(key.keySpec(), key.keyUsage())),
                "SigningAlgorithms", Shapes.names(SigningAlgorithm.forKey(key.keySpec(), key.keyUsage())),
                "KeyAgreementAlgorithms", Shapes.names(KeyAgreementAlgorithm.forKey(key.keySpec(), key.keyUsage())));
    }

    private Map<String, Object> deriveSharedSecret(JsonInput r) throws Exception {
        String resolved = kms.key(r, "KeyId");
        refuseDryRun(r);
        r.refuse("Recipient", ": no Nitro enclave attestation here");
        String algorithmName = r.requiredString("KeyAgreementAlgorithm", 64);
        KeyAgreementAlgorithm algorithm = named(KeyAgreementAlgorithm.class, "KeyAgreementAlgorithm", algorithmName);
        byte[] peer = r.blob("PublicKey", MAX_PUBLIC_KEY_BYTES);
        KmsPrivateKeyHandle key = kms.privateKey(resolved, KeyUsage.KEY_AGREEMENT, "DeriveSharedSecret");
        if (!KeyAgreementAlgorithm.forKey(key.keySpec(), key.keyUsage()).contains(algorithm)) {
            throw KmsError.invalidKeyUsage("KeyAgreementAlgorithm " + algorithm + " is not one of key " + key.keyId() + "'s");
        }
        try {
            KeyPairs.decodePublic(key.keySpec(), peer); // a peer key that is not of the key's curve is the caller's error
        } catch (InvalidKeyException e) {
            throw KmsError.validation("PublicKey is not a " + key.keySpec() + " public key (X.509 SubjectPublicKeyInfo DER)");
        }
        byte[] secret = kms.service().deriveSharedSecret(resolved, algorithm, peer);
        try {
            return map("KeyId", kms.ids().keyArn(key.keyId()), "SharedSecret", base64(secret),
                    "KeyAgreementAlgorithm", algorithm.name(), "KeyOrigin", "AWS_KMS");
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    private Map<String, Object> generateDataKeyPair(JsonInput r, boolean withPlaintext) throws Exception {
        String resolved = kms.key(r, "KeyId");
        refuseDryRun(r);
        r.refuse("Recipient", ": no Nitro enclave attestation here");
        KeySpec pairSpec = named(KeySpec.class, "KeyPairSpec", r.requiredString("KeyPairSpec", 64));
        if (!pairSpec.isAsymmetric()) {
            throw KmsError.validation("KeyPairSpec must be an asymmetric key spec, not " + pairSpec);
        }
        Map<String, String> context = r.stringMap("EncryptionContext");
        new KmsEncryptionContextSpec(context); // the provider's bounds, as a ValidationException
        KmsKeyHandle key = kms.symmetricHandle(resolved, withPlaintext ? "GenerateDataKeyPair" : "GenerateDataKeyPairWithoutPlaintext");
        DataKeyPair pair = kms.service().generateDataKeyPair(resolved, pairSpec, context, withPlaintext);
        try {
            return map("PrivateKeyCiphertextBlob", base64(pair.privateKeyCiphertext()),
                    "PrivateKeyPlaintext", withPlaintext && pair.privateKeyPlaintext() != null ? base64(pair.privateKeyPlaintext()) : null,
                    "PublicKey", base64(pair.publicKey()), "KeyId", kms.ids().keyArn(key.keyId()),
                    "KeyPairSpec", pair.keyPairSpec().name());
        } finally {
            pair.wipe();
        }
    }

    /** Encrypt with an RSA ENCRYPT_DECRYPT key: RSA-OAEP under its public key; no encryption context (AWS has none for it). */
    Map<String, Object> encrypt(JsonInput r, String resolved, KmsPrivateKeyHandle key, byte[] plaintext) throws Exception {
        EncryptionAlgorithm algorithm = rsaAlgorithm(r, key, "Encrypt");
        int max = maxOaepPlaintext(key.keySpec(), algorithm);
        if (plaintext.length > max) {
            throw KmsError.validation("Plaintext is " + plaintext.length + " bytes; " + algorithm + " with a " + key.keySpec()
                    + " key encrypts at most " + max);
        }
        byte[] ciphertext = kms.service().encrypt(resolved, plaintext, algorithm);
        return map("CiphertextBlob", base64(ciphertext), "KeyId", kms.ids().keyArn(key.keyId()),
                "EncryptionAlgorithm", algorithm.name());
    }

    /** Decrypt with an RSA ENCRYPT_DECRYPT key (the request's KeyId, which AWS requires for it). */
    Map<String, Object> decrypt(JsonInput r, String resolved, KmsPrivateKeyHandle key) throws Exception {
        EncryptionAlgorithm algorithm = rsaAlgorithm(r, key, "Decrypt");
        byte[] ciphertext = r.blob("CiphertextBlob", MAX_RSA_CIPHERTEXT_BYTES);
        if (ciphertext.length != key.keySpec().bits() / 8) {
            throw KmsError.invalidCiphertext("the ciphertext is not a valid ciphertext of this service");
        }
        byte[] plaintext = kms.service().decrypt(resolved, ciphertext, algorithm);
        try {
            return map("KeyId", kms.ids().keyArn(key.keyId()), "Plaintext", base64(plaintext),
                    "EncryptionAlgorithm", algorithm.name());
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /** The most RSA-OAEP encrypts with a modulus of {@code spec} and {@code algorithm}'s hash (RFC 8017 §7.1.1). */
    static int maxOaepPlaintext(KeySpec spec, EncryptionAlgorithm algorithm) {
        int hashLength = algorithm == EncryptionAlgorithm.RSAES_OAEP_SHA_1 ? 20 : 32;
        return spec.bits() / 8 - 2 * hashLength - 2;
    }

    /** The request's EncryptionAlgorithm for an RSA key: required in effect, since AWS's default (SYMMETRIC_DEFAULT) is not one. */
    private static EncryptionAlgorithm rsaAlgorithm(JsonInput r, KmsPrivateKeyHandle key, String operation) throws KmsError {
        if (key.keyUsage() != KeyUsage.ENCRYPT_DECRYPT) {
            throw KmsError.invalidKeyUsage(operation + " needs an ENCRYPT_DECRYPT key; key " + key.keyId() + " is "
                    + key.keySpec() + " / " + key.keyUsage());
        }
        String name = r.string("EncryptionAlgorithm", 64);
        EncryptionAlgorithm algorithm = name == null ? EncryptionAlgorithm.SYMMETRIC_DEFAULT
                : named(EncryptionAlgorithm.class, "EncryptionAlgorithm", name);
        if (!EncryptionAlgorithm.forKey(key.keySpec(), key.keyUsage()).contains(algorithm)) {
            throw KmsError.invalidKeyUsage("EncryptionAlgorithm " + algorithm + " is not supported by a " + key.keySpec()
                    + " key: use one of " + EncryptionAlgorithm.forKey(key.keySpec(), key.keyUsage()));
        }
        if (r.has("EncryptionContext")) {
            throw KmsError.validation("an encryption context is for symmetric keys only; key " + key.keyId() + " is " + key.keySpec());
        }
        return algorithm;
    }

    /** The request's SigningAlgorithm (required): one AWS names, and one of the key's, else InvalidKeyUsageException. */
    private static SigningAlgorithm signingAlgorithm(JsonInput r, KmsPrivateKeyHandle key) throws KmsError {
        SigningAlgorithm algorithm = named(SigningAlgorithm.class, "SigningAlgorithm", r.requiredString("SigningAlgorithm", 64));
        if (!SigningAlgorithm.forKey(key.keySpec(), key.keyUsage()).contains(algorithm)) {
            throw KmsError.invalidKeyUsage("SigningAlgorithm " + algorithm + " is not supported by a " + key.keySpec()
                    + " key: use one of " + SigningAlgorithm.forKey(key.keySpec(), key.keyUsage()));
        }
        return algorithm;
    }

    /** MessageType: RAW when absent. */
    private static MessageType messageType(JsonInput r) throws KmsError {
        String name = r.string("MessageType", 32);
        return name == null ? MessageType.RAW : named(MessageType.class, "MessageType", name);
    }

    /** The constant AWS's {@code name} spells, or ValidationException naming the member (AWS's enum check). */
    static <E extends Enum<E>> E named(Class<E> type, String member, String name) throws KmsError {
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        throw KmsError.validation(member + " " + name + " is not one of " + Arrays.toString(type.getEnumConstants()));
    }

    private static void refuseDryRun(JsonInput r) throws KmsError {
        if (r.bool("DryRun")) {
            throw KmsError.unsupported("DryRun is not supported yet");
        }
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
