package io.kmsjca.conformance;

import io.kmsjca.keys.KeyAlias;
import io.kmsjca.keys.KeyService;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.keys.StorePasswordRequiredException;
import io.kmsjca.provider.KmsKeyStores;
import io.kmsjca.provider.KmsLoadParameter;
import io.kmsjca.provider.KmsProvider;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Provider;
import java.security.UnrecoverableKeyException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A loaded KeyStore may use keys; exporting, adding material, deleting and changing the password
 * need the store password (issue #14). Each refusal is a JCA exception and a DENIED audit event.
 */
class KeyStoreAccessTest {

    private static final char[] PASSWORD = "configured-password".toCharArray();

    @TempDir
    Path dir;
    private Path conf;
    private Provider provider;
    /** Loaded as configured code does: load(null, null), the password from the configured file. */
    private KeyStore user;
    /** Loaded with the store password. */
    private KeyStore admin;
    private KeyService keys;
    private final List<AuditEvent> events = new CopyOnWriteArrayList<>();

    private static SecretKey aes256(int seed) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) seed);
        return new SecretKeySpec(k, "AES");
    }

    @BeforeEach
    void configuredStoreWithAKey() throws Exception {
        conf = dir.resolve("kms.conf");
        Files.writeString(dir.resolve("password"), new String(PASSWORD) + "\n");
        Files.writeString(conf, String.join("\n",
                "store.file=keys.kms", "store.password.file=password", "kdf.insecureForTests=true", ""));
        provider = new KmsProvider().configure(conf.toString());
        user = KeyStore.getInstance("KMS", provider);
        user.load(null, null);
        admin = KeyStore.getInstance("KMS", provider);
        admin.load(null, PASSWORD);
        admin.setKeyEntry("orders", aes256(1), null, null);
        keys = KmsKeyStores.keyService(admin, PASSWORD);
        keys.addAuditListener(events::add);
    }

    private AuditEvent onlyEvent(AuditOperation operation) {
        List<AuditEvent> found = events.stream().filter(e -> e.operation() == operation).toList();
        assertEquals(1, found.size(), events::toString);
        return found.get(0);
    }

    private void assertDenied(AuditOperation operation, String keyId) {
        AuditEvent e = onlyEvent(operation);
        assertEquals(AuditOutcome.DENIED, e.outcome(), e::toString);
        assertEquals(StorePasswordRequiredException.class.getName(), e.errorClass(), e::toString);
        assertEquals(keyId, e.keyId(), e::toString);
    }

    private String ordersId() {
        return keys.findKey("orders").orElseThrow().keyId().toString();
    }

    @Test
    void storeWithAPasswordOfItsOwn_isRejected() throws Exception {
        var out = new ByteArrayOutputStream();
        var e = assertThrows(IOException.class, () -> user.store(out, "anything".toCharArray()));
        assertInstanceOf(StorePasswordRequiredException.class, e.getCause());
        assertTrue(e.getMessage().contains("needs the key store password"), e.getMessage());
        assertEquals(0, out.size(), "not one byte of the store left");
        assertDenied(AuditOperation.STORE_KEY_STORE, null);
        assertThrows(IOException.class, () -> user.store(out, PASSWORD),
                "even the right password does not turn a store loaded without it into an administrator");
    }

    @Test
    void setKeyEntryOnAnExistingAlias_isRejected() throws Exception {
        var e = assertThrows(StorePasswordRequiredException.class, () -> user.setKeyEntry("orders", aes256(2), null, null));
        assertTrue(e.getMessage().contains("orders") && e.getMessage().contains("load it with the store password"),
                e.getMessage());
        assertEquals(1, keys.describeKey("orders").versionCount(), "no version of the caller's material");
        assertDenied(AuditOperation.IMPORT_KEY_MATERIAL, ordersId());
        assertThrows(StorePasswordRequiredException.class, () -> user.setKeyEntry("new", aes256(3), null, null));
        assertFalse(admin.containsAlias("new"));
    }

    @Test
    void deleteEntry_isRejected() throws Exception {
        assertThrows(StorePasswordRequiredException.class, () -> user.deleteEntry("orders"));
        assertTrue(user.containsAlias("orders"));
        assertEquals(io.kmsjca.keys.KeyState.ENABLED, keys.describeKey("orders").state());
        assertDenied(AuditOperation.DELETE_ALIAS, ordersId());
    }

    @Test
    void loadWithAWrongPassword_onceTheStoreIsOpen_isRejected() throws Exception {
        KeyStore wrong = KeyStore.getInstance("KMS", provider);
        var e = assertThrows(IOException.class, () -> wrong.load(null, "wrong password".toCharArray()));
        assertInstanceOf(UnrecoverableKeyException.class, e.getCause());
        AuditEvent failed = onlyEvent(AuditOperation.LOAD_KEY_STORE);
        assertEquals(AuditOutcome.FAILED, failed.outcome(), failed::toString);
    }

    @Test
    void aStoreLoadedWithoutThePassword_stillUsesItsKeys() throws Exception {
        Cipher c = Cipher.getInstance("KMSWrap", provider);
        c.init(Cipher.WRAP_MODE, user.getKey("orders", null));
        byte[] blob = c.wrap(aes256(9));
        c.init(Cipher.UNWRAP_MODE, user.getKey("orders", null));
        assertArrayEquals(aes256(9).getEncoded(), c.unwrap(blob, "AES", Cipher.SECRET_KEY).getEncoded());
        assertEquals(List.of("orders"), java.util.Collections.list(user.aliases()));
    }

    @Test
    void aStoreLoadedWithThePassword_exportsImportsAndDeletes() throws Exception {
        admin.setKeyEntry("orders", aes256(2), null, null);
        assertEquals(2, keys.describeKey("orders").versionCount());
        var out = new ByteArrayOutputStream();
        admin.store(out, "a new password".toCharArray()); // keytool -storepasswd: load(old), store(new)
        KeyStore exported = KeyStore.getInstance("KMS", Fixtures.PROVIDER);
        exported.load(new java.io.ByteArrayInputStream(out.toByteArray()), "a new password".toCharArray());
        assertTrue(exported.containsAlias("orders"));
        admin.deleteEntry("orders");
        assertFalse(user.containsAlias("orders"));
        assertTrue(events.stream().noneMatch(e -> e.outcome() == AuditOutcome.DENIED), events::toString);
    }

    @Test
    void aKeyServiceView_usesKeysOnly_isRejected() throws Exception {
        KeyService service = KeyStores.newInMemory(Fixtures.cheapOptions());
        service.createKey("orders", "");
        List<AuditEvent> audit = new CopyOnWriteArrayList<>();
        service.addAuditListener(audit::add);
        KeyStore view = KeyStore.getInstance("KMS", Fixtures.PROVIDER);
        view.load(KmsLoadParameter.of(service));
        assertNotNull(view.getKey("orders", null));
        assertThrows(StorePasswordRequiredException.class, () -> view.setKeyEntry("orders", aes256(2), null, null));
        assertThrows(StorePasswordRequiredException.class, () -> view.deleteEntry("orders"));
        var e = assertThrows(IOException.class, () -> view.store(new ByteArrayOutputStream(), "mine".toCharArray()));
        assertTrue(e.getMessage().contains("KmsLoadParameter.of"), e.getMessage());
        assertEquals(List.of(AuditOperation.IMPORT_KEY_MATERIAL, AuditOperation.DELETE_ALIAS, AuditOperation.STORE_KEY_STORE),
                audit.stream().filter(a -> a.outcome() == AuditOutcome.DENIED).map(AuditEvent::operation).toList());

        KeyStore managing = KeyStore.getInstance("KMS", Fixtures.PROVIDER);
        managing.load(KmsLoadParameter.managing(service)); // what the holder of the service chooses to hand out
        managing.setKeyEntry("orders", aes256(2), null, null);
        assertEquals(2, service.describeKey("orders").versionCount());
    }

    /** The same through java.security alone, in a child JVM whose configuration names a password file. */
    @Test
    void configuredOnlyThroughJavaSecurity_aPasswordFileGrantsTheUseOfKeysOnly_isRejected() throws Exception {
        Path childDir = Files.createDirectory(dir.resolve("child"));
        Path childConf = childDir.resolve("kms.conf");
        Files.writeString(childDir.resolve("password"), new String(PASSWORD) + "\n");
        Files.writeString(childConf, String.join("\n", "store.file=keys.kms", "store.password.file=password",
                "kdf.insecureForTests=true", "audit.file=audit.jsonl", ""));
        Path security = childDir.resolve("kms.java.security");
        Files.writeString(security, "security.provider.13=KMS " + childConf + "\n");
        List<String> jvm = List.of("-Djava.security.properties=" + security);
        var provision = ChildJvm.java(jvm, ChildMain.class, "configured-wrap", "orders", new String(PASSWORD));
        assertEquals(0, provision.exitCode(), provision.all());

        var misuse = ChildJvm.java(jvm, ChildMain.class, "configured-misuse", "orders");
        assertEquals(0, misuse.exitCode(), misuse.all());
        assertTrue(misuse.stdout().contains("store=IOException<-StorePasswordRequiredException"), misuse.all());
        assertTrue(misuse.stdout().contains("setKeyEntry=StorePasswordRequiredException"), misuse.all());
        assertTrue(misuse.stdout().contains("deleteEntry=StorePasswordRequiredException"), misuse.all());
        assertTrue(misuse.stdout().contains("loadWrong=IOException<-UnrecoverableKeyException"), misuse.all());
        assertTrue(misuse.stdout().contains("roundtrip=true"), misuse.all());

        try (KeyService after = KeyStores.openFile(childDir.resolve("keys.kms"), PASSWORD, Fixtures.cheapOptions())) {
            assertEquals(List.of("orders"), after.listAliases().stream().map(KeyAlias::alias).toList());
            assertEquals(1, after.describeKey("orders").versionCount());
        }
        List<String> audit = Files.readAllLines(childDir.resolve("audit.jsonl"));
        for (String denied : List.of("STORE_KEY_STORE", "IMPORT_KEY_MATERIAL", "DELETE_ALIAS")) {
            assertTrue(audit.stream().anyMatch(l -> l.contains("\"operation\":\"" + denied + "\"")
                    && l.contains("\"outcome\":\"DENIED\"")), denied + " DENIED in " + audit);
        }
        assertTrue(audit.stream().anyMatch(l -> l.contains("\"operation\":\"LOAD_KEY_STORE\"")
                && l.contains("\"outcome\":\"FAILED\"")), "the wrong password in " + audit);
    }
}
