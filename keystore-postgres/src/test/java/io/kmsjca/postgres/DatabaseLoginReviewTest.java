package io.kmsjca.postgres;

import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyState;
import io.kmsjca.keys.KeyUnavailableException;
import io.kmsjca.spi.CorruptStoreException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;

import static io.kmsjca.postgres.Fleet.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Security review: what a PostgreSQL login to the store's database (no store password, no
 * credential) can do to the rows. Tests that pass are attacks the code refuses; a failing test
 * is a promise of docs/scaling.md ("What the database holds, and what its administrator can
 * do") or docs/reliability.md that does not hold.
 */
@org.junit.jupiter.api.Tag("same-on-every-jdk")
class DatabaseLoginReviewTest {

    private final PostgresSettings settings;

    DatabaseLoginReviewTest() throws Exception {
        settings = TestDatabase.shared().settings(TestDatabase.uniqueStoreName());
    }

    // ---- attacks the code refuses (regression net) ----

    /** Two keys' rows swapped (sealed bytes and revision): the key id is bound into the seal. */
    @Test
    void swappingTwoKeysRows_isRefused() throws Exception {
        String a;
        String b;
        try (KeyService s = open(settings)) {
            a = s.createKey("a", "").keyId().toString();
            b = s.createKey("b", "").keyId().toString();
            s.disableKey("b");
        }
        try (Connection c = db()) {
            Row ra = row(c, settings.storeName(), a);
            Row rb = row(c, settings.storeName(), b);
            put(c, settings.storeName(), a, rb);
            put(c, settings.storeName(), b, ra);
        }
        assertRefusedAtOpen(settings);
    }

    /** One key's row copied over another key's id (e.g. an enabled key's row over a disabled key). */
    @Test
    void copyingOneKeysRowOverAnothersId_isRefused() throws Exception {
        String enabled;
        String disabled;
        try (KeyService s = open(settings)) {
            enabled = s.createKey("enabled", "").keyId().toString();
            disabled = s.createKey("disabled", "").keyId().toString();
            s.disableKey("disabled");
        }
        try (Connection c = db()) {
            put(c, settings.storeName(), disabled, row(c, settings.storeName(), enabled));
        }
        assertRefusedAtOpen(settings);
    }

    /** The clear revision column moved forward or back: the revision is bound into the seal. */
    @Test
    void alteringTheRevisionColumn_isRefused() throws Exception {
        String id;
        try (KeyService s = open(settings)) {
            id = s.createKey("k", "").keyId().toString();
            s.disableKey("k");
        }
        try (Connection c = db()) {
            Row r = row(c, settings.storeName(), id);
            put(c, settings.storeName(), id, new Row(r.revision() + 5, r.sealed()));
        }
        assertRefusedAtOpen(settings);
    }

    /** The clear key_id column renamed: a row under an id it was not sealed for. */
    @Test
    void renamingTheKeyIdColumn_isRefused() throws Exception {
        String id;
        try (KeyService s = open(settings)) {
            id = s.createKey("k", "").keyId().toString();
        }
        try (Connection c = db(); PreparedStatement u = c.prepareStatement(
                "UPDATE kmsjca_key SET key_id = ? WHERE store = ? AND key_id = ?")) {
            u.setString(1, java.util.UUID.randomUUID().toString());
            u.setString(2, settings.storeName());
            u.setString(3, id);
            assertEquals(1, u.executeUpdate());
        }
        assertRefusedAtOpen(settings);
    }

    /** A row of another store of the same database, made with the same password, inserted: another root key. */
    @Test
    void insertingARowOfAnotherStore_withTheSamePassword_isRefused() throws Exception {
        PostgresSettings other = TestDatabase.shared().settings(TestDatabase.uniqueStoreName());
        String foreign;
        try (KeyService s = open(other)) {
            foreign = s.createKey("foreign", "").keyId().toString();
        }
        open(settings).close();
        try (Connection c = db()) {
            Row r = row(c, other.storeName(), foreign);
            try (PreparedStatement i = c.prepareStatement(
                    "INSERT INTO kmsjca_key (store, key_id, revision, sealed) VALUES (?, ?, ?, ?)")) {
                i.setString(1, settings.storeName());
                i.setString(2, foreign);
                i.setLong(3, r.revision());
                i.setBytes(4, r.sealed());
                assertEquals(1, i.executeUpdate());
            }
        }
        assertRefusedAtOpen(settings);
    }

    /**
     * An older row of a key put back (undoing a grant revocation), and the change feed told so by
     * the attacker's own pg_notify: the running JVM refuses it and keeps the revocation.
     */
    @Test
    void aRolledBackGrantRevocation_announcedOnTheFeed_isRefusedByTheRunningJvm() throws Exception {
        try (KeyService a = open(settings)) {
            String id = a.createKey("granted", "").keyId().toString();
            String grant = a.createGrant("granted", io.kmsjca.keys.GrantRequest.to("someone",
                    java.util.Set.of(io.kmsjca.keys.GrantOperation.Encrypt))).grantId();
            Row withGrant;
            try (Connection c = db()) {
                withGrant = row(c, settings.storeName(), id);
            }
            a.revokeGrant("granted", grant);
            assertTrue(a.listGrants("granted").isEmpty());
            try (Connection c = db()) {
                put(c, settings.storeName(), id, withGrant);
                notifyFeed(c, settings.storeName(), id);
            }
            Thread.sleep(300); // the feed's refusal is logged, not thrown
            assertTrue(a.listGrants("granted").isEmpty(), "the running JVM took the revoked grant back");
            var e = assertThrows(CorruptStoreException.class, a::refresh);
            assertTrue(e.getMessage().contains("rolled back"), e.getMessage());
            assertTrue(a.listGrants("granted").isEmpty());
        }
    }

    // ---- findings ----

    /**
     * docs/scaling.md: "deletes a row | running JVMs report it". The periodic re-read
     * (KeyRegistry.refreshLocked) only walks the rows the database still has, so a row deleted
     * without a notification is never reported: refresh() returns normally, counts the JVM as up
     * to date, and the key keeps working from memory with no sign that its record is gone.
     */
    @Test
    void aDeletedRow_isReportedByTheRunningJvmsReread() throws Exception {
        try (KeyService a = open(settings)) {
            String id = a.createKey("doomed", "").keyId().toString();
            try (Connection c = db(); PreparedStatement d = c.prepareStatement(
                    "DELETE FROM kmsjca_key WHERE store = ? AND key_id = ?")) {
                d.setString(1, settings.storeName());
                d.setString(2, id);
                assertEquals(1, d.executeUpdate());
            }
            var e = assertThrows(CorruptStoreException.class, a::refresh,
                    "a row deleted outside kms-jca passed the running JVM's re-read unreported");
            assertTrue(e.getMessage().contains("disappeared"), e.getMessage());
        }
    }

    /**
     * docs/scaling.md / reliability.md: a row put back to an older copy is refused by every
     * running JVM, which "keeps the newer state". It does only until any JVM started after the
     * rollback (which cannot tell, a documented limit) writes the key twice: its first write
     * reuses the revision the running JVM holds (different content, same number: ignored), the
     * second is newer and is taken in. The disable the running JVM kept is undone fleet-wide.
     */
    @Test
    void aRolledBackDisable_isNotLaunderedIntoTheRunningJvm_byAFreshJvmsWrites() throws Exception {
        try (KeyService a = open(settings)) {
            String id = a.createKey("laundered", "").keyId().toString();
            Row enabled;
            try (Connection c = db()) {
                enabled = row(c, settings.storeName(), id);
            }
            a.disableKey("laundered");
            try (Connection c = db()) {
                put(c, settings.storeName(), id, enabled); // no notification: quiet
            }
            assertThrows(CorruptStoreException.class, a::refresh); // refused, as promised
            assertEquals(KeyState.DISABLED, a.describeKey("laundered").state());

            try (KeyService fresh = open(settings)) { // a fleet member restarted after the rollback
                assertEquals(KeyState.ENABLED, fresh.describeKey("laundered").state()); // documented: it cannot tell
                fresh.tagKey("laundered", Map.of("team", "x"));    // revision 2 again, other content
                fresh.tagKey("laundered", Map.of("team", "y"));    // revision 3
            }
            try {
                a.refresh();
            } catch (CorruptStoreException expected) {
                // refusing is fine; taking the laundered state in is not
            }
            assertEquals(KeyState.DISABLED, a.describeKey("laundered").state(),
                    "the running JVM that refused the rollback now has the key enabled again");
            assertThrows(KeyUnavailableException.class, () -> wrap(a, "laundered"));
        }
    }

    // ---- helpers ----

    private record Row(long revision, byte[] sealed) {
    }

    private static Connection db() throws Exception {
        return DriverManager.getConnection(TestDatabase.shared().url());
    }

    private static Row row(Connection c, String store, String id) throws Exception {
        try (PreparedStatement s = c.prepareStatement("SELECT revision, sealed FROM kmsjca_key WHERE store = ? AND key_id = ?")) {
            s.setString(1, store);
            s.setString(2, id);
            try (ResultSet r = s.executeQuery()) {
                assertTrue(r.next(), "no row for " + id);
                return new Row(r.getLong(1), r.getBytes(2));
            }
        }
    }

    private static void put(Connection c, String store, String id, Row r) throws Exception {
        try (PreparedStatement u = c.prepareStatement(
                "UPDATE kmsjca_key SET revision = ?, sealed = ? WHERE store = ? AND key_id = ?")) {
            u.setLong(1, r.revision());
            u.setBytes(2, r.sealed());
            u.setString(3, store);
            u.setString(4, id);
            assertEquals(1, u.executeUpdate());
        }
    }

    private static void notifyFeed(Connection c, String store, String id) throws Exception {
        try (PreparedStatement n = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            n.setString(1, ChangeFeed.CHANNEL);
            n.setString(2, ChangeFeed.payload(store, id, "attacker"));
            n.execute();
        }
    }

    private static void assertRefusedAtOpen(PostgresSettings s) {
        IOException e = assertThrows(IOException.class, () -> open(s).close());
        assertTrue(e instanceof CorruptStoreException || e.getCause() instanceof CorruptStoreException
                || String.valueOf(e.getMessage()).contains("corrupt") || e.getCause() != null, e.toString());
        Throwable t = e;
        boolean corrupt = false;
        while (t != null) {
            corrupt |= t instanceof CorruptStoreException;
            t = t.getCause();
        }
        assertTrue(corrupt, "not refused as a corrupt store: " + e);
    }
}
