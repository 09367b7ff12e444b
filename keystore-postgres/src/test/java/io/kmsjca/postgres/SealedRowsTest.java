package io.kmsjca.postgres;

import io.kmsjca.internal.format.KeySlots;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.internal.store.CredentialSecret;
import io.kmsjca.internal.store.KeyFileFormat;
import io.kmsjca.internal.store.MasterKeyCodec;
import io.kmsjca.internal.store.SlotKeys;
import io.kmsjca.keys.CreatedCredential;
import io.kmsjca.keys.CredentialRequest;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KmsCredential;
import io.kmsjca.spi.KeyRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.kmsjca.postgres.Fleet.OPTIONS;
import static io.kmsjca.postgres.Fleet.PASSWORD;
import static io.kmsjca.postgres.Fleet.wrap;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A thief with a service's key file and a login to the fleet's database (issue #17) reads the
 * store's rows with plain SQL and opens them with the store's own code and that key file's
 * secret: it gets the material of the keys that service may use, and of no other.
 */
@org.junit.jupiter.api.Tag("same-on-every-jdk") // JDBC and SQL: run once, on JDK 17; the store contract still runs on JDK 25 (README, "Supported JDKs")
class SealedRowsTest {

    private static final char[] OPS = "ops password".toCharArray();
    private static final String USED_BY = """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Principal": {"AWS": "ops"},
               "NotAction": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"], "Resource": "*"},
              {"Effect": "Allow", "Principal": {"AWS": "%s"}, "Action": "kms:*", "Resource": "*"}]}""";

    @TempDir
    Path dir;

    @Test
    void aServicesKeyFileAndADatabaseLoginOpenOnlyThatServicesKeys() throws Exception {
        String storeName = TestDatabase.uniqueStoreName();
        PostgresSettings settings = TestDatabase.shared().settings(storeName);
        try (KeyService first = KeyStores.open(PostgresKeyRecordStore.open(settings), PASSWORD, OPTIONS)) {
            first.createCredential(CredentialRequest.withPassword("ops", OPS.clone()).administrator(true)).wipe();
        }
        try (KeyService ops = KeyStores.open(PostgresKeyRecordStore.open(settings), KmsCredential.password("ops", OPS),
                OPTIONS)) {
            ops.deleteCredential("admin"); // the migration of docs/authorization.md: no credential without a key pair
            for (String service : List.of("orders", "payroll")) {
                CreatedCredential c = ops.createCredential(CredentialRequest.withKeyFile(service + "-service"));
                c.writeKeyFile(dir.resolve(service + ".key"));
                c.wipe();
                ops.createKey(service, "");
                ops.putKeyPolicy(service, USED_BY.formatted(service + "-service"), false);
            }
        }
        try (KeyService orders = KeyStores.open(PostgresKeyRecordStore.open(settings),
                KmsCredential.keyFile(dir.resolve("orders.key")), OPTIONS)) {
            assertNotNull(wrap(orders, "orders"), "the service itself uses its key");
        }

        List<byte[]> ordersPayloads = new ArrayList<>();
        Map<String, MasterKey> byOrders = readRows(storeName, dir.resolve("orders.key"), ordersPayloads);
        Map<String, MasterKey> byPayroll = readRows(storeName, dir.resolve("payroll.key"), new ArrayList<>());
        assertTrue(holdsAll(byOrders.get("orders")));
        assertTrue(holdsNone(byOrders.get("payroll")), "the orders service's secret opened payroll's material");
        assertTrue(holdsAll(byPayroll.get("payroll")));
        assertTrue(holdsNone(byPayroll.get("orders")));

        byte[] payrollMaterial = byPayroll.get("payroll").versions().get(0).materialCopy();
        assertTrue(ordersPayloads.size() >= 3);
        for (byte[] payload : ordersPayloads) {
            assertFalse(SharedStoreTest.contains(payload, payrollMaterial), "payroll's material in a row the orders service decrypts");
        }
    }

    /**
     * Every key of the store as the thief opens it: header and rows by SQL, the key file's secret,
     * the store's code; each row's payload as decrypted under the root key goes to {@code payloads}.
     */
    private static Map<String, MasterKey> readRows(String storeName, Path keyFile, List<byte[]> payloads) throws Exception {
        Map<String, MasterKey> keys = new HashMap<>();
        try (Connection c = DriverManager.getConnection(TestDatabase.shared().url())) {
            byte[] header;
            try (PreparedStatement s = c.prepareStatement("SELECT header FROM kmsjca_store WHERE store = ?")) {
                s.setString(1, storeName);
                try (ResultSet r = s.executeQuery()) {
                    assertTrue(r.next());
                    header = r.getBytes(1);
                }
            }
            CredentialSecret secret = KeyFileFormat.read(keyFile);
            SlotKeys.Unlocked unlocked = SlotKeys.unlock(KeySlots.decode(header), secret);
            secret.wipe();
            try (PreparedStatement s = c.prepareStatement("SELECT key_id, revision, sealed FROM kmsjca_key WHERE store = ?")) {
                s.setString(1, storeName);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        KeyRecord record = new KeyRecord(r.getString(1), r.getLong(2), r.getBytes(3));
                        byte[] payload = unlocked.root().open(record);
                        payloads.add(payload.clone());
                        MasterKey k = MasterKeyCodec.decode(UUID.fromString(record.keyId()), record.revision(), payload,
                                unlocked.keyPair());
                        k.aliases().forEach(a -> keys.put(a, k));
                    }
                }
            }
        }
        return keys;
    }

    private static boolean holdsAll(MasterKey key) {
        return key.versions().stream().allMatch(v -> v.materialCopy() != null && !v.isSealedAway());
    }

    private static boolean holdsNone(MasterKey key) {
        return key.versions().stream().allMatch(v -> v.materialCopy() == null && v.isSealedAway());
    }
}
