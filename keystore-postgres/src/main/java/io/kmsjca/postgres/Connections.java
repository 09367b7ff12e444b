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

    static HikariDataSource pool(PostgresSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.url());
        config.setDataSourceProperties(driverProperties(settings));
        config.setPoolName("kms-jca " + settings.storeName());
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(1);
        config.setConnectionTimeout(settings.connectTimeout().toMillis());
        config.setValidationTimeout(Math.min(settings.connectTimeout().toMillis(), 5000));
        config.setInitializationFailTimeout(settings.connectTimeout().toMillis());
        return new HikariDataSource(config);
    }

    static Connection open(PostgresSettings settings) throws SQLException {
        return DriverManager.getConnection(settings.url(), driverProperties(settings));
    }

    private static Properties driverProperties(PostgresSettings settings) {
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
        p.setProperty("socketTimeout", "60"); // no request waits forever on a half-dead connection
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", "kms-jca");
        return p;
    }
}
