package io.kmsjca.cli;

import io.kmsjca.keys.AccessKeyInfo;
import io.kmsjca.keys.CreatedAccessKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The store's access keys (docs/authorization.md, "Access keys"): the credentials a kms-jca
 * server authenticates AWS Signature Version 4 requests with, each mapped to a principal, in IAM's
 * shapes. For administrator credentials only.
 */
final class AccessKeyCommands {

    private AccessKeyCommands() {
    }

    @Command(mixinStandardHelpOptions = true, name = "create-access-key",
            description = "Make an access key for a principal: an id and a secret that sign requests to a kms-jca server "
                    + "(AWS Signature Version 4), made as that principal. The secret is printed this once; the store keeps "
                    + "it sealed and never shows it again.",
            footer = {"", "Examples:", "  kms create-access-key --principal orders-service",
                    "  kms create-access-key --principal ops --administrator"})
    static void createAccessKey(@Mixin Common common,
                                @Option(names = "--principal", paramLabel = "NAME", required = true,
                                        description = "The principal its requests are made as (1 to 256 bytes).") String principal,
                                @Option(names = "--administrator",
                                        description = "Its requests are decided as an administrator credential's.") boolean administrator)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> {
            CreatedAccessKey created = keys.createAccessKey(principal, administrator);
            char[] secret = created.secretAccessKey();
            try {
                // IAM's CreateAccessKey response; the secret becomes a String only to be printed
                AccessKeyInfo k = created.info();
                common.print(Shapes.result().with("AccessKey", Shapes.result().with("UserName", k.principal())
                        .with("AccessKeyId", k.accessKeyId()).with("Status", "Active")
                        .with("SecretAccessKey", new String(secret)).with("CreateDate", k.created())
                        .with("Administrator", k.administrator())));
            } finally {
                Arrays.fill(secret, '\0');
                created.wipe();
            }
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "list-access-keys",
            description = "The store's access keys: id, principal, status and date, never a secret.",
            footer = {"", "Example:", "  kms list-access-keys --output table"})
    static void listAccessKeys(@Mixin Common common) throws GeneralSecurityException, IOException {
        common.withStore(keys -> common.print(Shapes.result().with("AccessKeyMetadata",
                keys.listAccessKeys().stream().map(AccessKeyCommands::shape).toList())));
    }

    @Command(mixinStandardHelpOptions = true, name = "delete-access-key",
            description = "Remove an access key: requests signed with it are refused from then on (by a server on "
                    + "another store connection once it re-reads the store).",
            footer = {"", "Example:", "  kms delete-access-key --access-key-id KMSAEXAMPLE234567ABC"})
    static void deleteAccessKey(@Mixin Common common,
                                @Option(names = "--access-key-id", paramLabel = "ID", required = true,
                                        description = "The access key's id (KMSA...).") String accessKeyId)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> {
            keys.deleteAccessKey(accessKeyId);
            common.print(Shapes.result().with("AccessKeyId", accessKeyId).with("Deleted", true));
        });
    }

    /** IAM's AccessKeyMetadata, with kms-jca's Administrator flag. */
    private static Shapes.Result shape(AccessKeyInfo k) {
        return Shapes.result().with("UserName", k.principal()).with("AccessKeyId", k.accessKeyId())
                .with("Status", "Active").with("CreateDate", k.created()).with("Administrator", k.administrator());
    }
}
