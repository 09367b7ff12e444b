package io.kmsjca.postgres;

import io.kmsjca.audit.KmsAuditContext;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.keys.CreatedCredential;
import io.kmsjca.keys.CredentialRequest;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyUseDeniedException;
import io.kmsjca.keys.KmsCredential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.security.UnrecoverableKeyException;

import static io.kmsjca.postgres.Fleet.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Two services of a fleet open one PostgreSQL store with credentials of their own (key files
 * made by the administrator), and each can use only the keys whose policies name it, whatever
 * name it asserts; a credential deleted in one process no longer opens the store in any.
 */
@org.junit.jupiter.api.Tag("same-on-every-jdk") // JDBC and SQL: run once, on JDK 17; the store contract still runs on JDK 25 (README, "Supported JDKs")
class SharedCredentialsTest {

    private static final String POLICY = """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Principal": {"AWS": "alice"}, "Action": "kms:*", "Resource": "*"},
              {"Effect": "Allow", "Principal": {"AWS": "%s"}, "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*"}]}""";

    @TempDir
    Path dir;
    private final PostgresSettings settings;

    SharedCredentialsTest() throws Exception {
        settings = TestDatabase.shared().settings(TestDatabase.uniqueStoreName());
    }

    private Path keyFile(KeyService admin, String principal) throws Exception {
        CreatedCredential c = admin.createCredential(CredentialRequest.withKeyFile(principal));
        Path file = dir.resolve(principal + ".key");
        c.writeKeyFile(file);
        c.wipe();
        return file;
    }

    private KeyService openWith(Path keyFile) throws IOException {
        return KeyStores.open(PostgresKeyRecordStore.open(settings), KmsCredential.keyFile(keyFile), OPTIONS);
    }

    private static boolean mayWrap(KeyService service, String key, String asserted) throws Exception {
        try (var as = KmsAuditContext.runAs(asserted)) {
            wrap(service, key);
            return true;
        } catch (KeyUseDeniedException refused) {
            return false;
        }
    }

    @Test
    void eachServiceUsesOnlyTheKeysWhosePoliciesNameItsCredential() throws Exception {
        Path ordersFile;
        Path payrollFile;
        try (KeyService admin = open(settings)) {
            admin.createKey("orders", "");
            admin.createKey("payroll", "");
            try (var as = KmsAuditContext.runAs("alice")) {
                admin.putKeyPolicy("orders", POLICY.formatted("orders-service"), false);
                admin.putKeyPolicy("payroll", POLICY.formatted("payroll-service"), false);
            }
            ordersFile = keyFile(admin, "orders-service");
            payrollFile = keyFile(admin, "payroll-service");
        }
        try (KeyService orders = openWith(ordersFile); KeyService payroll = openWith(payrollFile)) {
            assertEquals("orders-service", orders.credential().principal());
            assertTrue(mayWrap(orders, "orders", "orders-service"));
            assertFalse(mayWrap(orders, "payroll", "payroll-service"), "asserting another service's name changes nothing");
            assertFalse(mayWrap(orders, "payroll", "alice"));
            assertTrue(mayWrap(payroll, "payroll", "anyone"));
            assertFalse(mayWrap(payroll, "orders", "orders-service"));

            try (KeyService admin = open(settings)) {
                admin.deleteCredential("payroll-service");
            }
            IOException refused = assertThrows(IOException.class, () -> openWith(payrollFile));
            assertInstanceOf(UnrecoverableKeyException.class, refused.getCause());
            assertEquals("orders-service", openWithAndClose(ordersFile), "the other credential still opens the store");
        }
    }

    /** The fleet test of issue #17: two JVMs of their own, each with its key file, on a store that seals per principal. */
    @Test
    void twoJvmsWithKeyFilesOfTheirOwnEachUseOnlyTheirOwnKeys() throws Exception {
        String storeName = TestDatabase.uniqueStoreName();
        PostgresSettings shared = TestDatabase.shared().settings(storeName);
        Path ordersDir = java.nio.file.Files.createDirectory(dir.resolve("orders"));
        Path payrollDir = java.nio.file.Files.createDirectory(dir.resolve("payroll"));
        try (KeyService admin = KeyStores.open(PostgresKeyRecordStore.open(shared), PASSWORD, OPTIONS)) {
            admin.createKey("orders", "");
            admin.createKey("payroll", "");
            try (var as = KmsAuditContext.runAs("alice")) {
                admin.putKeyPolicy("orders", POLICY.formatted("orders-service"), false);
                admin.putKeyPolicy("payroll", POLICY.formatted("payroll-service"), false);
            }
            for (String service : new String[] {"orders", "payroll"}) {
                CreatedCredential c = admin.createCredential(CredentialRequest.withKeyFile(service + "-service"));
                c.writeKeyFile(dir.resolve(service).resolve("service.key"));
                c.wipe();
            }
            admin.createCredential(CredentialRequest.withPassword("ops", "ops password".toCharArray()).administrator(true))
                    .wipe();
        }
        // no credential without a key pair is left: each key's material is sealed to its service's key pair
        try (KeyService ops = KeyStores.open(PostgresKeyRecordStore.open(shared),
                KmsCredential.password("ops", "ops password".toCharArray()), OPTIONS)) {
            ops.deleteCredential("admin");
        }
        String url = TestDatabase.shared().jdbcUrl();
        Member.configureWithKeyFile(ordersDir, url, storeName, ordersDir.resolve("service.key"));
        Member.configureWithKeyFile(payrollDir, url, storeName, payrollDir.resolve("service.key"));
        try (Member orders = Member.startWithKeyFile(ordersDir); Member payroll = Member.startWithKeyFile(payrollDir)) {
            orders.ask("wrap orders");
            payroll.ask("wrap payroll");
            String refused = orders.send("wrap payroll");
            assertTrue(refused.startsWith("error KeyUseDeniedException") && refused.contains("'orders-service'"), refused);
            refused = payroll.send("wrap orders");
            assertTrue(refused.startsWith("error KeyUseDeniedException") && refused.contains("'payroll-service'"), refused);
        }
    }

    private String openWithAndClose(Path keyFile) throws IOException {
        try (KeyService s = openWith(keyFile)) {
            return s.credential().principal();
        }
    }
}
