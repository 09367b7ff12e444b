package io.kmsjca.internal.service;

import io.kmsjca.audit.KmsAuditContext;
import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.CreatedCredential;
import io.kmsjca.keys.CredentialInfo;
import io.kmsjca.keys.CredentialKind;
import io.kmsjca.keys.CredentialRequest;
import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyAccessDeniedException;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KeyUseDeniedException;
import io.kmsjca.keys.KmsCredential;
import io.kmsjca.provider.KmsAdmin;
import io.kmsjca.provider.KmsEncryptionContextSpec;
import io.kmsjca.provider.KmsProvider;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Provider;
import java.security.UnrecoverableKeyException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.kmsjca.internal.service.AsPrincipal.as;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Credentials name the principal of every request (issue #17), seen first by someone holding a
 * key user's credential: what it asserts through {@code runAs} is ignored, it manages nothing,
 * its slot cannot be promoted by editing the header, and a deleted, wrong or exposed credential
 * does not open the store. Real file stores, real ciphers.
 */
class CredentialsTest {

    static final char[] ADMIN_PASSWORD = "store-password".toCharArray();
    static final Provider PROVIDER = new KmsProvider();
    static final String ALICE_ONLY = """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Principal": {"AWS": "alice"}, "Action": "kms:*", "Resource": "*"}]}""";
    static final String ALICE_AND_APP = """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Principal": {"AWS": "alice"}, "Action": "kms:*", "Resource": "*"},
              {"Effect": "Allow", "Principal": {"AWS": "app"}, "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*"}]}""";
    static final String NOBODY_RUNS_THE_STORE = """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Principal": {"AWS": "nobody"}, "Action": "kms:*", "Resource": "*"}]}""";

    @TempDir
    Path dir;
    Path file;
    Path appKeyFile;
    final List<AuditEvent> audit = new CopyOnWriteArrayList<>();
    final List<KeyService> open = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        file = dir.resolve("keys.kms");
        appKeyFile = dir.resolve("app.key");
        try (KeyService admin = KmsAdmin.open(file, ADMIN_PASSWORD, options())) {
            admin.createKey("orders", "");
            admin.createKey("apps", "");
            as("alice", () -> admin.putKeyPolicy("orders", ALICE_ONLY, false));
            as("alice", () -> admin.putKeyPolicy("apps", ALICE_AND_APP, false));
            CreatedCredential app = admin.createCredential(CredentialRequest.withKeyFile("app"));
            app.writeKeyFile(appKeyFile);
            app.wipe();
        }
    }

    @AfterEach
    void tearDown() throws IOException {
        for (KeyService s : open) {
            s.close();
        }
    }

    KeyServiceOptions options() {
        return KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests())
                .withMaintenanceInterval(Duration.ZERO).withAuditListeners(List.of(audit::add));
    }

    KeyService openWith(KmsCredential credential) throws IOException {
        KeyService s = KmsAdmin.open(file, credential, options());
        open.add(s);
        return s;
    }

    KeyService admin() throws IOException {
        return openWith(KmsCredential.password(ADMIN_PASSWORD));
    }

    KeyService app() throws IOException {
        return openWith(KmsCredential.keyFile(appKeyFile));
    }


    static byte[] wrap(KeyService keys, String key) throws Exception {
        Cipher c = Cipher.getInstance("KMSWrap", PROVIDER);
        c.init(Cipher.WRAP_MODE, keys.findKey(key).orElseThrow(), new KmsEncryptionContextSpec(Map.of()));
        return c.wrap(new SecretKeySpec(new byte[32], "AES"));
    }

    AuditEvent last(AuditOperation op) {
        List<AuditEvent> events = audit.stream().filter(e -> e.operation() == op).toList();
        assertFalse(events.isEmpty(), "no " + op + " event");
        return events.get(events.size() - 1);
    }

    // ---------------------------------------------------------------- the key user's credential

    @Test
    void aKeyUsersCredentialIsItsPrincipalWhateverItsCallerAsserts() throws Exception {
        KeyService app = app();
        assertEquals(new CredentialInfo("app", CredentialKind.KEY_FILE, false, false, true), app.credential());

        var refused = assertThrows(KeyUseDeniedException.class, () -> as("alice", () -> wrap(app, "orders")),
                "runAs(alice) does not make a key user's credential alice");
        assertEquals("app", refused.denial().principal());
        AuditEvent denied = last(AuditOperation.WRAP_KEY);
        assertEquals(AuditOutcome.DENIED, denied.outcome());
        assertEquals("app", denied.principal());
        assertEquals("credential", denied.principalSource());

        as("alice", () -> wrap(app, "apps"));
        AuditEvent allowed = last(AuditOperation.WRAP_KEY);
        assertEquals(AuditOutcome.SUCCESS, allowed.outcome());
        assertEquals("app", allowed.principal(), "the audit names the credential's principal, not the asserted one");
    }

    @Test
    void aKeyUsersCredentialManagesNeitherCredentialsNorTheStore() throws Exception {
        KeyService app = app();
        for (String who : List.of("app", "alice")) {
            as(who, () -> {
                var create = assertThrows(KeyAccessDeniedException.class,
                        () -> app.createCredential(CredentialRequest.withKeyFile("mallory").administrator(true)));
                assertEquals("kms:CreateCredential", create.denial().action());
                assertThrows(KeyAccessDeniedException.class, app::listCredentials);
                assertThrows(KeyAccessDeniedException.class, () -> app.deleteCredential("admin"));
                assertThrows(KeyAccessDeniedException.class, () -> app.createKey("mine", ""),
                        "without a store policy a non-administrator credential may create no key");
                assertThrows(KeyAccessDeniedException.class, () -> app.putStorePolicy(ALICE_ONLY, true));
            });
        }
        AuditEvent event = last(AuditOperation.CREATE_CREDENTIAL);
        assertEquals(AuditOutcome.DENIED, event.outcome());
        assertEquals("app", event.principal());
        assertEquals(List.of("admin", "app"), admin().listCredentials().stream().map(CredentialInfo::principal).toList(),
                "nothing was added");
    }

    @Test
    void aStorePolicyNamingAliceDoesNotLetAKeyUserCreateKeysByAssertingAlice() throws Exception {
        as("alice", () -> admin().putStorePolicy(ALICE_ONLY, false));
        KeyService app = app();
        assertThrows(KeyAccessDeniedException.class, () -> as("alice", () -> app.createKey("mine", "")));
        assertTrue(app.findKey("mine").isEmpty());
    }

    @Test
    void editingASlotsFlagsOrPrincipalInTheHeaderMakesItFailToUnlock() throws Exception {
        EmbeddedKeyService app = EmbeddedKeyService.of(app());
        byte[] header = app.backend().header().orElseThrow();
        int name = indexOf(header, "app".getBytes(StandardCharsets.US_ASCII));
        int flags = name - 3; // kind, flags, length (2), name

        byte[] promoted = header.clone();
        promoted[flags] = 7; // ADMINISTRATOR | ACTS_FOR_OTHERS, and the key pair the slot holds
        // the thief holds the root key (every credential unwraps it) and rewrites the file through its own store
        app.backend().putHeader(header, promoted);
        var failed = assertThrows(IOException.class, () -> KmsAdmin.open(file, KmsCredential.keyFile(appKeyFile), options()));
        assertTrue(failed.getMessage().contains("credential was incorrect"), failed.getMessage());

        byte[] renamed = header.clone();
        renamed[name] = 'b'; // "bpp"
        app.backend().putHeader(promoted, renamed);
        Path bppKeyFile = dir.resolve("bpp.key");
        Files.write(bppKeyFile, Files.readString(appKeyFile).replace("principal app", "principal bpp")
                .getBytes(StandardCharsets.UTF_8));
        restrict(bppKeyFile);
        assertThrows(IOException.class, () -> KmsAdmin.open(file, KmsCredential.keyFile(bppKeyFile), options()));

        app.backend().putHeader(renamed, header);
        assertEquals("app", app().credential().principal(), "the unaltered slot opens again");
    }

    /**
     * What docs/authorization.md says of a store that still has a credential without a key pair
     * (here the version-1 password, which acts for others, so may hold every key): material stays
     * in the record, and a key user's secret reading the raw store opens the material of a key
     * whose policy refuses it. Once every such credential is gone, it does not
     * ({@link SealingPerPrincipalTest}).
     */
    @Test
    void whileACredentialWithoutAKeyPairRemainsAKeyUsersSecretOpensEveryKeysMaterial() throws Exception {
        EmbeddedKeyService admin = EmbeddedKeyService.of(admin());
        java.util.UUID orders = admin.findKey("orders").orElseThrow().keyId();
        var header = io.kmsjca.internal.format.KeySlots.decode(admin.backend().header().orElseThrow());
        var secret = io.kmsjca.internal.store.KeyFileFormat.read(appKeyFile);
        var unlocked = io.kmsjca.internal.store.SlotKeys.unlock(header, secret);
        secret.wipe();
        assertEquals("app", unlocked.slot().principal());
        assertTrue(unlocked.slot().holdsKeyPair(), "a credential made now has a key pair");
        var record = admin.backend().get(orders.toString()).orElseThrow();
        var key = io.kmsjca.internal.store.MasterKeyCodec.decode(orders, record.revision(), unlocked.root().open(record),
                unlocked.keyPair());
        byte[] material = key.versions().get(0).materialCopy();
        assertTrue(material != null && material.length == 32, "the material of a key the policy refuses 'app' is opened");
        java.util.Arrays.fill(material, (byte) 0);
        unlocked.root().destroy();
        assertThrows(KeyUseDeniedException.class, () -> wrap(app(), "orders"), "while the provider refuses its use");
    }

    @Test
    void aDeletedCredentialNoLongerOpensTheStore() throws Exception {
        KeyService admin = admin();
        admin.deleteCredential("app");
        assertEquals(AuditOutcome.SUCCESS, last(AuditOperation.DELETE_CREDENTIAL).outcome());
        var failed = assertThrows(IOException.class, this::app);
        assertInstanceOf(UnrecoverableKeyException.class, failed.getCause());
        assertTrue(failed.getMessage().contains("credential was incorrect"), failed.getMessage());
        assertThrows(InvalidKeyRequestException.class, () -> admin.deleteCredential("app"), "already gone");
    }

    @Test
    void aKeyFileOthersMayReadIsRefused() throws Exception {
        assumeTrue(Files.getFileAttributeView(appKeyFile, PosixFileAttributeView.class) != null, "POSIX permissions");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(appKeyFile)),
                "written owner-only");
        Files.setPosixFilePermissions(appKeyFile, PosixFilePermissions.fromString("rw-r--r--"));
        var refused = assertThrows(IOException.class, this::app);
        assertTrue(refused.getMessage().contains("chmod 600"), refused.getMessage());
        assertEquals(AuditOutcome.FAILED, last(AuditOperation.LOAD_KEY_STORE).outcome());
    }

    @Test
    void aWrongSecretIsRefusedWithAClearError() throws Exception {
        byte[] other = new byte[32];
        other[0] = 1;
        Path forged = dir.resolve("forged.key");
        Files.writeString(forged, "kms-jca-credential 1\nprincipal app\nsecret " + Base64.getEncoder().encodeToString(other) + "\n");
        restrict(forged);
        var wrongFile = assertThrows(IOException.class, () -> openWith(KmsCredential.keyFile(forged)));
        assertEquals("key store credential was incorrect (key file " + forged + ")", wrongFile.getMessage());
        assertInstanceOf(UnrecoverableKeyException.class, wrongFile.getCause());

        var wrongPassword = assertThrows(IOException.class, () -> openWith(KmsCredential.password("nope".toCharArray())));
        assertEquals("keystore password was incorrect", wrongPassword.getMessage());
        assertThrows(IOException.class, () -> openWith(KmsCredential.password("app", ADMIN_PASSWORD)),
                "the administrator's password does not open another principal's credential");
    }

    // ---------------------------------------------------------------- administrators

    @Test
    void anAdministratorCredentialDoesStoreOperationsWhenTheStorePolicyNamesNobody() throws Exception {
        KeyService admin = admin();
        admin.createCredential(CredentialRequest.withPassword("root", "root-pw".toCharArray()).administrator(true));
        as("nobody", () -> admin.putStorePolicy(NOBODY_RUNS_THE_STORE, false));
        assertThrows(KeyAccessDeniedException.class, () -> admin.createKey("by-os-user", ""),
                "the v1 password acts for others: the store policy decides as before");

        KeyService root = openWith(KmsCredential.password("root", "root-pw".toCharArray()));
        root.createKey("by-root", "");
        assertTrue(root.listKeys().stream().anyMatch(k -> k.aliases().contains("by-root")));
        assertTrue(root.getStorePolicy().orElseThrow().contains("nobody"));
        root.putStorePolicy(ALICE_ONLY, false);
        root.createCredential(CredentialRequest.withKeyFile("svc")).wipe();
        assertEquals(List.of("admin", "app", "root", "svc"),
                root.listCredentials().stream().map(CredentialInfo::principal).toList());
        assertThrows(KeyUseDeniedException.class, () -> wrap(root, "orders"),
                "an administrator need not be able to use a key whose policy does not name it");
    }

    @Test
    void theLastAdministratorAndTheOpeningCredentialAreNotDeleted() throws Exception {
        KeyService admin = admin();
        assertThrows(InvalidKeyRequestException.class, () -> admin.deleteCredential("admin"));
        admin.createCredential(CredentialRequest.withPassword("root", "root-pw".toCharArray()).administrator(true));
        KeyService root = openWith(KmsCredential.password("root", "root-pw".toCharArray()));
        root.deleteCredential("admin");
        var last = assertThrows(InvalidKeyRequestException.class, () -> root.deleteCredential("root"));
        assertTrue(last.getMessage().contains("opened with"), last.getMessage());
        assertThrows(IOException.class, this::admin);
        assertEquals(List.of("app", "root"), root.listCredentials().stream().map(CredentialInfo::principal).toList());
    }

    @Test
    void anAdministratorActingForSomeoneElseManagesNoCredential() throws Exception {
        KeyService admin = admin();
        assertThrows(KeyAccessDeniedException.class, () -> as("bob", () -> admin.createCredential(
                CredentialRequest.withKeyFile("bobs").administrator(true))));
        assertEquals(2, admin.listCredentials().size());
    }

    // ---------------------------------------------------------------- passwords and the v1 header

    @Test
    void aPasswordWithoutAPrincipalOpensWhicheverPasswordCredentialItIs() throws Exception {
        admin().createCredential(CredentialRequest.withPassword("bob", "bob-pw".toCharArray()));
        KeyService bob = openWith(KmsCredential.password("bob-pw".toCharArray()));
        assertEquals(new CredentialInfo("bob", CredentialKind.PASSWORD, false, false, true), bob.credential());
        assertTrue(bob.verifyPassword("bob-pw".toCharArray()));
        assertFalse(bob.verifyPassword(ADMIN_PASSWORD), "another credential's password is not this store's password");

        KmsAdmin.changePassword(bob, "bob-new".toCharArray());
        assertThrows(IOException.class, () -> openWith(KmsCredential.password("bob", "bob-pw".toCharArray())));
        assertEquals("bob", openWith(KmsCredential.password("bob-new".toCharArray())).credential().principal());
        assertEquals("admin", admin().credential().principal(), "the administrator's slot is untouched");
    }

    @Test
    void aVersionOneStoreOpensUnchangedAndIsRewrittenOnlyWhenACredentialIsAdded() throws Exception {
        Path v1 = dir.resolve("v1.kms");
        byte[] headerBefore;
        try (KeyService s = KmsAdmin.open(v1, ADMIN_PASSWORD, options())) {
            headerBefore = EmbeddedKeyService.of(s).backend().header().orElseThrow();
            assertEquals(91, headerBefore.length);
            assertEquals(1, headerBefore[4]);
            KmsAdmin.changePassword(s, "second".toCharArray());
            assertEquals(1, EmbeddedKeyService.of(s).backend().header().orElseThrow()[4], "a password change keeps v1");
        }
        try (KeyService s = KmsAdmin.open(v1, "second".toCharArray(), options())) {
            assertEquals(new CredentialInfo("admin", CredentialKind.PASSWORD, true, true), s.credential());
            as("carol", () -> s.createKey("carols", ""));
            AuditEvent created = last(AuditOperation.CREATE_KEY);
            assertEquals("carol", created.principal());
            assertEquals("run-as", created.principalSource());
            s.createCredential(CredentialRequest.withKeyFile("svc")).wipe();
            byte[] after = EmbeddedKeyService.of(s).backend().header().orElseThrow();
            assertEquals(2, after[4]);
        }
        try (KeyService s = KmsAdmin.open(v1, "second".toCharArray(), options())) {
            assertEquals("admin", s.credential().principal(), "the v1 password is still the administrator");
            assertTrue(s.verifyPassword("second".toCharArray()));
        }
    }

    @Test
    void aKeyFileIsWrittenOnceAndNeverOverAnotherFile() throws Exception {
        CreatedCredential svc = admin().createCredential(CredentialRequest.withKeyFile("svc").actsForOthers(true));
        String text = new String(svc.keyFile().orElseThrow(), StandardCharsets.UTF_8);
        assertTrue(text.startsWith("kms-jca-credential 1\nprincipal svc\nsecret "), text);
        assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> svc.writeKeyFile(appKeyFile));
        assertFalse(Files.readString(appKeyFile).contains("svc"));
        Path svcFile = dir.resolve("svc.key");
        svc.writeKeyFile(svcFile);
        svc.wipe();
        assertArrayEquals(new byte[text.length()], svc.keyFile().orElseThrow(), "wiped");
        KeyService service = openWith(KmsCredential.keyFile(svcFile));
        var refused = assertThrows(KeyAccessDeniedException.class, () -> as("dave", () -> service.createGrant("apps",
                io.kmsjca.keys.GrantRequest.to("x", java.util.Set.of(io.kmsjca.keys.GrantOperation.Encrypt)))));
        assertEquals("dave", refused.denial().principal(), "a credential acting for others is the principal its caller names");
        assertEquals("run-as", last(AuditOperation.CREATE_GRANT).principalSource());
    }

    // ---------------------------------------------------------------- rules the mutation run found undefended

    /** Every key file's secret is drawn afresh: the same principal's key file made again is another secret. */
    @Test
    void aKeyFilesSecretIsDrawnAfresh_soRemakingACredentialGivesAnotherSecret() throws Exception {
        KeyService admin = admin();
        CreatedCredential first = admin.createCredential(CredentialRequest.withKeyFile("svc"));
        String firstText = new String(first.keyFile().orElseThrow(), StandardCharsets.UTF_8);
        admin.deleteCredential("svc");
        CreatedCredential second = admin.createCredential(CredentialRequest.withKeyFile("svc"));
        String secondText = new String(second.keyFile().orElseThrow(), StandardCharsets.UTF_8);
        String secret = firstText.substring(firstText.indexOf("secret ") + 7).strip();
        assertFalse(Arrays.equals(new byte[32], Base64.getDecoder().decode(secret)), "not all zeros");
        assertFalse(firstText.equals(secondText), "the same principal's two key files differ");
        Path old = dir.resolve("old.key");
        first.writeKeyFile(old);
        assertThrows(IOException.class, () -> openWith(KmsCredential.keyFile(old)), "the deleted key file opens nothing");
    }

    /** A credential's principal out of its grammar is refused as an invalid request, audited, and nothing is added. */
    @Test
    void aBadPrincipalIsRefusedAsAnInvalidRequest_auditedAndNothingAdded() throws Exception {
        KeyService admin = admin();
        for (String bad : List.of("", " alice", "a\nb", "x".repeat(257))) {
            assertThrows(InvalidKeyRequestException.class, () -> admin.createCredential(CredentialRequest.withKeyFile(bad)), bad);
            assertEquals(AuditOutcome.FAILED, last(AuditOperation.CREATE_CREDENTIAL).outcome(), bad);
        }
        assertEquals(List.of("admin", "app"), admin.listCredentials().stream().map(CredentialInfo::principal).toList());
    }

    /** Making a credential is audited as a success once it is in the header. */
    @Test
    void makingACredentialIsAuditedAsASuccess() throws Exception {
        KeyService admin = admin();
        audit.clear();
        admin.createCredential(CredentialRequest.withPassword("bob", "bob-pw".toCharArray()));
        List<AuditEvent> events = audit.stream().filter(e -> e.operation() == AuditOperation.CREATE_CREDENTIAL).toList();
        assertEquals(1, events.size(), events.toString());
        assertEquals(AuditOutcome.SUCCESS, events.get(0).outcome());
    }

    /** A store in memory (a stream image) has no credentials to manage: each request is refused as invalid, audited. */
    @Test
    void aStoreInMemoryManagesNoCredentials() throws Exception {
        try (KeyService memory = KmsAdmin.open(new io.kmsjca.spi.MemoryKeyRecordStore(), ADMIN_PASSWORD, options())) {
            var create = assertThrows(InvalidKeyRequestException.class,
                    () -> memory.createCredential(CredentialRequest.withKeyFile("svc")));
            assertTrue(create.getMessage().contains("live stores"), create.getMessage());
            assertEquals(AuditOutcome.FAILED, last(AuditOperation.CREATE_CREDENTIAL).outcome());
            var list = assertThrows(InvalidKeyRequestException.class, memory::listCredentials);
            assertTrue(list.getMessage().contains("live stores"), list.getMessage());
            var delete = assertThrows(InvalidKeyRequestException.class, () -> memory.deleteCredential("app"));
            assertTrue(delete.getMessage().contains("live stores"), delete.getMessage());
            assertEquals(AuditOutcome.FAILED, last(AuditOperation.DELETE_CREDENTIAL).outcome());
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = haystack.length - needle.length; i >= 0; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    private static void restrict(Path file) throws IOException {
        if (Files.getFileAttributeView(file, PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
    }
}
