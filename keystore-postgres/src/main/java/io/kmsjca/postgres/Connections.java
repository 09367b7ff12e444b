package io.kmsjca.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** How the backend connects: a pool for reads and changes, single connections for the change feed. */
final class Connections {

    private Connections() {
    }

    /** How long any request on a pooled connection may hear nothing from the server before it fails. */
    static final int POOL_SOCKET_TIMEOUT_SECONDS = 60;
    /** What {@code pg_stat_activity.application_name} shows for the change feed's connection. */
    static final String FEED_APPLICATION_NAME = "kms-jca change feed";

    static HikariDataSource pool(PostgresSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.url());
        config.setDataSourceProperties(driverProperties(settings, POOL_SOCKET_TIMEOUT_SECONDS, "kms-jca"));
        config.setPoolName("kms-jca " + settings.storeName());
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(1);
        config.setConnectionTimeout(settings.connectTimeout().toMillis());
        config.setValidationTimeout(Math.min(settings.connectTimeout().toMillis(), 5000));
        config.setInitializationFailTimeout(settings.connectTimeout().toMillis());
        return new HikariDataSource(config);
    }

    /**
     * The change feed's connection. Its socket timeout is a quarter of {@code maxStaleness}: a
     * server that stops answering (a half-open connection, a frozen backend) fails the feed's next
     * heartbeat and the feed reconnects and re-reads well within the bound, instead of the JVM
     * refusing its keys while it waits out the pool's minute.
     */
    static Connection openFeed(PostgresSettings settings) throws SQLException {
        return DriverManager.getConnection(settings.url(),
                driverProperties(settings, feedSocketTimeoutSeconds(settings), FEED_APPLICATION_NAME));
    }

    static int feedSocketTimeoutSeconds(PostgresSettings settings) {
        return (int) Math.max(1, Math.min(POOL_SOCKET_TIMEOUT_SECONDS, settings.maxStaleness().toSeconds() / 4));
    }

    private static Properties driverProperties(PostgresSettings settings, int socketTimeoutSeconds, String applicationName) {
        Properties p = new Properties();
        if (settings.user() != null) {
            p.setProperty("user", settings.user());
        }
        if (settings.password() != null) {
            p.setProperty("password", settings.password());
        }
        long seconds = settings.connectTimeout().toSeconds();
        p.setProperty("connectTimeout", Long.toString(seconds));
        p.setProperty("loginTimeout", Long.toString(seconds));
        p.setProperty("socketTimeout", Integer.toString(socketTimeoutSeconds)); // no request waits forever on a half-dead connection
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", applicationName);
        return p;
    }
}
