package io.kmsjca.postgres;

import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyState;
import io.kmsjca.keys.KeyUnavailableException;
import io.kmsjca.spi.CorruptStoreException;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.security.UnrecoverableKeyException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.kmsjca.postgres.Fleet.*;
import static org.junit.jupiter.api.Assertions.*;

/** Two key services in one JVM on one PostgreSQL store, each with its own connections and change feed. */
@org.junit.jupiter.api.Tag("same-on-every-jdk") // JDBC and SQL: run once, on JDK 17; the store contract still runs on JDK 25 (README, "Supported JDKs")
class SharedStoreTest {

    private final PostgresSettings settings;

    SharedStoreTest() throws Exception {
        settings = TestDatabase.shared().settings(TestDatabase.uniqueStoreName());
    }

    @Test
    void newKey_rotation_and_disable_reachTheOtherServiceWithinOneSecond() throws Exception {
        try (KeyService a = open(settings); KeyService b = open(settings)) {
            a.createKey("orders", "shared");
            long seen = millisUntil(() -> b.findKey("orders").isPresent(), 1000);
            assertEquals(1, wrapVersion(b, "orders"));

            assertEquals(2, a.rotateKeyOnDemand("orders"));
            long rotated = millisUntil(quietly(() -> wrapVersion(b, "orders") == 2), 1000);

            a.disableKey("orders");
            long disabled = millisUntil(quietly(() -> b.describeKey("orders").state() == KeyState.DISABLED), 1000);
            assertThrows(KeyUnavailableException.class, () -> wrap(b, "orders"));
            System.out.printf("change feed: new key %d ms, rotation %d ms, disable %d ms%n", seen, rotated, disabled);
        }
    }

    /**
     * Two services rotate one key at the same moment, 40 times. Two rotations that overlap (both
     * read version N before either wrote) make exactly one version N+1, which both return; two
     * that do not overlap make two versions, each returned by its caller. Either way no version
     * is made that nobody asked for, none is lost, and both services agree on the current one.
     */
    @Test
    void concurrentRotations_makeOneNewVersionPerOverlap_andTheLoserSeesIt() throws Exception {
        try (KeyService a = open(settings); KeyService b = open(settings)) {
            a.createKey("contended", "");
            millisUntil(() -> b.findKey("contended").isPresent(), 1000);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            int coalesced = 0;
            try {
                int versions = 1;
                for (int round = 0; round < 40; round++) {
                    CyclicBarrier start = new CyclicBarrier(2);
                    Future<Integer> fromA = pool.submit(() -> {
                        start.await();
                        return a.rotateKeyOnDemand("contended");
                    });
                    Future<Integer> fromB = pool.submit(() -> {
                        start.await();
                        return b.rotateKeyOnDemand("contended");
                    });
                    int va = fromA.get();
                    int vb = fromB.get();
                    int made = va == vb ? 1 : 2;
                    coalesced += va == vb ? 1 : 0;
                    assertEquals(versions + made, Math.max(va, vb), "round " + round + ": a=" + va + " b=" + vb);
                    assertEquals(versions + 1, Math.min(va, vb));
                    versions += made;
                    int expected = versions;
                    for (KeyService s : List.of(a, b)) { // the later rotation reaches the other service through the feed
                        millisUntil(quietly(() -> s.describeKey("contended").currentVersion() == expected
                                && s.describeKey("contended").versionCount() == expected), 1000);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            assertTrue(coalesced > 0, "no two rotations overlapped in 40 rounds");
            System.out.println("concurrent rotations: " + coalesced + " of 40 rounds overlapped and made one version");
        }
    }

    @Test
    void manyProcessesOpeningANewStoreAtOnce_agreeOnOneStore() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<KeyService> services = new ArrayList<>();
        try {
            CyclicBarrier start = new CyclicBarrier(4);
            List<Future<KeyService>> opened = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                opened.add(pool.submit(() -> {
                    start.await();
                    return open(settings);
                }));
            }
            for (Future<KeyService> f : opened) {
                services.add(f.get());
            }
            services.get(0).createKey("first", "");
            byte[] blob = wrap(services.get(0), "first");
            for (KeyService s : services) {
                millisUntil(() -> s.findKey("first").isPresent(), 1000);
                assertNotNull(unwrap(s, "first", blob));
            }
        } finally {
            pool.shutdownNow();
            for (KeyService s : services) {
                s.close();
            }
        }
    }

    @Test
    void wrongPassword_isRefused() throws Exception {
        open(settings).close();
        var e = assertThrows(java.io.IOException.class, () -> io.kmsjca.internal.service.KeyStores.open(
                PostgresKeyRecordStore.open(settings), "wrong".toCharArray(), OPTIONS));
        assertInstanceOf(UnrecoverableKeyException.class, e.getCause());
    }

    @Test
    void theDatabaseNeverSeesKeyMaterial_andAnAlteredRowIsDetected() throws Exception {
        byte[] material = new byte[32];
        new java.security.SecureRandom().nextBytes(material);
        try (KeyService a = open(settings)) {
            a.importKeyMaterial("byok", material.clone());
            a.createKey("generated", "");
        }
        try (Connection c = DriverManager.getConnection(TestDatabase.shared().url());
             PreparedStatement s = c.prepareStatement("SELECT sealed FROM kmsjca_key WHERE store = ?")) {
            s.setString(1, settings.storeName());
            try (ResultSet r = s.executeQuery()) {
                int rows = 0;
                while (r.next()) {
                    rows++;
                    assertFalse(contains(r.getBytes(1), material), "the imported material is in a row in the clear");
                }
                assertEquals(3, rows, "two keys and the store's audit key");
            }
            try (Statement update = c.createStatement()) {
                assertEquals(1, update.executeUpdate("UPDATE kmsjca_key SET sealed = overlay(sealed placing '\\xff'::bytea from 40)"
                        + " WHERE store = '" + settings.storeName() + "' AND key_id = (SELECT min(key_id) FROM kmsjca_key WHERE store = '"
                        + settings.storeName() + "')"));
            }
        }
        var e = assertThrows(java.io.IOException.class, () -> open(settings));
        assertTrue(e instanceof CorruptStoreException || e.getCause() != null, e.toString());
    }

    @Test
    void oversizedOrInvalidRows_areReportedBeforeTheyAreRead() throws Exception {
        open(settings).close();
        try (Connection c = DriverManager.getConnection(TestDatabase.shared().url()); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO kmsjca_key (store, key_id, revision, sealed) VALUES ('" + settings.storeName()
                    + "', 'huge', 1, decode(repeat('00', 2 * 1024 * 1024), 'hex'))");
            try (PostgresKeyRecordStore store = PostgresKeyRecordStore.open(settings)) {
                var e = assertThrows(CorruptStoreException.class, store::list);
                assertTrue(e.getMessage().contains("larger than"), e.getMessage());
            }
            s.executeUpdate("UPDATE kmsjca_key SET key_id = 'not a key id!', sealed = '\\x01' WHERE key_id = 'huge'");
            try (PostgresKeyRecordStore store = PostgresKeyRecordStore.open(settings)) {
                var e = assertThrows(CorruptStoreException.class, store::list);
                assertTrue(e.getMessage().contains("outside kms-jca"), e.getMessage());
            }
            s.executeUpdate("UPDATE kmsjca_store SET header = decode(repeat('00', 100000), 'hex') WHERE store = '"
                    + settings.storeName() + "'");
            try (PostgresKeyRecordStore store = PostgresKeyRecordStore.open(settings)) {
                var e = assertThrows(CorruptStoreException.class, store::header);
                assertTrue(e.getMessage().contains("header"), e.getMessage());
            }
        }
    }

    @Test
    void aRowRolledBackBehindTheServicesBack_isRefused() throws Exception {
        try (KeyService a = open(settings)) {
            String id = a.createKey("rolled", "").keyId().toString();
            try (Connection c = DriverManager.getConnection(TestDatabase.shared().url())) {
                Row before = row(c, id);
                a.disableKey("rolled");
                try (PreparedStatement restore = c.prepareStatement(
                        "UPDATE kmsjca_key SET sealed = ?, revision = ? WHERE store = ? AND key_id = ?")) {
                    restore.setBytes(1, before.sealed());
                    restore.setLong(2, before.revision());
                    restore.setString(3, settings.storeName());
                    restore.setString(4, id);
                    assertEquals(1, restore.executeUpdate()); // a backup restored to re-enable the key
                }
            }
            var e = assertThrows(CorruptStoreException.class, a::refresh);
            assertTrue(e.getMessage().contains("rolled back"), e.getMessage());
            assertEquals(KeyState.DISABLED, a.describeKey("rolled").state(), "the newer state stands");
        }
    }

    @Test
    void auditTable_receivesEveryEvent() throws Exception {
        PostgresSettings audited = settings.withAuditTable(true);
        try (KeyService a = open(audited)) {
            a.createKey("audited", "");
            wrap(a, "audited");
            a.disableKey("audited");
        }
        try (Connection c = DriverManager.getConnection(TestDatabase.shared().url());
             PreparedStatement s = c.prepareStatement("SELECT operation, outcome FROM kmsjca_audit WHERE store = ? ORDER BY time")) {
            s.setString(1, settings.storeName());
            List<String> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(r.getString(1) + " " + r.getString(2));
                }
            }
            assertTrue(rows.containsAll(List.of("CREATE_KEY SUCCESS", "WRAP_KEY SUCCESS", "DISABLE_KEY SUCCESS")), rows.toString());
        }
    }

    /** The stored revision and sealed bytes of a key's row. */
    private record Row(long revision, byte[] sealed) {
    }

    private Row row(Connection c, String id) throws Exception {
        try (PreparedStatement s = c.prepareStatement("SELECT revision, sealed FROM kmsjca_key WHERE store = ? AND key_id = ?")) {
            s.setString(1, settings.storeName());
            s.setString(2, id);
            try (ResultSet r = s.executeQuery()) {
                assertTrue(r.next());
                return new Row(r.getLong(1), r.getBytes(2));
            }
        }
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
