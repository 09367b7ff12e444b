package io.kmsjca.cli;

import io.kmsjca.keys.ExpirationModel;
import io.kmsjca.keys.ImportParameters;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.WrappingAlgorithm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * Bring your own key as the AWS CLI does it: {@code get-parameters-for-import} (a wrapping public
 * key and an import token, base64 in the output as AWS prints them), {@code import-key-material}
 * (the material encrypted by the importer, with openssl or any tool; never plain on a command
 * line) and {@code delete-imported-key-material}.
 */
final class ImportCommands {

    private static final String KEY_ID = "The key of origin EXTERNAL: its key id, or an alias.";

    private ImportCommands() {
    }

    /** AWS's names for the origin of a new key. */
    enum Origin {
        AWS_KMS(KeyOrigin.GENERATED), EXTERNAL(KeyOrigin.IMPORTED);

        final KeyOrigin origin;

        Origin(KeyOrigin origin) {
            this.origin = origin;
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "get-parameters-for-import", description = "A wrapping public key "
            + "(DER, base64) and an import token for a key of origin EXTERNAL, both valid 24 hours; a new call replaces them.",
            footer = {"", "Example:", "  kms get-parameters-for-import --key-id alias/byok --wrapping-algorithm RSA_AES_KEY_WRAP_SHA_256 \\",
                    "      --wrapping-key-spec RSA_4096 --query PublicKey --output text | base64 -d > pub.der"})
    static void getParametersForImport(@Mixin Common common,
                                       @Option(names = "--key-id", paramLabel = "KEY", required = true, description = KEY_ID) String keyId,
                                       @Option(names = "--wrapping-algorithm", required = true, paramLabel = "ALGORITHM",
                                               description = "RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, RSA_AES_KEY_WRAP_SHA_1 or RSA_AES_KEY_WRAP_SHA_256.")
                                       WrappingAlgorithm algorithm,
                                       @Option(names = "--wrapping-key-spec", required = true, paramLabel = "SPEC",
                                               description = "RSA_2048, RSA_3072 or RSA_4096.") KeySpec wrappingSpec)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> {
            ImportParameters p = keys.getParametersForImport(keyId, algorithm, wrappingSpec);
            Base64.Encoder b64 = Base64.getEncoder();
            common.print(Shapes.result().with("KeyId", p.keyId().toString())
                    .with("ImportToken", b64.encodeToString(p.importToken()))
                    .with("PublicKey", b64.encodeToString(p.publicKey()))
                    .with("ParametersValidTo", p.parametersValidTo()));
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "import-key-material", description = "Import key material encrypted "
            + "under the wrapping key of get-parameters-for-import into a key of origin EXTERNAL; it becomes Enabled. A "
            + "re-import after deletion or expiry must bring the same material.",
            footer = {"", "Example:", "  kms import-key-material --key-id alias/byok --encrypted-key-material fileb://wrapped.bin \\",
                    "      --import-token fileb://token.bin --expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE"})
    static void importKeyMaterial(@Mixin Common common,
                                  @Option(names = "--key-id", paramLabel = "KEY", required = true, description = KEY_ID) String keyId,
                                  @Option(names = "--encrypted-key-material", required = true, paramLabel = "fileb://PATH|BASE64",
                                          converter = Inputs.Blob.class, description = "The material encrypted with the"
                                          + " wrapping algorithm of the parameters.") Inputs.Bytes encrypted,
                                  @Option(names = "--import-token", required = true, paramLabel = "fileb://PATH|BASE64",
                                          converter = Inputs.Blob.class, description = "The ImportToken of the parameters.")
                                  Inputs.Bytes token,
                                  @Option(names = "--expiration-model", paramLabel = "MODEL", defaultValue = "KEY_MATERIAL_EXPIRES",
                                          description = "KEY_MATERIAL_EXPIRES (default, as AWS: give --valid-to) or KEY_MATERIAL_DOES_NOT_EXPIRE.")
                                  ExpirationModel model,
                                  @Option(names = "--valid-to", paramLabel = "INSTANT", description = "When the material expires"
                                          + " (ISO-8601, e.g. 2027-01-01T00:00:00Z; at most 365 days from now).") String validTo)
            throws GeneralSecurityException, IOException {
        Instant until;
        try {
            until = validTo == null ? null : Instant.parse(validTo);
        } catch (DateTimeParseException e) {
            throw new CliException(ExitCode.USAGE, "--valid-to must be an ISO-8601 instant such as 2027-01-01T00:00:00Z");
        }
        common.withStore(keys -> {
            keys.importKeyMaterial(keyId, token.value(), encrypted.value(), model, until);
            common.print(Shapes.result().with("KeyId", keys.describeKey(keyId).keyId().toString()));
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "delete-imported-key-material", description = "Wipe the imported "
            + "material of a key of origin EXTERNAL at once; it returns to PendingImport until the same material is imported again.",
            footer = {"", "Example:", "  kms delete-imported-key-material --key-id alias/byok"})
    static void deleteImportedKeyMaterial(@Mixin Common common,
                                          @Option(names = "--key-id", paramLabel = "KEY", required = true, description = KEY_ID) String keyId)
            throws GeneralSecurityException, IOException {
        common.withStore((KeyService keys) -> keys.deleteImportedKeyMaterial(keyId));
    }
}
