package io.kmsjca.provider;

import io.kmsjca.internal.service.EmbeddedKeyService;
import io.kmsjca.audit.AuditOptions;
import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KmsCredential;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.spi.KeyRecordStore;
import io.kmsjca.spi.KeyRecordStoreFactory;
import io.kmsjca.spi.internal.PasswordFiles;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidParameterException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The provider configuration file named by {@code security.provider.N=KMS /path/kms.conf} or
 * {@code Provider.configure(path)}: Java properties, every key listed below, any other key an
 * error (a typo must not silently weaken a store).
 * <pre>
 *   store.file              the live key store file; relative paths are against the config's folder
 *   store.url               or a store shared by many JVMs, e.g. jdbc:postgresql://db/kms (needs the
 *                           backend on the class path: keystore-postgres); its own store.* settings
 *                           are listed by the backend (docs/scaling.md)
 *   store.password.file     a file whose first line is the store password
 *   store.password.env      an environment variable holding the store password
 *   credential.file         or a key file (a credential made by createCredential): the store opens
 *                           as its principal; relative paths are against the config's folder
 *   kdf.memoryKiB           Argon2id memory for new passwords (default 65536, at least 19456)
 *   kdf.iterations          Argon2id passes (default 3, at least 2)
 *   kdf.parallelism         Argon2id lanes (default 1)
 *   kdf.insecureForTests    true: 64 KiB and one pass, for test suites only (no other kdf.* key with it)
 *   deletion.pendingWindowDays  waiting period of a scheduled deletion, 7..30 (default 30)
 *   audit.delivery          sync (default) or async
 *   audit.failurePolicy     closed (default: a failing listener fails the request) or open
 *   audit.queue.capacity    bound of the async queue (default 8192)
 *   audit.queue.whenFull    block (default: back-pressure) or drop (counted and reported)
 *   audit.contextValues     hmac (default) or plain
 *   audit.serviceLoader     true (default) or false: listeners found through ServiceLoader
 *   audit.listeners         listener classes, comma-separated
 *   audit.file              the JSON Lines audit log; relative paths are against the config's folder
 *   audit.file.fsync        true (default: durable before the request returns) or false
 *   audit.file.maxBytes     size at which the audit log rotates (default 67108864)
 *   audit.file.signEveryRecords  a signature record after this many records (default 1000)
 *   audit.file.signEverySeconds  and after this many seconds with records unsigned (default 60)
 *   audit.systemLogger      true or false (default): events to System.Logger "io.kmsjca.audit"
 * </pre>
 */
final class KmsConfig {

    public static final KmsConfig DEFAULTS = new KmsConfig(null, null, null, null, null, KeyServiceOptions.defaults(), "");

    private static final Set<String> KEYS = Set.of("store.file", "store.url", "store.password.file", "store.password.env",
            "credential.file", "kdf.memoryKiB", "kdf.iterations", "kdf.parallelism", "kdf.insecureForTests", "deletion.pendingWindowDays",
            "audit.delivery", "audit.failurePolicy", "audit.queue.capacity", "audit.queue.whenFull",
            "audit.contextValues", "audit.serviceLoader", "audit.listeners", "audit.file", "audit.file.fsync",
            "audit.file.maxBytes", "audit.file.signEveryRecords", "audit.file.signEverySeconds", "audit.systemLogger");
    private static final int MAX_CONFIG_BYTES = 64 * 1024;

    private final Path storeFile;
    private final SharedStore sharedStore;
    private final Path passwordFile;
    private final String passwordEnv;
    private final Path credentialFile;
    private final KeyServiceOptions options;
    private final String source;

    /** A store kept by a backend found through ServiceLoader, with the settings it takes. */
    private record SharedStore(String url, KeyRecordStoreFactory factory, Map<String, String> settings, Path folder) {
        KeyRecordStore open() throws IOException {
            return factory.open(url, settings, folder);
        }
    }

    private KmsConfig(Path storeFile, SharedStore sharedStore, Path passwordFile, String passwordEnv, Path credentialFile,
                      KeyServiceOptions options, String source) {
        this.credentialFile = credentialFile;
        this.storeFile = storeFile;
        this.sharedStore = sharedStore;
        this.passwordFile = passwordFile;
        this.passwordEnv = passwordEnv;
        this.options = options;
        this.source = source;
    }

    /**
     * Reads a configuration file.
     *
     * @throws InvalidParameterException (as {@code Provider.configure} documents) the file cannot
     *                                   be read, has an unknown key or a value out of range
     */
    public static KmsConfig load(Path file) {
        try {
            if (Files.size(file) > MAX_CONFIG_BYTES) {
                throw new InvalidParameterException("KMS configuration " + file + " is larger than 64 KiB");
            }
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            Path dir = file.toAbsolutePath().getParent();
            var unknown = new TreeSet<>(p.stringPropertyNames());
            unknown.removeAll(KEYS);
            SharedStore shared = sharedStore(p, unknown, dir);
            if (!unknown.isEmpty()) {
                throw new InvalidParameterException("KMS configuration " + file + ": unknown key(s) " + unknown
                        + "; known keys are " + new TreeSet<>(KEYS)
                        + (shared == null ? "" : " and the backend's " + new TreeSet<>(shared.factory.settingNames())));
            }
            KeyServiceOptions defaults = KeyServiceOptions.defaults();
            KeyServiceOptions options = defaults.withKdf(kdf(p, defaults.kdf()))
                    .withPendingWindowDays(intValue(p, "deletion.pendingWindowDays", defaults.pendingWindowDays()))
                    .withAudit(audit(p, dir));
            if (p.getProperty("credential.file") != null
                    && (p.getProperty("store.password.file") != null || p.getProperty("store.password.env") != null)) {
                throw new IllegalArgumentException("credential.file and store.password.* name two credentials; keep one");
            }
            return new KmsConfig(path(dir, p.getProperty("store.file")), shared, path(dir, p.getProperty("store.password.file")),
                    p.getProperty("store.password.env"), path(dir, p.getProperty("credential.file")), options, file.toString());
        } catch (IOException e) {
            var ex = new InvalidParameterException("cannot read KMS configuration " + file + ": " + e.getMessage());
            ex.initCause(e);
            throw ex;
        } catch (IllegalArgumentException e) {
            if (e instanceof InvalidParameterException ipe) {
                throw ipe;
            }
            var ex = new InvalidParameterException("KMS configuration " + file + ": " + e.getMessage());
            ex.initCause(e);
            throw ex;
        }
    }

    /**
     * The KDF for new passwords: {@code kdf.*}, held to the floor by {@link KeyServiceOptions},
     * or the test setting, which must say so by name and cannot be mixed with costs.
     */
    private static Argon2Params kdf(Properties p, Argon2Params defaults) {
        if (bool(p, "kdf.insecureForTests", false)) {
            if (p.stringPropertyNames().stream().anyMatch(k -> k.startsWith("kdf.") && !k.equals("kdf.insecureForTests"))) {
                throw new IllegalArgumentException("kdf.insecureForTests=true sets the KDF cost itself; remove the other kdf.* keys");
            }
            return Argon2Params.insecureForTests();
        }
        return Argon2Params.of(intValue(p, "kdf.memoryKiB", defaults.memoryKiB()),
                intValue(p, "kdf.iterations", defaults.iterations()),
                intValue(p, "kdf.parallelism", defaults.parallelism()));
    }

    /** The backend that opens {@code store.url}; its settings leave {@code unknown}. */
    private static SharedStore sharedStore(Properties p, Set<String> unknown, Path dir) {
        String url = p.getProperty("store.url");
        if (url == null) {
            return null;
        }
        if (p.getProperty("store.file") != null) {
            throw new IllegalArgumentException("store.file and store.url name two stores; keep one");
        }
        for (KeyRecordStoreFactory factory : ServiceLoader.load(KeyRecordStoreFactory.class, KmsConfig.class.getClassLoader())) {
            if (factory.accepts(url)) {
                Map<String, String> settings = new TreeMap<>();
                for (String name : factory.settingNames()) {
                    if (p.getProperty(name) != null) {
                        settings.put(name, p.getProperty(name));
                    }
                }
                unknown.removeAll(settings.keySet());
                return new SharedStore(url, factory, Map.copyOf(settings), dir);
            }
        }
        throw new IllegalArgumentException("no key store backend on the class path opens store.url "
                // credentials stay out of the message: user:password@ and any password= parameter
                + url.replaceAll("//[^/@]*@", "//").replaceAll("(?i)password=[^&;]*", "password=***")
                + "; for jdbc:postgresql add the keystore-postgres module");
    }

    /** Whether this configuration names a live store (a file or a shared backend). */
    public boolean namesStore() {
        return storeFile != null || sharedStore != null;
    }

    /** Opens the live store this configuration names. */
    public EmbeddedKeyService openStore(char[] password) throws IOException {
        if (storeFile != null) {
            return KeyStores.openFile(storeFile, password, options);
        }
        return KeyStores.open(sharedStore.open(), password, options);
    }

    /** Opens the live store this configuration names with its {@code credential.file}. */
    EmbeddedKeyService openStoreWithKeyFile() throws IOException {
        KmsCredential credential = KmsCredential.keyFile(credentialFile);
        if (storeFile != null) {
            return KeyStores.openFile(storeFile, credential, options);
        }
        return KeyStores.open(sharedStore.open(), credential, options);
    }

    /** Whether {@code credential.file} is set. */
    boolean hasKeyFile() {
        return credentialFile != null;
    }

    KeyServiceOptions options() {
        return options;
    }

    /** Where this configuration came from, for messages. */
    public String source() {
        return source;
    }

    /** The store password from the configured file or environment variable, if one is configured. */
    public Optional<char[]> password() throws IOException {
        if (passwordFile != null) {
            try {
                return Optional.of(PasswordFiles.firstLine(passwordFile));
            } catch (IllegalArgumentException e) {
                throw new IOException(e.getMessage() + " (store.password.file in " + source + ")", e);
            }
        }
        if (passwordEnv != null) {
            String value = System.getenv(passwordEnv);
            if (value == null) {
                throw new IOException("environment variable " + passwordEnv + " (store.password.env in " + source
                        + ") is not set");
            }
            return Optional.of(value.toCharArray());
        }
        return Optional.empty();
    }

    private static AuditOptions audit(Properties p, Path dir) {
        AuditOptions d = AuditOptions.DEFAULTS;
        String listeners = p.getProperty("audit.listeners", "").strip();
        return d.withDelivery(
                        choice(p, "audit.delivery", AuditOptions.Delivery.class, Map.of("sync", AuditOptions.Delivery.SYNC,
                                "async", AuditOptions.Delivery.ASYNC), d.delivery()),
                        intValue(p, "audit.queue.capacity", d.queueCapacity()),
                        choice(p, "audit.queue.whenFull", AuditOptions.WhenFull.class, Map.of("block",
                                AuditOptions.WhenFull.BLOCK, "drop", AuditOptions.WhenFull.DROP), d.whenFull()))
                .withFailurePolicy(choice(p, "audit.failurePolicy", AuditOptions.FailurePolicy.class, Map.of("closed",
                        AuditOptions.FailurePolicy.FAIL_CLOSED, "open", AuditOptions.FailurePolicy.FAIL_OPEN), d.failurePolicy()))
                .withContextValues(choice(p, "audit.contextValues", AuditOptions.ContextValues.class, Map.of("hmac",
                        AuditOptions.ContextValues.HMAC, "plain", AuditOptions.ContextValues.PLAIN), d.contextValues()))
                .withFile(path(dir, p.getProperty("audit.file")), bool(p, "audit.file.fsync", d.fileFsync()),
                        longValue(p, "audit.file.maxBytes", d.fileMaxBytes()))
                .withSigning(intValue(p, "audit.file.signEveryRecords", d.signEveryRecords()),
                        longValue(p, "audit.file.signEverySeconds", d.signEverySeconds()))
                .withListeners(bool(p, "audit.serviceLoader", d.serviceLoader()),
                        listeners.isEmpty() ? List.of() : Arrays.stream(listeners.split(",")).map(String::strip).toList(),
                        bool(p, "audit.systemLogger", d.systemLogger()));
    }

    private static <E> E choice(Properties p, String key, Class<E> type, Map<String, E> values, E defaultValue) {
        String v = p.getProperty(key);
        if (v == null) {
            return defaultValue;
        }
        E e = values.get(v.strip().toLowerCase(java.util.Locale.ROOT));
        if (e == null) {
            throw new InvalidParameterException(key + " must be one of " + new TreeSet<>(values.keySet()) + ", was '"
                    + v.strip() + "'");
        }
        return e;
    }

    private static boolean bool(Properties p, String key, boolean defaultValue) {
        String v = p.getProperty(key);
        if (v == null) {
            return defaultValue;
        }
        return switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidParameterException(key + " must be true or false, was '" + v.strip() + "'");
        };
    }

    private static long longValue(Properties p, String key, long defaultValue) {
        String v = p.getProperty(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new InvalidParameterException(key + " must be a whole number, was '" + v.strip() + "'");
        }
    }

    private static Path path(Path dir, String value) {
        return value == null ? null : dir.resolve(value.strip());
    }

    private static int intValue(Properties p, String key, int defaultValue) {
        String v = p.getProperty(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new InvalidParameterException(key + " must be a whole number, was '" + v.strip() + "'");
        }
    }
}
