package io.kmsjca.server;

import io.kmsjca.internal.remote.RemoteKeyHandle;
import io.kmsjca.keys.DataKeyCache;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyUnavailableException;
import io.kmsjca.keys.KeyUseDeniedException;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsAdmin;
import io.kmsjca.provider.KmsDataKey;
import io.kmsjca.provider.KmsDataKeySpec;
import io.kmsjca.provider.KmsEncryptionContextSpec;
import io.kmsjca.provider.KmsEnvelopeSpec;
import io.kmsjca.provider.KmsLoadParameter;
import io.kmsjca.provider.KmsProvider;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.ProviderException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The provider as the server's client (issue #18, "The provider as a client"): a provider
 * configured by kms.conf with {@code store.url} naming a {@link KmsServer} on loopback, its
 * KeyStore listing the server's keys and its ciphers sending requests; blobs interchangeable with
 * the embedded mode on the same store; the embedded mode's exceptions for refusals.
 */
class RemoteProviderTest {

    @TempDir
    Path dir;
    ServerFixture fixture;
    KeyService admin;

    /**
     * The store policy: {@code app} (a key user's access key) and the server's own credential (the
     * embedded side of these tests) may list the keys and use them; key policies left at AWS's
     * default delegate to it. {@code alice} and the store's administrator {@code root} may do anything.
     */
    static final String STORE_POLICY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"admins\",\"Effect\":\"Allow\","
            + "\"Principal\":{\"AWS\":[\"root\",\"alice\"]},\"Action\":\"kms:*\",\"Resource\":\"*\"},{\"Sid\":\"use\",\"Effect\":\"Allow\","
            + "\"Principal\":{\"AWS\":[\"app\",\"kms-server\"]},\"Action\":[\"kms:ListAliases\",\"kms:ListKeys\","
            + "\"kms:DescribeKey\",\"kms:Encrypt\",\"kms:Decrypt\",\"kms:GenerateDataKey\","
            + "\"kms:GenerateDataKeyWithoutPlaintext\"],\"Resource\":\"*\"}]}";

    @BeforeEach
    void start() throws Exception {
        fixture = new ServerFixture(dir);
        try (KeyService store = KmsAdmin.open(fixture.file, ServerFixture.ADMIN_PASSWORD, fixture.options())) {
            store.putStorePolicy(STORE_POLICY, false);
        }
        fixture.start();
        admin = KmsAdmin.open(remoteStore(client(fixture.alice)), "ignored".toCharArray());
        admin.createKey("orders", "order payloads");
        admin.createKey("billing", "invoices");
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    /** A secret-access-key-file is refused when others may read it. */
    private static Path ownerOnly(Path file) throws IOException {
        if (Files.getFileAttributeView(file, java.nio.file.attribute.PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
        return file;
    }

    /** A provider configured the way an application is: kms.conf naming the server and an access key. */
    private Provider client(ServerFixture.AccessKey key) throws IOException {
        return client(key, fixture.server.endpoint().toString());
    }

    private Provider client(ServerFixture.AccessKey key, String url) throws IOException {
        Path secret = ownerOnly(Files.writeString(dir.resolve(key.id() + ".secret"), key.secret() + "\n"));
        Path conf = Files.writeString(dir.resolve(key.id() + ".conf"), "store.url=" + url + "\naccess-key-id=" + key.id()
                + "\nsecret-access-key-file=" + secret.getFileName() + "\nregion=" + ServerFixture.REGION
                + "\nretry-base-delay-ms=1\n");
        return new KmsProvider().configure(conf.toString());
    }

    private static KeyStore remoteStore(Provider provider) throws Exception {
        KeyStore ks = KeyStore.getInstance("KMS", provider);
        ks.load(null, null);
        return ks;
    }

    /** The same store, embedded: the server's own key service, as a KeyStore of this JVM. */
    private KeyStore embeddedStore() throws Exception {
        KeyStore ks = KeyStore.getInstance("KMS", new KmsProvider());
        ks.load(KmsLoadParameter.of(fixture.service));
        return ks;
    }

    private static final SecretKey DATA_KEY = new SecretKeySpec("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII), "AES");

    private static byte[] wrap(Key master, Provider p, Map<String, String> context) throws Exception {
        Cipher c = Cipher.getInstance("KMSWrap", p);
        c.init(Cipher.WRAP_MODE, master, new KmsEncryptionContextSpec(context));
        return c.wrap(DATA_KEY);
    }

    private static Key unwrap(Key master, Provider p, byte[] blob, Map<String, String> context) throws Exception {
        Cipher c = Cipher.getInstance("KMSWrap", p);
        c.init(Cipher.UNWRAP_MODE, master, new KmsEncryptionContextSpec(context));
        return c.unwrap(blob, "AES", Cipher.SECRET_KEY);
    }

    private long audited(int from, AuditOperation op) {
        return fixture.eventsSince(from).stream().filter(e -> e.operation() == op).count();
    }

    @Test
    void theKeyStore_listsTheServersKeys_andKmsWrapRoundTrips() throws Exception {
        Provider p = client(fixture.app);
        KeyStore ks = remoteStore(p);
        assertEquals(List.of("billing", "orders"), Collections.list(ks.aliases()).stream().sorted().toList());
        RemoteKeyHandle orders = assertInstanceOf(RemoteKeyHandle.class, ks.getKey("orders", null));
        assertEquals(fixture.service.findKey("orders").orElseThrow().keyId(), orders.keyId());
        assertNull(orders.getEncoded());
        assertTrue(orders.toString().endsWith(" on " + fixture.server.endpoint() + "]"), orders.toString());
        assertThrows(java.io.NotSerializableException.class,
                () -> new java.io.ObjectOutputStream(new java.io.ByteArrayOutputStream()).writeObject(orders));

        int from = fixture.audit.size();
        Map<String, String> context = Map.of("order", "42");
        byte[] blob = wrap(orders, p, context);
        assertArrayEquals(DATA_KEY.getEncoded(), unwrap(orders, p, blob, context).getEncoded());
        List<AuditEvent> events = fixture.eventsSince(from);
        assertEquals(List.of(AuditOperation.ENCRYPT, AuditOperation.DECRYPT), events.stream().map(AuditEvent::operation).toList());
        assertTrue(events.stream().allMatch(e -> "app".equals(e.principal()) && e.outcome() == AuditOutcome.SUCCESS), events.toString());

        InvalidKeyException wrongContext = assertThrows(InvalidKeyException.class, () -> unwrap(orders, p, blob, Map.of("order", "43")));
        assertInstanceOf(AEADBadTagException.class, wrongContext.getCause());
    }

    @Test
    void aBlobFromTheRemoteSide_opensEmbedded_andBack() throws Exception {
        Provider p = client(fixture.app);
        Key remote = remoteStore(p).getKey("orders", null);
        KeyStore embedded = embeddedStore();
        Key local = embedded.getKey("orders", null);
        Map<String, String> context = Map.of("tenant", "a");

        byte[] fromRemote = wrap(remote, p, context);
        assertArrayEquals(DATA_KEY.getEncoded(), unwrap(local, embedded.getProvider(), fromRemote, context).getEncoded());
        byte[] fromEmbedded = wrap(local, embedded.getProvider(), context);
        assertArrayEquals(DATA_KEY.getEncoded(), unwrap(remote, p, fromEmbedded, context).getEncoded());
    }

    @Test
    void kmsDataKey_withAndWithoutPlaintext() throws Exception {
        Provider p = client(fixture.app);
        KmsKeyHandle remote = (KmsKeyHandle) remoteStore(p).getKey("orders", null);
        KeyGenerator g = KeyGenerator.getInstance("KMSDataKey", p);
        g.init(KmsDataKeySpec.aes256(remote).withContext(Map.of("file", "report.pdf")));
        int from = fixture.audit.size();
        KmsDataKey dataKey = (KmsDataKey) g.generateKey();
        assertEquals(32, dataKey.getEncoded().length);
        KeyStore embedded = embeddedStore();
        assertArrayEquals(dataKey.getEncoded(), unwrap(embedded.getKey("orders", null), embedded.getProvider(),
                dataKey.ciphertextBlob(), Map.of("file", "report.pdf")).getEncoded());

        g.init(KmsDataKeySpec.of(remote, 128).withoutPlaintext());
        KmsDataKey sealedOnly = (KmsDataKey) g.generateKey();
        assertNull(sealedOnly.getEncoded());
        assertEquals(16, unwrap(remote, p, sealedOnly.ciphertextBlob(), Map.of()).getEncoded().length);
        assertEquals(1, audited(from, AuditOperation.GENERATE_DATA_KEY));
        assertEquals(1, audited(from, AuditOperation.GENERATE_DATA_KEY_WITHOUT_PLAINTEXT));
    }

    @Test
    void kmsEnvelopeWithACache_costsOneGenerateDataKey_forManyMessages() throws Exception {
        Provider p = client(fixture.app);
        KeyStore ks = remoteStore(p);
        KmsKeyHandle orders = (KmsKeyHandle) ks.getKey("orders", null);
        DataKeyCache cache = new DataKeyCache(1000, 1 << 20, Duration.ofMinutes(5));
        int from = fixture.audit.size();
        int n = 20;
        byte[][] messages = new byte[n][];
        for (int i = 0; i < n; i++) {
            Cipher c = Cipher.getInstance("KMSEnvelope", p);
            c.init(Cipher.ENCRYPT_MODE, orders, KmsEnvelopeSpec.withContext(Map.of("tenant", "a")).withDataKeyCache(cache));
            messages[i] = c.doFinal(("message " + i).getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(1, audited(from, AuditOperation.GENERATE_DATA_KEY));
        assertEquals(1, fixture.eventsSince(from).size(), "one request for " + n + " messages");

        // each message opens remotely (one Decrypt) and embedded, on the same store
        Cipher d = Cipher.getInstance("KMSEnvelope", p);
        d.init(Cipher.DECRYPT_MODE, orders);
        assertArrayEquals("message 7".getBytes(StandardCharsets.UTF_8), d.doFinal(messages[7]));
        assertEquals(1, audited(from, AuditOperation.DECRYPT));
        KeyStore embedded = embeddedStore();
        Cipher e = Cipher.getInstance("KMSEnvelope", embedded.getProvider());
        e.init(Cipher.DECRYPT_MODE, embedded.getKey("orders", null));
        assertArrayEquals("message 19".getBytes(StandardCharsets.UTF_8), e.doFinal(messages[19]));
        // random access too: the reader's data key comes from one Decrypt
        Path file = Files.write(dir.resolve("message-3"), messages[3]);
        try (var channel = Files.newByteChannel(file);
             io.kmsjca.provider.KmsEnvelopeReader reader = io.kmsjca.provider.KmsEnvelopeReader.open(channel, orders,
                     Map.of("tenant", "a"))) {
            java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(32);
            reader.position(8);
            reader.read(out);
            assertEquals("3", new String(out.array(), 0, out.position(), StandardCharsets.UTF_8));
        }
        assertEquals(2, audited(from, AuditOperation.DECRYPT));

        // a store-wide ring of the server's keys opens a message to two keys
        KmsKeyHandle billing = (KmsKeyHandle) ks.getKey("billing", null);
        Cipher two = Cipher.getInstance("KMSEnvelope", p);
        two.init(Cipher.ENCRYPT_MODE, io.kmsjca.keys.KmsKeyRing.of(orders, billing));
        byte[] toBoth = two.doFinal("both".getBytes(StandardCharsets.UTF_8));
        Cipher any = Cipher.getInstance("KMSEnvelope", p);
        any.init(Cipher.DECRYPT_MODE, io.kmsjca.keys.KmsKeyRing.anyKeyOf(admin));
        assertArrayEquals("both".getBytes(StandardCharsets.UTF_8), any.doFinal(toBoth));
    }

    @Test
    void aDisabledKey_isRefusedWithTheEmbeddedModesException() throws Exception {
        Provider p = client(fixture.app);
        Key remote = remoteStore(p).getKey("orders", null);
        KeyStore embeddedStore = embeddedStore();
        Key local = embeddedStore.getKey("orders", null);
        admin.disableKey("orders");

        InvalidKeyException embedded = assertThrows(InvalidKeyException.class, () -> wrap(local, embeddedStore.getProvider(), Map.of()));
        InvalidKeyException remoteRefusal = assertThrows(InvalidKeyException.class, () -> wrap(remote, p, Map.of()));
        assertSame(KeyUnavailableException.class, embedded.getClass());
        assertSame(embedded.getClass(), remoteRefusal.getClass());
        assertTrue(remoteRefusal.getMessage().contains("is Disabled"), remoteRefusal.getMessage());

        KeyGenerator g = KeyGenerator.getInstance("KMSDataKey", p);
        g.init(KmsDataKeySpec.aes256((KmsKeyHandle) remote));
        ProviderException dataKey = assertThrows(ProviderException.class, g::generateKey);
        assertInstanceOf(KeyUnavailableException.class, dataKey.getCause());

        admin.enableKey("orders"); // and at once usable again: nothing was cached on this side
        assertArrayEquals(DATA_KEY.getEncoded(), unwrap(remote, p, wrap(remote, p, Map.of()), Map.of()).getEncoded());
    }

    @Test
    void aPrincipalThePolicyRefuses_isRefusedAsEmbedded() throws Exception {
        // app may see the key, not use it
        admin.putKeyPolicy("billing", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Principal\":{\"AWS\":\"alice\"},\"Action\":\"kms:*\",\"Resource\":\"*\"},{\"Effect\":\"Allow\","
                + "\"Principal\":{\"AWS\":\"app\"},\"Action\":\"kms:DescribeKey\",\"Resource\":\"*\"}]}", false);
        Provider p = client(fixture.app);
        Key billing = remoteStore(p).getKey("billing", null);
        int from = fixture.audit.size();
        KeyUseDeniedException denied = assertThrows(KeyUseDeniedException.class, () -> wrap(billing, p, Map.of()));
        assertEquals("kms:Encrypt", denied.denial().action());
        List<AuditEvent> events = fixture.eventsSince(from);
        assertEquals(1, events.size());
        assertEquals(AuditOutcome.DENIED, events.get(0).outcome());
        assertEquals("app", events.get(0).principal());

        Provider alice = client(fixture.alice); // the policy's own principal may
        Key hers = remoteStore(alice).getKey("billing", null);
        assertArrayEquals(DATA_KEY.getEncoded(), unwrap(hers, alice, wrap(hers, alice, Map.of()), Map.of()).getEncoded());
    }

    @Test
    void aServerThatIsDown_isNamedInTheError() throws Exception {
        Provider p = client(fixture.app);
        Key remote = remoteStore(p).getKey("orders", null);
        String url = fixture.server.endpoint().toString().replaceAll("/$", "");
        fixture.server.close();
        KeyUnavailableException e = assertThrows(KeyUnavailableException.class, () -> wrap(remote, p, Map.of()));
        assertTrue(e.getMessage().contains("kms-jca server " + url + " cannot be reached (Encrypt)"), e.getMessage());

        IOException load = assertThrows(IOException.class, () -> remoteStore(client(fixture.app)));
        assertTrue(load.getMessage().contains(url), load.getMessage());
    }

    /**
     * The client holds no master key material: a JVM of its own, configured by kms.conf, uses every
     * JCA service on a server's key, and its class-loading log shows that none of the classes that
     * hold or unseal master key material (a key and its versions, the root key, record sealing, the
     * embedded service and its per-blob derived keys) was ever loaded, so none was instantiated;
     * the remote client's classes were.
     */
    @Test
    void theClientJvm_neverLoadsWhatHoldsMasterKeyMaterial() throws Exception {
        client(fixture.app); // writes app's kms.conf
        Path conf = dir.resolve(fixture.app.id() + ".conf");
        Path log = dir.resolve("classes.log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + log, "-cp", System.getProperty("java.class.path"),
                RemoteClientMain.class.getName(), conf.toString())
                .redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.waitFor(), out);
        assertEquals("aliases=[billing, orders]\nunwrapped=true\ndataKey=32\nenvelope=hello\n", out);

        List<String> loaded = Files.readAllLines(log).stream().map(l -> l.replaceAll("^.*\\] ([^ ]+) source:.*$", "$1")).toList();
        assertTrue(loaded.contains("io.kmsjca.internal.remote.RemoteKeyOperations"), "the log lists the provider's classes");
        assertTrue(loaded.contains("io.kmsjca.internal.engine.EnvelopeEngine"));
        for (String holder : List.of("io.kmsjca.internal.model.MasterKey", "io.kmsjca.internal.model.KeyVersion",
                "io.kmsjca.internal.store.RootKey", "io.kmsjca.internal.store.RecordSeal", "io.kmsjca.internal.store.SlotKeys",
                "io.kmsjca.internal.service.EmbeddedKeyService", "io.kmsjca.internal.service.KeyRegistry",
                "io.kmsjca.internal.engine.DerivedKey")) {
            assertTrue(!loaded.contains(holder), holder + " was loaded in the client JVM");
        }
    }

    @Test
    void aSafeRequest_isSentAgainAfterAConnectionReset_anUnsafeOneIsNot() throws Exception {
        try (ResettingProxy proxy = new ResettingProxy(fixture.server.address())) {
            Provider p = client(fixture.alice, proxy.url());
            KeyStore ks = remoteStore(p);
            Key orders = ks.getKey("orders", null);
            int from = fixture.audit.size();
            proxy.resetNextRequest();
            byte[] blob = wrap(orders, p, Map.of());
            assertEquals(1, proxy.resets());
            assertEquals(2, proxy.connections(), "the retry opened a new connection");
            assertEquals(List.of(AuditOperation.ENCRYPT), fixture.eventsSince(from).stream().map(AuditEvent::operation).toList());
            assertArrayEquals(DATA_KEY.getEncoded(), unwrap(orders, p, blob, Map.of()).getEncoded());

            KeyService viaProxy = KmsAdmin.open(ks, "ignored".toCharArray());
            int before = fixture.audit.size();
            int keys = fixture.service.listKeys().size();
            proxy.resetNextRequest(); // no alias: CreateKey is the first request (an alias is looked up first, safely)
            java.security.KeyStoreException e = assertThrows(java.security.KeyStoreException.class,
                    () -> viaProxy.createKey(null, "never created twice"));
            assertTrue(e.getMessage().contains(proxy.url() + " cannot be reached (CreateKey)"), e.getMessage());
            assertEquals(2, proxy.resets());
            assertEquals(List.of(), fixture.eventsSince(before), "sent once, and the reset kept it from the server");
            assertEquals(keys, fixture.service.listKeys().size());
        }
    }

    /** A self-signed certificate for 127.0.0.1 made by keytool: the server's key store and the client's PEM. */
    private static javax.net.ssl.SSLContext serverTls(Path dir, Path pem) throws Exception {
        Path p12 = dir.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "san=ip:127.0.0.1", "-validity", "2", "-keystore", p12.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit");
        run(keytool, "-exportcert", "-rfc", "-alias", "server", "-keystore", p12.toString(), "-storepass", "changeit",
                "-file", pem.toString());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(p12)) {
            ks.load(in, "changeit".toCharArray());
        }
        var kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
        kmf.init(ks, "changeit".toCharArray());
        var ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
    }

    @Test
    void overHttps_theConfiguredTrustStoreDecides() throws Exception {
        fixture.close();
        Path pem = dir.resolve("server.pem");
        javax.net.ssl.SSLContext tls = serverTls(dir, pem);
        fixture = new ServerFixture(Files.createDirectories(dir.resolve("tls-store"))).start(b -> b.tls(tls));
        String url = fixture.server.endpoint().toString();
        assertTrue(url.startsWith("https://127.0.0.1:"), url);

        // not trusted: the JDK's authorities do not know this certificate
        IOException untrusted = assertThrows(IOException.class, () -> remoteStore(client(fixture.alice, url)));
        assertTrue(untrusted.getMessage().contains("cannot be reached (ListAliases)"), untrusted.getMessage());
        assertInstanceOf(javax.net.ssl.SSLHandshakeException.class, untrusted.getCause().getCause());

        Path secret = ownerOnly(Files.writeString(dir.resolve("alice-tls.secret"), fixture.alice.secret()));
        Path conf = Files.writeString(dir.resolve("tls.conf"), "store.url=" + url + "\naccess-key-id=" + fixture.alice.id()
                + "\nsecret-access-key-file=" + secret + "\nregion=" + ServerFixture.REGION + "\ntrust-store=" + pem + "\n");
        Provider p = new KmsProvider().configure(conf.toString());
        KeyService tlsAdmin = KmsAdmin.open(remoteStore(p), "ignored".toCharArray());
        KmsKeyHandle key = tlsAdmin.createKey("tls", "over https");
        assertArrayEquals(DATA_KEY.getEncoded(), unwrap(key, p, wrap(key, p, Map.of("a", "b")), Map.of("a", "b")).getEncoded());
    }

    @Test
    void management_describesListsGrantsAndReEncrypts_throughTheServer() throws Exception {
        var orders = admin.describeKey("orders");
        assertEquals(List.of("orders"), orders.aliases());
        assertEquals("order payloads", orders.description());
        assertEquals(io.kmsjca.keys.KeyState.ENABLED, orders.state());
        assertEquals(fixture.service.describeKey("orders").creationDate().truncatedTo(java.time.temporal.ChronoUnit.MILLIS),
                orders.creationDate()); // AWS dates travel in milliseconds
        assertEquals(List.of(orders.keyId(), admin.describeKey("billing").keyId()).stream().sorted().toList(),
                admin.listKeys().stream().map(io.kmsjca.keys.KeyMetadata::keyId).toList());
        assertEquals(2, admin.rotateKeyOnDemand("orders"));
        assertEquals(List.of(2), admin.listKeyRotations("orders").stream().map(io.kmsjca.keys.KeyRotation::version).toList());

        // billing lets only alice use it; a grant lets app, until it is revoked
        admin.putKeyPolicy("billing", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Principal\":{\"AWS\":\"alice\"},\"Action\":\"kms:*\",\"Resource\":\"*\"},{\"Effect\":\"Allow\","
                + "\"Principal\":{\"AWS\":\"app\"},\"Action\":\"kms:DescribeKey\",\"Resource\":\"*\"}]}", false);
        Provider app = client(fixture.app);
        Key billing = remoteStore(app).getKey("billing", null);
        assertThrows(KeyUseDeniedException.class, () -> wrap(billing, app, Map.of("tenant", "a")));
        io.kmsjca.keys.KeyGrant grant = admin.createGrant("billing", io.kmsjca.keys.GrantRequest.to("app",
                java.util.Set.of(io.kmsjca.keys.GrantOperation.Encrypt, io.kmsjca.keys.GrantOperation.Decrypt))
                .contextSubset(Map.of("tenant", "a")).name("app-billing"));
        assertEquals("app", grant.granteePrincipal());
        assertEquals(Map.of("tenant", "a"), grant.encryptionContextSubset());
        assertEquals(java.util.Set.of(io.kmsjca.keys.GrantOperation.Encrypt, io.kmsjca.keys.GrantOperation.Decrypt), grant.operations());
        assertEquals(List.of(grant), admin.listGrants("billing"));
        byte[] blob = wrap(billing, app, Map.of("tenant", "a"));
        assertThrows(KeyUseDeniedException.class, () -> wrap(billing, app, Map.of("tenant", "b")), "outside the grant's constraint");

        // ReEncrypt moves a blob to another key without its plaintext reaching the client
        byte[] moved = admin.reEncrypt(blob, Map.of("tenant", "a"), "orders", Map.of("tenant", "c"));
        Key ordersKey = remoteStore(app).getKey("orders", null);
        assertArrayEquals(DATA_KEY.getEncoded(), unwrap(ordersKey, app, moved, Map.of("tenant", "c")).getEncoded());

        admin.revokeGrant("billing", grant.grantId());
        assertEquals(List.of(), admin.listGrants("billing"));
        assertThrows(KeyUseDeniedException.class, () -> wrap(billing, app, Map.of("tenant", "a")));
    }

    @Test
    void createKeyWithAPolicy_sendsItInTheCreateKeyRequest_withTheBypass() throws Exception {
        String onlyAlice = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"only-alice\",\"Effect\":\"Allow\","
                + "\"Principal\":{\"AWS\":\"alice\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}";
        KmsKeyHandle made = admin.createKey(io.kmsjca.keys.CreateKeyRequest.withAlias("with-policy").policy(onlyAlice));
        assertTrue(admin.getKeyPolicy(made.keyId().toString()).contains("only-alice"));
        // a policy that locks alice out: refused by the server unless the bypass is sent too
        String appOnly = onlyAlice.replace("\"alice\"", "\"app\"");
        assertThrows(io.kmsjca.keys.InvalidKeyRequestException.class,
                () -> admin.createKey(io.kmsjca.keys.CreateKeyRequest.withoutAlias().policy(appOnly)));
        admin.createKey(io.kmsjca.keys.CreateKeyRequest.withoutAlias().policy(appOnly).bypassPolicyLockoutSafetyCheck(true));
    }
}
