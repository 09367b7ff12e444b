package io.kmsjca.internal.service;

import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.keys.StorePasswordRequiredException;
import io.kmsjca.provider.KmsAdmin;
import io.kmsjca.provider.KmsKeyStores;
import io.kmsjca.provider.KmsLoadParameter;
import io.kmsjca.provider.KmsProvider;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.Provider;
import java.security.UnrecoverableEntryException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.kmsjca.internal.service.AsymmetricTestSupport.ca;
import static io.kmsjca.internal.service.AsymmetricTestSupport.issue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security review of {@code KeyStore "KMS"} ({@code KmsKeyStoreSpi}, {@code KeyStoreAccess}): an
 * attacker holding a KeyStore loaded without the password (a keys-only view), or loaded with a
 * credential of its own. The four tests under "findings (fixed)" failed on the code they were
 * written against; the others are the attacks that are refused, kept as a regression net.
 */
class KeyStoreSpiReviewTest {

    static final char[] ADMIN_PASSWORD = "store-password".toCharArray();
    static final Provider PROVIDER = new KmsProvider();

    @TempDir
    Path dir;
    Path file;
    final List<AuditEvent> audit = new CopyOnWriteArrayList<>();
    final List<KeyService> open = new ArrayList<>();
    KeyPair ca;
    X509Certificate adminLeaf;
    KmsPrivateKeyHandle tls;

    @BeforeEach
    void setUp() throws Exception {
        file = dir.resolve("keys.kms");
        ca = ca();
        KeyService admin = admin();
        admin.createKey("orders", "");
        tls = admin.createKeyPair(CreateKeyRequest.withAlias("tls").keySpec(KeySpec.ECC_NIST_P256)
                .keyUsage(KeyUsage.SIGN_VERIFY));
        adminLeaf = issue(tls.publicKey(), "tls.example", ca, "admin-ca");
        admin.setCertificateChain("tls", List.of(adminLeaf));
        audit.clear();
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

    KeyService admin() throws IOException {
        KeyService s = KmsAdmin.open(file, ADMIN_PASSWORD, options());
        open.add(s);
        return s;
    }

    /** What code handed a loaded store holds: a keys-only view (KmsLoadParameter.of). */
    KeyStore keysOnly() throws Exception {
        KeyStore ks = KeyStore.getInstance("KMS", PROVIDER);
        ks.load(KmsLoadParameter.of(admin()));
        return ks;
    }

    KeyStore administrator() throws Exception {
        KeyStore ks = KeyStore.getInstance("KMS", PROVIDER);
        ks.load(KmsLoadParameter.managing(admin()));
        return ks;
    }

    /** The provider configured with the live store file and the admin password in store.password.file. */
    Provider configured() throws Exception {
        Path pw = dir.resolve("password");
        Files.writeString(pw, new String(ADMIN_PASSWORD));
        Path conf = dir.resolve("kms.conf");
        Files.writeString(conf, "store.file=" + file + "\nstore.password.file=" + pw + "\nkdf.insecureForTests=true\n");
        return new KmsProvider().configure(conf.toString());
    }

    AuditEvent last(AuditOperation op) {
        List<AuditEvent> events = audit.stream().filter(e -> e.operation() == op).toList();
        assertFalse(events.isEmpty(), "no " + op + " event");
        return events.get(events.size() - 1);
    }

    static SecretKeySpec aes(int seed) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) seed);
        return new SecretKeySpec(k, "AES");
    }

    static KeyPair p256() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    // ------------------------------------------------------------------ keys-only: refused

    @Test
    void keysOnly_cannotReplaceAPrivateKeysChain_bySetKeyEntryOrSetEntry_andEachTryIsAuditedDenied() throws Exception {
        KeyStore ks = keysOnly();
        KmsPrivateKeyHandle handle = (KmsPrivateKeyHandle) ks.getKey("tls", null);
        KeyPair evil = ca();
        // a certificate for the key's own public key, issued by the attacker's CA: what the key service would accept
        Certificate[] attackerChain = {issue(handle.publicKey(), "evil.example", evil, "evil-ca"), issue(evil.getPublic(), "evil-ca", evil, "evil-ca")};

        assertThrows(StorePasswordRequiredException.class, () -> ks.setKeyEntry("tls", handle, null, attackerChain));
        assertThrows(StorePasswordRequiredException.class, () -> ks.setKeyEntry("TLS", handle, "x".toCharArray(), attackerChain));
        assertThrows(StorePasswordRequiredException.class, () -> ks.setKeyEntry("alias/tls", handle, null, attackerChain));
        assertThrows(StorePasswordRequiredException.class,
                () -> ks.setEntry("tls", new KeyStore.PrivateKeyEntry(handle, attackerChain), null));
        assertThrows(StorePasswordRequiredException.class,
                () -> ks.setEntry("tls", new KeyStore.PrivateKeyEntry(handle, attackerChain),
                        new KeyStore.PasswordProtection(ADMIN_PASSWORD)));
        AuditEvent denied = last(AuditOperation.SET_CERTIFICATE_CHAIN);
        assertEquals(AuditOutcome.DENIED, denied.outcome());
        assertEquals(tls.keyId().toString(), denied.keyId());

        assertArrayEquals(new Certificate[] {adminLeaf}, ks.getCertificateChain("tls"));
        assertArrayEquals(new Certificate[] {adminLeaf}, administrator().getCertificateChain("tls"));
        KeyStore.PrivateKeyEntry entry = (KeyStore.PrivateKeyEntry) ks.getEntry("tls", null);
        assertEquals(adminLeaf, entry.getCertificate());
    }

    @Test
    void keysOnly_cannotDeleteImportShadowOrAddCertificates_andEachTryIsAuditedDenied() throws Exception {
        KeyStore ks = keysOnly();
        KeyPair mine = p256();
        Certificate[] myChain = {issue(mine.getPublic(), "tls.example", mine, "tls.example")};
        List<String> before = Collections.list(ks.aliases());

        assertThrows(StorePasswordRequiredException.class, () -> ks.deleteEntry("tls"));
        assertThrows(StorePasswordRequiredException.class, () -> ks.deleteEntry("absent"));
        assertThrows(StorePasswordRequiredException.class, () -> ks.setKeyEntry("orders", aes(7), null, null),
                "a new version of orders with material the attacker knows");
        assertThrows(StorePasswordRequiredException.class, () -> ks.setKeyEntry("alias/alias/tls", mine.getPrivate(), null, myChain));
        assertThrows(StorePasswordRequiredException.class, () -> ks.setKeyEntry("tls2", mine.getPrivate(), null, myChain));
        assertThrows(StorePasswordRequiredException.class,
                () -> ks.setEntry("tls2", new KeyStore.PrivateKeyEntry(mine.getPrivate(), myChain), null));
        assertThrows(StorePasswordRequiredException.class, () -> ks.setKeyEntry("x", new byte[48], myChain));
        assertThrows(StorePasswordRequiredException.class, () -> ks.setCertificateEntry("tls", myChain[0]));
        assertThrows(StorePasswordRequiredException.class,
                () -> ks.setEntry("ca", new KeyStore.TrustedCertificateEntry(myChain[0]), null));

        for (AuditOperation op : List.of(AuditOperation.DELETE_ALIAS, AuditOperation.IMPORT_KEY_MATERIAL)) {
            assertEquals(AuditOutcome.DENIED, last(op).outcome(), op.toString());
        }
        assertEquals(before, Collections.list(ks.aliases()));
        assertEquals(tls.keyId(), ((KmsPrivateKeyHandle) ks.getKey("tls", null)).keyId());
        assertNull(ks.getKey("tls2", null));
    }

    @Test
    void keysOnly_cannotExport_withAPasswordOfItsChoiceOrTheStores_andWritesNothing() throws Exception {
        KeyStore ks = keysOnly();
        for (char[] password : List.of("mine".toCharArray(), ADMIN_PASSWORD, new char[0])) {
            var out = new ByteArrayOutputStream();
            IOException refused = assertThrows(IOException.class, () -> ks.store(out, password));
            assertInstanceOf(StorePasswordRequiredException.class, refused.getCause());
            assertEquals(0, out.size());
        }
        assertEquals(AuditOutcome.DENIED, last(AuditOperation.STORE_KEY_STORE).outcome());
        assertThrows(IOException.class, () -> ks.store(new ByteArrayOutputStream(), null));
    }

    @Test
    void keysOnly_managementEntry_needsTheStorePassword_wrongEmptyOrNullIsRefusedAndAudited() throws Exception {
        KeyStore ks = keysOnly();
        for (char[] wrong : List.of("mine".toCharArray(), new char[0], "store-password ".toCharArray(),
                "STORE-PASSWORD".toCharArray(), "x".repeat(100_000).toCharArray())) {
            assertThrows(UnrecoverableEntryException.class,
                    () -> ks.getEntry(KmsKeyStores.MANAGEMENT_ENTRY, new KeyStore.PasswordProtection(wrong)));
            assertEquals(AuditOutcome.FAILED, last(AuditOperation.LOAD_KEY_STORE).outcome());
        }
        assertThrows(UnrecoverableEntryException.class, () -> ks.getEntry(KmsKeyStores.MANAGEMENT_ENTRY, null));
        assertNull(ks.getKey(KmsKeyStores.MANAGEMENT_ENTRY, ADMIN_PASSWORD), "the reserved name is no key");
        assertFalse(ks.containsAlias(KmsKeyStores.MANAGEMENT_ENTRY));
    }

    @Test
    void getKeyAndGetEntry_withAnyPassword_giveHandlesNeverMaterial() throws Exception {
        KeyStore ks = keysOnly();
        for (char[] password : Arrays.asList(null, new char[0], "wrong".toCharArray(), ADMIN_PASSWORD)) {
            KmsKeyHandle orders = (KmsKeyHandle) ks.getKey("orders", password);
            assertNull(orders.getEncoded());
            assertNull(orders.getFormat());
            KmsPrivateKeyHandle key = (KmsPrivateKeyHandle) ks.getKey("tls", password);
            assertNull(key.getEncoded());
            assertNull(key.getFormat());
            assertFalse(key instanceof ECPrivateKey, "a handle never exposes the private scalar");
            var protection = password == null ? null : new KeyStore.PasswordProtection(password);
            assertNull(((KeyStore.SecretKeyEntry) ks.getEntry("orders", protection)).getSecretKey().getEncoded());
            assertNull(((KeyStore.PrivateKeyEntry) ks.getEntry("tls", protection)).getPrivateKey().getEncoded());
        }
    }

    // ------------------------------------------------------------------ loading: refused

    @Test
    void loadNull_wrongEmptyOrNearPassword_isRefused_nullLoadsKeysOnly() throws Exception {
        Provider configured = configured();
        for (char[] wrong : List.of(new char[0], "store-passwordx".toCharArray(), "Store-password".toCharArray(),
                "store-passwor".toCharArray(), "x".repeat(65_536).toCharArray())) {
            KeyStore ks = KeyStore.getInstance("KMS", configured);
            assertThrows(IOException.class, () -> ks.load(null, wrong));
        }
        KeyStore keysOnly = KeyStore.getInstance("KMS", configured);
        keysOnly.load(null, null);
        assertTrue(keysOnly.containsAlias("tls"));
        assertThrows(StorePasswordRequiredException.class, () -> keysOnly.deleteEntry("tls"));
        // the store is open now: a later wrong password is still checked, not waved through
        KeyStore again = KeyStore.getInstance("KMS", configured);
        assertThrows(IOException.class, () -> again.load(null, "guess".toCharArray()));
        assertThrows(IOException.class, () -> keysOnly.store(null, "guess".toCharArray()),
                "store(null, password) of a live store checks the password rather than confirm any");
    }

    @Test
    void aKeyUsersRunAs_cannotTurnAKeysOnlyStoreIntoAnAdministrators() throws Exception {
        KeyService admin = admin();
        admin.createCredential(io.kmsjca.keys.CredentialRequest.withPassword("alice", "alice-pw".toCharArray()));
        KeyStore ks = KeyStore.getInstance("KMS", PROVIDER);
        ks.load(KmsLoadParameter.of(admin));
        AsPrincipal.as("alice", () -> {
            assertThrows(UnrecoverableEntryException.class, () -> ks.getEntry(KmsKeyStores.MANAGEMENT_ENTRY,
                    new KeyStore.PasswordProtection("alice-pw".toCharArray())));
            assertThrows(StorePasswordRequiredException.class, () -> ks.deleteEntry("tls"));
        });
    }

    // ------------------------------------------------------------------ administrator: what the key service checks

    @Test
    void administrator_cannotAttachAChainOfAnotherKey_norCopyAHandleUnderAnotherAlias() throws Exception {
        KeyStore ks = administrator();
        KmsPrivateKeyHandle handle = (KmsPrivateKeyHandle) ks.getKey("tls", null);
        KeyPair other = p256();
        Certificate[] foreign = {issue(other.getPublic(), "tls.example", ca, "admin-ca")};
        assertThrows(KeyStoreException.class, () -> ks.setKeyEntry("tls", handle, null, foreign));
        assertThrows(KeyStoreException.class, () -> ks.setKeyEntry("copy", handle, null, new Certificate[] {adminLeaf}));
        assertThrows(KeyStoreException.class, () -> ks.setKeyEntry("orders", handle, null, new Certificate[] {adminLeaf}));
        assertArrayEquals(new Certificate[] {adminLeaf}, ks.getCertificateChain("tls"));
        assertNull(ks.getKey("copy", null));
        // an imported private key cannot take an alias that is taken
        Certificate[] mine = {issue(other.getPublic(), "x", other, "x")};
        assertThrows(KeyStoreException.class, () -> ks.setKeyEntry("tls", other.getPrivate(), null, mine));
        assertThrows(KeyStoreException.class, () -> ks.setKeyEntry("ALIAS/TLS", other.getPrivate(), null, mine));
        assertThrows(KeyStoreException.class, () -> ks.setKeyEntry("orders", other.getPrivate(), null, mine));
        assertEquals(tls.keyId(), ((KmsPrivateKeyHandle) ks.getKey("tls", null)).keyId());
    }

    // ------------------------------------------------------------------ findings (fixed)

    /**
     * Finding (fixed): {@code Aliases.normalize} stripped one {@code alias/}, so
     * {@code alias/alias/payments} was stored as {@code alias/payments}, and every later reading of
     * the record normalized it again, to {@code payments}: after a restart the attacker's key (anyone
     * allowed to add a key) and the administrator's later {@code payments} both held that alias, and
     * the older, the attacker's, won. Such a name is now refused, and records keep their aliases as
     * stored.
     */
    @Test
    void anAliasSpelledWithTheAliasPrefixTwice_isRefused_andTheRealAliasSurvivesARestart() throws Exception {
        KeyService service = admin();
        KeyStore ks = KeyStore.getInstance("KMS", PROVIDER);
        ks.load(KmsLoadParameter.managing(service));
        KeyPair mine = p256();
        assertThrows(KeyStoreException.class, () -> ks.setKeyEntry("alias/alias/payments", mine.getPrivate(), null,
                new Certificate[] {issue(mine.getPublic(), "payments.example", mine, "payments.example")}));
        KmsPrivateKeyHandle real = service.createKeyPair(CreateKeyRequest.withAlias("payments")
                .keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsage.SIGN_VERIFY));
        for (KeyService s : open) {
            s.close();
        }
        open.clear();

        KeyStore restarted = KeyStore.getInstance("KMS", PROVIDER);
        restarted.load(KmsLoadParameter.of(admin()));
        assertEquals(real.keyId(), ((KmsPrivateKeyHandle) restarted.getKey("payments", null)).keyId());
        assertEquals(List.of("orders", "payments", "tls"), Collections.list(restarted.aliases()).stream().sorted().toList());
    }

    /**
     * Finding (fixed): a private key imported as {@code alias/alias/tls2} was listed by aliases() as
     * {@code alias/tls2}, which containsAlias, getKey and getCertificateChain did not find. Now the
     * name is refused, and every listed alias is found.
     */
    @Test
    void everyListedAlias_isFoundByContainsAliasAndGetKey() throws Exception {
        KeyStore ks = administrator();
        KeyPair mine = p256();
        assertThrows(KeyStoreException.class, () -> ks.setKeyEntry("alias/alias/tls2", mine.getPrivate(), null,
                new Certificate[] {issue(mine.getPublic(), "tls2", mine, "tls2")}));
        List<String> listed = Collections.list(ks.aliases());
        assertFalse(listed.isEmpty());
        for (String alias : listed) {
            assertTrue(ks.containsAlias(alias), "aliases() lists " + alias + " " + listed + ", containsAlias says it is absent");
            assertTrue(ks.getKey(alias, null) != null, "getKey(" + alias + ") is null for a listed alias");
        }
    }

    /**
     * Finding (fixed): keytool asks containsAlias before it writes, to confirm an overwrite. For
     * {@code alias/alias/orders} and for the key id of {@code orders}, containsAlias said absent,
     * yet setKeyEntry added the given material as the new current version of {@code orders}. An
     * import now finds its key by alias only, and neither name is an alias a key can take.
     */
    @Test
    void setKeyEntryUnderANameThatIsNoAlias_addsNoVersionToAnExistingKey() throws Exception {
        KeyService service = admin();
        KeyStore ks = KeyStore.getInstance("KMS", PROVIDER);
        ks.load(KmsLoadParameter.managing(service));
        String ordersId = ((KmsKeyHandle) ks.getKey("orders", null)).keyId().toString();
        for (String name : List.of("alias/alias/orders", ordersId, ordersId.toUpperCase(java.util.Locale.ROOT))) {
            assertFalse(ks.containsAlias(name), name);
            assertThrows(KeyStoreException.class, () -> ks.setKeyEntry(name, aes(9), null, null), name);
            assertEquals(1, service.describeKey("orders").currentVersion(),
                    "setKeyEntry(" + name + ") made caller-chosen material the current version of orders");
        }
    }

    /**
     * Finding (fixed): passwords were encoded with {@code StandardCharsets.UTF_8.encode}, which
     * replaces an unpaired surrogate with {@code ?}: distinct passwords opened the same store.
     */
    @Test
    void aPasswordWithAnUnpairedSurrogate_isNotOpenedByQuestionMark() throws Exception {
        Path other = dir.resolve("surrogate.kms");
        char[] password = "pw\uD800rest".toCharArray();
        KeyStore ks = KeyStore.getInstance("KMS", PROVIDER);
        ks.load(KmsLoadParameter.file(other, password));
        ks.setKeyEntry("k", aes(5), null, null);
        KeyStore guessed = KeyStore.getInstance("KMS", PROVIDER);
        assertThrows(IOException.class, () -> guessed.load(KmsLoadParameter.file(other, "pw?rest".toCharArray())),
                "a different password opened the store");
    }
}
