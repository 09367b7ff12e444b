package io.kmsjca.provider;

import io.kmsjca.internal.format.WrappedKeyBlob;
import io.kmsjca.internal.remote.FakeKmsServer;
import io.kmsjca.internal.remote.RemoteKeyHandle;
import io.kmsjca.keys.DataKeyCache;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KmsKeyHandle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidParameterException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.Provider;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code store.url=http(s)://...} in kms.conf: the KeyStore is the server's, its handles send
 * requests, KMSEnvelope asks for one data key per cached entry, and the configuration refuses
 * what would not apply or would put a secret in the file.
 */
class RemoteStoreConfigTest {

    private static final UUID KEY = UUID.fromString("1f0c2b5e-7a41-4b8e-9a1d-3c5e6f708192");

    @TempDir
    Path dir;
    private FakeKmsServer server;

    @BeforeEach
    void start() throws IOException {
        server = new FakeKmsServer();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private Provider provider(String url, String more) throws IOException {
        ownerOnly(Files.writeString(dir.resolve("secret"), "kms-jca-test-secret/0123456789abcdefghij\n"));
        Path conf = Files.writeString(dir.resolve("kms.conf"), "store.url=" + url + "\naccess-key-id=AKIAKMSJCATEST0001\n"
                + "secret-access-key-file=secret\nregion=eu-west-1\nretry-base-delay-ms=0\n" + more);
        return new KmsProvider().configure(conf.toString());
    }

    /** A secret-access-key-file is refused when others may read it. */
    static java.nio.file.Path ownerOnly(java.nio.file.Path file) throws IOException {
        if (Files.getFileAttributeView(file, java.nio.file.attribute.PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
        return file;
    }

    private static String describe(UUID id) {
        return "{\"KeyMetadata\":{\"KeyId\":\"" + id + "\",\"KeyState\":\"Enabled\",\"CreationDate\":1700000000.5}}";
    }

    @Test
    void theKeyStore_isTheServers_andItsHandlesAreRemote() throws Exception {
        KeyStore ks = KeyStore.getInstance("KMS", provider(server.url(), ""));
        server.answer(200, "{\"Aliases\":[]}"); // the load's check that the server answers
        ks.load(null, null);
        server.answer(200, "{\"Aliases\":[{\"AliasName\":\"alias/orders\",\"TargetKeyId\":\"" + KEY + "\"}]}");
        assertEquals(List.of("orders"), Collections.list(ks.aliases()));
        // containsAlias, then whether it is a key pair (a symmetric key: no GetPublicKey), then the handle
        server.answer(200, describe(KEY)).answer(200, describe(KEY)).answer(200, describe(KEY));
        RemoteKeyHandle orders = assertInstanceOf(RemoteKeyHandle.class, ks.getKey("orders", null));
        assertEquals(KEY, orders.keyId());
        assertEquals(server.url(), orders.serverUrl());
        assertEquals(List.of("TrentService.ListAliases", "TrentService.ListAliases", "TrentService.DescribeKey",
                "TrentService.DescribeKey", "TrentService.DescribeKey"),
                server.requests().stream().map(FakeKmsServer.Request::target).toList());
        assertTrue(server.requests().get(2).body().contains("\"KeyId\":\"alias/orders\""), server.requests().get(2).body());

        KeyStoreException imported = assertThrows(KeyStoreException.class,
                () -> ks.setKeyEntry("new", new SecretKeySpec(new byte[32], "AES"), null, null));
        assertTrue(imported.getMessage().contains("not available on a kms-jca server's store"), imported.getMessage());
        assertThrows(IOException.class, () -> ks.store(new ByteArrayOutputStream(), "pw".toCharArray()));
        KeyService admin = KmsAdmin.open(ks, "ignored".toCharArray());
        assertTrue(admin.toString().contains(server.url()), admin.toString());
        assertEquals(5, server.requests().size(), "refusals send nothing");
    }

    @Test
    void envelopeWithACache_asksForOneDataKey_forManyMessages() throws Exception {
        KeyStore ks = KeyStore.getInstance("KMS", provider(server.url(), ""));
        server.answer(200, "{\"Aliases\":[]}");
        ks.load(null, null);
        server.answer(200, describe(KEY)).answer(200, describe(KEY)).answer(200, describe(KEY)); // containsAlias, key pair?, the handle
        KmsKeyHandle key = (KmsKeyHandle) ks.getKey("orders", null);
        int before = server.requests().size();
        byte[] dataKey = new byte[32];
        java.util.Arrays.fill(dataKey, (byte) 0x3C);
        byte[] blob = WrappedKeyBlob.newBlob(KEY, 1, new byte[32], new byte[32], 0L, 32);
        String b64Key = Base64.getEncoder().encodeToString(dataKey);
        server.answer(200, "{\"CiphertextBlob\":\"" + Base64.getEncoder().encodeToString(blob) + "\",\"Plaintext\":\"" + b64Key + "\"}");
        DataKeyCache cache = new DataKeyCache(100, 1 << 20, Duration.ofMinutes(5));
        Provider p = ks.getProvider();
        byte[][] messages = new byte[5][];
        for (int i = 0; i < messages.length; i++) {
            Cipher c = Cipher.getInstance("KMSEnvelope", p);
            c.init(Cipher.ENCRYPT_MODE, key, KmsEnvelopeSpec.withContext(Map.of("tenant", "a")).withDataKeyCache(cache));
            messages[i] = c.doFinal(("message " + i).getBytes(StandardCharsets.UTF_8));
        }
        List<FakeKmsServer.Request> sent = server.requests();
        assertEquals(List.of("TrentService.GenerateDataKey"), sent.subList(before, sent.size()).stream()
                .map(FakeKmsServer.Request::target).toList());
        assertTrue(sent.get(before).body().contains("\"NumberOfBytes\":32,\"EncryptionContext\":{\"tenant\":\"a\"}"), sent.get(2).body());

        server.answer(200, "{\"Plaintext\":\"" + b64Key + "\",\"KeyId\":\"" + KEY + "\"}");
        Cipher d = Cipher.getInstance("KMSEnvelope", p);
        d.init(Cipher.DECRYPT_MODE, key);
        assertArrayEquals("message 3".getBytes(StandardCharsets.UTF_8), d.doFinal(messages[3]));
        FakeKmsServer.Request decrypt = server.requests().get(before + 1);
        assertEquals("TrentService.Decrypt", decrypt.target());
        assertTrue(decrypt.body().contains(Base64.getEncoder().encodeToString(blob)), decrypt.body());

        Cipher signed = Cipher.getInstance("KMSEnvelope", p);
        assertThrows(InvalidAlgorithmParameterException.class,
                () -> signed.init(Cipher.ENCRYPT_MODE, key, KmsEnvelopeSpec.withContext(Map.of()).signed()));
        assertEquals(before + 2, server.requests().size());
    }

    @Test
    void aServerThatIsDown_failsTheLoad_naming_it() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port;
        KeyStore ks = KeyStore.getInstance("KMS", provider(url, "max-attempts=2\n"));
        IOException e = assertThrows(IOException.class, () -> ks.load(null, null));
        assertTrue(e.getMessage().startsWith("kms-jca server " + url + " cannot be reached (ListAliases)"), e.getMessage());
    }

    @Test
    void aServerThatStopsAnswering_isNamed_notAnEmptyStore() throws Exception {
        KeyStore ks = KeyStore.getInstance("KMS", provider(server.url(), "max-attempts=2\n"));
        server.answer(200, "{\"Aliases\":[]}");
        ks.load(null, null);
        server.reset().reset();
        java.security.ProviderException e = assertThrows(java.security.ProviderException.class, ks::aliases);
        assertTrue(e.getMessage().contains(server.url() + " cannot be reached (ListAliases)"), e.getMessage());
        server.error(400, "AccessDeniedException", "may not list aliases");
        assertEquals(0, ks.size(), "a refusal by policy lists nothing, as embedded");
    }

    @Test
    void aRefusedAccessKey_failsTheLoad_asAWrongPasswordDoes() throws Exception {
        KeyStore ks = KeyStore.getInstance("KMS", provider(server.url(), ""));
        server.error(400, "UnrecognizedClientException", "The security token included in the request is invalid.");
        IOException e = assertThrows(IOException.class, () -> ks.load(null, null));
        assertInstanceOf(java.security.UnrecoverableKeyException.class, e.getCause());
        assertTrue(e.getMessage().contains("refused the access key"), e.getMessage());
        server.error(400, "AccessDeniedException", "may not list aliases"); // a refusal by policy proves the credential
        ks.load(null, null);
    }

    @Test
    void theConfiguration_refusesKeysThatDoNotApply_andAnInlineSecret() throws IOException {
        for (String bad : List.of("store.password.file=pw", "kdf.insecureForTests=true", "audit.file=a.jsonl",
                "secret-access-key=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "store.file=keys.kms")) {
            InvalidParameterException e = assertThrows(InvalidParameterException.class, () -> provider(server.url(), bad + "\n"), bad);
            assertTrue(e.getMessage().contains(bad.substring(0, bad.indexOf('='))), e.getMessage());
        }
        InvalidParameterException http = assertThrows(InvalidParameterException.class,
                () -> provider("http://kms.internal:8080", ""));
        assertTrue(http.getMessage().contains("loopback"), http.getMessage());
        for (String bad : List.of("max-attempts=many", "max-attempts=0", "max-attempts=11", "connect-timeout-ms=0",
                "request-timeout-ms=-5", "retry-base-delay-ms=-1", "retry-base-delay-ms=5001", "region=US EAST")) {
            assertSame(InvalidParameterException.class, assertThrows(InvalidParameterException.class,
                    () -> provider(server.url(), bad + "\n"), bad).getClass());
        }
    }
}
