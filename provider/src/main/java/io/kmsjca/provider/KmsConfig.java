package io.kmsjca.provider;

import io.kmsjca.internal.remote.RemoteKeyService;
import io.kmsjca.internal.remote.RemoteSettings;
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
import java.time.Duration;
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
 *                           are listed by the backend (docs/scaling.md); or a kms-jca server,
 *                           https://host:port (http:// on loopback only), with the keys below
 *                           and no other (docs/server.md, "The provider as a client"):
 *   access-key-id           the access key that signs requests (else env KMS_ACCESS_KEY_ID)
 *   secret-access-key-file  a file whose first line is its secret (else env KMS_SECRET_ACCESS_KEY);
 *                           never the secret itself in this file
 *   region                  the region requests are signed for: the server's --region (default local)
 *   trust-store             a PEM (or DER) file of the certificates to trust for the server's TLS
 *                           (default: the JDK's trusted authorities)
 *   connect-timeout-ms      default 5000;  request-timeout-ms  default 30000
 *   max-attempts            tries of a safe request (Encrypt, Decrypt, GenerateDataKey*, reads), 1..10, default 3
 *   retry-base-delay-ms     first backoff before a retry, doubled each time, with jitter (default 100)
 *   store.password.file     a file whose first line is the store password
 *   store.password.env      an environment variable holding the store password
 *   credential.file         or a key file (a credential made by createCredential): the store opens
 *                           as its principal; relative paths are against the config's folder
 *   kdf.memoryKiB           Argon2id memory for new passwords (default 65536, at least 19456)
 *   kdf.iterations          Argon2id passes (default 3, at least 2)
 *   kdf.parallelism         Argon2id lanes (default 1)
 *   kdf.insecureForTests    true: 64 KiB and one pass, for test suites only (no other kdf.* key with it)
 *   deletion.pendingWindowDays  waiting period of a scheduled deletion, 7..30 (default 30)
 *   region                  the region of the store's key ARNs (default local), and
 *   account                 its 12-digit account (default 000000000000), as policies name it:
 *                           every JVM and server of one store uses the same pair (docs/server.md)
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
            "credential.file", "region", "account", "kdf.memoryKiB", "kdf.iterations", "kdf.parallelism", "kdf.insecureForTests", "deletion.pendingWindowDays",
            "audit.delivery", "audit.failurePolicy", "audit.queue.capacity", "audit.queue.whenFull",
            "audit.contextValues", "audit.serviceLoader", "audit.listeners", "audit.file", "audit.file.fsync",
            "audit.file.maxBytes", "audit.file.signEveryRecords", "audit.file.signEverySeconds", "audit.systemLogger");
    private static final int MAX_CONFIG_BYTES = 64 * 1024;
    /** The keys of a kms-jca server's store ({@code store.url=https://...}). */
    private static final Set<String> REMOTE_KEYS = Set.of("store.url", "access-key-id", "secret-access-key-file", "region",
            "trust-store", "connect-timeout-ms", "request-timeout-ms", "max-attempts", "retry-base-delay-ms");

    private final Path storeFile;
    private final SharedStore sharedStore;
    private final RemoteStore remoteStore;
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
        this(storeFile, sharedStore, null, passwordFile, passwordEnv, credentialFile, options, source);
    }

    private KmsConfig(Path storeFile, SharedStore sharedStore, RemoteStore remoteStore, Path passwordFile, String passwordEnv,
                      Path credentialFile, KeyServiceOptions options, String source) {
        this.remoteStore = remoteStore;
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
            if (RemoteStore.names(p.getProperty("store.url"))) {
                return new KmsConfig(null, null, RemoteStore.of(p, dir), null, null, null,
                        KeyServiceOptions.defaults(), file.toString());
            }
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
                    .withAudit(audit(p, dir))
                    .withRegionAndAccount(p.getProperty("region", defaults.region()).strip(),
                            p.getProperty("account", defaults.account()).strip());
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

    /** Whether this configuration names a live store (a file, a shared backend or a kms-jca server). */
    public boolean namesStore() {
        return storeFile != null || sharedStore != null || remoteStore != null;
    }

    /** Whether the store is a kms-jca server's ({@code store.url=https://...}). */
    boolean namesServer() {
        return remoteStore != null;
    }

    /**
     * A client of the server this configuration names: reads the secret access key now (from its
     * file or the environment) and checks that the server answers and accepts the access key.
     *
     * @throws IOException naming the server's URL when it cannot be reached or refuses the access key
     */
    RemoteKeyService openServer() throws IOException {
        RemoteKeyService service = RemoteKeyService.open(remoteStore.settings(source));
        try {
            service.checkConnection();
            return service;
        } catch (IOException | RuntimeException e) {
            service.close();
            throw e;
        }
    }

    /**
     * A kms-jca server's store: where it is and how this client authenticates. The secret is read
     * only when the store is opened, into bytes the service wipes on close.
     */
    private record RemoteStore(String url, String accessKeyId, Path secretFile, String region, Path trustStore,
                               Duration connect, Duration request, int attempts, Duration retryDelay) {

        /** Whether {@code url} names a kms-jca server rather than a backend (jdbc:...). */
        static boolean names(String url) {
            String u = url == null ? "" : url.strip().toLowerCase(java.util.Locale.ROOT);
            return u.startsWith("https://") || u.startsWith("http://");
        }

        static RemoteStore of(Properties p, Path dir) {
            var other = new TreeSet<>(p.stringPropertyNames());
            other.removeAll(REMOTE_KEYS);
            if (!other.isEmpty()) {
                throw new IllegalArgumentException("store.url names a kms-jca server, which keeps its keys, passwords, "
                        + "KDF and audit itself: " + other + " do not apply; the keys here are " + new TreeSet<>(REMOTE_KEYS));
            }
            // the URL and region are checked now; the credential when the store is opened
            RemoteSettings.check(p.getProperty("store.url"), p.getProperty("region", KeyServiceOptions.DEFAULT_REGION).strip());
            RemoteStore store = new RemoteStore(p.getProperty("store.url").strip(), strip(p.getProperty("access-key-id")),
                    path(dir, p.getProperty("secret-access-key-file")), p.getProperty("region", KeyServiceOptions.DEFAULT_REGION).strip(),
                    path(dir, p.getProperty("trust-store")),
                    Duration.ofMillis(longValue(p, "connect-timeout-ms", 5_000)),
                    Duration.ofMillis(longValue(p, "request-timeout-ms", 30_000)),
                    intValue(p, "max-attempts", 3), Duration.ofMillis(longValue(p, "retry-base-delay-ms", 100)));
            RemoteSettings.checkTimeouts(store.connect, store.request, store.attempts, store.retryDelay);
            return store;
        }

        RemoteSettings settings(String source) throws IOException {
            String id = accessKeyId != null ? accessKeyId : System.getenv("KMS_ACCESS_KEY_ID");
            if (id == null) {
                throw new IOException("no access key: set access-key-id in " + source + " or KMS_ACCESS_KEY_ID");
            }
            byte[] secret = secret(source);
            RemoteSettings settings;
            try {
                settings = RemoteSettings.of(url, region, id, secret).withTimeouts(connect, request, attempts, retryDelay);
            } catch (IllegalArgumentException e) {
                throw new IOException(e.getMessage() + " (" + source + ")", e);
            }
            if (trustStore == null) {
                return settings;
            }
            try {
                return settings.withTrusted(certificates(trustStore, source));
            } catch (IOException | RuntimeException e) {
                settings.wipe(); // no service will own the secret to wipe it
                throw e;
            }
        }

        /** The secret as UTF-8 bytes; the characters read are wiped. */
        private byte[] secret(String source) throws IOException {
            char[] chars;
            if (secretFile != null) {
                ownerOnly(secretFile, source);
                try {
                    chars = PasswordFiles.firstLine(secretFile);
                } catch (IllegalArgumentException e) {
                    throw new IOException(e.getMessage() + " (secret-access-key-file in " + source + ")", e);
                }
            } else {
                String env = System.getenv("KMS_SECRET_ACCESS_KEY");
                if (env == null) {
                    throw new IOException("no secret access key: set secret-access-key-file in " + source
                            + " or KMS_SECRET_ACCESS_KEY");
                }
                chars = env.toCharArray();
            }
            try {
                java.nio.ByteBuffer b = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(chars));
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                if (b.hasArray()) {
                    Arrays.fill(b.array(), (byte) 0);
                }
                return bytes;
            } finally {
                Arrays.fill(chars, '\0');
            }
        }

        /**
         * The secret signs as its principal on the server, as a credential key file opens a store:
         * refused, as that file is, when group or others may read it (on file systems with POSIX permissions).
         */
        private static void ownerOnly(Path file, String source) throws IOException {
            var posix = Files.getFileAttributeView(file, java.nio.file.attribute.PosixFileAttributeView.class);
            if (posix == null) {
                return;
            }
            var others = posix.readAttributes().permissions();
            others.retainAll(java.util.EnumSet.of(java.nio.file.attribute.PosixFilePermission.GROUP_READ,
                    java.nio.file.attribute.PosixFilePermission.GROUP_WRITE, java.nio.file.attribute.PosixFilePermission.OTHERS_READ,
                    java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE));
            if (!others.isEmpty()) {
                throw new IOException("secret-access-key-file " + file + " in " + source + " is accessible by others ("
                        + others + "): it must be readable by its owner only (chmod 600)");
            }
        }

        private static List<java.security.cert.X509Certificate> certificates(Path file, String source) throws IOException {
            try (var in = Files.newInputStream(file)) {
                var certs = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in);
                if (certs.isEmpty()) {
                    throw new IOException("trust-store " + file + " in " + source + " holds no certificate");
                }
                return certs.stream().map(java.security.cert.X509Certificate.class::cast).toList();
            } catch (java.security.cert.CertificateException e) {
                throw new IOException("trust-store " + file + " in " + source + " is not PEM or DER certificates: "
                        + e.getMessage(), e);
            }
        }

        private static String strip(String s) {
            return s == null ? null : s.strip();
        }
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
