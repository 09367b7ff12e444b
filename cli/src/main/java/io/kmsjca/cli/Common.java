package io.kmsjca.cli;

import io.kmsjca.internal.service.KeyAccess;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KmsCredential;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.KeyNotFoundException;
import io.kmsjca.provider.KmsAdmin;
import io.kmsjca.provider.KmsProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidParameterException;
import java.security.KeyStore;
import java.security.Provider;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

/**
 * The options every command takes: where the key store and its audit log are, how its password
 * is given, and how the result is printed.
 */
final class Common {

    /** The provider every command uses, through the standard JCA API. */
    static final Provider PROVIDER = new KmsProvider();

    static final String KEYSTORE_ENV = "KMS_KEYSTORE";
    static final String AUDIT_LOG_ENV = "KMS_AUDIT_LOG";
    static final String CONFIG_ENV = "KMS_CONFIG";
    static final String CREDENTIAL_FILE_ENV = "KMS_CREDENTIAL_FILE";

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** The region and account of the store's ARNs and account principal ({@link #useRegionAndAccount}). */
    private String region = KeyServiceOptions.DEFAULT_REGION;
    private String account = KeyServiceOptions.DEFAULT_ACCOUNT;

    @Option(names = "--keystore", paramLabel = "FILE", description = "The key store file (default: $KMS_KEYSTORE).")
    Path keystore;

    @Option(names = "--config", paramLabel = "FILE",
            description = "A provider configuration (kms.conf) naming the store instead, e.g. a PostgreSQL store shared "
                    + "by a fleet (default: $KMS_CONFIG).")
    Path config;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "Read the key store password from the first line of FILE (default: $KMS_KEYSTORE_PASSWORD, "
                    + "else a prompt on the terminal).")
    Path passwordFile;

    @Option(names = "--credential-file", paramLabel = "FILE",
            description = "Open the key store with this key file (made by create-credential) and act as its principal, "
                    + "instead of a password (default: $KMS_CREDENTIAL_FILE).")
    Path credentialFile;

    @Option(names = "--audit-log", paramLabel = "FILE",
            description = "The audit log to append to (default: $KMS_AUDIT_LOG, else the key store file + .audit.jsonl).")
    Path auditLog;

    @Option(names = "--output", paramLabel = "FORMAT", description = "json (default), text or table.")
    Output.Format output = Output.Format.json;

    @Option(names = "--query", paramLabel = "FIELD",
            description = "Print only this field of the result, e.g. Plaintext or KeyMetadata.KeyId.")
    String query;

    @Option(names = "--debug", description = "On failure, print the stack trace too.")
    boolean debug;

    Path keystoreFile() {
        Path file = keystore != null ? keystore : envPath(KEYSTORE_ENV);
        if (file == null) {
            throw new CliException(ExitCode.USAGE, "no key store: pass --keystore FILE or set " + KEYSTORE_ENV);
        }
        return file;
    }

    Path auditLogFile() {
        Path file = auditLog != null ? auditLog : envPath(AUDIT_LOG_ENV);
        if (file == null && configFile() != null) {
            throw new CliException(ExitCode.USAGE, "with --config, name the audit log (its audit.file) with --audit-log FILE");
        }
        return file != null ? file : keystoreFile().resolveSibling(keystoreFile().getFileName() + ".audit.jsonl");
    }

    Path configFile() {
        return config != null ? config : envPath(CONFIG_ENV);
    }

    /** What a command does with the key store. */
    @FunctionalInterface
    interface StoreAction {
        void run(KeyService keys) throws GeneralSecurityException, IOException;
    }

    /** Opens the key store, which must exist, runs {@code action} on it and closes it. */
    void withStore(StoreAction action) throws GeneralSecurityException, IOException {
        try (KeyService keys = openStore()) {
            action.run(keys);
        }
    }

    /** Opens the key store, which must exist. */
    KeyService openStore() {
        Path keyFile = credentialFile();
        if (keyFile != null) {
            return openWithKeyFile(keyFile);
        }
        if (configFile() != null) {
            return openConfigured(Passwords.read(this, false));
        }
        Path file = keystoreFile();
        if (Files.notExists(file)) {
            throw new CliException(ExitCode.KEY_STORE, "no key store at " + file + "; 'kms create-key' creates one");
        }
        return open(file, Passwords.read(this, false));
    }

    /** Opens the key store, creating it (and asking for a new password) when there is none yet. */
    KeyService openOrCreateStore() {
        if (credentialFile() != null) {
            return openStore(); // a key file opens an existing store only
        }
        if (configFile() != null) {
            return openConfigured(Passwords.read(this, false)); // a shared store is created by its first user
        }
        Path file = keystoreFile();
        return open(file, Passwords.read(this, Files.notExists(file)));
    }

    private Path credentialFile() {
        return credentialFile != null ? credentialFile : envPath(CREDENTIAL_FILE_ENV);
    }

    /** Opens the key store file, which must exist, as the principal of {@code keyFile}. */
    private KeyService openWithKeyFile(Path keyFile) {
        if (configFile() != null) {
            throw new CliException(ExitCode.USAGE, "with --config, name the key file in the configuration (credential.file)");
        }
        Path file = keystoreFile();
        if (Files.notExists(file)) {
            throw new CliException(ExitCode.KEY_STORE, "no key store at " + file + "; a key file opens an existing store only");
        }
        try {
            return KmsAdmin.open(file, KmsCredential.keyFile(keyFile), fileOptions());
        } catch (IOException e) {
            if (e.getCause() instanceof java.security.UnrecoverableKeyException) {
                throw new CliException(ExitCode.KEY_STORE, "key file " + keyFile + " does not open key store " + file
                        + " (deleted, or another store's?)", e);
            }
            throw Failures.storeDoesNotOpen(file, e);
        }
    }

    /**
     * Opens the store with this region and account instead of the defaults, so that its key ARNs
     * and the account its policies name are those a server announces ({@code kms server --region --account}).
     */
    void useRegionAndAccount(String nextRegion, String nextAccount) {
        try {
            KeyServiceOptions.defaults().withRegionAndAccount(nextRegion, nextAccount);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage(), e);
        }
        region = nextRegion;
        account = nextAccount;
    }

    private KeyServiceOptions fileOptions() {
        KeyServiceOptions defaults = KeyServiceOptions.defaults().withRegionAndAccount(region, account);
        return defaults.withAudit(defaults.audit().withFile(auditLogFile(), true, defaults.audit().fileMaxBytes()));
    }

    private KeyService open(Path file, char[] password) {
        KeyServiceOptions options = fileOptions();
        try {
            return KmsAdmin.open(file, password, options);
        } catch (IOException e) {
            throw Failures.storeDoesNotOpen(file, e);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /**
     * The store a provider configuration names, opened through the standard KeyStore API as an
     * application configured with it would. Its audit settings apply; the password comes from the
     * command's sources, as for a file store.
     */
    private KeyService openConfigured(char[] password) {
        Path file = configFile();
        try {
            KeyStore ks = KeyStore.getInstance("KMS", PROVIDER.configure(file.toString()));
            ks.load(null, password);
            return KmsAdmin.open(ks, password); // its region and account are the configuration's
        } catch (InvalidParameterException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage(), e);
        } catch (IOException e) {
            throw Failures.storeDoesNotOpen(file, e);
        } catch (GeneralSecurityException e) {
            throw Failures.explain(e);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** The handle of an existing key named by alias or key id. */
    static KmsKeyHandle key(KeyService keys, String aliasOrKeyId) throws KeyNotFoundException {
        return keys.findKey(aliasOrKeyId).orElseThrow(() -> new KeyNotFoundException(aliasOrKeyId));
    }

    /**
     * The ARN of a key, {@code arn:aws:kms:REGION:ACCOUNT:key/ID}, as AWS KMS names the key in the
     * answers of Sign, Verify, GetPublicKey and the other asymmetric operations.
     */
    String keyArn(UUID keyId) {
        return KeyAccess.arn(region, account, keyId);
    }

    void print(Map<String, ?> result) {
        Output.print(out(), output, query, command.name(), result);
    }

    PrintWriter out() {
        return command.commandLine().getOut();
    }

    PrintWriter err() {
        return command.commandLine().getErr();
    }

    private static Path envPath(String name) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? null : Path.of(value);
    }
}
