package io.kmsjca.postgres;

import com.zaxxer.hikari.HikariDataSource;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * One place for a store's SQL and its failures: the connection pool (created, its schema migrated,
 * its connections dropped after an outage, closed), which connection a statement runs on, and how
 * a failure reads (store name, the URL without its password, the settings to change).
 */
final class StoreQueries {

    /** A statement or transaction on one connection. */
    @FunctionalInterface
    interface Sql<T> {
        T run(Connection c) throws SQLException, IOException;
    }

    private final PostgresSettings settings;
    private final HikariDataSource pool;
    private volatile ChangeFeed feed;
    private volatile boolean closed;

    private StoreQueries(PostgresSettings settings, HikariDataSource pool) {
        this.settings = settings;
        this.pool = pool;
    }

    /**
     * Connects and creates or migrates the tables.
     *
     * @throws IOException the database cannot be reached or its schema is newer than this kms-jca
     */
    static StoreQueries open(PostgresSettings settings) throws IOException {
        HikariDataSource pool;
        try {
            pool = Connections.pool(settings);
        } catch (RuntimeException e) { // Hikari reports an unreachable database unchecked
            throw new IOException("cannot reach PostgreSQL at " + redacted(settings.url()) + ": " + rootMessage(e), e);
        }
        StoreQueries queries = new StoreQueries(settings, pool);
        try (Connection c = pool.getConnection()) {
            Schema.migrate(c);
        } catch (SQLException e) {
            pool.close();
            throw queries.failure("cannot prepare the kms-jca tables", e);
        }
        return queries;
    }

    HikariDataSource pool() {
        return pool;
    }

    /** From now on a statement run on the change feed's thread uses the feed's own connection. */
    void runOnFeedThreadWith(ChangeFeed changeFeed) {
        this.feed = changeFeed;
    }

    /**
     * Runs {@code sql} on a pooled connection; a listener reading what changed on the change
     * feed's thread uses the feed's own connection, which answered a moment ago (after a server
     * restart it is the first one known to work).
     */
    <T> T query(String what, Sql<T> sql) throws IOException {
        ensureOpen();
        try {
            ChangeFeed f = feed;
            Connection listening = f == null ? null : f.connectionOfThisThread();
            if (listening != null) {
                return sql.run(listening);
            }
            try (Connection c = pooledConnection()) {
                return sql.run(c);
            }
        } catch (SQLException e) {
            throw failure("cannot " + what, e);
        }
    }

    /**
     * A connection of the pool. When every one is busy for the whole connect timeout the failure
     * says so, naming the settings to change: Hikari's own message reads like an outage.
     */
    Connection pooledConnection() throws SQLException {
        try {
            return pool.getConnection();
        } catch (SQLTransientConnectionException e) {
            var bean = pool.getHikariPoolMXBean();
            if (bean != null && bean.getActiveConnections() >= settings.poolSize()) {
                throw new SQLTransientConnectionException("all " + settings.poolSize() + " connections of the pool ("
                        + PostgresSettings.POOL_SIZE + "=" + settings.poolSize() + ") stayed busy for "
                        + PostgresSettings.CONNECT_TIMEOUT_SECONDS + "=" + settings.connectTimeout().toSeconds()
                        + " s; wrap and unwrap do not need the pool and keep working", e.getSQLState(), e);
            }
            throw e;
        }
    }

    /**
     * The change feed lost its connection, so the server may have restarted: the pooled
     * connections are closed (idle ones now, busy ones when returned) rather than handed out dead.
     */
    void dropPooledConnections() {
        var bean = pool.getHikariPoolMXBean();
        if (bean != null) {
            bean.softEvictConnections();
        }
    }

    IOException failure(String what, SQLException e) {
        return new IOException("kms-jca " + what + " in PostgreSQL store " + settings.storeName() + " at "
                + redacted(settings.url()) + ": " + e.getMessage(), e);
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the PostgreSQL key store " + settings.storeName() + " is closed");
        }
    }

    /** Refuses every query from now on; false if that was done already. */
    synchronized boolean markClosed() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    void closePool() {
        pool.close();
    }

    static String redacted(String url) {
        return url.replaceAll("(?i)password=[^&]*", "password=***");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
