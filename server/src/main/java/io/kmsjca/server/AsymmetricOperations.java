package io.kmsjca.server;

import io.kmsjca.internal.crypto.KeyPairs;
import io.kmsjca.keys.DataKeyPair;
import io.kmsjca.keys.EncryptionAlgorithm;
import io.kmsjca.keys.KeyAgreementAlgorithm;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;
import io.kmsjca.provider.KmsEncryptionContextSpec;

import java.security.InvalidKeyException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.kmsjca.server.Shapes.map;

/**
 * The operations of asymmetric keys (issue #19), over the key service's methods: Sign, Verify,
 * GetPublicKey, DeriveSharedSecret, GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext,
 * and Encrypt and Decrypt with an RSA ENCRYPT_DECRYPT key ({@link CryptoOperations} hands those
 * over). What AWS refuses about the key's type, usage or the algorithm is known from the key's spec
 * and usage ({@link RequestedKeyUse}) and answered as AWS's {@code InvalidKeyUsageException}; the key service
 * is still called, checks state and policy, and audits. Every base64 member is bounded before it
 * is decoded; secrets are wiped once encoded.
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
        SigningAlgorithm algorithm = named(SigningAlgorithm.class, "SigningAlgorithm", r.requiredString("SigningAlgorithm", 64));
        RequestedKeyUse use = signing(RequestedKeyUse.of(kms, resolved).needs(KeyUsage.SIGN_VERIFY, "Sign"), algorithm);
        byte[] signature = use.call(() -> kms.service().sign(resolved, message, type, algorithm), s -> { });
        return map("KeyId", kms.ids().keyArn(use.keyId()), "Signature", base64(signature),
                "SigningAlgorithm", algorithm.name());
    }

    private Map<String, Object> verify(JsonInput r) throws Exception {
        String resolved = kms.key(r, "KeyId");
        refuseDryRun(r);
        byte[] message = r.blob("Message", MessageType.MAX_RAW_BYTES);
        byte[] signature = r.blob("Signature", MAX_SIGNATURE_BYTES);
        MessageType type = messageType(r);
        SigningAlgorithm algorithm = named(SigningAlgorithm.class, "SigningAlgorithm", r.requiredString("SigningAlgorithm", 64));
        RequestedKeyUse use = signing(RequestedKeyUse.of(kms, resolved).needs(KeyUsage.SIGN_VERIFY, "Verify"), algorithm);
        boolean valid = use.call(() -> kms.service().verify(resolved, message, type, signature, algorithm), v -> { });
        if (!valid) {
            throw KmsError.kmsInvalidSignature("the signature is not valid for this message, key and algorithm");
        }
        return map("KeyId", kms.ids().keyArn(use.keyId()), "SignatureValid", true, "SigningAlgorithm", algorithm.name());
    }

    /** GetPublicKey; of a symmetric key, AWS's UnsupportedOperationException. */
    private Map<String, Object> getPublicKey(JsonInput r) throws Exception {
        String resolved = kms.key(r, "KeyId");
        RequestedKeyUse found = RequestedKeyUse.of(kms, resolved);
        RequestedKeyUse use = found.unless(found.pair() != null,
                KmsError.unsupported("key " + found.keyId() + " is a symmetric key: it has no public key"));
        byte[] der = use.call(() -> kms.service().getPublicKey(resolved), k -> { }).getEncoded();
        KmsPrivateKeyHandle key = use.pair();
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
        KeyAgreementAlgorithm algorithm = named(KeyAgreementAlgorithm.class, "KeyAgreementAlgorithm",
                r.requiredString("KeyAgreementAlgorithm", 64));
        byte[] peer = r.blob("PublicKey", MAX_PUBLIC_KEY_BYTES);
        RequestedKeyUse use = RequestedKeyUse.of(kms, resolved).needs(KeyUsage.KEY_AGREEMENT, "DeriveSharedSecret");
        KmsPrivateKeyHandle key = use.pair();
        if (!use.refused()) {
            use = use.unless(KeyAgreementAlgorithm.forKey(key.keySpec(), key.keyUsage()).contains(algorithm),
                    KmsError.invalidKeyUsage("KeyAgreementAlgorithm " + algorithm + " is not one of key " + key.keyId() + "'s"));
            // a peer key not of the key's curve is the caller's error, answered once the key service has
            // decided the caller's rights (and audited): a caller with none learns nothing of the key's spec
            use = use.unless(peerOf(key.keySpec(), peer),
                    KmsError.validation("PublicKey is not a " + key.keySpec() + " public key (X.509 SubjectPublicKeyInfo DER)"));
        }
        byte[] secret = use.call(() -> kms.service().deriveSharedSecret(resolved, algorithm, peer), s -> Arrays.fill(s, (byte) 0));
        try {
            return map("KeyId", kms.ids().keyArn(use.keyId()), "SharedSecret", base64(secret),
                    "KeyAgreementAlgorithm", algorithm.name(), "KeyOrigin", "AWS_KMS");
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** Whether {@code peer} is a public key of {@code spec} (X.509 DER, strictly decoded). */
    private static boolean peerOf(KeySpec spec, byte[] peer) {
        try {
            KeyPairs.decodePublic(spec, peer);
            return true;
        } catch (InvalidKeyException e) {
            return false;
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
        RequestedKeyUse use = RequestedKeyUse.of(kms, resolved).needsSymmetric(withPlaintext ? "GenerateDataKeyPair" : "GenerateDataKeyPairWithoutPlaintext");
        DataKeyPair pair = use.call(() -> kms.service().generateDataKeyPair(resolved, pairSpec, context, withPlaintext),
                DataKeyPair::wipe);
        try {
            return map("PrivateKeyCiphertextBlob", base64(pair.privateKeyCiphertext()),
                    "PrivateKeyPlaintext", withPlaintext && pair.privateKeyPlaintext() != null ? base64(pair.privateKeyPlaintext()) : null,
                    "PublicKey", base64(pair.publicKey()), "KeyId", kms.ids().keyArn(use.keyId()),
                    "KeyPairSpec", pair.keyPairSpec().name());
        } finally {
            pair.wipe();
        }
    }

    /** Encrypt with an RSA key: RSA-OAEP under its public key; no encryption context (AWS has none for it). */
    Map<String, Object> encrypt(JsonInput r, String resolved, byte[] plaintext) throws Exception {
        RequestedKeyUse use = encryption(r, resolved, "Encrypt");
        EncryptionAlgorithm algorithm = encryptionAlgorithm(r);
        if (!use.refused()) { // answered once the key service has decided the caller's rights
            int max = maxOaepPlaintext(use.pair().keySpec(), algorithm);
            use = use.unless(plaintext.length <= max, KmsError.validation("Plaintext is " + plaintext.length + " bytes; "
                    + algorithm + " with a " + use.pair().keySpec() + " key encrypts at most " + max));
        }
        byte[] ciphertext = use.call(() -> kms.service().encrypt(resolved, plaintext, algorithm), c -> { });
        return map("CiphertextBlob", base64(ciphertext), "KeyId", kms.ids().keyArn(use.keyId()),
                "EncryptionAlgorithm", algorithm.name());
    }

    /** Decrypt with an RSA key, which the request's KeyId names (AWS requires it: the ciphertext names no key). */
    Map<String, Object> decrypt(JsonInput r, String resolved) throws Exception {
        RequestedKeyUse use = encryption(r, resolved, "Decrypt");
        EncryptionAlgorithm algorithm = encryptionAlgorithm(r);
        byte[] ciphertext = r.blob("CiphertextBlob", MAX_RSA_CIPHERTEXT_BYTES);
        byte[] plaintext = use.call(() -> kms.service().decrypt(resolved, ciphertext, algorithm), p -> Arrays.fill(p, (byte) 0));
        try {
            return map("KeyId", kms.ids().keyArn(use.keyId()), "Plaintext", base64(plaintext),
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

    /** An RSA ENCRYPT_DECRYPT key's use with the request's EncryptionAlgorithm (AWS's default, SYMMETRIC_DEFAULT, is not one). */
    private RequestedKeyUse encryption(JsonInput r, String resolved, String operation) throws Exception {
        if (r.has("EncryptionContext")) {
            throw KmsError.validation("an encryption context is for symmetric keys only; an asymmetric key takes none");
        }
        RequestedKeyUse use = RequestedKeyUse.of(kms, resolved).needs(KeyUsage.ENCRYPT_DECRYPT, operation);
        if (use.refused()) {
            return use;
        }
        EncryptionAlgorithm algorithm = encryptionAlgorithm(r);
        List<EncryptionAlgorithm> allowed = EncryptionAlgorithm.forKey(use.pair().keySpec(), use.pair().keyUsage());
        return use.unless(allowed.contains(algorithm), KmsError.invalidKeyUsage("EncryptionAlgorithm " + algorithm
                + " is not supported by a " + use.pair().keySpec() + " key: use one of " + allowed));
    }

    private static EncryptionAlgorithm encryptionAlgorithm(JsonInput r) throws KmsError {
        String name = r.string("EncryptionAlgorithm", 64);
        return name == null ? EncryptionAlgorithm.SYMMETRIC_DEFAULT : named(EncryptionAlgorithm.class, "EncryptionAlgorithm", name);
    }

    /** A signing use, refused unless {@code algorithm} is one of the key's. */
    private static RequestedKeyUse signing(RequestedKeyUse use, SigningAlgorithm algorithm) {
        if (use.refused()) {
            return use;
        }
        List<SigningAlgorithm> allowed = SigningAlgorithm.forKey(use.pair().keySpec(), use.pair().keyUsage());
        return use.unless(allowed.contains(algorithm), KmsError.invalidKeyUsage("SigningAlgorithm " + algorithm
                + " is not supported by a " + use.pair().keySpec() + " key: use one of " + allowed));
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
