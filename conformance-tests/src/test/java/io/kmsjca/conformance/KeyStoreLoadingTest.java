package io.kmsjca.conformance;

import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.StorePasswordRequiredException;
import io.kmsjca.provider.KmsLoadParameter;
import io.kmsjca.provider.KmsProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.spec.SecretKeySpec;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.Provider;
import java.security.Security;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The ways the JDK opens a key store, applied to {@code KeyStore "KMS"}: which open the live
 * store (every change durable when the call returns) and which read an image into memory
 * (docs/keystore-api.md).
 */
class KeyStoreLoadingTest {

    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final KeyStore.PasswordProtection PROTECTION = new KeyStore.PasswordProtection(PASSWORD);

    @TempDir
    Path dir;
    private Path file;
    private Provider configured;

    @BeforeEach
    void setUp() throws Exception {
        file = dir.resolve("keys.kms");
        Path conf = dir.resolve("kms.conf");
        Files.writeString(conf, "store.file=keys.kms\nkdf.insecureForTests=true\n");
        configured = new KmsProvider().configure(conf.toString());
    }

    @Test
    void builderWithAProtection_opensTheConfiguredLiveStore() throws Exception {
        KeyStore.Builder builder = KeyStore.Builder.newInstance("KMS", configured, PROTECTION);
        KeyStore ks = builder.getKeyStore();
        ks.setKeyEntry("orders", aes256(1), null, null);

        // durable without store(): the file itself holds the key
        assertEquals(List.of("orders"), aliases(imageOf(file)));
        assertInstanceOf(KmsKeyHandle.class, ks.getKey("orders", null));
        assertSame(PROTECTION, builder.getProtectionParameter("orders"));
    }

    @Test
    void builderWithAWrongPassword_isRefused() throws Exception {
        KeyStore.Builder.newInstance("KMS", configured, PROTECTION).getKeyStore(); // creates the store
        var wrong = KeyStore.Builder.newInstance("KMS", configured,
                new KeyStore.PasswordProtection("wrong-password".toCharArray()));
        var e = assertThrows(KeyStoreException.class, wrong::getKeyStore);
        assertTrue(String.valueOf(e.getCause()).contains("password was incorrect"), String.valueOf(e.getCause()));
    }

    @Test
    void builderWithoutAPassword_mayUseTheKeysOnly() throws Exception {
        KeyStore.Builder.newInstance("KMS", configured, PROTECTION).getKeyStore().setKeyEntry("orders", aes256(1), null, null);
        KeyStore user = KeyStore.Builder.newInstance("KMS", configured, new KeyStore.PasswordProtection(null)).getKeyStore();
        assertInstanceOf(KmsKeyHandle.class, user.getKey("orders", null));
        assertThrows(StorePasswordRequiredException.class, () -> user.setKeyEntry("billing", aes256(2), null, null));
    }

    @Test
    void aLoadParameterFile_behindAJdkBuilder_isLive() throws Exception {
        Path other = dir.resolve("other.kms");
        KeyStore ks = KeyStore.getInstance("KMS", configured);
        ks.load(KmsLoadParameter.file(other, PASSWORD));
        KeyStore.Builder builder = KeyStore.Builder.newInstance(ks, PROTECTION);

        builder.getKeyStore().setKeyEntry("orders", aes256(1), null, null);
        assertEquals(List.of("orders"), aliases(imageOf(other)), "in the file without store()");
    }

    @Test
    void storeWithoutAStream_ofALiveStore_writesNothing_andRefusesAnotherPassword() throws Exception {
        KeyStore ks = KeyStore.Builder.newInstance("KMS", configured, PROTECTION).getKeyStore();
        ks.setKeyEntry("orders", aes256(1), null, null);
        var audit = new java.util.concurrent.CopyOnWriteArrayList<io.kmsjca.spi.audit.AuditEvent>();
        io.kmsjca.provider.KmsAdmin.open(ks, PASSWORD).addAuditListener(audit::add);

        ks.store(null, PASSWORD); // keytool -keystore NONE: durable already
        var e = assertThrows(java.io.IOException.class, () -> ks.store(null, "another-password".toCharArray()));
        assertTrue(e.getMessage().contains("KmsAdmin.changePassword"), e.getMessage());
        assertEquals(List.of(io.kmsjca.spi.audit.AuditOutcome.FAILED), audit.stream()
                .filter(ev -> ev.operation() == io.kmsjca.spi.audit.AuditOperation.STORE_KEY_STORE)
                .map(io.kmsjca.spi.audit.AuditEvent::outcome).toList(), "a wrong password leaves a trace");
        assertEquals(List.of("orders"), aliases(imageOf(file)), "the password is unchanged");
    }

    @Test
    void theLoadParameterBuilder_opensTheLiveFile_once() throws Exception {
        Path other = dir.resolve("other.kms");
        KeyStore.Builder builder = KmsLoadParameter.file(other, PASSWORD).builder(configured);
        assertThrows(IllegalStateException.class, () -> builder.getProtectionParameter("orders"));
        KeyStore ks = builder.getKeyStore();
        assertSame(ks, builder.getKeyStore());
        ks.setKeyEntry("orders", aes256(1), null, null);
        assertEquals(List.of("orders"), aliases(imageOf(other)), "in the file without store()");
        var protection = (KeyStore.PasswordProtection) builder.getProtectionParameter("orders");
        assertArrayEquals(PASSWORD, protection.getPassword());

        var wrong = KmsLoadParameter.file(other, "wrong-password".toCharArray()).builder(configured);
        assertThrows(KeyStoreException.class, wrong::getKeyStore);
    }

    @Test
    void getInstanceOfAFile_detectsTheKmsType_andReadsItsImage() throws Exception {
        KeyStore live = KeyStore.Builder.newInstance("KMS", configured, PROTECTION).getKeyStore();
        live.setKeyEntry("orders", aes256(1), null, null);
        Path exported = dir.resolve("exported.kms");
        try (OutputStream out = Files.newOutputStream(exported)) {
            live.store(out, PASSWORD); // what keytool writes: one self-contained image
        }
        Security.addProvider(new KmsProvider());
        try {
            KeyStore ks = KeyStore.getInstance(exported.toFile(), PASSWORD);
            assertEquals("KMS", ks.getType());
            assertEquals(List.of("orders"), aliases(ks));
            assertInstanceOf(KmsKeyHandle.class, ks.getKey("orders", null));

            // an image in memory: a change reaches the file only through store()
            ks.setKeyEntry("billing", aes256(2), null, null);
            assertEquals(List.of("orders"), aliases(streamed(exported)));

            KeyStore viaBuilder = KeyStore.Builder.newInstance(exported.toFile(), PROTECTION).getKeyStore();
            assertEquals("KMS", viaBuilder.getType());
            assertEquals(List.of("orders"), aliases(viaBuilder));

            // a live file's image alone lacks the changes in its journal: refused, not read stale
            var e = assertThrows(java.io.IOException.class, () -> KeyStore.getInstance(file.toFile(), PASSWORD));
            assertTrue(String.valueOf(e.getMessage()).contains("journal"), String.valueOf(e));
        } finally {
            Security.removeProvider(KmsProvider.NAME);
        }
    }

    @Test
    void getInstanceOfAFile_leavesOtherTypesToTheirProviders() throws Exception {
        Path p12 = dir.resolve("other.p12");
        KeyStore source = KeyStore.getInstance("PKCS12");
        source.load(null, null);
        source.setEntry("orders", new KeyStore.SecretKeyEntry(aes256(1)), PROTECTION);
        try (OutputStream out = Files.newOutputStream(p12)) {
            source.store(out, PASSWORD);
        }
        Path garbage = Files.writeString(dir.resolve("garbage"), "KMSJCAK? almost a KMS store image");
        Security.addProvider(new KmsProvider());
        try {
            assertEquals("PKCS12", KeyStore.getInstance(p12.toFile(), PASSWORD).getType());
            assertThrows(KeyStoreException.class, () -> KeyStore.getInstance(garbage.toFile(), PASSWORD));
        } finally {
            Security.removeProvider(KmsProvider.NAME);
        }
    }

    // ---------------------------------------------------------------- helpers

    /**
     * What the live file holds now, read by a provider of its own: the file opened as a store
     * (its image and journal; a live file's image alone is not all of it).
     */
    private static KeyStore imageOf(Path f) throws Exception {
        KeyStore ks = KeyStore.getInstance("KMS", new KmsProvider());
        ks.load(KmsLoadParameter.file(f, PASSWORD));
        return ks;
    }

    /** A self-contained image, read from its bytes. */
    private static KeyStore streamed(Path f) throws Exception {
        KeyStore ks = KeyStore.getInstance("KMS", new KmsProvider());
        try (var in = Files.newInputStream(f)) {
            ks.load(in, PASSWORD);
        }
        return ks;
    }

    private static List<String> aliases(KeyStore ks) throws Exception {
        return Collections.list(ks.aliases()).stream().sorted().toList();
    }

    private static SecretKeySpec aes256(int seed) {
        byte[] k = new byte[32];
        k[0] = (byte) seed;
        return new SecretKeySpec(k, "AES");
    }
}
