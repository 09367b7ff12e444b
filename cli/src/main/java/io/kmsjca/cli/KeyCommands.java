package io.kmsjca.cli;

import io.kmsjca.cli.Inputs.Pairs;
import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.KeyAccessDeniedException;
import io.kmsjca.keys.KeyMetadata;
import io.kmsjca.keys.KeyState;
import io.kmsjca.keys.KeyNotFoundException;
import io.kmsjca.keys.KeyPage;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsKeyHandle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The key management commands: KMS CreateKey, DescribeKey, ListKeys and the lifecycle around them. */
final class KeyCommands {

    private static final String KEY_ID = "The key: its key id, or an alias (orders or alias/orders).";

    @Command(mixinStandardHelpOptions = true, name = "create-key", description = "Create a master key; its material is generated inside kms-jca and never "
            + "leaves it: an AES-256 key (default), or with --key-spec a key pair whose private key never leaves. "
            + "Creates the key store too when there is none yet.",
            footer = {"", "Examples:", "  kms create-key --description \"orders service\" --alias orders --tags TagKey=team,TagValue=payments",
                    "  kms create-key --key-spec ECC_NIST_P256 --key-usage SIGN_VERIFY --alias release-signing",
                    "  kms create-key --key-spec RSA_3072 --key-usage ENCRYPT_DECRYPT --alias inbox",
                    "  kms create-key --key-spec HMAC_256 --key-usage GENERATE_VERIFY_MAC --alias tokens",
                    "  kms create-key --alias billing --policy file://billing-policy.json"})
    static void createKey(@Mixin Common common,
                   @Option(names = {"--key-spec", "--customer-master-key-spec"}, paramLabel = "SPEC", defaultValue = "SYMMETRIC_DEFAULT",
                           description = "SYMMETRIC_DEFAULT (default: AES-256), RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, "
                                   + "ECC_NIST_P384, ECC_NIST_P521, ECC_SECG_P256K1, ML_DSA_44, ML_DSA_65, ML_DSA_87, "
                                   + "ECC_NIST_EDWARDS25519 (Ed25519), HMAC_224, HMAC_256, HMAC_384, HMAC_512.") KeySpec keySpec,
                   @Option(names = "--key-usage", paramLabel = "USAGE",
                           description = "ENCRYPT_DECRYPT, SIGN_VERIFY, KEY_AGREEMENT or GENERATE_VERIFY_MAC, fixed for the "
                                   + "key's life (default: ENCRYPT_DECRYPT for AES and RSA, GENERATE_VERIFY_MAC for HMAC, "
                                   + "SIGN_VERIFY for the others).") KeyUsage keyUsage,
                   @Option(names = "--description", paramLabel = "TEXT", defaultValue = "", description = "What the key is for.") String description,
                   @Option(names = "--alias", paramLabel = "NAME", description = "An alias for the new key (alias/NAME).") String alias,
                   @Option(names = "--tags", paramLabel = "TAGS", converter = Inputs.Tags.class,
                           description = "TagKey=k,TagValue=v (repeatable) or k=v,k2=v2.") List<Pairs> tags,
                   @Option(names = "--rotation-period-in-days", paramLabel = "DAYS", defaultValue = "0",
                           description = "Rotate automatically every DAYS days (90..2560); 0 (default): no automatic rotation.")
                   int rotationDays,
                   @Option(names = "--origin", paramLabel = "ORIGIN", defaultValue = "AWS_KMS",
                           description = "AWS_KMS (default): material generated here; EXTERNAL: no material, state "
                                   + "PendingImport until import-key-material (see get-parameters-for-import); any --key-spec.")
                   ImportCommands.Origin origin,
                   @Option(names = "--policy", paramLabel = "JSON|file://PATH", converter = Inputs.Text.class,
                           description = "The key's policy, set as the key is made (default: AWS's default key policy). "
                                   + PolicyCommands.POLICY) String policy,
                   @Option(names = "--bypass-policy-lockout-safety-check", description = PolicyCommands.BYPASS) boolean bypass)
            throws GeneralSecurityException, IOException {
        if (keyUsage != null && !keySpec.allowedUsages().contains(keyUsage)) {
            throw new CliException(ExitCode.USAGE, "key spec " + keySpec + " does not allow --key-usage " + keyUsage + "; it allows "
                    + keySpec.allowedUsages() + " (ValidationException)");
        }
        try (KeyService keys = common.openOrCreateStore()) {
            CreateKeyRequest request = (alias == null ? CreateKeyRequest.withoutAlias() : CreateKeyRequest.withAlias(alias))
                    .description(description).tags(Inputs.merge(tags)).rotationPeriodDays(rotationDays).keySpec(keySpec)
                    .origin(origin.origin).policy(policy).bypassPolicyLockoutSafetyCheck(bypass);
            if (keyUsage != null) {
                request = request.keyUsage(keyUsage);
            }
            // a key pair of origin EXTERNAL has no public key yet: createKey makes it (docs/decisions.md)
            String madeAlias;
            UUID id;
            if (keySpec.isAsymmetric() && origin == ImportCommands.Origin.AWS_KMS) {
                var pair = keys.createKeyPair(request);
                id = pair.keyId();
                madeAlias = pair.alias();
            } else {
                KmsKeyHandle key = keys.createKey(request);
                id = key.keyId();
                madeAlias = key.alias();
            }
            KeyMetadata made;
            try {
                made = keys.describeKey(id.toString());
            } catch (KeyAccessDeniedException e) {
                // made under a policy that does not let this caller describe it (the bypass): the key exists, so say
                // what the request made, as the server answers CreateKey, rather than exit as if it were refused
                made = KeyMetadata.asRequested(id, madeAlias, request, Instant.now());
            }
            common.print(Shapes.result().with("KeyMetadata", Shapes.keyMetadata(made)));
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "describe-key", description = "Everything about a key but its material.",
            footer = {"", "Example:", "  kms describe-key --key-id alias/orders"})
    static void describeKey(@Mixin Common common, @Option(names = "--key-id", paramLabel = "KEY", required = true, description = KEY_ID) String keyId)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> common.print(Shapes.result().with("KeyMetadata", Shapes.keyMetadata(keys.describeKey(keyId)))));
    }

    @Command(mixinStandardHelpOptions = true, name = "list-keys", description = "The keys in the store, ordered by key id, a page at a time.",
            footer = {"", "Example:", "  kms list-keys --output table"})
    static void listKeys(@Mixin Common common,
                  @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most this many keys (1..1000).") int limit,
                  @Option(names = "--marker", paramLabel = "MARKER", description = "The NextMarker of the previous page.") String marker)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> {
            KeyPage page = keys.listKeys(limit, marker);
            common.print(Shapes.result()
                    .with("Keys", page.keys().stream().map(m -> Shapes.result().with("KeyId", m.keyId().toString())
                            .with("KeyState", m.state().displayName())
                            .with("AliasNames", m.aliases().stream().map(Shapes::aliasName).toList())).toList())
                    .with("NextMarker", page.nextMarker())
                    .with("Truncated", page.nextMarker() != null));
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "enable-key", description = "Allow a Disabled key to be used again.",
            footer = {"", "Example:", "  kms enable-key --key-id alias/orders"})
    static void enableKey(@Mixin Common common, @Option(names = "--key-id", paramLabel = "KEY", required = true, description = KEY_ID) String keyId)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> keys.enableKey(keyId));
    }

    @Command(mixinStandardHelpOptions = true, name = "disable-key", description = "Refuse every use of a key until it is enabled again; nothing is deleted.",
            footer = {"", "Example:", "  kms disable-key --key-id alias/orders"})
    static void disableKey(@Mixin Common common, @Option(names = "--key-id", paramLabel = "KEY", required = true, description = KEY_ID) String keyId)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> keys.disableKey(keyId));
    }

    @Command(mixinStandardHelpOptions = true, name = "schedule-key-deletion", description = "Destroy a key's material after a waiting period; until "
            + "then the key is PendingDeletion, refuses every use, and cancel-key-deletion brings it back.",
            footer = {"", "Example:", "  kms schedule-key-deletion --key-id alias/orders --pending-window-in-days 7"})
    static void scheduleKeyDeletion(@Mixin Common common,
                             @Option(names = "--key-id", paramLabel = "KEY", required = true, description = KEY_ID) String keyId,
                             @Option(names = "--pending-window-in-days", paramLabel = "DAYS",
                                     description = "7..30 days (default 30).") Integer days)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> {
            Instant deletion = days == null ? keys.scheduleKeyDeletion(keyId) : keys.scheduleKeyDeletion(keyId, days);
            KeyMetadata m = keys.describeKey(keyId);
            common.print(Shapes.result().with("KeyId", m.keyId().toString()).with("DeletionDate", deletion)
                    .with("KeyState", m.state().displayName())
                    .with("PendingWindowInDays", days != null ? days : KeyServiceOptions.defaults().pendingWindowDays()));
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "cancel-key-deletion", description = "Cancel a scheduled deletion; the key comes back Disabled.",
            footer = {"", "Example:", "  kms cancel-key-deletion --key-id alias/orders && kms enable-key --key-id alias/orders"})
    static void cancelKeyDeletion(@Mixin Common common, @Option(names = "--key-id", paramLabel = "KEY", required = true, description = KEY_ID) String keyId)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> {
            keys.cancelKeyDeletion(keyId);
            common.print(Shapes.result().with("KeyId", keys.describeKey(keyId).keyId().toString()));
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "create-alias", description = "Give a key another name.",
            footer = {"", "Example:", "  kms create-alias --alias-name alias/invoices --target-key-id 1f0c...e2"})
    static void createAlias(@Mixin Common common,
                     @Option(names = "--alias-name", required = true, paramLabel = "NAME", description = "alias/NAME or NAME.") String alias,
                     @Option(names = "--target-key-id", paramLabel = "KEY", required = true, description = KEY_ID) String target)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> keys.createAlias(alias, target));
    }

    @Command(mixinStandardHelpOptions = true, name = "update-alias", description = "Point an existing alias at another key.",
            footer = {"", "Example:", "  kms update-alias --alias-name alias/orders --target-key-id 1f0c...e2"})
    static void updateAlias(@Mixin Common common,
                     @Option(names = "--alias-name", required = true, paramLabel = "NAME", description = "alias/NAME or NAME.") String alias,
                     @Option(names = "--target-key-id", paramLabel = "KEY", required = true, description = KEY_ID) String target)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> keys.updateAlias(alias, target));
    }

    @Command(mixinStandardHelpOptions = true, name = "delete-alias", description = "Remove an alias; the key stays, under its key id and other aliases.",
            footer = {"", "Example:", "  kms delete-alias --alias-name alias/invoices"})
    static void deleteAlias(@Mixin Common common,
                     @Option(names = "--alias-name", required = true, paramLabel = "NAME", description = "alias/NAME or NAME.") String alias)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> {
            if (!keys.deleteAlias(alias)) {
                throw new KeyNotFoundException(alias);
            }
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "list-aliases", description = "Every alias and its key, or those of one key.",
            footer = {"", "Example:", "  kms list-aliases --output table"})
    static void listAliases(@Mixin Common common, @Option(names = "--key-id", paramLabel = "KEY", description = KEY_ID) String keyId)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> {
            String only = keyId == null ? null : keys.describeKey(keyId).keyId().toString();
            common.print(Shapes.result().with("Aliases", keys.listAliases().stream()
                    .filter(a -> only == null || a.keyId().toString().equals(only)).map(Shapes::alias).toList()));
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "enable-key-rotation", description = "Rotate the key automatically every period; old ciphertext keeps decrypting.",
            footer = {"", "Example:", "  kms enable-key-rotation --key-id alias/orders --rotation-period-in-days 180"})
    static void enableKeyRotation(@Mixin Common common, @Option(names = "--key-id", paramLabel = "KEY", required = true, description = KEY_ID) String keyId,
                           @Option(names = "--rotation-period-in-days", paramLabel = "DAYS", defaultValue = "365",
                                   description = "90..2560 days (default 365).") int days)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> keys.enableKeyRotation(keyId, days));
    }

    @Command(mixinStandardHelpOptions = true, name = "disable-key-rotation", description = "Stop automatic rotation; existing versions stay.",
            footer = {"", "Example:", "  kms disable-key-rotation --key-id alias/orders"})
    static void disableKeyRotation(@Mixin Common common, @Option(names = "--key-id", paramLabel = "KEY", required = true, description = KEY_ID) String keyId)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> keys.disableKeyRotation(keyId));
    }

    @Command(mixinStandardHelpOptions = true, name = "get-key-rotation-status", description = "Whether the key rotates automatically, and when next.",
            footer = {"", "Example:", "  kms get-key-rotation-status --key-id alias/orders"})
    static void getKeyRotationStatus(@Mixin Common common, @Option(names = "--key-id", paramLabel = "KEY", required = true, description = KEY_ID) String keyId)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> {
            KeyMetadata m = keys.describeKey(keyId);
            common.print(Shapes.result().with("KeyId", m.keyId().toString())
                    .with("KeyRotationEnabled", m.rotationPeriodDays() > 0)
                    .with("RotationPeriodInDays", m.rotationPeriodDays() > 0 ? m.rotationPeriodDays() : null)
                    .with("NextRotationDate", m.nextRotationDate()));
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "rotate-key-on-demand", description = "Make a new current key version now; older versions keep decrypting.",
            footer = {"", "Example:", "  kms rotate-key-on-demand --key-id alias/orders"})
    static void rotateKeyOnDemand(@Mixin Common common, @Option(names = "--key-id", paramLabel = "KEY", required = true, description = KEY_ID) String keyId)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> {
            int version = keys.rotateKeyOnDemand(keyId);
            common.print(Shapes.result().with("KeyId", keys.describeKey(keyId).keyId().toString())
                    .with("CurrentKeyVersion", version));
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "list-key-rotations", description = "The key's versions after the first: when, why, and how much each was used.",
            footer = {"", "Example:", "  kms list-key-rotations --key-id alias/orders --output table"})
    static void listKeyRotations(@Mixin Common common, @Option(names = "--key-id", paramLabel = "KEY", required = true, description = KEY_ID) String keyId)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> {
            String id = keys.describeKey(keyId).keyId().toString();
            common.print(Shapes.result().with("Rotations",
                    keys.listKeyRotations(keyId).stream().map(r -> Shapes.rotation(id, r)).toList()));
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "tag-resource", description = "Add or replace tags on a key.",
            footer = {"", "Example:", "  kms tag-resource --key-id alias/orders --tags TagKey=team,TagValue=payments"})
    static void tagResource(@Mixin Common common, @Option(names = "--key-id", paramLabel = "KEY", required = true, description = KEY_ID) String keyId,
                     @Option(names = "--tags", required = true, paramLabel = "TAGS", converter = Inputs.Tags.class,
                             description = "TagKey=k,TagValue=v (repeatable) or k=v,k2=v2.") List<Pairs> tags)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> keys.tagKey(keyId, Inputs.merge(tags)));
    }

    @Command(mixinStandardHelpOptions = true, name = "untag-resource", description = "Remove tags from a key.",
            footer = {"", "Example:", "  kms untag-resource --key-id alias/orders --tag-keys team,cost-center"})
    static void untagResource(@Mixin Common common, @Option(names = "--key-id", paramLabel = "KEY", required = true, description = KEY_ID) String keyId,
                       @Option(names = "--tag-keys", required = true, split = ",", paramLabel = "KEY") List<String> tagKeys)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> keys.untagKey(keyId, tagKeys));
    }

    @Command(mixinStandardHelpOptions = true, name = "list-resource-tags", description = "The tags of a key.",
            footer = {"", "Example:", "  kms list-resource-tags --key-id alias/orders"})
    static void listResourceTags(@Mixin Common common, @Option(names = "--key-id", paramLabel = "KEY", required = true, description = KEY_ID) String keyId)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> common.print(Shapes.result().with("Tags", Shapes.tags(keys.describeKey(keyId).tags()))));
    }
}
