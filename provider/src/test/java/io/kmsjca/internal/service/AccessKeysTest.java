package io.kmsjca.internal.service;

import io.kmsjca.audit.KmsAuditContext;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.internal.policy.PolicyDocument;
import io.kmsjca.internal.sigv4.SigV4;
import io.kmsjca.keys.AccessKeyInfo;
import io.kmsjca.keys.AccessKeySigner;
import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.CreatedAccessKey;
import io.kmsjca.keys.CreatedCredential;
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
import io.kmsjca.spi.OutOfSyncException;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.Subject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStoreException;
import java.security.Principal;
import java.security.PrivilegedExceptionAction;
import java.security.Provider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import static io.kmsjca.internal.service.AsPrincipal.as;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Access keys (issue #18): made, listed and deleted by an administrator credential alone, kept
 * sealed across reopening, looked up by a server's credential (one that acts for others), signing
 * as SigV4 does, and making the requests of an {@code actAs} scope as their principal, decided as
 * an administrator's only when the access key is one. Real file stores, real ciphers.
 */
class AccessKeysTest {

    static final char[] ADMIN_PASSWORD = "store-password".toCharArray();
    static final Provider PROVIDER = new KmsProvider();
    static final String ALICE_ENCRYPTS = """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"}, "Action": "kms:*", "Resource": "*"},
              {"Effect": "Allow", "Principal": {"AWS": "alice"}, "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*"}]}""";

    @TempDir
    Path dir;
    Path file;
    Path serverKeyFile;
    Path appKeyFile;
    final List<AuditEvent> audit = new CopyOnWriteArrayList<>();
    final List<KeyService> open = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        file = dir.resolve("keys.kms");
        serverKeyFile = dir.resolve("server.key");
        appKeyFile = dir.resolve("app.key");
        try (KeyService admin = KmsAdmin.open(file, ADMIN_PASSWORD, options())) {
            admin.createKey("orders", "");
            admin.createKey("plain", "");
            as("admin", () -> admin.putKeyPolicy("orders", ALICE_ENCRYPTS, false));
            CreatedCredential server = admin.createCredential(CredentialRequest.withKeyFile("server").actsForOthers(true));
            server.writeKeyFile(serverKeyFile);
            server.wipe();
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

    /** A server's credential: not an administrator, acts for others. */
    KeyService server() throws IOException {
        return openWith(KmsCredential.keyFile(serverKeyFile));
    }

    /** A server's credential that is an administrator too: it serves administrators' access keys. */
    KeyService administratorServer() throws Exception {
        Path keyFile = dir.resolve("admin-server.key");
        try (KeyService admin = KmsAdmin.open(file, ADMIN_PASSWORD, options())) {
            CreatedCredential c = admin.createCredential(CredentialRequest.withKeyFile("admin-server")
                    .administrator(true).actsForOthers(true));
            c.writeKeyFile(keyFile);
            c.wipe();
        }
        return openWith(KmsCredential.keyFile(keyFile));
    }

    /** A key user's credential: neither. */
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

    static String secretOf(CreatedAccessKey created) {
        char[] secret = created.secretAccessKey();
        try {
            return new String(secret);
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    // ---------------------------------------------------------------- create, list, delete

    @Test
    void createListDelete_persistAcrossReopening() throws Exception {
        KeyService admin = admin();
        CreatedAccessKey alice = admin.createAccessKey("alice", false);
        CreatedAccessKey ops = admin.createAccessKey("ops", true);
        for (CreatedAccessKey k : List.of(alice, ops)) {
            assertTrue(k.info().accessKeyId().matches("KMSA[A-Z2-7]{16}"), k.info().accessKeyId());
            String secret = secretOf(k);
            assertEquals(40, secret.length());
            assertEquals(30, Base64.getDecoder().decode(secret).length);
        }
        assertNotEquals(alice.info().accessKeyId(), ops.info().accessKeyId());
        assertNotEquals(secretOf(alice), secretOf(ops));
        assertEquals("alice", alice.info().principal());
        assertFalse(alice.info().administrator());
        assertTrue(ops.info().administrator());
        assertEquals(Set.of(alice.info(), ops.info()), Set.copyOf(admin.listAccessKeys()));
        assertEquals(AuditOutcome.SUCCESS, last(AuditOperation.CREATE_ACCESS_KEY).outcome());
        admin.close();

        KeyService reopened = admin();
        assertEquals(Set.of(alice.info(), ops.info()), Set.copyOf(reopened.listAccessKeys()), "kept in the store");
        reopened.deleteAccessKey(alice.info().accessKeyId());
        assertEquals(AuditOutcome.SUCCESS, last(AuditOperation.DELETE_ACCESS_KEY).outcome());
        assertEquals(List.of(ops.info()), reopened.listAccessKeys());
        var unknown = assertThrows(InvalidKeyRequestException.class,
                () -> reopened.deleteAccessKey(alice.info().accessKeyId()), "already deleted");
        assertTrue(unknown.getMessage().contains(alice.info().accessKeyId()), unknown.getMessage());
        assertEquals(AuditOutcome.FAILED, last(AuditOperation.DELETE_ACCESS_KEY).outcome());
        assertThrows(InvalidKeyRequestException.class, () -> reopened.deleteAccessKey("not an id\n"));
        reopened.close();

        assertEquals(List.of(ops.info()), admin().listAccessKeys(), "the deletion was kept");
    }

    @Test
    void aDeletedKeysSlotIsReused_soTheStoreHoldsNoMoreRecordsThanLiveKeys() throws Exception {
        EmbeddedKeyService admin = EmbeddedKeyService.of(admin());
        int before = admin.backend().list().size();
        for (int i = 0; i < 5; i++) {
            CreatedAccessKey k = admin.createAccessKey("p" + i, false);
            admin.deleteAccessKey(k.info().accessKeyId());
        }
        assertEquals(before + 1, admin.backend().list().size(), "five keys made and deleted in turn took one record");
        admin.createAccessKey("a", false);
        admin.createAccessKey("b", false);
        assertEquals(before + 2, admin.backend().list().size());
    }

    @Test
    void theStoreKeepsAtMostAThousandAccessKeys() throws Exception {
        try (KeyService store = KmsAdmin.open(new io.kmsjca.spi.MemoryKeyRecordStore(), ADMIN_PASSWORD, options())) {
            String first = null;
            for (int i = 0; i < AccessKeys.MAX_ACCESS_KEYS; i++) {
                String id = store.createAccessKey("p" + i, false).info().accessKeyId();
                first = first == null ? id : first;
            }
            assertEquals(1000, store.listAccessKeys().size());
            var full = assertThrows(InvalidKeyRequestException.class, () -> store.createAccessKey("one-more", false));
            assertTrue(full.getMessage().contains("1000"), full.getMessage());
            store.deleteAccessKey(first);
            store.createAccessKey("one-more", false);
            assertEquals(1000, store.listAccessKeys().size());
        }
    }

    @Test
    void badPrincipalsAreRefused() throws Exception {
        KeyService admin = admin();
        for (String bad : List.of("", " alice", "a\nb", "x".repeat(257))) {
            assertThrows(InvalidKeyRequestException.class, () -> admin.createAccessKey(bad, false), bad);
        }
        assertEquals(List.of(), admin.listAccessKeys());
        assertEquals(AuditOutcome.FAILED, last(AuditOperation.CREATE_ACCESS_KEY).outcome());
    }

    @Test
    void theSecretIsInNoStringNoAuditEventAndNotInClearInTheStoreFile() throws Exception {
        KeyService admin = admin();
        CreatedAccessKey created = admin.createAccessKey("alice", true);
        String secret = secretOf(created);
        byte[] raw = Base64.getDecoder().decode(secret);
        AccessKeySigner signer = admin.accessKey(created.info().accessKeyId()).orElseThrow();
        try (var scope = signer.actAs("10.0.0.1")) {
            admin.createKey("made-with-it", "");
        }
        admin.deleteAccessKey(admin.createAccessKey("bob", false).info().accessKeyId());

        assertFalse(created.toString().contains(secret), created.toString());
        assertFalse(signer.toString().contains(secret), signer.toString());
        assertFalse(created.info().toString().contains(secret));
        assertFalse(audit.isEmpty());
        for (AuditEvent e : audit) {
            assertFalse(e.toString().contains(secret), e.toString());
        }
        admin.close();
        byte[] stored = Files.readAllBytes(file);
        assertEquals(-1, indexOf(stored, secret.getBytes(StandardCharsets.US_ASCII)), "the secret's text");
        assertEquals(-1, indexOf(stored, raw), "the secret's bytes");
        assertEquals(-1, indexOf(stored, "alice".getBytes(StandardCharsets.US_ASCII)), "even the principal is sealed");
        created.wipe();
        assertEquals("\0".repeat(40), new String(created.secretAccessKey()), "wipe() overwrites it");
    }

    @Test
    void onlyAnAdministratorCredentialManagesAccessKeys() throws Exception {
        String id = admin().createAccessKey("alice", false).info().accessKeyId();
        for (KeyService notAdmin : List.of(app(), server())) {
            for (String asserted : List.of("admin", "alice")) {
                as(asserted, () -> {
                    var refused = assertThrows(KeyAccessDeniedException.class, () -> notAdmin.createAccessKey("mallory", true));
                    assertEquals("kms:CreateAccessKey", refused.denial().action());
                    assertThrows(KeyAccessDeniedException.class, notAdmin::listAccessKeys);
                    var delete = assertThrows(KeyAccessDeniedException.class, () -> notAdmin.deleteAccessKey(id));
                    assertEquals("kms:DeleteAccessKey", delete.denial().action());
                });
            }
        }
        assertEquals(AuditOutcome.DENIED, last(AuditOperation.CREATE_ACCESS_KEY).outcome());
        assertEquals(AuditOutcome.DENIED, last(AuditOperation.DELETE_ACCESS_KEY).outcome());
        KeyService admin = admin();
        assertEquals(List.of("alice"), admin.listAccessKeys().stream().map(AccessKeyInfo::principal).toList());
        as("alice", () -> assertThrows(KeyAccessDeniedException.class, () -> admin.createAccessKey("x", false),
                "an administrator credential acting for others manages nothing when its caller names another principal"));
    }

    @Test
    void onlyACredentialThatActsForOthersLooksAccessKeysUp() throws Exception {
        String id = admin().createAccessKey("alice", false).info().accessKeyId();
        var refused = assertThrows(KeyAccessDeniedException.class, () -> app().accessKey(id));
        assertTrue(refused.getMessage().contains("acts for others"), refused.getMessage());
        assertTrue(server().accessKey(id).isPresent());
        assertTrue(admin().accessKey(id).isPresent(), "the store password acts for others");
        assertTrue(server().accessKey("KMSAAAAAAAAAAAAAAAAA").isEmpty());
        assertTrue(server().accessKey("short").isEmpty());
        assertTrue(server().accessKey(null).isEmpty());
    }

    // ---------------------------------------------------------------- signatures

    @Test
    void theSignatureIsSigV4sUnderTheSecret_afterReopeningToo() throws Exception {
        KeyService admin = admin();
        CreatedAccessKey created = admin.createAccessKey("alice", false);
        byte[] secret = secretOf(created).getBytes(StandardCharsets.US_ASCII);
        byte[] stringToSign = SigV4.stringToSign("20150830T123600Z", SigV4.scope("20150830", "us-east-1", "kms"),
                "POST\n/\n\nhost:kms\n\nhost\n" + "0".repeat(64)).getBytes(StandardCharsets.UTF_8);
        byte[] expected = SigV4.hmac(SigV4.signingKey(secret, "20150830", "us-east-1", "kms"), stringToSign);
        AccessKeySigner signer = server().accessKey(created.info().accessKeyId()).orElseThrow();
        assertArrayEquals(expected, signer.signature("20150830", "us-east-1", "kms", stringToSign));
        assertArrayEquals(expected, signer.signature("20150830", "us-east-1", "kms", stringToSign), "from the cached key");
        byte[] otherDay = SigV4.hmac(SigV4.signingKey(secret, "20150831", "us-east-1", "kms"), stringToSign);
        assertArrayEquals(otherDay, signer.signature("20150831", "us-east-1", "kms", stringToSign), "a new day, a new key");
        assertArrayEquals(expected, signer.signature("20150830", "us-east-1", "kms", stringToSign), "and back");
        assertEquals(created.info(), signer.info());
    }

    @Test
    void signatureArgumentsAreBounded() throws Exception {
        String id = admin().createAccessKey("alice", false).info().accessKeyId();
        AccessKeySigner signer = server().accessKey(id).orElseThrow();
        byte[] sts = "x".getBytes(StandardCharsets.US_ASCII);
        for (String[] bad : new String[][]{{"2015083", "us-east-1", "kms"}, {"2015083a", "us-east-1", "kms"},
                {"20150830", "US-EAST-1", "kms"}, {"20150830", "us-east-1", ""}, {"20150830", "r".repeat(65), "kms"},
                {"20150830", "us east", "kms"}, {null, "us-east-1", "kms"}}) {
            assertThrows(IllegalArgumentException.class, () -> signer.signature(bad[0], bad[1], bad[2], sts),
                    String.join(",", Arrays.asList(bad)));
        }
        assertThrows(IllegalArgumentException.class, () -> signer.signature("20150830", "us-east-1", "kms", new byte[1025]));
    }

    // ---------------------------------------------------------------- acting as an access key

    @Test
    void aKeyUsersAccessKeyIsAllowedWhatTheKeyPolicyGrantsItsPrincipal_andNothingElse() throws Exception {
        String id = admin().createAccessKey("alice", false).info().accessKeyId();
        KeyService server = server();
        AccessKeySigner alice = server.accessKey(id).orElseThrow();
        try (var scope = alice.actAs("10.0.0.1:4431")) {
            wrap(server, "orders");
            AuditEvent event = last(AuditOperation.WRAP_KEY);
            assertEquals(AuditOutcome.SUCCESS, event.outcome());
            assertEquals("alice", event.principal());
            assertEquals("access-key " + id + " from 10.0.0.1:4431", event.principalSource());

            var use = assertThrows(KeyUseDeniedException.class, () -> wrap(server, "plain"),
                    "the default key policy defers to the store policy, and without one a key user is allowed nothing");
            assertEquals("alice", use.denial().principal());
            var manage = assertThrows(KeyAccessDeniedException.class, () -> server.disableKey("orders"));
            assertEquals("kms:DisableKey", manage.denial().action());
            assertThrows(KeyAccessDeniedException.class, () -> server.createKey("mine", ""));
            AuditEvent refused = last(AuditOperation.CREATE_KEY);
            assertEquals(AuditOutcome.DENIED, refused.outcome());
            assertEquals("alice", refused.principal());
        }
    }

    @Test
    void anAdministratorAccessKeyIsDecidedAsAnAdministratorCredential_aKeyUsersIsNot() throws Exception {
        KeyService admin = admin();
        String ops = admin.createAccessKey("ops", true).info().accessKeyId();
        String bob = admin.createAccessKey("bob", false).info().accessKeyId();
        assertTrue(server().accessKey(ops).isEmpty(), "an access key never gives more than the credential serving it");
        assertTrue(server().accessKey(bob).isPresent());
        KeyService server = administratorServer();
        try (var scope = server.accessKey(ops).orElseThrow().actAs("10.0.0.2")) {
            server.createKey("made-by-ops", "");
            wrap(server, "plain");
            server.disableKey("plain");
            assertEquals(2, server.listAccessKeys().size(), "as an administrator credential, it manages access keys");
        }
        assertEquals("ops", last(AuditOperation.CREATE_KEY).principal());
        try (var scope = server.accessKey(bob).orElseThrow().actAs("10.0.0.3")) {
            assertThrows(KeyAccessDeniedException.class, () -> server.createKey("made-by-bob", ""));
            assertThrows(KeyAccessDeniedException.class, () -> server.enableKey("plain"));
            assertThrows(KeyAccessDeniedException.class, server::listAccessKeys);
        }
        admin.refresh();
        assertTrue(admin.findKey("made-by-ops").isPresent());
    }

    @Test
    void closingTheScopeRestoresTheServicesOwnIdentity() throws Exception {
        KeyService admin = admin();
        AccessKeySigner bob = admin.accessKey(admin.createAccessKey("bob", false).info().accessKeyId()).orElseThrow();
        try (var scope = bob.actAs("10.0.0.4")) {
            assertThrows(KeyAccessDeniedException.class, () -> admin.createKey("in-scope", ""));
        }
        admin.createKey("after-scope", "");
        AuditEvent event = last(AuditOperation.CREATE_KEY);
        assertEquals(AuditOutcome.SUCCESS, event.outcome());
        assertNotEquals("bob", event.principal());
        assertFalse(event.principalSource().startsWith("access-key"), event.principalSource());
    }

    @Test
    @SuppressWarnings("removal") // Subject.doAs: the way a JDK 17 caller names a Subject
    void aRunAsOrSubjectInsideTheScopeDoesNotChangeThePrincipal() throws Exception {
        KeyService admin = admin();
        AccessKeySigner alice = admin.accessKey(admin.createAccessKey("alice", false).info().accessKeyId()).orElseThrow();
        Subject subject = new Subject(true, Set.<Principal>of(() -> "admin"), Set.of(), Set.of());
        try (var scope = alice.actAs("10.0.0.5")) {
            as("admin", () -> assertThrows(KeyAccessDeniedException.class, () -> admin.createKey("as-admin", "")));
            assertEquals("alice", last(AuditOperation.CREATE_KEY).principal());
            Subject.doAs(subject, (PrivilegedExceptionAction<Void>) () -> {
                assertThrows(KeyUseDeniedException.class, () -> wrap(admin, "plain"));
                wrap(admin, "orders");
                return null;
            });
            assertEquals("alice", last(AuditOperation.WRAP_KEY).principal());
        }
        assertTrue(admin.findKey("as-admin").isEmpty());
    }

    @Test
    void theScopeReachesNeitherAnotherServiceNorAnotherThread() throws Exception {
        KeyService admin = admin();
        String id = admin.createAccessKey("bob", false).info().accessKeyId();
        KeyService server = server();
        AccessKeySigner bob = server.accessKey(id).orElseThrow();
        var executor = Executors.newSingleThreadExecutor();
        try (var scope = bob.actAs("10.0.0.6")) {
            admin.createKey("by-the-other-service", "");
            AuditEvent event = last(AuditOperation.CREATE_KEY);
            assertEquals(AuditOutcome.SUCCESS, event.outcome());
            assertNotEquals("bob", event.principal());

            String otherThread = executor.submit(() -> as("carol", () -> assertThrows(KeyAccessDeniedException.class,
                    () -> server.describeKey("plain")).denial().principal())).get();
            assertEquals("carol", otherThread, "another thread's request through the server is its caller's, not bob's");
            var here = assertThrows(KeyAccessDeniedException.class, () -> as("carol", () -> server.describeKey("plain")));
            assertEquals("bob", here.denial().principal(), "while this thread is bob");
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void aScopeClosedOnAnotherThreadIsRefused() throws Exception {
        KeyService admin = admin();
        AccessKeySigner bob = admin.accessKey(admin.createAccessKey("bob", false).info().accessKeyId()).orElseThrow();
        var scope = bob.actAs("10.0.0.7");
        var executor = Executors.newSingleThreadExecutor();
        try {
            var failed = assertThrows(java.util.concurrent.ExecutionException.class, () -> executor.submit(() -> {
                scope.close();
                return null;
            }).get());
            assertTrue(failed.getCause() instanceof IllegalStateException, failed.getCause().toString());
        } finally {
            executor.shutdownNow();
            scope.close();
        }
        admin.createKey("after", "");
    }

    @Test
    void aDeletedAccessKeyNoLongerActsNorSigns() throws Exception {
        KeyService admin = admin();
        String id = admin.createAccessKey("ops", false).info().accessKeyId();
        KeyService server = server();
        AccessKeySigner ops = server.accessKey(id).orElseThrow();
        byte[] sts = "string to sign".getBytes(StandardCharsets.US_ASCII);
        ops.signature("20150830", "us-east-1", "kms", sts);

        EmbeddedKeyService.of(admin).deleteAccessKey(id);
        assertTrue(admin.accessKey(id).isEmpty(), "at once in the JVM that deleted it");
        assertTrue(server.accessKey(id).isPresent(), "another service sees it after refresh()");
        server.refresh();
        assertTrue(server.accessKey(id).isEmpty());
        var refused = assertThrows(KeyAccessDeniedException.class, () -> ops.actAs("10.0.0.8"));
        assertTrue(refused.getMessage().contains("deleted"), refused.getMessage());
        assertThrows(IllegalStateException.class, () -> ops.signature("20150830", "us-east-1", "kms", sts),
                "its secret was wiped");
    }

    @Test
    void aKeyMadeInOneServiceIsFoundInAnotherAfterRefresh() throws Exception {
        KeyService server = server();
        assertTrue(server.accessKey("KMSAAAAAAAAAAAAAAAAA").isEmpty());
        CreatedAccessKey created = admin().createAccessKey("alice", false);
        server.refresh();
        AccessKeySigner found = server.accessKey(created.info().accessKeyId()).orElseThrow();
        byte[] secret = secretOf(created).getBytes(StandardCharsets.US_ASCII);
        byte[] sts = "x".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(SigV4.hmac(SigV4.signingKey(secret, "20260101", "local", "kms"), sts),
                found.signature("20260101", "local", "kms", sts));
    }

    @Test
    void rememberedDecisionsTellAnAdministratorFromAKeyUserOfTheSameName() throws Exception {
        KeyService admin = admin();
        admin.createKey("delegated", "");
        as("admin", () -> admin.putKeyPolicy("delegated", PolicyDocument.defaultKeyPolicy(KeyAccess.ACCOUNT), false));
        AccessKeySigner opsAdmin = admin.accessKey(admin.createAccessKey("ops", true).info().accessKeyId()).orElseThrow();
        AccessKeySigner opsUser = admin.accessKey(admin.createAccessKey("ops", false).info().accessKeyId()).orElseThrow();
        Cipher c = Cipher.getInstance("KMSWrap", PROVIDER);
        c.init(Cipher.WRAP_MODE, admin.findKey("delegated").orElseThrow(), new KmsEncryptionContextSpec(Map.of()));
        SecretKeySpec dataKey = new SecretKeySpec(new byte[32], "AES");
        try (var scope = opsAdmin.actAs("10.0.0.9")) {
            c.wrap(dataKey); // allowed, and remembered for this thread
        }
        try (var scope = opsUser.actAs("10.0.0.9")) {
            assertThrows(KeyUseDeniedException.class, () -> c.wrap(dataKey),
                    "the same principal, key, action and context, but not an administrator");
        }
    }

    @Test
    @SuppressWarnings("removal") // Subject.doAs: the way a JDK 17 caller names a Subject
    void rememberedDecisionsTellASubjectsPrincipalsFromAnAccessKeyNamedAsTheirJoinedNames() throws Exception {
        KeyService admin = admin();
        String joined = admin.createAccessKey("alice,zed", false).info().accessKeyId();
        KeyService server = server(); // not an administrator, acts for others: decides a Subject by each principal
        AccessKeySigner aliceZed = server.accessKey(joined).orElseThrow();
        Cipher c = Cipher.getInstance("KMSWrap", PROVIDER);
        SecretKeySpec dataKey = new SecretKeySpec(new byte[32], "AES");
        Subject subject = new Subject(true, Set.<Principal>of(() -> "alice", () -> "zed"), Set.of(), Set.of());
        Subject.doAs(subject, (PrivilegedExceptionAction<byte[]>) () -> {
            c.init(Cipher.WRAP_MODE, server.findKey("orders").orElseThrow(), new KmsEncryptionContextSpec(Map.of()));
            return c.wrap(dataKey); // allowed as alice, and remembered
        });
        try (var scope = aliceZed.actAs("10.0.0.10")) {
            var refused = assertThrows(KeyUseDeniedException.class, () -> c.wrap(dataKey),
                    "the policy names alice, not a principal called 'alice,zed'");
            assertEquals("alice,zed", refused.denial().principal());
        }
    }

    // ---------------------------------------------------------------- rules the mutation run found undefended

    /** A store write that fails while making an access key is refused once (not re-wrapped), audited, and leaves no key. */
    @Test
    void aStoreWriteThatFailsWhileMakingAnAccessKey_isRefusedAuditedAndLeavesNoKey() throws Exception {
        FailingPuts backend = new FailingPuts();
        try (KeyService store = KmsAdmin.open(backend, ADMIN_PASSWORD, options())) {
            backend.failPuts = true;
            var failed = assertThrows(KeyStoreException.class, () -> store.createAccessKey("alice", false));
            assertFalse(failed instanceof InvalidKeyRequestException, failed.toString());
            assertInstanceOf(IOException.class, failed.getCause(), "the registry's own failure, passed on as it is");
            AuditEvent event = last(AuditOperation.CREATE_ACCESS_KEY);
            assertEquals(AuditOutcome.FAILED, event.outcome());
            assertEquals(KeyStoreException.class.getName(), event.errorClass());
            backend.failPuts = false;
            assertEquals(List.of(), store.listAccessKeys(), "nothing was kept");
            store.createAccessKey("alice", false);
            assertEquals(1, store.listAccessKeys().size());
        }
    }

    /** A store out of sync past its bound refuses access-key lookups: a key deleted elsewhere must not stay usable here. */
    @Test
    void aStoreOutOfSyncPastItsBoundRefusesAccessKeyLookups() throws Exception {
        OutOfSyncAtWill backend = new OutOfSyncAtWill();
        try (KeyService store = KmsAdmin.open(backend, ADMIN_PASSWORD, options())) {
            String id = store.createAccessKey("alice", false).info().accessKeyId();
            assertTrue(store.accessKey(id).isPresent());
            backend.outOfSync = true;
            var refused = assertThrows(KeyStoreException.class, () -> store.accessKey(id));
            assertInstanceOf(OutOfSyncException.class, refused.getCause());
            backend.outOfSync = false;
            assertTrue(store.accessKey(id).isPresent(), "found again once the store is back in sync");
        }
    }

    /** Closing the service wipes the secret of every access key it handed out, and none acts again. */
    @Test
    void closingTheServiceWipesEveryAccessKeyItFound_andNoneActsAgain() throws Exception {
        String id = admin().createAccessKey("ops", false).info().accessKeyId();
        KeyService server = server();
        AccessKeySigner ops = server.accessKey(id).orElseThrow();
        byte[] sts = "string to sign".getBytes(StandardCharsets.US_ASCII);
        ops.signature("20150830", "us-east-1", "kms", sts);

        server.close();
        assertThrows(IllegalStateException.class, () -> ops.signature("20150830", "us-east-1", "kms", sts),
                "its secret was wiped");
        assertThrows(IllegalStateException.class, () -> ops.signature("20150831", "us-east-1", "kms", sts),
                "and no signing key is derived from it again");
        var refused = assertThrows(KeyAccessDeniedException.class, () -> ops.actAs("10.0.0.11"));
        assertTrue(refused.getMessage().contains("deleted"), refused.getMessage());
    }

    /** The events of making and deleting an access key name it as ID:PRINCIPAL, and :administrator for an administrator's. */
    @Test
    void accessKeyEventsNameTheKeyItsPrincipal_andWhetherItIsAnAdministrators() throws Exception {
        KeyService admin = admin();
        String ops = admin.createAccessKey("ops", true).info().accessKeyId();
        assertEquals(ops + ":ops:administrator", last(AuditOperation.CREATE_ACCESS_KEY).alias());
        String bob = admin.createAccessKey("bob", false).info().accessKeyId();
        assertEquals(bob + ":bob", last(AuditOperation.CREATE_ACCESS_KEY).alias());
        admin.deleteAccessKey(ops);
        assertEquals(ops + ":ops:administrator", last(AuditOperation.DELETE_ACCESS_KEY).alias());
        admin.deleteAccessKey(bob);
        assertEquals(bob + ":bob", last(AuditOperation.DELETE_ACCESS_KEY).alias());
    }

    /** Access keys are listed oldest first, and those made in the same millisecond by id. */
    @Test
    void accessKeysAreListedOldestFirst_thenById() throws Exception {
        TestClock clock = new TestClock(java.time.Instant.parse("2026-12-06T00:00:00Z"));
        try (KeyService store = KmsAdmin.open(new io.kmsjca.spi.MemoryKeyRecordStore(), ADMIN_PASSWORD,
                options().withClock(clock))) {
            List<String> made = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                clock.advance(Duration.ofSeconds(1));
                made.add(store.createAccessKey("p" + i, false).info().accessKeyId());
            }
            clock.advance(Duration.ofSeconds(1));
            List<String> sameMoment = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                sameMoment.add(store.createAccessKey("q" + i, false).info().accessKeyId());
            }
            sameMoment.sort(null);
            made.addAll(sameMoment);
            assertEquals(made, store.listAccessKeys().stream().map(AccessKeyInfo::accessKeyId).toList());
        }
    }

    /** A new access key takes the lowest free slot, so the slots in use stay packed from slot 0. */
    @Test
    void aNewAccessKeyTakesTheLowestFreeSlot() throws Exception {
        EmbeddedKeyService admin = EmbeddedKeyService.of(admin());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(admin.createAccessKey("p" + i, false).info().accessKeyId());
        }
        admin.deleteAccessKey(ids.get(1));
        admin.deleteAccessKey(ids.get(3));
        String next = admin.createAccessKey("next", false).info().accessKeyId();
        var slots = admin.registry().snapshot().byId();
        assertEquals(next, AccessKeyRecord.idIn(slots.get(AccessKeyRecord.slotId(1))));
        assertEquals(null, AccessKeyRecord.idIn(slots.get(AccessKeyRecord.slotId(3))), "slot 3 stays free");
    }

    /** A slot whose sealed secret does not open signs nothing, and the other access keys are still found. */
    @Test
    void aSlotWhoseSecretDoesNotOpenSignsNothing_andTheOthersAreStillFound() throws Exception {
        EmbeddedKeyService admin = EmbeddedKeyService.of(admin());
        String alice = admin.createAccessKey("alice", false).info().accessKeyId();
        String bob = admin.createAccessKey("bob", false).info().accessKeyId();
        KeyRegistry registry = admin.registry();
        MasterKey bobsSlot = registry.snapshot().byId().values().stream()
                .filter(k -> bob.equals(AccessKeyRecord.idIn(k))).findFirst().orElseThrow();
        registry.change(bobsSlot, k -> {
            Map<String, String> tags = new java.util.HashMap<>(k.tags());
            char[] sealed = tags.get(AccessKeyRecord.SECRET_TAG).toCharArray();
            sealed[20] = sealed[20] == 'A' ? 'B' : 'A'; // a ciphertext character: the GCM tag no longer matches
            tags.put(AccessKeyRecord.SECRET_TAG, new String(sealed));
            return k.withTags(tags);
        });

        assertTrue(admin.accessKey(bob).isEmpty(), "its secret does not open");
        assertTrue(admin.accessKey(alice).isPresent());
        assertEquals(2, admin.listAccessKeys().size(), "still listed, so an administrator can delete it");
        admin.deleteAccessKey(bob);
        assertEquals(List.of(alice), admin.listAccessKeys().stream().map(AccessKeyInfo::accessKeyId).toList());
    }

    /** The cached signing key serves its own date, region and service alone: another region or service gets its own key. */
    @Test
    void theCachedSigningKeyServesItsOwnDateRegionAndServiceAlone() throws Exception {
        CreatedAccessKey created = admin().createAccessKey("alice", false);
        byte[] secret = secretOf(created).getBytes(StandardCharsets.US_ASCII);
        byte[] sts = "string to sign".getBytes(StandardCharsets.US_ASCII);
        AccessKeySigner signer = server().accessKey(created.info().accessKeyId()).orElseThrow();
        String[][] scopes = {{"20150830", "us-east-1", "kms"}, {"20150830", "eu-west-1", "kms"},
                {"20150830", "eu-west-1", "s3"}, {"20150830", "us-east-1", "kms"}};
        for (String[] scope : scopes) {
            assertArrayEquals(SigV4.hmac(SigV4.signingKey(secret, scope[0], scope[1], scope[2]), sts),
                    signer.signature(scope[0], scope[1], scope[2], sts), String.join("/", scope));
        }
    }

    /** A string to sign of exactly the most bytes is signed; the bound refuses only what is longer. */
    @Test
    void aStringToSignOfExactlyTheMostBytesIsSigned() throws Exception {
        String id = admin().createAccessKey("alice", false).info().accessKeyId();
        AccessKeySigner signer = server().accessKey(id).orElseThrow();
        assertEquals(32, signer.signature("20150830", "us-east-1", "kms", new byte[StoredAccessKey.MAX_STRING_TO_SIGN]).length);
        assertThrows(IllegalArgumentException.class,
                () -> signer.signature("20150830", "us-east-1", "kms", new byte[StoredAccessKey.MAX_STRING_TO_SIGN + 1]));
    }

    /** A signing key replaced by one of another day is wiped; a signer whose cached key was wiped meanwhile derives its own. */
    @Test
    void aReplacedSigningKeyIsWiped_andASignerWhoseKeyWasWipedMeanwhileDerivesItsOwn() throws Exception {
        CreatedAccessKey created = admin().createAccessKey("alice", false);
        byte[] secret = secretOf(created).getBytes(StandardCharsets.US_ASCII);
        byte[] sts = "string to sign".getBytes(StandardCharsets.US_ASCII);
        AccessKeySigner signer = server().accessKey(created.info().accessKeyId()).orElseThrow();
        signer.signature("20150830", "us-east-1", "kms", sts);
        io.kmsjca.internal.crypto.SecretBytes first = cachedSigningKey(signer);
        signer.signature("20150831", "us-east-1", "kms", sts);
        assertTrue(first.isDestroyed(), "the day before's signing key was wiped when the new day's replaced it");

        cachedSigningKey(signer).destroy(); // as another thread replacing it between this one's read and its use would
        assertArrayEquals(SigV4.hmac(SigV4.signingKey(secret, "20150831", "us-east-1", "kms"), sts),
                signer.signature("20150831", "us-east-1", "kms", sts));
    }

    private static io.kmsjca.internal.crypto.SecretBytes cachedSigningKey(AccessKeySigner signer) throws Exception {
        var last = StoredAccessKey.class.getDeclaredField("last");
        last.setAccessible(true);
        Object signingKey = last.get(signer);
        var key = signingKey.getClass().getDeclaredMethod("key");
        key.setAccessible(true);
        return (io.kmsjca.internal.crypto.SecretBytes) key.invoke(signingKey);
    }

    /** An actAs scope's source is kept printable and bounded in the audit trail; none given reads "unknown". */
    @Test
    void theSourceOfAnActAsScopeIsAuditedPrintableAndBounded() throws Exception {
        KeyService admin = admin();
        String id = admin.createAccessKey("alice", false).info().accessKeyId();
        KeyService server = server();
        AccessKeySigner alice = server.accessKey(id).orElseThrow();
        assertTrue(alice.toString().contains(id) && alice.toString().contains("alice"), alice.toString());
        try (var scope = alice.actAs(null)) {
            wrap(server, "orders");
        }
        assertEquals("access-key " + id + " from unknown", last(AuditOperation.WRAP_KEY).principalSource());
        try (var scope = alice.actAs("")) {
            wrap(server, "orders");
        }
        assertEquals("access-key " + id + " from unknown", last(AuditOperation.WRAP_KEY).principalSource());
        try (var scope = alice.actAs("10.0.0.1\n" + "x".repeat(300))) {
            wrap(server, "orders");
        }
        assertEquals("access-key " + id + " from 10.0.0.1?" + "x".repeat(StoredAccessKey.MAX_SOURCE_CHARS - 9),
                last(AuditOperation.WRAP_KEY).principalSource());
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
