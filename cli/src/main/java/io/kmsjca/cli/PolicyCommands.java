package io.kmsjca.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.security.GeneralSecurityException;

/**
 * Who may do what, by policy: KMS PutKeyPolicy, GetKeyPolicy and ListKeyPolicies, and the store
 * policy (kms-jca's stand-in for IAM identity policies) with put-store-policy and get-store-policy.
 */
final class PolicyCommands {

    static final String DEFAULT = "default";
    private static final String KEY_ID = "The key: its key id, key ARN, or an alias (orders or alias/orders).";
    static final String POLICY = "The policy document (AWS KMS key-policy JSON), or file://PATH to read it from a file.";
    private static final String POLICY_NAME = "The policy's name: a key has one policy, named default (the default).";
    static final String BYPASS = "Put the policy even if it will not let you change the policy again "
            + "(AWS's lockout safety check). Use with care.";

    private PolicyCommands() {
    }

    @Command(mixinStandardHelpOptions = true, name = "put-key-policy", description = "Replace a key's policy: who may "
            + "manage and use the key. The document is validated: an element, action, operator or condition key that "
            + "kms-jca does not support is refused by name (docs/authorization.md). Refused, too, when it would not let "
            + "you put a policy again, unless you bypass that check.",
            footer = {"", "Example:", "  kms put-key-policy --key-id alias/orders --policy-name default --policy file://policy.json"})
    static void putKeyPolicy(@Mixin Common common,
                             @Option(names = "--key-id", paramLabel = "KEY", required = true, description = KEY_ID) String keyId,
                             @Option(names = "--policy", paramLabel = "JSON|file://PATH", required = true,
                                     converter = Inputs.Text.class, description = POLICY) String policy,
                             @Option(names = "--policy-name", paramLabel = "NAME", defaultValue = DEFAULT,
                                     description = POLICY_NAME) String policyName,
                             @Option(names = "--bypass-policy-lockout-safety-check", description = BYPASS) boolean bypass)
            throws GeneralSecurityException, IOException {
        requireDefault(policyName);
        common.withStore(keys -> keys.putKeyPolicy(Inputs.keyRef(keyId), policy, bypass));
    }

    @Command(mixinStandardHelpOptions = true, name = "get-key-policy", description = "A key's policy, as it was put; a "
            + "key never given one has AWS's default key policy, which lets the store policy decide.",
            footer = {"", "Example:", "  kms get-key-policy --key-id alias/orders --query Policy --output text > policy.json"})
    static void getKeyPolicy(@Mixin Common common,
                             @Option(names = "--key-id", paramLabel = "KEY", required = true, description = KEY_ID) String keyId,
                             @Option(names = "--policy-name", paramLabel = "NAME", defaultValue = DEFAULT,
                                     description = POLICY_NAME) String policyName)
            throws GeneralSecurityException, IOException {
        requireDefault(policyName);
        common.withStore(keys -> common.print(Shapes.result().with("Policy", keys.getKeyPolicy(Inputs.keyRef(keyId)))
                .with("PolicyName", DEFAULT)));
    }

    @Command(mixinStandardHelpOptions = true, name = "list-key-policies", description = "The names of a key's policies: "
            + "always default, as in KMS.",
            footer = {"", "Example:", "  kms list-key-policies --key-id alias/orders"})
    static void listKeyPolicies(@Mixin Common common,
                                @Option(names = "--key-id", paramLabel = "KEY", required = true, description = KEY_ID) String keyId)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> common.print(Shapes.result()
                .with("PolicyNames", keys.listKeyPolicies(Inputs.keyRef(keyId))).with("Truncated", false)));
    }

    @Command(mixinStandardHelpOptions = true, name = "put-store-policy", description = "kms-jca extension (AWS has no "
            + "such call): replace the store policy, which decides operations on the store itself (create-key, list-keys, "
            + "list-aliases, ...) and what a key policy delegates to the store's account (arn:aws:iam::000000000000:root), "
            + "as IAM policies do in AWS. Same grammar, validation and lockout safety check as put-key-policy.",
            footer = {"", "Example:", "  kms put-store-policy --policy file://store-policy.json"})
    static void putStorePolicy(@Mixin Common common,
                               @Option(names = "--policy", paramLabel = "JSON|file://PATH", required = true,
                                       converter = Inputs.Text.class, description = POLICY) String policy,
                               @Option(names = "--bypass-policy-lockout-safety-check", description = BYPASS) boolean bypass)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> keys.putStorePolicy(policy, bypass));
    }

    @Command(mixinStandardHelpOptions = true, name = "get-store-policy", description = "kms-jca extension (AWS has no "
            + "such call): the store policy as it was put; {} when the store has none, and then every request a key "
            + "policy delegates to the store's account is allowed.",
            footer = {"", "Example:", "  kms get-store-policy --query Policy --output text"})
    static void getStorePolicy(@Mixin Common common) throws GeneralSecurityException, IOException {
        common.withStore(keys -> common.print(Shapes.result().with("Policy", keys.getStorePolicy().orElse(null))));
    }

    private static void requireDefault(String policyName) {
        if (!DEFAULT.equals(policyName)) {
            throw new CliException(ExitCode.USAGE, "--policy-name must be default: a key has one policy, named default"
                    + " (as in KMS)");
        }
    }
}
