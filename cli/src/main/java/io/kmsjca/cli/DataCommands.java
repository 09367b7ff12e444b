package io.kmsjca.cli;

import io.kmsjca.cli.Inputs.Pairs;
import io.kmsjca.internal.format.WrappedKeyBlob;
import io.kmsjca.keys.EncryptionAlgorithm;
import io.kmsjca.keys.KeyNotFoundException;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.provider.KmsDataKey;
import io.kmsjca.provider.KmsDataKeySpec;
import io.kmsjca.provider.KmsEncryptionContextSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * The data commands of the KMS guides: GenerateDataKey (with and without plaintext), Encrypt and
 * Decrypt of small payloads with the KMSWrap cipher, and ReEncrypt. All go through the standard
 * JCA API, as an application would.
 */
final class DataCommands {

    private static final String KEY_ID = "The master key: its key id, or an alias (orders or alias/orders).";
    private static final String CONTEXT = "key=value,... or {\"key\":\"value\"}: bound to the ciphertext, needed again to decrypt.";
    private static final String ENCRYPTION_ALGORITHM = "SYMMETRIC_DEFAULT (default) for a symmetric key; for an RSA key (required): "
            + "RSAES_OAEP_SHA_256 or RSAES_OAEP_SHA_1.";

    enum DataKeySpec {
        AES_256(256), AES_128(128);

        final int bits;

        DataKeySpec(int bits) {
            this.bits = bits;
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "generate-data-key", description = "A new data key: the plaintext to use now and wipe, and the "
            + "CiphertextBlob (the same key wrapped under the master key) to store beside the data.",
            footer = {"", "Example:", "  kms generate-data-key --key-id alias/orders --key-spec AES_256 --encryption-context purpose=invoices"})
    static void generateDataKey(@Mixin Common common, @Option(names = "--key-id", paramLabel = "KEY", required = true, description = KEY_ID) String keyId,
                         @Option(names = "--key-spec", paramLabel = "SPEC", defaultValue = "AES_256", description = "AES_256 (default) or AES_128.") DataKeySpec spec,
                         @Option(names = "--encryption-context", paramLabel = "CONTEXT", converter = Inputs.Context.class,
                                 description = CONTEXT) Pairs context) throws GeneralSecurityException, IOException {
        dataKey(common, keyId, spec, context, true);
    }

    @Command(mixinStandardHelpOptions = true, name = "generate-data-key-without-plaintext", description = "A new data key as a CiphertextBlob only, to be "
            + "decrypted later by whoever encrypts with it.",
            footer = {"", "Example:", "  kms generate-data-key-without-plaintext --key-id alias/orders --query CiphertextBlob --output text"})
    static void generateDataKeyWithoutPlaintext(@Mixin Common common,
                                         @Option(names = "--key-id", paramLabel = "KEY", required = true, description = KEY_ID) String keyId,
                                         @Option(names = "--key-spec", paramLabel = "SPEC", defaultValue = "AES_256",
                                                 description = "AES_256 (default) or AES_128.") DataKeySpec spec,
                                         @Option(names = "--encryption-context", paramLabel = "CONTEXT",
                                                 converter = Inputs.Context.class, description = CONTEXT) Pairs context)
            throws GeneralSecurityException, IOException {
        dataKey(common, keyId, spec, context, false);
    }

    private static void dataKey(Common common, String keyId, DataKeySpec spec, Pairs context, boolean withPlaintext)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> {
            KmsKeyHandle master = Common.key(keys, keyId);
            KmsDataKeySpec request = KmsDataKeySpec.of(master, spec.bits).withContext(Pairs.of(context));
            KeyGenerator generator = KeyGenerator.getInstance("KMSDataKey", Common.PROVIDER);
            generator.init(withPlaintext ? request : request.withoutPlaintext());
            KmsDataKey dataKey = (KmsDataKey) generator.generateKey();
            Shapes.Result result = Shapes.result().with("CiphertextBlob", base64(dataKey.ciphertextBlob()));
            if (withPlaintext) {
                byte[] plaintext = dataKey.getEncoded();
                result.with("Plaintext", base64(plaintext));
                Arrays.fill(plaintext, (byte) 0);
            }
            dataKey.destroy();
            common.print(result.with("KeyId", master.keyId().toString()));
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "encrypt", description = "Encrypt up to 4096 bytes (a password, a data key) under a master key, "
            + "or with an RSA ENCRYPT_DECRYPT key and --encryption-algorithm, RSA-OAEP under its public key. For files use encrypt-file.",
            footer = {"", "Examples:", "  kms encrypt --key-id alias/orders --plaintext fileb://secret.txt --encryption-context app=orders \\",
                    "      --query CiphertextBlob --output text | base64 --decode > secret.txt.kms",
                    "  kms encrypt --key-id alias/inbox --plaintext fileb://token.bin --encryption-algorithm RSAES_OAEP_SHA_256"})
    static void encrypt(@Mixin Common common, @Option(names = "--key-id", paramLabel = "KEY", required = true, description = KEY_ID) String keyId,
                 @Option(names = "--plaintext", required = true, paramLabel = "fileb://PATH|-", converter = Inputs.SecretBlob.class,
                         description = "The bytes to encrypt, from a file (fileb://PATH) or standard input (-); "
                                 + "never on the command line, where ps and the shell history would show them.")
                 Inputs.Bytes plaintext,
                 @Option(names = "--encryption-context", paramLabel = "CONTEXT", converter = Inputs.Context.class,
                         description = CONTEXT + " Symmetric keys only.") Pairs context,
                 @Option(names = "--encryption-algorithm", paramLabel = "ALGORITHM", description = ENCRYPTION_ALGORITHM)
                 EncryptionAlgorithm algorithm) throws GeneralSecurityException, IOException {
        try (KeyService keys = common.openStore()) {
            Optional<KmsPrivateKeyHandle> pair = AsymmetricKeys.find(keys, keyId);
            if (pair.isPresent()) {
                RsaEncryption.encrypt(common, keys, pair.get(), keyId, plaintext.value(), algorithm, context);
                return;
            }
            symmetricOnly(keyId, algorithm);
            KmsKeyHandle master = Common.key(keys, keyId);
            Cipher cipher = Cipher.getInstance("KMSWrap", Common.PROVIDER);
            cipher.init(Cipher.ENCRYPT_MODE, master, new KmsEncryptionContextSpec(Pairs.of(context)));
            byte[] blob = cipher.doFinal(plaintext.value());
            common.print(Shapes.result().with("CiphertextBlob", base64(blob)).with("KeyId", master.keyId().toString())
                    .with("EncryptionAlgorithm", Shapes.ALGORITHM));
        } finally {
            plaintext.wipe();
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "decrypt", description = "Decrypt a CiphertextBlob of encrypt or generate-data-key. The blob names its "
            + "master key and version; --key-id only checks it. An RSA-OAEP ciphertext names nothing: give --key-id and --encryption-algorithm.",
            footer = {"", "Examples:", "  kms decrypt --ciphertext-blob fileb://data.key --encryption-context purpose=invoices \\",
                    "      --query Plaintext --output text | base64 --decode | xxd -p -c 64",
                    "  kms decrypt --key-id alias/inbox --ciphertext-blob fileb://token.enc --encryption-algorithm RSAES_OAEP_SHA_256"})
    static void decrypt(@Mixin Common common,
                 @Option(names = "--ciphertext-blob", required = true, paramLabel = "fileb://PATH|BASE64", converter = Inputs.Blob.class,
                         description = "The CiphertextBlob: fileb://PATH, or base64.") Inputs.Bytes blob,
                 @Option(names = "--key-id", paramLabel = "KEY", description = "Refuse unless the blob was made under this key; "
                         + "required for an RSA key.") String keyId,
                 @Option(names = "--encryption-context", paramLabel = "CONTEXT", converter = Inputs.Context.class,
                         description = "The encryption context the blob was made with.") Pairs context,
                 @Option(names = "--encryption-algorithm", paramLabel = "ALGORITHM", description = ENCRYPTION_ALGORITHM)
                 EncryptionAlgorithm algorithm)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> {
            if (algorithm != null && algorithm != EncryptionAlgorithm.SYMMETRIC_DEFAULT && keyId == null) {
                throw new CliException(ExitCode.USAGE, "an " + algorithm + " ciphertext does not name its key: pass --key-id "
                        + "(AWS requires it for asymmetric keys)");
            }
            Optional<KmsPrivateKeyHandle> pair = keyId == null ? Optional.empty() : AsymmetricKeys.find(keys, keyId);
            if (pair.isPresent()) {
                RsaEncryption.decrypt(common, keys, pair.get(), keyId, blob.value(), algorithm, context);
                return;
            }
            symmetricOnly(keyId, algorithm);
            KmsKeyHandle master = blobKey(keys, blob.value(), keyId);
            Cipher cipher = Cipher.getInstance("KMSWrap", Common.PROVIDER);
            cipher.init(Cipher.DECRYPT_MODE, master, new KmsEncryptionContextSpec(Pairs.of(context)));
            byte[] plaintext = cipher.doFinal(blob.value());
            try {
                common.print(Shapes.result().with("KeyId", master.keyId().toString()).with("Plaintext", base64(plaintext))
                        .with("EncryptionAlgorithm", Shapes.ALGORITHM));
            } finally {
                Arrays.fill(plaintext, (byte) 0);
            }
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "re-encrypt", description = "Wrap the key or data inside a CiphertextBlob again, under the newest version "
            + "of another (or the same) master key and context, without it ever leaving kms-jca.",
            footer = {"", "Example:", "  kms re-encrypt --ciphertext-blob fileb://data.key --source-encryption-context purpose=invoices \\",
                    "      --destination-key-id alias/orders-2027 --destination-encryption-context purpose=invoices"})
    static void reEncrypt(@Mixin Common common,
                   @Option(names = "--ciphertext-blob", required = true, paramLabel = "fileb://PATH|BASE64",
                           converter = Inputs.Blob.class, description = "The CiphertextBlob: fileb://PATH, or base64.") Inputs.Bytes blob,
                   @Option(names = "--source-encryption-context", paramLabel = "CONTEXT", converter = Inputs.Context.class,
                           description = "The context the blob was made with.") Pairs sourceContext,
                   @Option(names = "--destination-key-id", paramLabel = "KEY", description = "The new master key (default: the blob's own, "
                           + "to move it to its newest version).") String destinationKeyId,
                   @Option(names = "--destination-encryption-context", paramLabel = "CONTEXT", converter = Inputs.Context.class,
                           description = "The context of the new blob (default: none).") Pairs destinationContext)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> {
            KmsKeyHandle source = blobKey(keys, blob.value(), null);
            KmsKeyHandle destination = destinationKeyId == null ? source : Common.key(keys, destinationKeyId);
            byte[] next = keys.reEncrypt(blob.value(), Pairs.of(sourceContext), destination.keyId().toString(),
                    Pairs.of(destinationContext));
            common.print(Shapes.result().with("CiphertextBlob", base64(next))
                    .with("SourceKeyId", source.keyId().toString()).with("SourceKeyVersion", WrappedKeyBlob.keyVersion(blob.value()))
                    .with("KeyId", destination.keyId().toString()).with("KeyVersion", WrappedKeyBlob.keyVersion(next))
                    .with("SourceEncryptionAlgorithm", Shapes.ALGORITHM).with("DestinationEncryptionAlgorithm", Shapes.ALGORITHM));
        });
    }

    /** A symmetric key takes SYMMETRIC_DEFAULT (or no algorithm) only. */
    private static void symmetricOnly(String keyId, EncryptionAlgorithm algorithm) {
        if (algorithm != null && algorithm != EncryptionAlgorithm.SYMMETRIC_DEFAULT) {
            throw new CliException(ExitCode.REFUSED, algorithm + " is for RSA keys; key " + keyId + " is a symmetric key, "
                    + "which takes SYMMETRIC_DEFAULT (" + AsymmetricKeys.INVALID_KEY_USAGE + ")");
        }
    }

    /** The master key a blob names, after checking the blob is one; with {@code expected}, it must be that key. */
    private static KmsKeyHandle blobKey(KeyService keys, byte[] blob, String expected) throws GeneralSecurityException {
        WrappedKeyBlob.check(blob);
        String named = WrappedKeyBlob.keyId(blob).toString();
        KmsKeyHandle key = keys.findKey(named).orElseThrow(() -> new KeyNotFoundException(named));
        if (expected != null && !Common.key(keys, expected).keyId().equals(key.keyId())) {
            throw new CliException(ExitCode.REFUSED, "the ciphertext was made under key " + named + ", not under "
                    + expected + " (KMS IncorrectKeyException); drop --key-id or name that key");
        }
        return key;
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
