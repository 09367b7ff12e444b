package io.kmsjca.postgres;

import io.kmsjca.keys.KeyService;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.keys.KeyUnavailableException;
import io.kmsjca.spi.OutOfSyncException;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.kmsjca.postgres.Fleet.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * How stale a JVM of a fleet can be: the re-read after a lost change feed is retried until it
 * succeeds, and past {@code maxStaleness} without confirmation key use fails closed.
 */
@org.junit.jupiter.api.Tag("same-on-every-jdk") // JDBC and SQL: run once, on JDK 17; the store contract still runs on JDK 25 (README, "Supported JDKs")
class StalenessTest {

    @TempDir
    Path dir;

    /**
     * B misses a disable while its change feed is locked out, and the first re-read after the feed
     * is back fails (its table is briefly away). B must read again on its own: no periodic re-read
     * and no maintenance run here to save it.
     */
    @Test
    void aReReadThatFailsAfterTheFeedIsBack_isRetried_untilTheMissedDisableIsSeen() throws Exception {
        String url = TestDatabase.shared().newDatabase(); // a database of its own: this test renames its table
        String role = "kms_b_" + TestDatabase.uniqueStoreName();
        PostgresSettings settingsA = PostgresSettings.of(url).withStoreName("catchup").withReread(Duration.ofHours(1));
        PostgresSettings settingsB = PostgresSettings.of(url.substring(0, url.indexOf('?'))).withCredentials(role, null)
                .withStoreName("catchup").withReread(Duration.ofHours(1)).withConnectTimeout(Duration.ofSeconds(2));
        admin(url, "CREATE ROLE " + role + " LOGIN SUPERUSER");
        FailedReReads failedReReads = new FailedReReads();
        try (KeyService a = open(settingsA)) {
            PostgresKeyRecordStore storeB = PostgresKeyRecordStore.open(settingsB);
            try (KeyService b = KeyStores.open(storeB, PASSWORD, OPTIONS)) {
                a.createKey("orders", "");
                millisUntil(() -> b.findKey("orders").isPresent(), 30_000);
                assertNotNull(wrap(b, "orders"));

                // B's change feed goes and cannot come back while A disables the key
                admin(url, "ALTER ROLE " + role + " NOLOGIN");
                admin(url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role + "'");
                millisUntil(() -> !storeB.changeFeedConnected(), 30_000);
                a.disableKey("orders");
                assertNotNull(wrap(b, "orders"), "B missed the disable: nothing told it yet");

                // the feed comes back; its re-read fails once
                admin(url, "ALTER TABLE kmsjca_key RENAME TO kmsjca_key_away");
                failedReReads.start();
                admin(url, "ALTER ROLE " + role + " LOGIN");
                assertTrue(failedReReads.first.await(60, TimeUnit.SECONDS), "B never tried to re-read");
                admin(url, "ALTER TABLE kmsjca_key_away RENAME TO kmsjca_key");

                long seen = millisUntil(quietly(() -> refused(b, "orders").getMessage().contains("Disabled")), 30_000);
                System.out.printf("staleness: the missed disable seen %d ms after the table came back%n", seen);
            }
        } finally {
            failedReReads.stop();
        }
    }

    @Test
    void pastMaxStaleness_keyUseFailsClosed_isAudited_andWorksAgainOnceTheDatabaseIsBack() throws Exception {
        try (TestDatabase db = TestDatabase.own(dir.resolve("pg"))) {
            PostgresSettings settings = PostgresSettings.of(db.url()).withStoreName("bound")
                    .withConnectTimeout(Duration.ofSeconds(2)).withMaxStaleness(Duration.ofSeconds(3));
            List<AuditEvent> events = new CopyOnWriteArrayList<>();
            try (KeyService a = KeyStores.open(PostgresKeyRecordStore.open(settings), PASSWORD,
                    OPTIONS.withAuditListeners(List.of(events::add)))) {
                a.createKey("orders", "");
                byte[] before = wrap(a, "orders");

                db.stop();
                millisUntil(quietly(() -> refused(a, "orders") != null), 60_000);
                KeyUnavailableException wrapRefused = refused(a, "orders");
                assertInstanceOf(OutOfSyncException.class, wrapRefused.getCause());
                String message = wrapRefused.getMessage();
                assertTrue(message.contains("alias/orders") && message.contains("store.postgres.maxStalenessSeconds=3"), message);
                Matcher unconfirmed = Pattern.compile("for (\\d+) s").matcher(message);
                assertTrue(unconfirmed.find() && Integer.parseInt(unconfirmed.group(1)) >= 3, "refused only past the bound: " + message);
                assertThrows(KeyUnavailableException.class, () -> unwrap(a, "orders", before), "unwrap fails closed too");
                assertTrue(events.stream().anyMatch(e -> e.operation() == AuditOperation.WRAP_KEY
                        && e.outcome() == AuditOutcome.DENIED && e.errorMessage().contains("maxStalenessSeconds")),
                        "the refusal is audited as DENIED");

                db.start();
                long back = millisUntil(quietly(() -> unwrap(a, "orders", before) != null), 60_000);
                assertNotNull(wrap(a, "orders"));
                System.out.printf("staleness: keys refused past a 3 s bound, usable again %d ms after the server started%n", back);
            }
        }
    }

    /** The refusal a wrap under {@code alias} meets now, or null if the wrap works. */
    private static KeyUnavailableException refused(KeyService service, String alias) throws GeneralSecurityException {
        try {
            wrap(service, alias);
            return null;
        } catch (KeyUnavailableException e) {
            return e;
        }
    }

    private static void admin(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Counts the warnings kms-jca logs when it could not re-read the keys after a change elsewhere. */
    private static final class FailedReReads extends Handler {
        final CountDownLatch first = new CountDownLatch(1);
        private final Logger logger = Logger.getLogger("io.kmsjca"); // held: JUL keeps loggers weakly

        void start() {
            logger.addHandler(this);
        }

        void stop() {
            logger.removeHandler(this);
        }

        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue() && r.getMessage().contains("could not re-read")) {
                first.countDown();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
