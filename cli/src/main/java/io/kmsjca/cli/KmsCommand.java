package io.kmsjca.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;

/** The {@code kms} command: its subcommands, its help and its exit codes. */
@Command(name = "kms", mixinStandardHelpOptions = true, versionProvider = KmsCommand.Version.class,
        description = {"A key management service in your JVM: master keys that never leave kms-jca, data keys, envelope "
                + "encryption, signing and key agreement with key pairs whose private keys never leave, rotation and an audit "
                + "trail, driven like the AWS CLI's 'aws kms'.", "",
                "The key store: --keystore FILE or $KMS_KEYSTORE (or --config kms.conf, e.g. for a PostgreSQL store "
                        + "shared by a fleet). Its password: $KMS_KEYSTORE_PASSWORD, --password-file FILE, or a prompt; "
                        + "never on the command line. Or a key file: --credential-file FILE or $KMS_CREDENTIAL_FILE."},
        footer = {"", "Exit codes:",
                "  0   success",
                "  1   refused: key disabled or pending deletion, not allowed by the key policy or grants, wrong encryption "
                        + "context, altered ciphertext",
                "  2   usage or invalid request: unknown command or flag, bad value (e.g. a rotation period out of range), "
                        + "no password source",
                "  3   the key store does not open: missing, wrong password, damaged",
                "  4   no key or alias by that name",
                "  5   a file cannot be read or written",
                "  6   audit verify found the audit log altered",
                "  7   the key store failed: it could not be read or written, or it is full",
                "  70  internal error (rerun with --debug and report it)",
                "", "Run 'kms COMMAND --help' for a command's flags and an example; docs/cli.md walks through them all."})
final class KmsCommand {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;


    private static final List<Class<?>> COMMAND_GROUPS = List.of(KeyCommands.class, PolicyCommands.class, GrantCommands.class,
            CredentialCommands.class, AccessKeyCommands.class, DataCommands.class, SigningCommands.class, MacCommands.class,
            KeyPairCommands.class, ImportCommands.class, FileCommands.class, ServerCommand.class);

    /** The whole command tree: for the help, the completion script, and a name kms does not know (picocli's suggestions). */
    static CommandLine build() {
        CommandLine root = new CommandLine(new KmsCommand());
        for (Class<?> group : COMMAND_GROUPS) {
            // static methods, so that picocli invokes them with no instance; straight under kms, as in 'aws kms'
            CommandLine.getCommandMethods(group, null).forEach(method -> root.addSubcommand(new CommandLine(method)));
        }
        root.addSubcommand(new AuditCommands());
        root.addSubcommand("generate-completion", new AutoComplete.GenerateCompletion());
        root.getSubcommands().get("generate-completion").getCommandSpec().usageMessage()
                .description("Print a bash/zsh completion script: source <(kms generate-completion)");
        return root;
    }

    /**
     * The tree a run of {@code args} needs: when the first argument names a command, kms with that
     * command alone, which picocli models in a fraction of the time the whole tree takes (about half
     * a second of every run's start-up went to modelling some sixty commands it did not run); the
     * command behaves the same, its help and errors are the same. Otherwise the whole tree.
     */
    static CommandLine forRun(String[] args) {
        if (args.length == 0) {
            return build();
        }
        String name = args[0];
        CommandLine root = new CommandLine(new KmsCommand());
        if (root.getSubcommands().containsKey(name)) {
            return root; // demo, a method of this class
        }
        if (name.equals(AuditCommands.class.getAnnotation(Command.class).name())) {
            return root.addSubcommand(new AuditCommands());
        }
        for (Class<?> group : COMMAND_GROUPS) {
            for (Method method : CommandLine.getCommandMethods(group, null)) {
                if (method.getAnnotation(Command.class).name().equals(name)) {
                    return root.addSubcommand(new CommandLine(method));
                }
            }
        }
        return build();
    }

    @Command(mixinStandardHelpOptions = true, name = "demo", description = "The four steps of envelope encryption on a new embedded file store: create a "
            + "master key, generate a data key, encrypt a file with it, decrypt it from the stored wrapped key alone.",
            footer = {"", "Example:", "  kms demo --dir /tmp/kms-demo"})
    void demo(@Option(names = "--dir", paramLabel = "FOLDER",
            description = "Where to put the store and files (default: a new temporary folder).") Path dir)
            throws Exception {
        new Demo(spec.commandLine().getOut()).run(dir);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"kms-jca " + Common.PROVIDER.getVersionStr() + " (Java " + Runtime.version() + ")"};
        }
    }
}
