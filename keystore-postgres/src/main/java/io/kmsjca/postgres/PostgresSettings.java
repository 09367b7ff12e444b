package io.kmsjca.postgres;

import io.kmsjca.spi.internal.PasswordFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code store.postgres.*} settings of a provider configuration, checked and bounded.
 *
 * @param url            the JDBC URL ({@code jdbc:postgresql://host:port/database})
 * @param user           the database user, or null for the URL's or the driver's default
 * @param password       the database password, or null (from a file or an environment variable,
 *                       never from the configuration file itself)
 * @param storeName      which key store in the database: one database can hold several
 * @param poolSize       connections for reads and changes (the change feed has one more)
 * @param reread         how often every record is re-read anyway, in case a notification was missed
 * @param connectTimeout how long a request waits for the database before failing
 * @param auditTable     whether audit events also go to the table {@code kmsjca_audit}
 * @param maxStaleness   how long this JVM may go without confirming that it holds every change
 *                       other JVMs made (through the change feed or a re-read) before it refuses
 *                       key use: the longest a key disabled or rotated elsewhere stays usable here
 */
public record PostgresSettings(String url, String user, String password, String storeName, int poolSize,
                               Duration reread, Duration connectTimeout, boolean auditTable, Duration maxStaleness) {

    static final String USER = "store.postgres.user";
    static final String PASSWORD_FILE = "store.postgres.password.file";
    static final String PASSWORD_ENV = "store.postgres.password.env";
    static final String NAME = "store.postgres.name";
    static final String POOL_SIZE = "store.postgres.poolSize";
    static final String REREAD_SECONDS = "store.postgres.rereadSeconds";
    static final String CONNECT_TIMEOUT_SECONDS = "store.postgres.connectTimeoutSeconds";
    static final String AUDIT_TABLE = "store.postgres.auditTable";
    static final String MAX_STALENESS_SECONDS = "store.postgres.maxStalenessSeconds";
    static final Set<String> NAMES = Set.of(USER, PASSWORD_FILE, PASSWORD_ENV, NAME, POOL_SIZE, REREAD_SECONDS,
            CONNECT_TIMEOUT_SECONDS, AUDIT_TABLE, MAX_STALENESS_SECONDS);
    /** The default bound: a database restart or a short failover passes unnoticed, a disable reaches every JVM within a minute. */
    static final int DEFAULT_MAX_STALENESS_SECONDS = 60;

    private static final Pattern STORE_NAME = Pattern.compile("[a-z0-9_-]{1,64}");

    public PostgresSettings {
        if (url == null || !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("the store URL must start with jdbc:postgresql:");
        }
        if (storeName == null || !STORE_NAME.matcher(storeName).matches()) {
            throw new IllegalArgumentException(NAME + " must be 1..64 of a-z 0-9 _ -");
        }
        if (poolSize < 1 || poolSize > 64) {
            throw new IllegalArgumentException(POOL_SIZE + " must be 1..64, was " + poolSize);
        }
        if (reread.compareTo(Duration.ofSeconds(1)) < 0 || reread.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException(REREAD_SECONDS + " must be 1..3600");
        }
        if (connectTimeout.compareTo(Duration.ofSeconds(1)) < 0 || connectTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException(CONNECT_TIMEOUT_SECONDS + " must be 1..300");
        }
        if (maxStaleness.compareTo(Duration.ofSeconds(1)) < 0 || maxStaleness.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException(MAX_STALENESS_SECONDS + " must be 1..86400");
        }
    }

    /**
     * Settings for {@code url} with every default: store "default", 4 connections, re-read every
     * 30 s, key use refused after 60 s without confirmation.
     */
    public static PostgresSettings of(String url) {
        return new PostgresSettings(url, null, null, "default", 4, Duration.ofSeconds(30), Duration.ofSeconds(5), false,
                Duration.ofSeconds(DEFAULT_MAX_STALENESS_SECONDS));
    }

    public PostgresSettings withCredentials(String nextUser, String nextPassword) {
        return new PostgresSettings(url, nextUser, nextPassword, storeName, poolSize, reread, connectTimeout, auditTable,
                maxStaleness);
    }

    public PostgresSettings withStoreName(String name) {
        return new PostgresSettings(url, user, password, name, poolSize, reread, connectTimeout, auditTable, maxStaleness);
    }

    public PostgresSettings withPoolSize(int connections) {
        return new PostgresSettings(url, user, password, storeName, connections, reread, connectTimeout, auditTable,
                maxStaleness);
    }

    public PostgresSettings withReread(Duration interval) {
        return new PostgresSettings(url, user, password, storeName, poolSize, interval, connectTimeout, auditTable,
                maxStaleness);
    }

    public PostgresSettings withConnectTimeout(Duration timeout) {
        return new PostgresSettings(url, user, password, storeName, poolSize, reread, timeout, auditTable, maxStaleness);
    }

    public PostgresSettings withAuditTable(boolean on) {
        return new PostgresSettings(url, user, password, storeName, poolSize, reread, connectTimeout, on, maxStaleness);
    }

    public PostgresSettings withMaxStaleness(Duration bound) {
        return new PostgresSettings(url, user, password, storeName, poolSize, reread, connectTimeout, auditTable, bound);
    }

    /** Reads the settings of a provider configuration file ({@code folder} resolves relative paths). */
    static PostgresSettings fromConfig(String url, Map<String, String> s, Path folder) throws IOException {
        String password = null;
        if (s.containsKey(PASSWORD_FILE)) {
            char[] line = PasswordFiles.firstLine(folder.resolve(s.get(PASSWORD_FILE)));
            password = new String(line); // JDBC takes the password as a String
            Arrays.fill(line, '\0');
        } else if (s.containsKey(PASSWORD_ENV)) {
            password = System.getenv(s.get(PASSWORD_ENV));
            if (password == null) {
                throw new IOException("environment variable " + s.get(PASSWORD_ENV) + " (" + PASSWORD_ENV + ") is not set");
            }
        }
        return new PostgresSettings(url, s.get(USER), password, s.getOrDefault(NAME, "default"),
                intSetting(s, POOL_SIZE, 4), Duration.ofSeconds(intSetting(s, REREAD_SECONDS, 30)),
                Duration.ofSeconds(intSetting(s, CONNECT_TIMEOUT_SECONDS, 5)), boolSetting(s, AUDIT_TABLE),
                Duration.ofSeconds(intSetting(s, MAX_STALENESS_SECONDS, DEFAULT_MAX_STALENESS_SECONDS)));
    }

    private static int intSetting(Map<String, String> s, String name, int defaultValue) {
        String v = s.get(name);
        try {
            return v == null ? defaultValue : Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, was '" + v + "'");
        }
    }

    private static boolean boolSetting(Map<String, String> s, String name) {
        String v = s.getOrDefault(name, "false").strip();
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException(name + " must be true or false, was '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    @Override
    public String toString() {
        return "PostgresSettings[" + url.replaceAll("password=[^&]*", "password=***") + ", user=" + user
                + ", store=" + storeName + "]";
    }
}
