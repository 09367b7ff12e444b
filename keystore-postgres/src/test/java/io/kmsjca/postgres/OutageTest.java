package io.kmsjca.postgres;

import io.kmsjca.keys.KeyService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.KeyStoreException;
import java.time.Duration;

import static io.kmsjca.postgres.Fleet.*;
import static org.junit.jupiter.api.Assertions.*;

/** The database goes away and comes back while two key services use it. */
@org.junit.jupiter.api.Tag("same-on-every-jdk") // JDBC and SQL: run once, on JDK 17; the store contract still runs on JDK 25 (README, "Supported JDKs")
class OutageTest {

    @TempDir
    Path dataDir;

    @Test
    void duringAnOutage_keysKeepWorking_changesFailClearly_andAfterItNothingIsLost() throws Exception {
        try (TestDatabase db = TestDatabase.own(dataDir.resolve("pg"))) {
            PostgresSettings settings = PostgresSettings.of(db.url()).withStoreName("outage")
                    .withConnectTimeout(Duration.ofSeconds(2));
            try (KeyService a = open(settings); KeyService b = open(settings)) {
                a.createKey("orders", "");
                millisUntil(() -> b.findKey("orders").isPresent(), 1000);
                byte[] before = wrap(a, "orders");

                db.stop();
                // wrap and unwrap need no database: the keys are in memory, sealed records were read at open
                byte[] during = wrap(b, "orders");
                assertNotNull(unwrap(a, "orders", during));
                assertNotNull(unwrap(b, "orders", before));
                KeyStoreException refused = assertThrows(KeyStoreException.class, () -> a.rotateKeyOnDemand("orders"));
                assertTrue(refused.getMessage().contains("PostgreSQL"), refused.getMessage());
                assertThrows(KeyStoreException.class, () -> b.createKey("new", ""));

                db.start();
                // the first change after the outage succeeds once the pool reconnects
                int version = 0;
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (version == 0) {
                    try {
                        version = a.rotateKeyOnDemand("orders");
                    } catch (KeyStoreException stillDown) {
                        if (System.nanoTime() > deadline) {
                            throw stillDown;
                        }
                        Thread.sleep(200);
                    }
                }
                assertEquals(2, version, "the failed rotation left nothing behind");
                // b's change feed reconnected and hears it
                millisUntil(quietly(() -> wrapVersion(b, "orders") == 2), 10_000);
                assertNotNull(unwrap(b, "orders", before));
                assertNotNull(unwrap(b, "orders", during));
            }
            try (KeyService reopened = open(PostgresSettings.of(db.url()).withStoreName("outage"))) {
                assertEquals(2, reopened.describeKey("orders").versionCount());
                assertTrue(reopened.findKey("new").isEmpty(), "the create that failed during the outage left nothing");
            }
        }
    }

    @Test
    void anUnreachableDatabase_failsTheOpenWithAClearError() throws Exception {
        PostgresSettings nowhere = PostgresSettings.of("jdbc:postgresql://127.0.0.1:1/none").withConnectTimeout(Duration.ofSeconds(1));
        var e = assertThrows(java.io.IOException.class, () -> PostgresKeyRecordStore.open(nowhere));
        assertTrue(e.getMessage().contains("127.0.0.1:1"), e.getMessage());
    }
}
