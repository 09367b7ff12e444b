package io.kmsjca.cli;

import io.kmsjca.keys.CreatedCredential;
import io.kmsjca.keys.CredentialInfo;
import io.kmsjca.keys.CredentialRequest;
import io.kmsjca.spi.internal.PasswordFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.Console;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Map;

/**
 * The store's credentials (docs/authorization.md, "Credentials"): passwords and key files that
 * name the principal of every request made with them. For administrator credentials only.
 */
final class CredentialCommands {

    private CredentialCommands() {
    }

    @Command(mixinStandardHelpOptions = true, name = "create-credential",
            description = "Add a credential naming a principal: a password (asked on the terminal, or "
                    + "--new-password-file), or a key file for a service (--key-file-out, written owner-only). Requests made "
                    + "with it are that principal's.",
            footer = {"", "Examples:", "  kms create-credential --principal orders-service --key-file-out /etc/kms/orders.key",
                    "  kms create-credential --principal alice --administrator --new-password-file alice.pw"})
    static void createCredential(@Mixin Common common,
                                 @Option(names = "--principal", paramLabel = "NAME", required = true,
                                         description = "The principal the credential names (1 to 256 bytes).") String principal,
                                 @Option(names = "--administrator",
                                         description = "It may manage credentials and do every store operation.") boolean administrator,
                                 @Option(names = "--acts-for-others",
                                         description = "A request made with it may name another principal (JAAS Subject, runAs).")
                                 boolean actsForOthers,
                                 @Option(names = "--key-file-out", paramLabel = "FILE",
                                         description = "Generate a key file and write it here (refused if FILE exists).") Path keyFileOut,
                                 @Option(names = "--new-password-file", paramLabel = "FILE",
                                         description = "The new credential's password, from the first line of FILE.") Path passwordFile)
            throws GeneralSecurityException, IOException {
        if (keyFileOut != null && passwordFile != null) {
            throw new CliException(ExitCode.USAGE, "--key-file-out makes a key file, --new-password-file a password: pass one");
        }
        if (keyFileOut != null && java.nio.file.Files.exists(keyFileOut, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            // checked before the credential is made: a key file that cannot be written leaves a credential nobody holds
            throw new CliException(ExitCode.USAGE, keyFileOut + " exists: name a new file for the key file");
        }
        char[] password = keyFileOut == null ? newPassword(passwordFile, principal) : null;
        try {
            CredentialRequest request = (password == null ? CredentialRequest.withKeyFile(principal)
                    : CredentialRequest.withPassword(principal, password)).administrator(administrator).actsForOthers(actsForOthers);
            common.withStore(keys -> {
                CreatedCredential created = keys.createCredential(request);
                try {
                    if (keyFileOut != null) {
                        created.writeKeyFile(keyFileOut);
                    }
                } finally {
                    created.wipe();
                }
                common.print(Shapes.result().with("Credential", shape(created.info()))
                        .with("KeyFile", keyFileOut == null ? null : keyFileOut.toString()));
            });
        } finally {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "list-credentials",
            description = "The store's credentials: principal, kind and flags, never a secret.",
            footer = {"", "Example:", "  kms list-credentials --output table"})
    static void listCredentials(@Mixin Common common) throws GeneralSecurityException, IOException {
        common.withStore(keys -> common.print(Shapes.result().with("Credentials",
                keys.listCredentials().stream().map(CredentialCommands::shape).toList())));
    }

    @Command(mixinStandardHelpOptions = true, name = "delete-credential",
            description = "Remove a principal's credential: it no longer opens the store. The last administrator "
                    + "credential, and the one this command opens the store with, are not deleted.",
            footer = {"", "Example:", "  kms delete-credential --principal orders-service"})
    static void deleteCredential(@Mixin Common common,
                                 @Option(names = "--principal", paramLabel = "NAME", required = true,
                                         description = "Whose credential.") String principal,
                                 @Option(names = "--accept-key-loss", description = "Delete it even if some key's material "
                                         + "is sealed to it alone (a compromised credential): that material is lost.")
                                 boolean acceptKeyLoss)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> {
            if (acceptKeyLoss) {
                io.kmsjca.provider.KmsAdmin.deleteCredentialAcceptingKeyLoss(keys, principal);
            } else {
                keys.deleteCredential(principal);
            }
            common.print(Shapes.result().with("Principal", principal).with("Deleted", true));
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "replace-key-file",
            description = "Give the key-file credential this command opens the store with a new secret, written to a new "
                    + "key file (owner-only); the old key file no longer opens the store. The principal and its key pair "
                    + "stay, so every key sealed to it stays its (deleting and creating the credential again would not).",
            footer = {"", "Example:", "  kms replace-key-file --credential-file /etc/kms/orders.key --key-file-out /etc/kms/orders.key.new"})
    static void replaceKeyFile(@Mixin Common common,
                               @Option(names = "--key-file-out", paramLabel = "FILE", required = true,
                                       description = "Where to write the new key file (refused if FILE exists).") Path keyFileOut)
            throws GeneralSecurityException, IOException {
        if (java.nio.file.Files.exists(keyFileOut, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new CliException(ExitCode.USAGE, keyFileOut + " exists: name a new file for the new key file");
        }
        common.withStore(keys -> common.print(Shapes.result()
                .with("Credential", shape(io.kmsjca.provider.KmsAdmin.replaceKeyFile(keys, keyFileOut)))
                .with("KeyFile", keyFileOut.toString())));
    }

    @Command(mixinStandardHelpOptions = true, name = "reseal-keys",
            description = "Seal every key this credential holds anew to the principals its key policy, the store "
                    + "policy and its grants let use it now. Run it after deleting the store's last credential without "
                    + "a key pair, or when a principal was given a key by a credential that does not hold it. Keys "
                    + "this credential does not hold are left as they are.",
            footer = {"", "Example:", "  kms reseal-keys --credential-file /etc/kms/orders.key"})
    static void resealKeys(@Mixin Common common) throws GeneralSecurityException, IOException {
        common.withStore(keys -> {
            io.kmsjca.provider.ResealReport report = io.kmsjca.provider.KmsAdmin.resealKeys(keys);
            var result = Shapes.result().with("ResealedKeys", report.resealedKeys())
                    .with("KeysNobodyMayUse", report.keysNobodyMayUse());
            if (keys.credential().administrator()) { // only an administrator may list the credentials
                result = result.with("CredentialsWithoutKeyPair", keys.listCredentials().stream()
                        .filter(c -> !c.holdsKeyPair()).map(CredentialInfo::principal).toList());
            }
            common.print(result);
        });
    }

    private static Map<String, Object> shape(CredentialInfo c) {
        return Shapes.result().with("Principal", c.principal()).with("Kind", c.kind().name())
                .with("Administrator", c.administrator()).with("ActsForOthers", c.actsForOthers())
                .with("KeyPair", c.holdsKeyPair());
    }

    private static char[] newPassword(Path file, String principal) {
        if (file != null) {
            try {
                char[] password = PasswordFiles.firstLine(file);
                if (password.length == 0) {
                    throw new CliException(ExitCode.USAGE, "the password in " + file + " is empty");
                }
                return password;
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCode.USAGE, e.getMessage());
            } catch (IOException e) {
                throw Failures.explain(e);
            }
        }
        Console console = System.console();
        if (console == null) {
            throw new CliException(ExitCode.USAGE, "no password for the new credential: pass --new-password-file FILE,"
                    + " --key-file-out FILE, or run on a terminal to be asked");
        }
        char[] first = console.readPassword("Password for principal %s: ", principal);
        char[] again = first == null ? null : console.readPassword("Repeat the password: ");
        boolean same = first != null && first.length > 0 && Arrays.equals(first, again);
        if (again != null) {
            Arrays.fill(again, '\0');
        }
        if (!same) {
            if (first != null) {
                Arrays.fill(first, '\0');
            }
            throw new CliException(ExitCode.USAGE, "no password, or the two passwords differ; nothing was created");
        }
        return first;
    }

}
