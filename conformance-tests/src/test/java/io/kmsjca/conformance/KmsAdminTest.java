package io.kmsjca.conformance;

import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyState;
import io.kmsjca.provider.KmsAdmin;
import io.kmsjca.provider.KmsKeyStores;
import io.kmsjca.provider.KmsLoadParameter;
import io.kmsjca.spi.MemoryKeyRecordStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.UnrecoverableEntryException;
import java.security.UnrecoverableKeyException;

import static org.junit.jupiter.api.Assertions.*;

/** KmsAdmin, the one way in for administration: each open returns the store's KeyService. */
class KmsAdminTest {

    private static final char[] PASSWORD = "administer".toCharArray();

    @TempDir
    Path dir;

    @Test
    void openOfAFile_createsTheStore_andOpensItAgain() throws Exception {
        Path file = dir.resolve("keys.kms");
        try (KeyService keys = KmsAdmin.open(file, PASSWORD, Fixtures.cheapOptions())) {
            keys.createKey("orders", "order keys");
        }
        assertTrue(Files.exists(file));
        try (KeyService keys = KmsAdmin.open(file, PASSWORD, Fixtures.cheapOptions())) {
            assertEquals(KeyState.ENABLED, keys.describeKey("orders").state());
        }
        var wrong = assertThrows(IOException.class, () -> KmsAdmin.open(file, "guess".toCharArray(), Fixtures.cheapOptions()));
        assertInstanceOf(UnrecoverableKeyException.class, wrong.getCause());
    }

    @Test
    void openOfAFile_withDefaultOptions() throws Exception {
        try (KeyService keys = KmsAdmin.open(dir.resolve("defaults.kms"), PASSWORD)) {
            assertNotNull(keys.createKey("orders", ""));
        }
    }

    @Test
    void openOfALoadedKeyStore_givesTheSameServiceAsTheDeprecatedName() throws Exception {
        Path file = dir.resolve("keys.kms");
        try (KeyService created = KmsAdmin.open(file, PASSWORD, Fixtures.cheapOptions())) {
            created.createKey("orders", "");
        }
        KeyStore ks = KeyStore.getInstance("KMS", Fixtures.PROVIDER);
        ks.load(KmsLoadParameter.file(file, PASSWORD));
        KeyService keys = KmsAdmin.open(ks, PASSWORD);
        keys.disableKey("orders");
        assertEquals(KeyState.DISABLED, keys.describeKey("orders").state());
        @SuppressWarnings("deprecation")
        KeyService old = KmsKeyStores.keyService(ks, PASSWORD);
        assertSame(keys, old, "the deprecated name reaches the same service");
        assertThrows(UnrecoverableEntryException.class, () -> KmsAdmin.open(ks, "guess".toCharArray()));
        KeyStore pkcs12 = KeyStore.getInstance("PKCS12");
        pkcs12.load(null, null);
        assertThrows(KeyStoreException.class, () -> KmsAdmin.open(pkcs12, PASSWORD));
        keys.close();
    }

    @Test
    void openOfABackend_initialisesIt() throws Exception {
        MemoryKeyRecordStore backend = new MemoryKeyRecordStore();
        KeyService first = KmsAdmin.open(backend, PASSWORD, Fixtures.cheapOptions());
        first.createKey("orders", "");
        assertTrue(backend.header().isPresent(), "the first open wrote the store header");
        assertFalse(backend.list().isEmpty(), "the key is in the backend");
        first.close();
    }

    @Test
    void changePassword_andRestorePreviousGeneration() throws Exception {
        Path file = dir.resolve("keys.kms");
        char[] newPassword = "new password".toCharArray();
        try (KeyService keys = KmsAdmin.open(file, PASSWORD, Fixtures.cheapOptions())) {
            keys.createKey("orders", "");
            KmsAdmin.changePassword(keys, newPassword);
        }
        Files.write(file, new byte[] {1, 2, 3}); // damaged outside kms-jca
        KmsAdmin.restorePreviousGeneration(file, newPassword);
        try (KeyService keys = KmsAdmin.open(file, newPassword, Fixtures.cheapOptions())) {
            assertTrue(keys.findKey("orders").isPresent());
        }
    }
}
