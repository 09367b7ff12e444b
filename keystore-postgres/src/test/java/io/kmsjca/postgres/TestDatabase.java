package io.kmsjca.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A real PostgreSQL server for the tests (the embedded binaries of io.zonky.test), started by the
 * build: one shared by the tests of a JVM, and private ones for tests that stop and restart
 * their server. Each test works in a database or store name of its own.
 */
final class TestDatabase implements AutoCloseable {

    private static TestDatabase shared;

    private final Path dataDir;
    private int port;
    private EmbeddedPostgres server;

    private TestDatabase(Path dataDir, int port) throws IOException {
        this.dataDir = dataDir;
        this.port = port;
        start();
    }

    /** The server the tests of this JVM share, started on first use. */
    static synchronized TestDatabase shared() throws IOException {
        if (shared == null) {
            shared = new TestDatabase(null, 0);
        }
        return shared;
    }

    /** A server of one's own over {@code dataDir}, which survives {@link #stop()} and {@link #start()}. */
    static TestDatabase own(Path dataDir) throws IOException {
        return new TestDatabase(dataDir, 0);
    }

    /** Starts the server; again after {@link #stop()}, on the same port and data. */
    void start() throws IOException {
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder();
        if (port != 0) {
            b.setPort(port);
        }
        if (dataDir != null) {
            b.setDataDirectory(dataDir).setCleanDataDirectory(false);
        }
        server = b.start();
        port = server.getPort();
    }

    /** Stops the server; the data stays for {@link #start()}. */
    void stop() throws IOException {
        server.close();
    }

    String url() {
        return url("postgres");
    }

    String url(String database) {
        return "jdbc:postgresql://localhost:" + server.getPort() + "/" + database + "?user=postgres";
    }

    /** A new, empty database on this server, for tests that need the schema to start from nothing. */
    String newDatabase() throws SQLException {
        String name = "t" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    /** The URL without credentials, for configuration files that name the user on its own. */
    String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + server.getPort() + "/postgres";
    }

    PostgresSettings settings(String storeName) {
        return PostgresSettings.of(url()).withStoreName(storeName);
    }

    static String uniqueStoreName() {
        return "s" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
