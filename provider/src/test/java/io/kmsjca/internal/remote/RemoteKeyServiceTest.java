package io.kmsjca.internal.remote;

import io.kmsjca.internal.format.WrappedKeyBlob;
import io.kmsjca.internal.sigv4.SigV4;
import io.kmsjca.keys.KeyAccessDeniedException;
import io.kmsjca.keys.KeyAlias;
import io.kmsjca.keys.KeyNotFoundException;
import io.kmsjca.keys.KeyStateException;
import io.kmsjca.keys.KeyUnavailableException;
import io.kmsjca.keys.KeyUseDeniedException;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsDataKey;
import io.kmsjca.provider.KmsDataKeySpec;
import io.kmsjca.provider.KmsEncryptionContextSpec;
import io.kmsjca.provider.KmsProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.KeyStoreException;
import java.security.ProviderException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The remote client against a scripted server: what it sends (SigV4-signed AWS KMS JSON), what
 * it makes of the answers (AWS errors as the embedded mode's exceptions), connection reuse, and
 * which requests it retries (safe ones, after no answer, a 5xx or throttling) and which it never does.
 */
class RemoteKeyServiceTest {

    private static final String ACCESS_KEY = "AKIAKMSJCATEST0001";
    private static final String SECRET = "kms-jca-test-secret/0123456789abcdefghij";
    private static final UUID KEY = UUID.fromString("1f0c2b5e-7a41-4b8e-9a1d-3c5e6f708192");

    private FakeKmsServer server;
    private RemoteKeyService service;

    @BeforeEach
    void start() throws IOException {
        server = new FakeKmsServer();
        service = RemoteKeyService.open(settings(server.url()));
    }

    @AfterEach
    void stop() throws IOException {
        service.close();
        server.close();
    }

    private static RemoteSettings settings(String url) {
        return RemoteSettings.of(url, "eu-west-1", ACCESS_KEY, SECRET.getBytes(StandardCharsets.UTF_8))
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(20), 3, Duration.ZERO);
    }

    private static String describe(UUID id, String state) {
        return "{\"KeyMetadata\":{\"AWSAccountId\":\"000000000000\",\"KeyId\":\"" + id + "\",\"Arn\":\"arn:aws:kms:eu-west-1:"
                + "000000000000:key/" + id + "\",\"CreationDate\":1.7e9,\"Enabled\":true,\"KeyState\":\"" + state
                + "\",\"Origin\":\"AWS_KMS\",\"KeyManager\":\"CUSTOMER\",\"Description\":\"orders\"}}";
    }

    private static byte[] blob(UUID id, int plaintextLength) {
        byte[] b = WrappedKeyBlob.newBlob(id, 1, new byte[32], new byte[32], 0L, plaintextLength);
        b[b.length - 1] = 7;
        return b;
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private KmsKeyHandle handle() {
        server.answer(200, describe(KEY, "Enabled"));
        return service.findKey(KEY.toString()).orElseThrow();
    }

    @Test
    void encrypt_sendsASignedKmsRequest_andReturnsTheServersBlob() throws Exception {
        KmsKeyHandle key = handle();
        byte[] blob = blob(KEY, 5);
        server.answer(200, "{\"CiphertextBlob\":\"" + b64(blob) + "\",\"KeyId\":\"arn:aws:kms:eu-west-1:0:key/" + KEY + "\"}");
        Cipher c = Cipher.getInstance("KMSWrap", new KmsProvider());
        c.init(Cipher.ENCRYPT_MODE, key, new KmsEncryptionContextSpec(Map.of("order", "42")));
        assertArrayEquals(blob, c.doFinal("hello".getBytes(StandardCharsets.UTF_8)));

        FakeKmsServer.Request r = server.requests().get(1);
        assertEquals("TrentService.Encrypt", r.target());
        assertEquals("application/x-amz-json-1.1", r.headers().get("content-type"));
        assertEquals("{\"KeyId\":\"" + KEY + "\",\"Plaintext\":\"" + b64("hello".getBytes(StandardCharsets.UTF_8))
                + "\",\"EncryptionContext\":{\"order\":\"42\"}}", r.body());
        assertEquals(expectedAuthorization(r), r.headers().get("authorization"));
        assertTrue(r.headers().get("authorization").startsWith("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY + "/"
                + r.headers().get("x-amz-date").substring(0, 8) + "/eu-west-1/kms/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature="));
        assertEquals(1, server.connections(), "one connection, reused");
    }

    /** What a server verifying SigV4 computes from the request as received, with the secret it holds. */
    private static String expectedAuthorization(FakeKmsServer.Request r) {
        String date = r.headers().get("x-amz-date");
        List<String> signed = List.of("content-type", "host", "x-amz-date", "x-amz-target");
        Map<String, List<String>> headers = Map.of("content-type", List.of(r.headers().get("content-type")),
                "host", List.of(r.headers().get("host")), "x-amz-date", List.of(date),
                "x-amz-target", List.of(r.target()));
        String canonical = SigV4.canonicalRequest("POST", "/", "", headers, signed,
                SigV4.hex(SigV4.sha256(r.body().getBytes(StandardCharsets.UTF_8))));
        String scope = SigV4.scope(date.substring(0, 8), "eu-west-1", "kms");
        byte[] key = SigV4.signingKey(SECRET.getBytes(StandardCharsets.UTF_8), date.substring(0, 8), "eu-west-1", "kms");
        return "AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY + "/" + scope + ", SignedHeaders=" + String.join(";", signed)
                + ", Signature=" + SigV4.hex(SigV4.hmac(key, SigV4.stringToSign(date, scope, canonical)
                .getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aSafeRequest_isRetriedAfterAResetA5xxAndThrottling() throws Exception {
        KmsKeyHandle key = handle();
        byte[] blob = blob(KEY, 32);
        byte[] dataKey = new byte[32];
        Arrays.fill(dataKey, (byte) 0x5A);
        server.reset().error(503, "KMSInternalException", "busy");
        server.answer(200, "{\"CiphertextBlob\":\"" + b64(blob) + "\",\"Plaintext\":\"" + b64(dataKey) + "\",\"KeyId\":\"" + KEY + "\"}");
        KeyGenerator g = KeyGenerator.getInstance("KMSDataKey", new KmsProvider());
        g.init(KmsDataKeySpec.aes256(key));
        KmsDataKey generated = (KmsDataKey) g.generateKey();
        assertArrayEquals(dataKey, generated.getEncoded());
        assertArrayEquals(blob, generated.ciphertextBlob());
        List<FakeKmsServer.Request> sent = server.requests();
        assertEquals(4, sent.size()); // describe, then the reset, the 503 and the answered attempt
        assertEquals(List.of("TrentService.GenerateDataKey"), sent.subList(1, 4).stream().map(FakeKmsServer.Request::target).distinct().toList());
        assertEquals(sent.get(1).body(), sent.get(3).body());

        server.error(400, "ThrottlingException", "slow down").answer(200, "{\"CiphertextBlob\":\"" + b64(blob) + "\"}");
        g.init(KmsDataKeySpec.aes256(key).withoutPlaintext());
        KmsDataKey withoutPlaintext = (KmsDataKey) g.generateKey();
        assertNull(withoutPlaintext.getEncoded());
        assertEquals("TrentService.GenerateDataKeyWithoutPlaintext", server.requests().get(5).target());
        assertEquals(6, server.requests().size());
    }

    /**
     * AWS has no call that makes a key with its alias: CreateKey, then CreateAlias. A taken alias is
     * refused before CreateKey, as the embedded store refuses it, so no key is left without it; a
     * CreateAlias refused after CreateKey (a race, a policy) names the key that now exists.
     */
    @Test
    void createKeyWithATakenAlias_makesNoKey_andACreateAliasRefusedAfterwards_namesTheKeyItLeft() throws Exception {
        UUID other = UUID.fromString("5d0c2b5e-7a41-4b8e-9a1d-3c5e6f708196");
        server.answer(200, "{\"KeyMetadata\":{\"KeyId\":\"" + other + "\",\"KeyState\":\"Enabled\",\"CreationDate\":1.7e9}}");
        io.kmsjca.keys.InvalidKeyRequestException taken = assertThrows(io.kmsjca.keys.InvalidKeyRequestException.class,
                () -> service.createKey("orders", "order payloads"));
        assertTrue(taken.getMessage().contains("alias orders already exists"), taken.getMessage());
        assertFalse(taken.getMessage().contains(other.toString()), "which key the alias names is not the caller's to learn");
        assertEquals(List.of("TrentService.DescribeKey"), server.requests().stream().map(FakeKmsServer.Request::target).toList());
        assertTrue(server.requests().get(0).body().contains("\"KeyId\":\"alias/orders\""), server.requests().get(0).body());

        UUID made = UUID.fromString("6e0c2b5e-7a41-4b8e-9a1d-3c5e6f708197");
        server.error(400, "NotFoundException", "no alias/orders")
                .answer(200, "{\"KeyMetadata\":{\"KeyId\":\"" + made + "\",\"KeyState\":\"Enabled\",\"CreationDate\":1.7e9}}")
                .error(400, "AlreadyExistsException", "alias/orders already exists"); // taken in between
        KeyStoreException left = assertThrows(KeyStoreException.class, () -> service.createKey("orders", "order payloads"));
        assertTrue(left.getMessage().contains("key " + made + " was created, but CreateAlias alias/orders failed"), left.getMessage());
        assertInstanceOf(io.kmsjca.keys.InvalidKeyRequestException.class, left.getCause());
        assertEquals(List.of("TrentService.DescribeKey", "TrentService.DescribeKey", "TrentService.CreateKey",
                "TrentService.CreateAlias"), server.requests().stream().map(FakeKmsServer.Request::target).toList());
    }

    @Test
    void aRequestThatChangesSomething_isNeverSentTwice() {
        server.error(400, "NotFoundException", "no alias/orders").reset(); // the alias is free; CreateKey gets no answer
        KeyStoreException e = assertThrows(KeyStoreException.class, () -> service.createKey("orders", "order payloads"));
        assertTrue(e.getMessage().contains(server.url()), e.getMessage());
        assertEquals(List.of("TrentService.DescribeKey", "TrentService.CreateKey"),
                server.requests().stream().map(FakeKmsServer.Request::target).toList());

        server.error(500, "KMSInternalException", "boom");
        assertThrows(KeyStoreException.class, () -> service.disableKey("orders"));
        assertEquals(3, server.requests().size());
    }

    @Test
    void aSafeRequest_givesUpAfterItsAttempts_withTheUrl() {
        KmsKeyHandle key = handle();
        server.reset().reset().reset().reset();
        Cipher c = assertDoesInit(key);
        ProviderException e = assertThrows(ProviderException.class, () -> c.doFinal(new byte[4]));
        KeyUnavailableException cause = assertInstanceOf(KeyUnavailableException.class, e.getCause());
        assertTrue(cause.getMessage().contains(server.url()), cause.getMessage());
        assertEquals(4, server.requests().size()); // describe, then 3 attempts
    }

    private static Cipher assertDoesInit(KmsKeyHandle key) {
        try {
            Cipher c = Cipher.getInstance("KMSWrap", new KmsProvider());
            c.init(Cipher.ENCRYPT_MODE, key);
            return c;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void awsErrors_becomeTheEmbeddedModesExceptions() throws Exception {
        KmsKeyHandle key = handle();
        server.error(400, "NotFoundException", "no such key");
        assertThrows(KeyNotFoundException.class, () -> service.describeKey("orders"));
        server.error(400, "NotFoundException", "no such alias");
        assertTrue(service.findKey("nothing").isEmpty());
        server.error(400, "DisabledException", "key is Disabled");
        assertInstanceOf(KeyStateException.class, assertThrows(KeyStoreException.class, () -> service.rotateKeyOnDemand("orders")));
        server.error(400, "AccessDeniedException", "not for you");
        assertThrows(KeyAccessDeniedException.class, () -> service.enableKey("orders"));

        Cipher wrap = Cipher.getInstance("KMSWrap", new KmsProvider());
        wrap.init(Cipher.WRAP_MODE, key);
        server.error(400, "DisabledException", "key " + KEY + " is Disabled");
        assertThrows(KeyUnavailableException.class, () -> wrap.wrap(new javax.crypto.spec.SecretKeySpec(new byte[32], "AES")));
        server.error(400, "AccessDeniedException", "not for you");
        KeyUseDeniedException denied = assertThrows(KeyUseDeniedException.class,
                () -> wrap.wrap(new javax.crypto.spec.SecretKeySpec(new byte[32], "AES")));
        assertEquals("kms:Encrypt", denied.denial().action());

        Cipher decrypt = Cipher.getInstance("KMSWrap", new KmsProvider());
        decrypt.init(Cipher.DECRYPT_MODE, key);
        server.error(400, "InvalidCiphertextException", "does not authenticate");
        BadPaddingException bad = assertThrows(BadPaddingException.class, () -> decrypt.doFinal(blob(KEY, 4)));
        assertInstanceOf(AEADBadTagException.class, bad);
        assertEquals(8, server.requests().size());
    }

    @Test
    void aBlobOfAnotherKey_orAad_isRefusedBeforeAnyRequest() throws Exception {
        KmsKeyHandle key = handle();
        Cipher c = Cipher.getInstance("KMSWrap", new KmsProvider());
        c.init(Cipher.UNWRAP_MODE, key);
        UUID other = UUID.randomUUID();
        InvalidKeyException e = assertThrows(InvalidKeyException.class, () -> c.unwrap(blob(other, 32), "AES", Cipher.SECRET_KEY));
        assertTrue(e.getMessage().contains(other.toString()), e.getMessage());
        c.init(Cipher.ENCRYPT_MODE, key);
        UnsupportedOperationException aad = assertThrows(UnsupportedOperationException.class, () -> c.updateAAD(new byte[3]));
        assertTrue(aad.getMessage().contains("no AAD"), aad.getMessage());
        assertEquals(1, server.requests().size());
    }

    @Test
    void aKeyFoundByItsArn_carriesNoAlias_andOneFoundByAnAlias_carriesTheAliasWithoutItsPrefix() {
        String arn = "arn:aws:kms:eu-west-1:000000000000:key/" + KEY;
        server.answer(200, describe(KEY, "Enabled"));
        KmsKeyHandle byArn = service.findKey(arn).orElseThrow();
        assertEquals(KEY, byArn.keyId());
        assertEquals(null, byArn.alias(), "an ARN is no alias");
        server.answer(200, describe(KEY, "Enabled"));
        assertEquals("orders", service.findKey("alias/orders").orElseThrow().alias());
        assertTrue(server.requests().get(0).body().contains("\"KeyId\":\"" + arn + "\""), server.requests().get(0).body());
        assertTrue(server.requests().get(1).body().contains("\"KeyId\":\"alias/orders\""), server.requests().get(1).body());
    }

    @Test
    void aKeySpecThisClientDoesNotKnow_isAProtocolFailure_neverTakenForASymmetricKey() {
        server.answer(200, "{\"KeyMetadata\":{\"KeyId\":\"" + KEY + "\",\"KeyState\":\"Enabled\",\"CreationDate\":1.7e9,"
                + "\"KeySpec\":\"SM2\",\"KeyUsage\":\"SIGN_VERIFY\"}}");
        ProviderException e = assertThrows(ProviderException.class, () -> service.findKey(KEY.toString()));
        assertTrue(e.getMessage().contains("KeySpec it does not know, SM2"), e.getMessage());
        assertTrue(e.getMessage().contains(server.url()), e.getMessage());
    }

    @Test
    void listAliases_followsPages_andStripsThePrefix() throws KeyStoreException {
        UUID second = UUID.randomUUID();
        server.answer(200, "{\"Aliases\":[{\"AliasName\":\"alias/orders\",\"TargetKeyId\":\"" + KEY + "\"},"
                + "{\"AliasName\":\"alias/unassigned\"}],\"Truncated\":true,\"NextMarker\":\"m1\"}");
        server.answer(200, "{\"Aliases\":[{\"AliasName\":\"alias/billing\",\"TargetKeyId\":\"" + second + "\"}],\"Truncated\":false}");
        assertEquals(List.of(new KeyAlias("billing", second), new KeyAlias("orders", KEY)), service.listAliases());
        assertTrue(server.requests().get(1).body().contains("\"Marker\":\"m1\""), server.requests().get(1).body());
    }

    @Test
    void anOversizedOrMalformedResponse_isRefused() {
        server.answer(200, "{\"KeyMetadata\":{\"KeyId\":\"" + KEY + "\",\"KeyState\":\"Enabled\",\"Description\":\""
                + "x".repeat(KmsHttpClient.MAX_RESPONSE_BYTES) + "\"}}");
        ProviderException big = assertThrows(ProviderException.class, () -> service.findKey("orders"));
        assertTrue(big.getMessage().contains("longer than"), big.getMessage());
        server.answer(200, "{\"KeyMetadata\":{\"KeyId\":\"" + KEY + "\",\"KeyId\":\"" + KEY + "\"}}");
        ProviderException duplicate = assertThrows(ProviderException.class, () -> service.findKey("orders"));
        assertTrue(duplicate.getMessage().contains("not JSON"), duplicate.getMessage());
    }

    @Test
    void aServerThatIsDown_isNamed() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port;
        try (RemoteKeyService down = RemoteKeyService.open(settings(url))) {
            KeyStoreException e = assertThrows(KeyStoreException.class, () -> down.describeKey("orders"));
            assertTrue(e.getMessage().startsWith("kms-jca server " + url + " cannot be reached (DescribeKey)"), e.getMessage());
            IOException load = assertThrows(IOException.class, down::checkConnection);
            assertTrue(load.getMessage().contains(url), load.getMessage());
        }
    }

    @Test
    void close_wipesTheSecret_andTheHandlesStop() {
        KmsKeyHandle key = handle();
        RemoteSettings s = settings(server.url());
        RemoteKeyService other = RemoteKeyService.open(s);
        assertFalse(allZero(s.secret()));
        other.close();
        assertTrue(allZero(s.secret()));
        service.close();
        InvalidKeyException e = assertThrows(InvalidKeyException.class,
                () -> Cipher.getInstance("KMSWrap", new KmsProvider()).init(Cipher.ENCRYPT_MODE, key));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        KeyStoreException management = assertThrows(KeyStoreException.class, () -> service.describeKey("orders"));
        assertTrue(management.getMessage().contains("was closed"), management.getMessage());
        assertEquals(1, server.requests().size(), "nothing sent after close");
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    @Test
    void plainHttp_isForLoopbackOnly_andTheUrlNamesTheServerOnly() {
        assertThrows(IllegalArgumentException.class, () -> RemoteSettings.check("http://kms.internal:8080", "us-east-1"));
        assertThrows(IllegalArgumentException.class, () -> RemoteSettings.check("https://kms.internal/path", "us-east-1"));
        assertThrows(IllegalArgumentException.class, () -> RemoteSettings.check("https://user:pw@kms.internal", "us-east-1"));
        assertThrows(IllegalArgumentException.class, () -> RemoteSettings.check("https://kms.internal", "US EAST"));
        assertEquals("https://kms.internal:8443/", RemoteSettings.check("https://kms.internal:8443", "us-east-1").toString());
        assertEquals("http://127.0.0.1:9000/", RemoteSettings.check("http://127.0.0.1:9000/", "us-east-1").toString());
    }
}
