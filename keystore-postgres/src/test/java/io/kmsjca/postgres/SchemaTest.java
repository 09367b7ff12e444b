package io.kmsjca.postgres;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/** The backend creates and migrates its own tables: once, concurrently, and never over a newer schema. */
@org.junit.jupiter.api.Tag("same-on-every-jdk") // JDBC and SQL: run once, on JDK 17; the store contract still runs on JDK 25 (README, "Supported JDKs")
class SchemaTest {

    @Test
    void manyBackendsOpeningAnEmptyDatabaseAtOnce_createTheSchemaOnce() throws Exception {
        String url = TestDatabase.shared().newDatabase();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<PostgresKeyRecordStore> stores = new ArrayList<>();
        try {
            CyclicBarrier start = new CyclicBarrier(4);
            List<Future<PostgresKeyRecordStore>> opening = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                opening.add(pool.submit(() -> {
                    start.await();
                    return PostgresKeyRecordStore.open(PostgresSettings.of(url).withStoreName("schema"));
                }));
            }
            for (Future<PostgresKeyRecordStore> f : opening) {
                stores.add(f.get());
            }
        } finally {
            pool.shutdownNow();
            stores.forEach(PostgresKeyRecordStore::close);
        }
        PostgresKeyRecordStore.open(PostgresSettings.of(url).withStoreName("schema")).close(); // and again: nothing to do
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT count(*), max(version) FROM kmsjca_schema")) {
                r.next();
                assertEquals(1, r.getInt(1));
                assertEquals(Schema.VERSION, r.getInt(2));
            }
            try (ResultSet r = s.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'kmsjca_%'")) {
                r.next();
                assertEquals(4, r.getInt(1), "kmsjca_schema, kmsjca_store, kmsjca_key, kmsjca_audit");
            }
        }
    }

    @Test
    void aSchemaFromAVersion1Database_isMigrated() throws Exception {
        String url = TestDatabase.shared().newDatabase();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kmsjca_schema (version integer NOT NULL)");
            for (String statement : Schema.MIGRATIONS.get(0)) {
                s.execute(statement);
            }
            s.execute("INSERT INTO kmsjca_schema VALUES (1)");
            s.execute("INSERT INTO kmsjca_store (store, header) VALUES ('old', '\\x01'::bytea)");
        }
        try (PostgresKeyRecordStore store = PostgresKeyRecordStore.open(PostgresSettings.of(url).withStoreName("old"))) {
            assertArrayEquals(new byte[] {1}, store.header().orElseThrow(), "migration keeps what was there");
        }
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT version FROM kmsjca_schema")) {
            r.next();
            assertEquals(Schema.VERSION, r.getInt(1));
        }
    }

    @Test
    void aDatabaseMigratedByANewerKmsJca_isRefused() throws Exception {
        String url = TestDatabase.shared().newDatabase();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kmsjca_schema (version integer NOT NULL)");
            s.execute("INSERT INTO kmsjca_schema VALUES (" + (Schema.VERSION + 1) + ")");
        }
        var e = assertThrows(java.io.IOException.class, () -> PostgresKeyRecordStore.open(PostgresSettings.of(url)));
        assertTrue(e.getMessage().contains("upgrade kms-jca"), e.getMessage());
    }

    @Test
    void settings_areBounded() {
        String url = "jdbc:postgresql://localhost/x";
        assertThrows(IllegalArgumentException.class, () -> PostgresSettings.of("jdbc:mysql://x"));
        assertThrows(IllegalArgumentException.class, () -> PostgresSettings.of(url).withStoreName("Bad Name"));
        assertThrows(IllegalArgumentException.class, () -> PostgresSettings.of(url).withReread(java.time.Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> PostgresSettings.fromConfig(url,
                java.util.Map.of(PostgresSettings.POOL_SIZE, "1000"), java.nio.file.Path.of(".")));
        assertThrows(IllegalArgumentException.class, () -> PostgresSettings.fromConfig(url,
                java.util.Map.of(PostgresSettings.AUDIT_TABLE, "yes"), java.nio.file.Path.of(".")));
        assertFalse(PostgresSettings.of(url + "?password=secret").toString().contains("secret"));
    }

    @Test
    void maxStaleness_defaultsToOneMinute_andIsReadFromKmsConf() throws Exception {
        String url = "jdbc:postgresql://localhost/x";
        assertEquals(java.time.Duration.ofSeconds(60), PostgresSettings.of(url).maxStaleness());
        assertEquals(java.time.Duration.ofSeconds(300), PostgresSettings.fromConfig(url,
                java.util.Map.of(PostgresSettings.MAX_STALENESS_SECONDS, "300"), java.nio.file.Path.of(".")).maxStaleness());
        assertTrue(new PostgresStoreFactory().settingNames().contains("store.postgres.maxStalenessSeconds"));
    }

    @Test
    void maxStaleness_outsideOneSecondToOneDay_isRejected() {
        String url = "jdbc:postgresql://localhost/x";
        for (String outOfRange : new String[] {"0", "-1", "86401"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> PostgresSettings.fromConfig(url,
                    java.util.Map.of(PostgresSettings.MAX_STALENESS_SECONDS, outOfRange), java.nio.file.Path.of(".")));
            assertTrue(e.getMessage().contains("store.postgres.maxStalenessSeconds must be 1..86400"), e.getMessage());
        }
    }

    @Test
    void databasePasswordSources_areBoundedAndMustExist(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        String url = "jdbc:postgresql://localhost/x";
        java.nio.file.Files.write(dir.resolve("pw"), new byte[5000]);
        var tooLong = assertThrows(IllegalArgumentException.class, () -> PostgresSettings.fromConfig(url,
                java.util.Map.of(PostgresSettings.PASSWORD_FILE, "pw"), dir));
        assertTrue(tooLong.getMessage().contains("4096"), tooLong.getMessage());
        var unset = assertThrows(java.io.IOException.class, () -> PostgresSettings.fromConfig(url,
                java.util.Map.of(PostgresSettings.PASSWORD_ENV, "KMSJCA_TEST_SURELY_UNSET"), dir));
        assertTrue(unset.getMessage().contains("is not set"), unset.getMessage());
        java.nio.file.Files.writeString(dir.resolve("pw"), "s3cret\nignored\n");
        assertEquals("s3cret", PostgresSettings.fromConfig(url, java.util.Map.of(PostgresSettings.PASSWORD_FILE, "pw"), dir)
                .password(), "the first line, relative to the configuration's folder");
    }
}
