package io.kmsjca.cli;

import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Base64;

/**
 * KMS Sign, Verify and GetPublicKey with an asymmetric key whose private half never leaves
 * kms-jca: the AWS CLI's flags, and its answers (the key by its ARN, DER signatures and public
 * keys in base64), so that {@code openssl} verifies what {@code sign} produced.
 */
final class SigningCommands {

    private static final int EXTERNAL_MU_BYTES = 64;
    private static final String KEY_ID = "The asymmetric key: its key id, ARN, or an alias (alias/NAME).";
    private static final String MESSAGE = "The message, or with --message-type DIGEST its hash: fileb://PATH or base64; "
            + "at most 4096 bytes.";
    private static final String MESSAGE_TYPE = "RAW (default): the message itself, hashed by KMS; DIGEST: a digest of the "
            + "algorithm's hash; EXTERNAL_MU: ML-DSA's 64-byte mu.";
    private static final String ALGORITHM = "One of the key's SigningAlgorithms (describe-key): RSASSA_PSS_SHA_256|384|512, "
            + "RSASSA_PKCS1_V1_5_SHA_256|384|512, ECDSA_SHA_256|384|512, ML_DSA_SHAKE_256, ED25519_SHA_512, ED25519_PH_SHA_512.";

    private SigningCommands() {
    }

    /**
     * What AWS refuses as a ValidationException before any key is used: a DIGEST for an algorithm
     * that signs no digest (pure Ed25519, ML-DSA) or of another length than its hash's, an
     * EXTERNAL_MU other than ML-DSA's 64 bytes.
     */
    static void checkMessage(MessageType type, SigningAlgorithm algorithm, int length) throws GeneralSecurityException {
        if (type == MessageType.DIGEST) {
            if (algorithm.digestAlgorithm() == null) {
                throw new CliException(ExitCode.USAGE, algorithm + " signs the message itself: pass --message-type RAW"
                        + (algorithm == SigningAlgorithm.ML_DSA_SHAKE_256 ? " or EXTERNAL_MU" : "") + " (ValidationException)");
            }
            int expected = MessageDigest.getInstance(algorithm.digestAlgorithm()).getDigestLength();
            if (length != expected) {
                throw new CliException(ExitCode.USAGE, "a DIGEST for " + algorithm + " is a " + algorithm.digestAlgorithm()
                        + " digest of " + expected + " bytes, not " + length + " (ValidationException)");
            }
        } else if (type == MessageType.EXTERNAL_MU) {
            if (algorithm != SigningAlgorithm.ML_DSA_SHAKE_256 || length != EXTERNAL_MU_BYTES) {
                throw new CliException(ExitCode.USAGE, "EXTERNAL_MU is ML-DSA's " + EXTERNAL_MU_BYTES + "-byte mu, for "
                        + "ML_DSA_SHAKE_256 only (ValidationException)");
            }
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "sign", description = "Sign a message (or its digest) with the private key of a "
            + "SIGN_VERIFY key; the signature is DER (ECDSA) or the raw RSA/EdDSA/ML-DSA signature, as AWS KMS returns it.",
            footer = {"", "Examples:", "  kms sign --key-id alias/release-signing --message fileb://manifest.json \\",
                    "      --signing-algorithm ECDSA_SHA_256 --query Signature --output text | base64 --decode > manifest.sig",
                    "  openssl dgst -sha256 -binary big.iso > big.sha256",
                    "  kms sign --key-id alias/release-signing --message fileb://big.sha256 --message-type DIGEST \\",
                    "      --signing-algorithm ECDSA_SHA_256 --query Signature --output text | base64 --decode > big.sig"})
    static void sign(@Mixin Common common,
                     @Option(names = "--key-id", paramLabel = "KEY", required = true, description = KEY_ID) String keyId,
                     @Option(names = "--message", required = true, paramLabel = "fileb://PATH|BASE64", converter = Inputs.Message.class,
                             description = MESSAGE) Inputs.Bytes message,
                     @Option(names = "--message-type", paramLabel = "TYPE", defaultValue = "RAW", description = MESSAGE_TYPE)
                     MessageType messageType,
                     @Option(names = "--signing-algorithm", paramLabel = "ALGORITHM", required = true, description = ALGORITHM)
                     SigningAlgorithm algorithm) throws GeneralSecurityException, IOException {
        checkMessage(messageType, algorithm, message.value().length);
        common.withStore(keys -> {
            KmsPrivateKeyHandle key = AsymmetricKeys.resolve(keys, keyId, "sign");
            byte[] signature;
            try {
                signature = keys.sign(key.keyId().toString(), message.value(), messageType, algorithm);
            } catch (GeneralSecurityException e) {
                throw AsymmetricKeys.explain(e, key, keyId, KeyUsage.SIGN_VERIFY, algorithm,
                        SigningAlgorithm.forKey(key.keySpec(), key.keyUsage()));
            }
            common.print(Shapes.result().with("KeyId", common.keyArn(key.keyId()))
                    .with("Signature", Base64.getEncoder().encodeToString(signature))
                    .with("SigningAlgorithm", algorithm.name()));
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "verify", description = "Check a signature of a message with a SIGN_VERIFY key. "
            + "A signature that does not verify is refused (KMSInvalidSignatureException, exit 1), as the AWS CLI does.",
            footer = {"", "Example:", "  kms verify --key-id alias/release-signing --message fileb://manifest.json \\",
                    "      --signature fileb://manifest.sig --signing-algorithm ECDSA_SHA_256"})
    static void verify(@Mixin Common common,
                       @Option(names = "--key-id", paramLabel = "KEY", required = true, description = KEY_ID) String keyId,
                       @Option(names = "--message", required = true, paramLabel = "fileb://PATH|BASE64", converter = Inputs.Message.class,
                               description = MESSAGE) Inputs.Bytes message,
                       @Option(names = "--message-type", paramLabel = "TYPE", defaultValue = "RAW", description = MESSAGE_TYPE)
                       MessageType messageType,
                       @Option(names = "--signature", required = true, paramLabel = "fileb://PATH|BASE64", converter = Inputs.Blob.class,
                               description = "The signature, as sign returned it: fileb://PATH or base64.") Inputs.Bytes signature,
                       @Option(names = "--signing-algorithm", paramLabel = "ALGORITHM", required = true, description = ALGORITHM)
                       SigningAlgorithm algorithm) throws GeneralSecurityException, IOException {
        checkMessage(messageType, algorithm, message.value().length);
        common.withStore(keys -> {
            KmsPrivateKeyHandle key = AsymmetricKeys.resolve(keys, keyId, "verify");
            boolean valid;
            try {
                valid = keys.verify(key.keyId().toString(), message.value(), messageType, signature.value(), algorithm);
            } catch (GeneralSecurityException e) {
                throw AsymmetricKeys.explain(e, key, keyId, KeyUsage.SIGN_VERIFY, algorithm,
                        SigningAlgorithm.forKey(key.keySpec(), key.keyUsage()));
            }
            if (!valid) {
                throw new CliException(ExitCode.REFUSED, "the signature is not valid for this message, key and signing algorithm "
                        + "(KMS KMSInvalidSignatureException)");
            }
            common.print(Shapes.result().with("KeyId", common.keyArn(key.keyId())).with("SignatureValid", true)
                    .with("SigningAlgorithm", algorithm.name()));
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "get-public-key", description = "The public key of an asymmetric key (X.509 "
            + "SubjectPublicKeyInfo DER, base64), with its spec, usage and algorithms, for anyone to verify or encrypt with.",
            footer = {"", "Example:", "  kms get-public-key --key-id alias/release-signing --query PublicKey --output text | base64 --decode > pub.der",
                    "  openssl pkey -pubin -inform DER -in pub.der -out pub.pem"})
    static void getPublicKey(@Mixin Common common,
                             @Option(names = "--key-id", paramLabel = "KEY", required = true, description = KEY_ID) String keyId)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> {
            KmsPrivateKeyHandle key = AsymmetricKeys.resolve(keys, keyId, "get-public-key");
            PublicKey publicKey = keys.getPublicKey(key.keyId().toString());
            Shapes.Result result = Shapes.result().with("KeyId", common.keyArn(key.keyId()))
                    .with("PublicKey", Base64.getEncoder().encodeToString(publicKey.getEncoded()))
                    .with("KeySpec", key.keySpec().name()).with("KeyUsage", key.keyUsage().name());
            common.print(AsymmetricKeys.algorithms(result, key.keySpec(), key.keyUsage()));
        });
    }
}
