package io.kmsjca.postgres;

import io.kmsjca.keys.KeyService;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.keys.KeyUnavailableException;
import io.kmsjca.spi.KeyRecord;
import io.kmsjca.spi.StaleRecordException;
import org.junit.jupiter.api.Test;

import java.security.KeyStoreException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static io.kmsjca.postgres.Fleet.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * PostgreSQL troubles short of an outage, against the real server: a pool with no free
 * connection, a change whose notification never arrives, two transactions racing on one row.
 */
@org.junit.jupiter.api.Tag("same-on-every-jdk") // JDBC and SQL: run once, on JDK 17; the store contract still runs on JDK 25 (README, "Supported JDKs")
class DatabaseTroubleTest {

    @Test
    void aPoolWithNoFreeConnection_leavesWrapsWorking_andFailsAChangeNamingThePool() throws Exception {
        PostgresSettings settings = TestDatabase.shared().settings(TestDatabase.uniqueStoreName())
                .withPoolSize(2).withConnectTimeout(Duration.ofSeconds(1));
        PostgresKeyRecordStore store = PostgresKeyRecordStore.open(settings);
        try (KeyService service = KeyStores.open(store, PASSWORD, OPTIONS)) {
            service.createKey("orders", "");
            byte[] before = wrap(service, "orders");

            List<Connection> held = new ArrayList<>();
            try {
                for (int i = 0; i < settings.poolSize(); i++) {
                    held.add(store.pooledConnection()); // e.g. admin work stuck behind a lock elsewhere
                }
                // wrap and unwrap use the keys in memory, never the pool
                byte[] during = wrap(service, "orders");
                assertNotNull(unwrap(service, "orders", before));
                assertNotNull(unwrap(service, "orders", during));

                KeyStoreException refused = assertThrows(KeyStoreException.class, () -> service.createKey("new", ""));
                String message = refused.getMessage();
                assertTrue(message.contains("store.postgres.poolSize=2") && message.contains("store.postgres.connectTimeoutSeconds=1"),
                        message);
                assertThrows(KeyStoreException.class, () -> service.rotateKeyOnDemand("orders"));
            } finally {
                for (Connection c : held) {
                    c.close();
                }
            }
            assertEquals(2, service.rotateKeyOnDemand("orders"), "the pool serves changes again once connections are back");
            assertTrue(service.findKey("new").isEmpty(), "the refused create left nothing");
        }
    }

    /**
     * Another writer's change reaches B with no notification at all (the row is written behind
     * B's back, as a change whose NOTIFY was lost would be): B's periodic re-read finds it.
     */
    @Test
    void aChangeWhoseNotificationIsLost_isPickedUpByThePeriodicReread() throws Exception {
        String store = TestDatabase.uniqueStoreName();
        PostgresSettings settings = TestDatabase.shared().settings(store);
        String keyId;
        Row enabled;
        Row disabled;
        try (KeyService a = open(settings); Connection c = DriverManager.getConnection(TestDatabase.shared().url())) {
            keyId = a.createKey("orders", "").keyId().toString();
            enabled = Row.read(c, store, keyId);
            a.disableKey("orders");
            disabled = Row.read(c, store, keyId);
            enabled.write(c, store, keyId); // back to before the disable, so B starts from there
        }
        try (KeyService a = open(settings); KeyService b = open(settings.withReread(Duration.ofSeconds(1)));
             Connection c = DriverManager.getConnection(TestDatabase.shared().url())) {
            assertNotNull(wrap(b, "orders"));
            // B's catch-up after it subscribed is behind it once B heard two notified changes in turn
            // (the feed delivers the first, then runs an owed catch-up, before it waits for the second)
            for (String marker : new String[] {"first", "second"}) {
                a.createKey(marker, "");
                millisUntil(() -> b.findKey(marker).isPresent(), 30_000);
            }
            disabled.write(c, store, keyId); // the disable, committed without a NOTIFY
            long seen = millisUntil(quietly(() -> refusedAsDisabled(b)), 30_000);
            System.out.printf("trouble: a disable without notification seen after %d ms (re-read every 1 s)%n", seen);
        }
    }

    /**
     * Under a database whose default isolation is SERIALIZABLE, the store's compare-and-set waits
     * on a row another transaction changed and then committed: PostgreSQL refuses it with a
     * serialization failure, which the store reports as the lost race it is.
     */
    @Test
    void aConcurrentTransactionOnTheSameRow_isAStaleRecord_neverALostUpdate() throws Exception {
        String url = TestDatabase.shared().newDatabase();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE " + c.getCatalog() + " SET default_transaction_isolation = 'serializable'");
        }
        String storeName = "race";
        byte[] theirs = {2, 2, 2};
        try (PostgresKeyRecordStore store = PostgresKeyRecordStore.open(PostgresSettings.of(url).withStoreName(storeName));
             Connection other = DriverManager.getConnection(url)) {
            store.put(new KeyRecord("k", 1, new byte[] {1}));

            other.setAutoCommit(false);
            new Row(2, theirs).writeAt(other, storeName, "k", 1); // holds the row until it commits
            CompletableFuture<Void> ours = CompletableFuture.runAsync(() -> {
                try {
                    store.put(new KeyRecord("k", 2, new byte[] {3, 3, 3}));
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            millisUntil(quietly(() -> waitingOnALock(url)), 30_000);
            other.commit();

            ExecutionException e = assertThrows(ExecutionException.class, ours::get);
            StaleRecordException stale = assertInstanceOf(StaleRecordException.class, e.getCause());
            assertInstanceOf(SQLException.class, stale.getCause());
            assertEquals("40001", ((SQLException) stale.getCause()).getSQLState());
            KeyRecord stored = store.get("k").orElseThrow();
            assertEquals(2, stored.revision());
            assertArrayEquals(theirs, stored.sealed(), "the committed change stands");
        }
    }

    /**
     * B's change feed is left half-open: its backend process is stopped (SIGSTOP), so the socket
     * stays up and nothing answers. A disable made meanwhile is notified to that frozen backend
     * only. B's feed must notice within its bound (a quarter of maxStaleness of heartbeat, the
     * same again of socket timeout), reconnect, and re-read: B then refuses the key as disabled.
     * With the pool's one-minute socket timeout B would instead refuse every key as out of sync.
     */
    @Test
    void aFrozenFeedBackend_isLeftWithinTheStalenessBound_andTheDisableItMissedIsSeen() throws Exception {
        String url = TestDatabase.shared().newDatabase();
        String role = "kms_b_" + TestDatabase.uniqueStoreName();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + role + " LOGIN SUPERUSER");
        }
        PostgresSettings settingsA = PostgresSettings.of(url).withStoreName("frozen");
        PostgresSettings settingsB = PostgresSettings.of(url.substring(0, url.indexOf('?'))).withCredentials(role, null)
                .withStoreName("frozen").withReread(Duration.ofHours(1)).withMaxStaleness(Duration.ofSeconds(8));
        try (KeyService a = open(settingsA); KeyService b = open(settingsB)) {
            a.createKey("orders", "");
            millisUntil(() -> b.findKey("orders").isPresent(), 30_000);
            assertNotNull(wrap(b, "orders"));

            List<Long> feeds = feedBackends(url, role);
            assertEquals(1, feeds.size(), "B's change feed: " + feeds);
            long frozen = feeds.get(0);
            signal("STOP", frozen);
            try {
                a.disableKey("orders"); // notified to B's frozen backend, which never passes it on
                long seen = millisUntil(quietly(() -> refusedAsDisabled(b)), 30_000);
                System.out.printf("trouble: a frozen feed backend left and the missed disable seen after %d ms"
                        + " (maxStaleness 8 s, feed socket timeout %d s)%n", seen, Connections.feedSocketTimeoutSeconds(settingsB));
                feeds = feedBackends(url, role);
                assertTrue(feeds.size() == 2 && feeds.contains(frozen), "B listens on a new connection beside the frozen one: " + feeds);
            } finally {
                signal("CONT", frozen); // it finds its client gone and exits
            }
        }
    }

    /** The process ids of the change feed backends of the stores opened by {@code role}. */
    private static List<Long> feedBackends(String url, String role) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); PreparedStatement s = c.prepareStatement(
                "SELECT pid FROM pg_stat_activity WHERE usename = ? AND application_name = ?"
                        + " AND datname = current_database()")) {
            s.setString(1, role);
            s.setString(2, Connections.FEED_APPLICATION_NAME);
            List<Long> pids = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    pids.add(r.getLong(1));
                }
            }
            return pids;
        }
    }

    private static void signal(String name, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + name + " " + pid);
    }

    private static boolean refusedAsDisabled(KeyService service) throws Exception {
        try {
            wrap(service, "orders");
            return false;
        } catch (KeyUnavailableException e) {
            return e.getMessage().contains("Disabled");
        }
    }

    private static boolean waitingOnALock(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                     + " AND wait_event_type = 'Lock'")) {
            r.next();
            return r.getInt(1) > 0;
        }
    }

    /** The stored revision and sealed bytes of a key's row. */
    private record Row(long revision, byte[] sealed) {

        static Row read(Connection c, String store, String keyId) throws SQLException {
            try (PreparedStatement s = c.prepareStatement("SELECT revision, sealed FROM kmsjca_key WHERE store = ? AND key_id = ?")) {
                s.setString(1, store);
                s.setString(2, keyId);
                try (ResultSet r = s.executeQuery()) {
                    assertTrue(r.next(), "no row for " + keyId);
                    return new Row(r.getLong(1), r.getBytes(2));
                }
            }
        }

        void write(Connection c, String store, String keyId) throws SQLException {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE kmsjca_key SET revision = ?, sealed = ? WHERE store = ? AND key_id = ?")) {
                s.setLong(1, revision);
                s.setBytes(2, sealed);
                s.setString(3, store);
                s.setString(4, keyId);
                assertEquals(1, s.executeUpdate());
            }
        }

        void writeAt(Connection c, String store, String keyId, long expected) throws SQLException {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE kmsjca_key SET revision = ?, sealed = ? WHERE store = ? AND key_id = ? AND revision = ?")) {
                s.setLong(1, revision);
                s.setBytes(2, sealed);
                s.setString(3, store);
                s.setString(4, keyId);
                s.setLong(5, expected);
                assertEquals(1, s.executeUpdate());
            }
        }
    }
}
