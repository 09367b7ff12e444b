package io.kmsjca.postgres;

import io.kmsjca.keys.AccessKeySigner;
import io.kmsjca.keys.CreatedCredential;
import io.kmsjca.keys.CredentialRequest;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyUnavailableException;
import io.kmsjca.keys.KmsCredential;
import io.kmsjca.internal.service.KeyStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.KeyStoreException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;

import static io.kmsjca.postgres.Fleet.OPTIONS;
import static io.kmsjca.postgres.Fleet.millisUntil;
import static io.kmsjca.postgres.Fleet.open;
import static io.kmsjca.postgres.Fleet.quietly;
import static io.kmsjca.postgres.Fleet.wrap;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The security review of access keys (issue #18), on a shared PostgreSQL store: the proof of
 * finding F4, written to fail while the finding stands.
 */
@org.junit.jupiter.api.Tag("same-on-every-jdk") // JDBC and SQL: run once, on JDK 17; the store contract still runs on JDK 25 (README, "Supported JDKs")
class AccessKeyStalenessReviewTest {

    @TempDir
    Path dir;

    /**
     * F4. A server JVM whose change feed is lost stops using keys once it is past its staleness
     * bound (a key disabled elsewhere must not stay usable), but {@code accessKey(id)} applies no
     * such bound: an access key deleted by the administrator's JVM meanwhile is still found, acts,
     * and reads what the server's snapshot holds (DescribeKey, ListKeys, GetKeyPolicy, grants)
     * for as long as the outage lasts. Revocation fails open exactly where key use fails closed.
     */
    @Test
    void f4_pastTheStalenessBound_anAccessKeyDeletedElsewhereIsNotFound() throws Exception {
        String url = TestDatabase.shared().newDatabase();
        String role = "kms_srv_" + TestDatabase.uniqueStoreName();
        PostgresSettings settingsA = PostgresSettings.of(url).withStoreName("revoked").withReread(Duration.ofHours(1));
        PostgresSettings settingsB = PostgresSettings.of(url.substring(0, url.indexOf('?'))).withCredentials(role, null)
                .withStoreName("revoked").withReread(Duration.ofHours(1)).withConnectTimeout(Duration.ofSeconds(2))
                .withMaxStaleness(Duration.ofSeconds(2));
        admin(url, "CREATE ROLE " + role + " LOGIN SUPERUSER");
        try (KeyService a = open(settingsA)) {
            a.createKey("orders", "");
            CreatedCredential c = a.createCredential(CredentialRequest.withKeyFile("kms-server").administrator(true).actsForOthers(true));
            Path keyFile = dir.resolve("server.key");
            c.writeKeyFile(keyFile);
            c.wipe();
            String ops = a.createAccessKey("ops", true).info().accessKeyId();
            PostgresKeyRecordStore storeB = PostgresKeyRecordStore.open(settingsB);
            try (KeyService b = KeyStores.open(storeB, KmsCredential.keyFile(keyFile), OPTIONS)) {
                b.refresh();
                assertTrue(b.accessKey(ops).isPresent());

                // the server's change feed goes and cannot come back while the administrator deletes the key
                admin(url, "ALTER ROLE " + role + " NOLOGIN");
                admin(url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role + "'");
                millisUntil(() -> !storeB.changeFeedConnected(), 30_000);
                a.deleteAccessKey(ops);
                // past the bound: the server refuses key use (the event this waits on)
                millisUntil(quietly(() -> {
                    try {
                        wrap(b, "orders");
                        return false;
                    } catch (KeyUnavailableException outOfSync) {
                        return true;
                    }
                }), 60_000);

                Optional<AccessKeySigner> deleted;
                try {
                    deleted = b.accessKey(ops);
                } catch (KeyStoreException refused) {
                    deleted = Optional.empty(); // what the fix may do: refuse while out of sync
                }
                String whatItReads = "";
                if (deleted.isPresent()) {
                    try (var scope = deleted.get().actAs("10.0.0.9")) {
                        whatItReads = b.describeKey("orders").keyId().toString();
                    }
                }
                assertTrue(deleted.isEmpty(), "past its staleness bound the server refuses key use, yet still accepts "
                        + "access key " + ops + " deleted meanwhile, which read the metadata of key " + whatItReads);
            } finally {
                admin(url, "ALTER ROLE " + role + " LOGIN");
            }
        }
    }

    private static void admin(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
