package io.kmsjca.cli;

import io.kmsjca.keys.KeyMetadata;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.MacAlgorithm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * KMS GenerateMac, VerifyMac (HMAC keys, whose material never leaves kms-jca) and
 * GenerateRandom, with the AWS CLI's flags and answers: the key by its ARN, MACs and random
 * bytes in base64; a MAC that does not verify is refused as AWS's KMSInvalidMacException.
 */
final class MacCommands {

    private static final String KEY_ID = "The HMAC key: its key id, ARN, or an alias (alias/NAME).";
    private static final String MESSAGE = "The message: fileb://PATH or base64; 1 to 4096 bytes.";
    private static final String ALGORITHM = "The key's MacAlgorithm (describe-key): HMAC_SHA_224, HMAC_SHA_256, "
            + "HMAC_SHA_384 or HMAC_SHA_512.";
    /** AWS KMS's bounds of GenerateRandom's NumberOfBytes. */
    static final int MAX_RANDOM_BYTES = 1024;

    private MacCommands() {
    }

    /**
     * Refuses, before any key is used, a key that is not an HMAC key of {@code algorithm}, as AWS's
     * InvalidKeyUsageException; a refusal by state, policy or grant is the key service's.
     */
    private static String resolve(io.kmsjca.keys.KeyService keys, String given, MacAlgorithm algorithm, String operation)
            throws GeneralSecurityException {
        String ref = Inputs.keyRef(given);
        KeyMetadata m = keys.describeKey(ref);
        List<MacAlgorithm> own = MacAlgorithm.forKey(m.keySpec(), m.keyUsage());
        if (m.keyUsage() != KeyUsage.GENERATE_VERIFY_MAC) {
            throw new CliException(ExitCode.REFUSED, "key " + given + " (" + m.keySpec() + ") is for " + m.keyUsage() + ", not "
                    + KeyUsage.GENERATE_VERIFY_MAC + ": " + operation + " needs an HMAC key (" + AsymmetricKeys.INVALID_KEY_USAGE
                    + "); 'kms create-key --key-spec HMAC_256 --key-usage GENERATE_VERIFY_MAC' makes one");
        }
        if (!own.contains(algorithm)) {
            throw new CliException(ExitCode.REFUSED, algorithm + " is not the MAC algorithm of key " + given + " ("
                    + m.keySpec() + "), which is " + own + " (" + AsymmetricKeys.INVALID_KEY_USAGE + ")");
        }
        return m.keyId().toString();
    }

    @Command(mixinStandardHelpOptions = true, name = "generate-mac", description = "The HMAC of a message under an HMAC key "
            + "(KMS GenerateMac); the key's material never leaves kms-jca.",
            footer = {"", "Example:", "  kms generate-mac --key-id alias/tokens --message fileb://token.json \\",
                    "      --mac-algorithm HMAC_SHA_256 --query Mac --output text | base64 --decode > token.mac"})
    static void generateMac(@Mixin Common common,
                            @Option(names = "--key-id", paramLabel = "KEY", required = true, description = KEY_ID) String keyId,
                            @Option(names = "--message", required = true, paramLabel = "fileb://PATH|BASE64",
                                    converter = Inputs.MacMessage.class, description = MESSAGE) Inputs.Bytes message,
                            @Option(names = "--mac-algorithm", paramLabel = "ALGORITHM", required = true, description = ALGORITHM)
                            MacAlgorithm algorithm) throws GeneralSecurityException, IOException {
        common.withStore(keys -> {
            String id = resolve(keys, keyId, algorithm, "generate-mac");
            byte[] mac = keys.generateMac(id, message.value(), algorithm);
            common.print(Shapes.result().with("Mac", Base64.getEncoder().encodeToString(mac))
                    .with("MacAlgorithm", algorithm.name()).with("KeyId", common.keyArn(java.util.UUID.fromString(id))));
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "verify-mac", description = "Check the HMAC of a message with an HMAC key "
            + "(KMS VerifyMac), in constant time. A MAC that does not verify is refused (KMSInvalidMacException, exit 1), as the "
            + "AWS CLI does.",
            footer = {"", "Example:", "  kms verify-mac --key-id alias/tokens --message fileb://token.json --mac fileb://token.mac \\",
                    "      --mac-algorithm HMAC_SHA_256"})
    static void verifyMac(@Mixin Common common,
                          @Option(names = "--key-id", paramLabel = "KEY", required = true, description = KEY_ID) String keyId,
                          @Option(names = "--message", required = true, paramLabel = "fileb://PATH|BASE64",
                                  converter = Inputs.MacMessage.class, description = MESSAGE) Inputs.Bytes message,
                          @Option(names = "--mac", required = true, paramLabel = "fileb://PATH|BASE64", converter = Inputs.Blob.class,
                                  description = "The MAC, as generate-mac returned it: fileb://PATH or base64.") Inputs.Bytes mac,
                          @Option(names = "--mac-algorithm", paramLabel = "ALGORITHM", required = true, description = ALGORITHM)
                          MacAlgorithm algorithm) throws GeneralSecurityException, IOException {
        common.withStore(keys -> {
            String id = resolve(keys, keyId, algorithm, "verify-mac");
            if (!keys.verifyMac(id, message.value(), mac.value(), algorithm)) {
                throw new CliException(ExitCode.REFUSED, "the MAC is not valid for this message, key and MAC algorithm "
                        + "(KMS KMSInvalidMacException)");
            }
            common.print(Shapes.result().with("KeyId", common.keyArn(java.util.UUID.fromString(id))).with("MacValid", true)
                    .with("MacAlgorithm", algorithm.name()));
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "generate-random", description = "Random bytes from kms-jca's generator "
            + "(KMS GenerateRandom), base64; 1 to 1024 bytes, as AWS KMS.",
            footer = {"", "Example:", "  kms generate-random --number-of-bytes 32 --query Plaintext --output text | base64 --decode > nonce"})
    static void generateRandom(@Mixin Common common,
                               @Option(names = "--number-of-bytes", paramLabel = "N", required = true,
                                       description = "How many bytes: 1 to 1024.") int numberOfBytes)
            throws GeneralSecurityException, IOException {
        if (numberOfBytes < 1 || numberOfBytes > MAX_RANDOM_BYTES) {
            throw new CliException(ExitCode.USAGE, "--number-of-bytes must be 1 to " + MAX_RANDOM_BYTES + ", not " + numberOfBytes
                    + " (ValidationException)");
        }
        common.withStore(keys -> {
            byte[] bytes = keys.generateRandom(numberOfBytes);
            try {
                common.print(Shapes.result().with("Plaintext", Base64.getEncoder().encodeToString(bytes)));
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
        });
    }
}
