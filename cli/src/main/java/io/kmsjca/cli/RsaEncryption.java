package io.kmsjca.cli;

import io.kmsjca.cli.Inputs.Pairs;
import io.kmsjca.keys.EncryptionAlgorithm;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsPrivateKeyHandle;

import javax.crypto.BadPaddingException;
import javax.crypto.IllegalBlockSizeException;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;

/**
 * The asymmetric half of {@code encrypt} and {@code decrypt}: RSA-OAEP with an RSA
 * ENCRYPT_DECRYPT key, as AWS KMS does it. The algorithm must be named (AWS requires it for
 * asymmetric keys), there is no encryption context, and the plaintext is at most what OAEP fits
 * in the key's modulus.
 */
final class RsaEncryption {

    private RsaEncryption() {
    }

    /** KMS Encrypt with an RSA key: prints CiphertextBlob, KeyId (the ARN) and EncryptionAlgorithm. */
    static void encrypt(Common common, KeyService keys, KmsPrivateKeyHandle key, String given, byte[] plaintext,
                        EncryptionAlgorithm algorithm, Pairs context) throws GeneralSecurityException {
        check(key, given, algorithm, context);
        int max = maxPlaintext(key.keySpec(), algorithm);
        if (plaintext.length > max) {
            throw new CliException(ExitCode.USAGE, "the plaintext is " + plaintext.length + " bytes; " + algorithm + " with a "
                    + key.keySpec() + " key encrypts at most " + max + " (ValidationException); for more, encrypt a data key");
        }
        byte[] ciphertext;
        try {
            ciphertext = keys.encrypt(key.keyId().toString(), plaintext, algorithm);
        } catch (GeneralSecurityException e) {
            throw AsymmetricKeys.explain(e, key, given, KeyUsage.ENCRYPT_DECRYPT, algorithm,
                    EncryptionAlgorithm.forKey(key.keySpec(), key.keyUsage()));
        }
        common.print(Shapes.result().with("CiphertextBlob", Base64.getEncoder().encodeToString(ciphertext))
                .with("KeyId", common.keyArn(key.keyId())).with("EncryptionAlgorithm", algorithm.name()));
    }

    /** KMS Decrypt with an RSA key: prints KeyId (the ARN), Plaintext and EncryptionAlgorithm. */
    static void decrypt(Common common, KeyService keys, KmsPrivateKeyHandle key, String given, byte[] ciphertext,
                        EncryptionAlgorithm algorithm, Pairs context) throws GeneralSecurityException {
        check(key, given, algorithm, context);
        byte[] plaintext;
        try {
            plaintext = keys.decrypt(key.keyId().toString(), ciphertext, algorithm);
        } catch (BadPaddingException | IllegalBlockSizeException e) {
            throw new CliException(ExitCode.REFUSED, "the ciphertext does not decrypt with key " + given + " and " + algorithm
                    + ": it was altered, made under another key, or with the other algorithm (KMS InvalidCiphertextException)", e);
        } catch (GeneralSecurityException e) {
            throw AsymmetricKeys.explain(e, key, given, KeyUsage.ENCRYPT_DECRYPT, algorithm,
                    EncryptionAlgorithm.forKey(key.keySpec(), key.keyUsage()));
        }
        try {
            common.print(Shapes.result().with("KeyId", common.keyArn(key.keyId()))
                    .with("Plaintext", Base64.getEncoder().encodeToString(plaintext))
                    .with("EncryptionAlgorithm", algorithm.name()));
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /** What AWS refuses before any key is used: another usage, no RSA algorithm named, an encryption context. */
    private static void check(KmsPrivateKeyHandle key, String given, EncryptionAlgorithm algorithm, Pairs context) {
        if (key.keyUsage() != KeyUsage.ENCRYPT_DECRYPT) {
            throw new CliException(ExitCode.REFUSED, "key " + given + " (" + key.keySpec() + ") is for " + key.keyUsage()
                    + ": it does not encrypt or decrypt (" + AsymmetricKeys.INVALID_KEY_USAGE + ")");
        }
        if (algorithm == null || algorithm == EncryptionAlgorithm.SYMMETRIC_DEFAULT) {
            throw new CliException(ExitCode.USAGE, "key " + given + " (" + key.keySpec() + ") needs --encryption-algorithm "
                    + "RSAES_OAEP_SHA_256 or RSAES_OAEP_SHA_1 (AWS requires it for asymmetric keys)");
        }
        if (context != null && !context.values().isEmpty()) {
            throw new CliException(ExitCode.USAGE, "an encryption context applies to symmetric keys only; key " + given
                    + " (" + key.keySpec() + ") is asymmetric (ValidationException)");
        }
    }

    /** The longest plaintext RSA-OAEP fits: the modulus length less twice the hash length less 2 (RFC 8017, 7.1.1). */
    static int maxPlaintext(KeySpec spec, EncryptionAlgorithm algorithm) {
        int hashLength = algorithm == EncryptionAlgorithm.RSAES_OAEP_SHA_1 ? 20 : 32;
        return spec.bits() / 8 - 2 * hashLength - 2;
    }
}
