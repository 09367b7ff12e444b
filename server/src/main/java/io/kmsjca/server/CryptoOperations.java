package io.kmsjca.server;

import io.kmsjca.internal.format.WrappedKeyBlob;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsDataKey;
import io.kmsjca.provider.KmsDataKeySpec;
import io.kmsjca.provider.KmsEncryptionContextSpec;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import static io.kmsjca.server.Shapes.SYMMETRIC_DEFAULT;
import static io.kmsjca.server.Shapes.map;

/**
 * Encrypt, Decrypt, ReEncrypt, GenerateDataKey, GenerateDataKeyWithoutPlaintext, GenerateRandom,
 * through the provider's JCA services: {@code Cipher "KMSWrap"} in ENCRYPT/DECRYPT mode with a
 * {@link KmsEncryptionContextSpec}, {@code KeyGenerator "KMSDataKey"}. A ciphertext blob is a
 * KMSWrap blob, which names its key, so Decrypt needs no KeyId. Plaintext is wiped once encoded.
 */
final class CryptoOperations {

    /** AWS's limits: Encrypt's plaintext, GenerateRandom's and GenerateDataKey's NumberOfBytes. */
    static final int MAX_PLAINTEXT_BYTES = WrappedKeyBlob.MAX_PLAINTEXT_BYTES;
    static final int MAX_RANDOM_BYTES = 1024;

    private final OperationContext kms;
    private final AsymmetricOperations asymmetric;

    CryptoOperations(OperationContext kms, AsymmetricOperations asymmetric) {
        this.kms = kms;
        this.asymmetric = asymmetric;
    }

    void register(Map<String, Operation> table) {
        table.put("Encrypt", this::encrypt);
        table.put("Decrypt", this::decrypt);
        table.put("ReEncrypt", this::reEncrypt);
        table.put("GenerateDataKey", r -> generateDataKey(r, true));
        table.put("GenerateDataKeyWithoutPlaintext", r -> generateDataKey(r, false));
        table.put("GenerateRandom", this::generateRandom);
    }

    private Map<String, Object> encrypt(JsonInput r) throws Exception {
        String resolved = kms.key(r, "KeyId");
        refuseDryRun(r);
        byte[] plaintext = r.blob("Plaintext", MAX_PLAINTEXT_BYTES);
        try {
            if (kms.privateKey(resolved).isPresent() || rsaAlgorithm(r.string("EncryptionAlgorithm", 64))) {
                return asymmetric.encrypt(r, resolved, plaintext); // an RSA key, or RSA's algorithm with another key: refused there
            }
            RequestedKeyUse use = symmetric(resolved, "Encrypt", r, "EncryptionAlgorithm"); // an HMAC key: refused
            KmsEncryptionContextSpec context = context(r, "EncryptionContext");
            byte[] blob = use.call(() -> {
                Cipher cipher = Cipher.getInstance("KMSWrap", kms.provider());
                cipher.init(Cipher.ENCRYPT_MODE, kms.handle(resolved), context);
                return cipher.doFinal(plaintext);
            }, b -> { });
            return map("CiphertextBlob", base64(blob), "KeyId", kms.ids().keyArn(use.keyId()),
                    "EncryptionAlgorithm", SYMMETRIC_DEFAULT);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    private Map<String, Object> decrypt(JsonInput r) throws Exception {
        refuseDryRun(r);
        r.refuse("Recipient", ": no Nitro enclave attestation here");
        if (r.has("KeyId")) {
            // an RSA ciphertext names no key: AWS requires the KeyId of an asymmetric key
            String resolved = kms.key(r, "KeyId");
            if (kms.privateKey(resolved).isPresent() || rsaAlgorithm(r.string("EncryptionAlgorithm", 64))) {
                return asymmetric.decrypt(r, resolved);
            }
        } else if (rsaAlgorithm(r.string("EncryptionAlgorithm", 64))) {
            throw KmsError.validation("KeyId is required to decrypt with an asymmetric key (EncryptionAlgorithm "
                    + r.string("EncryptionAlgorithm", 64) + ")");
        }
        byte[] blob = r.blob("CiphertextBlob", WrappedKeyBlob.MAX_BLOB_BYTES);
        algorithm(r, "EncryptionAlgorithm");
        KmsKeyHandle key = blobKey(blob, r, "KeyId");
        Cipher cipher = Cipher.getInstance("KMSWrap", kms.provider());
        cipher.init(Cipher.DECRYPT_MODE, key, context(r, "EncryptionContext"));
        byte[] plaintext = cipher.doFinal(blob);
        try {
            return map("KeyId", kms.ids().keyArn(key.keyId()), "Plaintext", base64(plaintext),
                    "EncryptionAlgorithm", SYMMETRIC_DEFAULT);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    private Map<String, Object> reEncrypt(JsonInput r) throws Exception {
        byte[] blob = r.blob("CiphertextBlob", WrappedKeyBlob.MAX_BLOB_BYTES);
        algorithm(r, "SourceEncryptionAlgorithm");
        algorithm(r, "DestinationEncryptionAlgorithm");
        refuseDryRun(r);
        KmsKeyHandle source = blobKey(blob, r, "SourceKeyId");
        RequestedKeyUse destination = RequestedKeyUse.of(kms, kms.key(r, "DestinationKeyId")).needsSymmetric("ReEncrypt");
        Map<String, String> sourceContext = r.stringMap("SourceEncryptionContext");
        Map<String, String> destinationContext = r.stringMap("DestinationEncryptionContext");
        new KmsEncryptionContextSpec(sourceContext); // the provider's bounds, as a ValidationException
        new KmsEncryptionContextSpec(destinationContext);
        byte[] next = destination.call(() -> kms.service().reEncrypt(blob, sourceContext, destination.keyId().toString(),
                destinationContext), b -> { });
        return map("CiphertextBlob", base64(next), "SourceKeyId", kms.ids().keyArn(source.keyId()),
                "KeyId", kms.ids().keyArn(destination.keyId()), "SourceEncryptionAlgorithm", SYMMETRIC_DEFAULT,
                "DestinationEncryptionAlgorithm", SYMMETRIC_DEFAULT);
    }

    private Map<String, Object> generateDataKey(JsonInput r, boolean withPlaintext) throws Exception {
        String resolved = kms.key(r, "KeyId");
        RequestedKeyUse use = RequestedKeyUse.of(kms, resolved)
                .needsSymmetric(withPlaintext ? "GenerateDataKey" : "GenerateDataKeyWithoutPlaintext");
        refuseDryRun(r);
        r.refuse("Recipient", ": no Nitro enclave attestation here");
        int bits = dataKeyBits(r);
        KmsDataKeySpec spec = KmsDataKeySpec.of(kms.handle(resolved), bits).withContext(r.stringMap("EncryptionContext"));
        KmsDataKey dataKey = use.call(() -> {
            KeyGenerator generator = KeyGenerator.getInstance("KMSDataKey", kms.provider());
            generator.init(withPlaintext ? spec : spec.withoutPlaintext());
            return (KmsDataKey) generator.generateKey();
        }, KmsDataKey::destroy);
        try {
            String plaintext = null;
            if (withPlaintext) {
                byte[] encoded = dataKey.getEncoded();
                plaintext = base64(encoded);
                Arrays.fill(encoded, (byte) 0);
            }
            return map("CiphertextBlob", base64(dataKey.ciphertextBlob()), "Plaintext", plaintext,
                    "KeyId", kms.ids().keyArn(use.keyId()));
        } finally {
            dataKey.destroy();
        }
    }

    private Map<String, Object> generateRandom(JsonInput r) throws Exception {
        r.refuse("CustomKeyStoreId", ": random bytes come from this server");
        r.refuse("Recipient", ": no Nitro enclave attestation here");
        int n = r.integer("NumberOfBytes", 1, MAX_RANDOM_BYTES, -1);
        if (n < 0) {
            throw KmsError.validation("NumberOfBytes is required");
        }
        byte[] random = kms.service().generateRandom(n); // the store policy's kms:GenerateRandom, audited
        try {
            return map("Plaintext", base64(random));
        } finally {
            Arrays.fill(random, (byte) 0);
        }
    }

    /**
     * The key a blob names, checked against the request's key member when given (AWS's
     * IncorrectKeyException). A blob too short or not a KMSWrap blob is InvalidCiphertextException.
     */
    private KmsKeyHandle blobKey(byte[] blob, JsonInput r, String member) throws Exception {
        try {
            WrappedKeyBlob.check(blob);
        } catch (GeneralSecurityException e) {
            throw KmsError.invalidCiphertext("the ciphertext is not a valid ciphertext of this service");
        }
        UUID blobKey = WrappedKeyBlob.keyId(blob);
        if (r.has(member)) {
            UUID named = kms.handle(kms.key(r, member)).keyId();
            if (!named.equals(blobKey)) {
                throw KmsError.incorrectKey("The key ID in the request does not identify a CMK that can perform this operation.");
            }
        }
        return kms.handle(blobKey.toString());
    }

    /** AES_256 or AES_128 (KeySpec), or NumberOfBytes 32 or 16: the data keys KMSDataKey makes. */
    private static int dataKeyBits(JsonInput r) throws KmsError {
        String spec = r.string("KeySpec", 16);
        boolean bytes = r.has("NumberOfBytes");
        if ((spec == null) == !bytes) {
            throw KmsError.validation("Please specify either number of bytes or key spec.");
        }
        if (spec != null) {
            return switch (spec) {
                case "AES_256" -> 256;
                case "AES_128" -> 128;
                default -> throw KmsError.validation("KeySpec must be AES_256 or AES_128, not " + spec);
            };
        }
        int n = r.integer("NumberOfBytes", 1, MAX_RANDOM_BYTES, 0);
        if (n != 16 && n != 32) {
            throw KmsError.unsupported("NumberOfBytes " + n + " is not supported yet: data keys are 16 or 32 bytes");
        }
        return n * 8;
    }

    private static KmsEncryptionContextSpec context(JsonInput r, String member) throws KmsError {
        return new KmsEncryptionContextSpec(r.stringMap(member));
    }

    private static void algorithm(JsonInput r, String member) throws KmsError {
        String algorithm = r.string(member, 64);
        if (algorithm != null && !algorithm.equals(SYMMETRIC_DEFAULT)) {
            throw algorithmRefused(member, algorithm);
        }
    }

    private static KmsError algorithmRefused(String member, String algorithm) {
        return KmsError.invalidKeyUsage(member + " " + algorithm + " is not supported by a SYMMETRIC_DEFAULT key: use SYMMETRIC_DEFAULT");
    }

    /**
     * A use of the symmetric key {@code resolved} with the request's {@code algorithmMember}: refused
     * (InvalidKeyUsageException) for another key or algorithm only once the key service has decided
     * the caller's rights, so that a caller with none learns nothing of the key's spec (RequestedKeyUse).
     */
    private RequestedKeyUse symmetric(String resolved, String operation, JsonInput r, String algorithmMember) throws Exception {
        String algorithm = r.string(algorithmMember, 64);
        return RequestedKeyUse.of(kms, resolved).needsSymmetric(operation)
                .unless(algorithm == null || algorithm.equals(SYMMETRIC_DEFAULT), algorithmRefused(algorithmMember, algorithm));
    }

    /** Whether {@code algorithm} is one of RSA's (RSAES_OAEP_*), which only asymmetric keys take. */
    private static boolean rsaAlgorithm(String algorithm) {
        return algorithm != null && algorithm.startsWith("RSAES_");
    }

    /** DryRun would have the request checked but not made: refused rather than made. */
    private static void refuseDryRun(JsonInput r) throws KmsError {
        if (r.bool("DryRun")) {
            throw KmsError.unsupported("DryRun is not supported yet");
        }
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
