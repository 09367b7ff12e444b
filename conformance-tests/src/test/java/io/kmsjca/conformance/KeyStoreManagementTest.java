package io.kmsjca.conformance;

import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyState;
import io.kmsjca.keys.KeyStateException;
import io.kmsjca.provider.KmsKeyStores;
import io.kmsjca.provider.KmsProvider;
import org.junit.jupiter.api.Test;

import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.UnrecoverableEntryException;

import static org.junit.jupiter.api.Assertions.*;

/** The management API reached from a KeyStore loaded the standard way, behind the store password. */
class KeyStoreManagementTest {

    private static final char[] PASSWORD = "manage-me".toCharArray();

    private static KeyStore loadedStore() throws Exception {
        KeyStore ks = Fixtures.newKeyStore();
        ks.setKeyEntry("orders", new SecretKeySpec(new byte[32], "AES"), null, null);
        var out = new ByteArrayOutputStream();
        ks.store(out, PASSWORD);
        KeyStore loaded = KeyStore.getInstance("KMS", new KmsProvider());
        loaded.load(new ByteArrayInputStream(out.toByteArray()), PASSWORD);
        return loaded;
    }

    @Test
    void keyService_ofALoadedStore_managesItsKeys() throws Exception {
        KeyStore ks = loadedStore();
        KeyService keys = KmsKeyStores.keyService(ks, PASSWORD);
        keys.disableKey("orders");
        assertEquals(KeyState.DISABLED, keys.describeKey("orders").state());
        assertTrue(ks.containsAlias("orders"), "the KeyStore sees the same keys");
    }

    @Test
    void wrongPassword_getsNoKeyService() throws Exception {
        KeyStore ks = loadedStore();
        assertThrows(UnrecoverableEntryException.class, () -> KmsKeyStores.keyService(ks, "guess".toCharArray()));
        assertFalse(ks.containsAlias("#kms-management"), "the management entry is not an alias");
        assertEquals(1, ks.size());
    }

    @Test
    void otherKeyStoreTypes_areRefused() throws Exception {
        KeyStore pkcs12 = KeyStore.getInstance("PKCS12");
        pkcs12.load(null, null);
        assertThrows(KeyStoreException.class, () -> KmsKeyStores.keyService(pkcs12, PASSWORD));
    }

    @Test
    void deleteEntryOfAProviderManagedKey_isRefused() throws Exception {
        KeyStore ks = loadedStore();
        KmsKeyStores.keyService(ks, PASSWORD).managedKey("billing");
        assertTrue(ks.containsAlias("kms/managed/billing"));
        var e = assertThrows(KeyStateException.class, () -> ks.deleteEntry("kms/managed/billing"));
        assertTrue(e.getMessage().contains("provider-managed"), e.getMessage());
    }
}
