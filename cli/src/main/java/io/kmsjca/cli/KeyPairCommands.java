package io.kmsjca.cli;

import io.kmsjca.cli.Inputs.Pairs;
import io.kmsjca.keys.DataKeyPair;
import io.kmsjca.keys.KeyAccessDeniedException;
import io.kmsjca.keys.KeyAgreementAlgorithm;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;

/**
 * KMS GenerateDataKeyPair (with and without plaintext), whose private key comes back wrapped
 * under a symmetric master key, and DeriveSharedSecret, ECDH with a KEY_AGREEMENT key whose
 * private half never leaves kms-jca.
 */
final class KeyPairCommands {

    private static final String PAIR_SPEC = "RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384, ECC_NIST_P521, "
            + "ECC_SECG_P256K1 or ECC_NIST_EDWARDS25519.";
    private static final String CONTEXT = "key=value,... or {\"key\":\"value\"}: bound to PrivateKeyCiphertextBlob, needed again to decrypt it.";

    private KeyPairCommands() {
    }

    @Command(mixinStandardHelpOptions = true, name = "generate-data-key-pair", description = "A new key pair to use outside kms-jca: "
            + "the public key, the private key (PKCS#8 DER) to use now and wipe, and PrivateKeyCiphertextBlob, the same private "
            + "key wrapped under a symmetric master key, to store ('kms decrypt' returns it).",
            footer = {"", "Example:", "  kms generate-data-key-pair --key-id alias/orders --key-pair-spec ECC_NIST_P256 --encryption-context app=tokens"})
    static void generateDataKeyPair(@Mixin Common common,
                                    @Option(names = "--key-id", paramLabel = "KEY", required = true,
                                            description = "The symmetric master key that wraps the private key.") String keyId,
                                    @Option(names = "--key-pair-spec", paramLabel = "SPEC", required = true, description = PAIR_SPEC)
                                    KeySpec spec,
                                    @Option(names = "--encryption-context", paramLabel = "CONTEXT", converter = Inputs.Context.class,
                                            description = CONTEXT) Pairs context) throws GeneralSecurityException, IOException {
        dataKeyPair(common, keyId, spec, context, true);
    }

    @Command(mixinStandardHelpOptions = true, name = "generate-data-key-pair-without-plaintext", description = "A new key pair: the "
            + "public key, and the private key only wrapped (PrivateKeyCiphertextBlob), for whoever decrypts it later.",
            footer = {"", "Example:", "  kms generate-data-key-pair-without-plaintext --key-id alias/orders --key-pair-spec RSA_2048"})
    static void generateDataKeyPairWithoutPlaintext(@Mixin Common common,
                                                    @Option(names = "--key-id", paramLabel = "KEY", required = true,
                                                            description = "The symmetric master key that wraps the private key.") String keyId,
                                                    @Option(names = "--key-pair-spec", paramLabel = "SPEC", required = true,
                                                            description = PAIR_SPEC) KeySpec spec,
                                                    @Option(names = "--encryption-context", paramLabel = "CONTEXT",
                                                            converter = Inputs.Context.class, description = CONTEXT) Pairs context)
            throws GeneralSecurityException, IOException {
        dataKeyPair(common, keyId, spec, context, false);
    }

    private static void dataKeyPair(Common common, String keyId, KeySpec spec, Pairs context, boolean withPlaintext)
            throws GeneralSecurityException, IOException {
        if (!spec.isAsymmetric()) {
            throw new CliException(ExitCode.USAGE, "--key-pair-spec " + spec + " is not a key pair; for an AES data key use "
                    + "generate-data-key (ValidationException)");
        }
        common.withStore(keys -> {
            DataKeyPair pair = keys.generateDataKeyPair(Inputs.keyRef(keyId), spec, Pairs.of(context), withPlaintext);
            try {
                Base64.Encoder base64 = Base64.getEncoder();
                common.print(Shapes.result().with("PrivateKeyCiphertextBlob", base64.encodeToString(pair.privateKeyCiphertext()))
                        .with("PrivateKeyPlaintext", pair.privateKeyPlaintext() == null ? null
                                : base64.encodeToString(pair.privateKeyPlaintext()))
                        .with("PublicKey", base64.encodeToString(pair.publicKey()))
                        .with("KeyId", common.keyArn(pair.keyId()))
                        .with("KeyPairSpec", pair.keyPairSpec().name()));
            } finally {
                pair.wipe();
            }
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "derive-shared-secret", description = "ECDH between the private key of a "
            + "KEY_AGREEMENT key and a peer's public key: the raw shared secret, to feed a key derivation function.",
            footer = {"", "Example:", "  kms derive-shared-secret --key-id alias/exchange --key-agreement-algorithm ECDH --public-key fileb://peer.der \\",
                    "      --query SharedSecret --output text | base64 --decode > shared.bin"})
    static void deriveSharedSecret(@Mixin Common common,
                                   @Option(names = "--key-id", paramLabel = "KEY", required = true,
                                           description = "The KEY_AGREEMENT key: its key id, ARN, or an alias.") String keyId,
                                   @Option(names = "--key-agreement-algorithm", paramLabel = "ALGORITHM", required = true,
                                           description = "ECDH.") KeyAgreementAlgorithm algorithm,
                                   @Option(names = "--public-key", required = true, paramLabel = "fileb://PATH|BASE64",
                                           converter = Inputs.Blob.class, description = "The peer's public key on the same curve, "
                                           + "X.509 SubjectPublicKeyInfo DER: fileb://PATH or base64.") Inputs.Bytes peer)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> {
            KmsPrivateKeyHandle key = AsymmetricKeys.resolve(keys, keyId, "derive-shared-secret");
            byte[] secret;
            try {
                secret = keys.deriveSharedSecret(key.keyId().toString(), algorithm, peer.value());
            } catch (GeneralSecurityException e) {
                throw AsymmetricKeys.explain(e, key, keyId, KeyUsage.KEY_AGREEMENT, algorithm,
                        KeyAgreementAlgorithm.forKey(key.keySpec(), key.keyUsage()));
            }
            try {
                common.print(Shapes.result().with("KeyId", common.keyArn(key.keyId()))
                        .with("SharedSecret", Base64.getEncoder().encodeToString(secret))
                        .with("KeyAgreementAlgorithm", algorithm.name())
                        .with("KeyOrigin", origin(keys, key)));
            } finally {
                Arrays.fill(secret, (byte) 0);
            }
        });
    }

    /** AWS's KeyOrigin of the key (AWS_KMS or EXTERNAL), or null when the caller may not describe the key. */
    private static String origin(KeyService keys, KmsPrivateKeyHandle key) throws GeneralSecurityException {
        try {
            return keys.describeKey(key.keyId().toString()).origin() == KeyOrigin.IMPORTED ? "EXTERNAL" : "AWS_KMS";
        } catch (KeyAccessDeniedException e) {
            return null;
        }
    }
}
