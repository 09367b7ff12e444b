package io.kmsjca.internal.remote;

import io.kmsjca.internal.format.WrappedKeyBlob;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStoreException;
import java.security.ProviderException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security review of the remote client (#18): a malicious or confused server, or the network,
 * against the provider. Each test is the proof of one finding (R1..R6) or pins a check found sound.
 */
class RemoteClientReviewTest {

    private static final String ACCESS_KEY = "AKIAKMSJCATEST0001";
    private static final String SECRET = "kms-jca-test-secret/0123456789abcdefghij";
    private static final UUID KEY = UUID.fromString("1f0c2b5e-7a41-4b8e-9a1d-3c5e6f708192");
    private static final UUID OTHER = UUID.fromString("2a1d3c6f-8b52-4c9f-8b2e-4d6f70819203");

    private FakeKmsServer server;
    private RemoteKeyService service;

    @BeforeEach
    void start() throws IOException {
        server = new FakeKmsServer();
        service = RemoteKeyService.open(settings(server.url(), Duration.ofSeconds(20), 3));
    }

    @AfterEach
    void stop() throws IOException {
        service.close();
        server.close();
    }

    private static RemoteSettings settings(String url, Duration requestTimeout, int attempts) {
        return RemoteSettings.of(url, "eu-west-1", ACCESS_KEY, SECRET.getBytes(StandardCharsets.UTF_8))
                .withTimeouts(Duration.ofSeconds(5), requestTimeout, attempts, Duration.ZERO);
    }

    private static String describe(UUID id) {
        return "{\"KeyMetadata\":{\"KeyId\":\"" + id + "\",\"KeyState\":\"Enabled\",\"CreationDate\":1.7e9}}";
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
        server.answer(200, describe(KEY));
        return service.findKey(KEY.toString()).orElseThrow();
    }

    private static boolean mentions(Throwable t, String s) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null && c.getMessage().contains(s)) {
                return true;
            }
        }
        return false;
    }

    /**
     * R1: request-timeout-ms bounds the whole exchange. A server that sends its headers and then
     * stalls the body must not hold the caller's thread forever (HttpRequest.timeout stops at the
     * headers; the body is read from a blocking InputStream with no deadline). No wall-clock
     * assertion: the failure must be the client's own deadline, not the connection ending. The
     * stalling server gives up after a minute only so that a client without a deadline fails this
     * test (with a broken connection) instead of hanging the build.
     */
    @Test
    void r1_aStalledResponseBody_failsWithinTheRequestTimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (ServerSocket stalling = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> stall(stalling, release), "stalling-kms");
            t.setDaemon(true);
            t.start();
            RemoteKeyService slow = RemoteKeyService.open(settings("http://127.0.0.1:" + stalling.getLocalPort(),
                    Duration.ofMillis(300), 1));
            try {
                KeyStoreException e = assertThrows(KeyStoreException.class, () -> slow.describeKey(KEY.toString()));
                assertTrue(e.getMessage().contains("127.0.0.1:" + stalling.getLocalPort()), e.getMessage());
                assertTrue(mentions(e, "no complete response within 300 ms"), e.toString());
            } finally {
                slow.close();
                release.countDown();
            }
        }
    }

    /** Answers the first request's headers, and a few bytes of a body it promised to be 1000 bytes long, then waits. */
    private static void stall(ServerSocket ss, CountDownLatch release) {
        try (Socket s = ss.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int state = 0;
            int c;
            while (state < 4 && (c = in.read()) >= 0) {
                head.write(c);
                state = (c == '\r' && (state == 0 || state == 2)) ? state + 1 : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            }
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 1000\r\n\r\n"
                    + "{\"KeyMetadata\":").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            release.await(1, TimeUnit.MINUTES); // released when the test has its answer
        } catch (IOException | InterruptedException e) {
            // the test is over
        }
    }

    /** R2: a Decrypt answer naming another key than the one asked is not the answer to this request. */
    @Test
    void r2_decrypt_refusesAnAnswerNamingAnotherKey() throws Exception {
        KmsKeyHandle key = handle();
        Cipher c = Cipher.getInstance("KMSWrap", new KmsProvider());
        c.init(Cipher.DECRYPT_MODE, key);
        server.answer(200, "{\"Plaintext\":\"" + b64(new byte[4]) + "\",\"KeyId\":\"arn:aws:kms:eu-west-1:000000000000:key/"
                + OTHER + "\"}");
        Exception e = assertThrows(Exception.class, () -> c.doFinal(blob(KEY, 4)));
        assertTrue(mentions(e, OTHER.toString()), e.toString());
        assertEquals(2, server.requests().size());
    }

    /** R3: findKey by key id takes the answer only if it describes that key. */
    @Test
    void r3_findKeyById_refusesTheMetadataOfAnotherKey() {
        server.answer(200, describe(OTHER));
        ProviderException e = assertThrows(ProviderException.class, () -> service.findKey(KEY.toString()));
        assertTrue(mentions(e, OTHER.toString()), e.toString());
    }

    /** R4: ReEncrypt's answer is a KMSWrap blob of the destination key, or the server is not what it claims. */
    @Test
    void r4_reEncrypt_refusesABlobOfAnotherKey_orNotABlobAtAll() {
        UUID third = UUID.randomUUID();
        server.answer(200, "{\"CiphertextBlob\":\"" + b64(blob(third, 32)) + "\",\"KeyId\":\"" + third + "\"}");
        GeneralSecurityException other = assertThrows(GeneralSecurityException.class,
                () -> service.reEncrypt(blob(KEY, 32), Map.of(), OTHER.toString(), Map.of()));
        assertTrue(mentions(other, third.toString()), other.toString());
        server.answer(200, "{\"CiphertextBlob\":\"" + b64(new byte[]{1, 2, 3}) + "\",\"KeyId\":\"" + OTHER + "\"}");
        assertThrows(GeneralSecurityException.class,
                () -> service.reEncrypt(blob(KEY, 32), Map.of(), OTHER.toString(), Map.of()));
    }

    /**
     * R5: what a server says in an error goes into exception messages, and so into logs: it is
     * bounded and has no line breaks or other control characters (no forged log lines, no megabyte messages).
     */
    @Test
    void r5_aServersErrorMessage_isBoundedAndPrintable() {
        server.error(400, "ValidationException", "x".repeat(100_000) + "\\r\\n2026-12-03 INFO forged line\\u001b[31m");
        KeyStoreException e = assertThrows(KeyStoreException.class, () -> service.enableKey(KEY.toString()));
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            assertTrue(m.length() <= 2_000, t.getClass().getSimpleName() + " message of " + m.length() + " characters");
            assertFalse(m.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f), t.getClass().getSimpleName() + " message has a control character");
        }
    }

    /**
     * R6: a listing a server never ends is refused, not returned cut short as if it were complete
     * (after 1000 pages, or at once when a page names the marker just sent: a loop).
     */
    @Test
    void r6_aListingThatNeverEnds_isRefused_notSilentlyTruncated() {
        for (int i = 0; i < 3; i++) {
            server.answer(200, "{\"Aliases\":[{\"AliasName\":\"alias/a" + i + "\",\"TargetKeyId\":\"" + KEY
                    + "\"}],\"Truncated\":true,\"NextMarker\":\"m\"}");
        }
        KeyStoreException e = assertThrows(KeyStoreException.class, () -> service.listAliases());
        assertTrue(e.getMessage().contains(server.url()), e.getMessage());
        assertEquals(2, server.requests().size(), "the loop is seen on the page that repeats the marker");
    }

    /**
     * R8: the blob of GenerateDataKey(WithoutPlaintext) and Encrypt wraps as many bytes as were asked
     * for: a blob of another length would open, later, to a key that is not this one (or not at all).
     */
    @Test
    void r8_aBlobWrappingAnotherLength_isRefused() throws Exception {
        KmsKeyHandle key = handle();
        server.answer(200, "{\"CiphertextBlob\":\"" + b64(blob(KEY, 16)) + "\",\"KeyId\":\"" + KEY + "\"}");
        javax.crypto.KeyGenerator g = javax.crypto.KeyGenerator.getInstance("KMSDataKey", new KmsProvider());
        g.init(io.kmsjca.provider.KmsDataKeySpec.aes256(key).withoutPlaintext());
        ProviderException withoutPlaintext = assertThrows(ProviderException.class, g::generateKey);
        assertTrue(mentions(withoutPlaintext, "16"), withoutPlaintext.toString());

        server.answer(200, "{\"CiphertextBlob\":\"" + b64(blob(KEY, 9)) + "\",\"KeyId\":\"" + KEY + "\"}");
        Cipher c = Cipher.getInstance("KMSWrap", new KmsProvider());
        c.init(Cipher.ENCRYPT_MODE, key);
        Exception encrypt = assertThrows(Exception.class, () -> c.doFinal(new byte[5]));
        assertTrue(mentions(encrypt, "9"), encrypt.toString());
        assertEquals(3, server.requests().size());
    }

    /** Sound: plain http is refused off loopback, whatever the host name looks like. */
    @Test
    void sound_plainHttp_isRefusedForHostsThatOnlyLookLikeLoopback() {
        for (String url : new String[]{"http://127.0.0.1.evil.example", "http://localhost.evil.example:80",
                "HTTP://kms.example", "http://127.0.0.2", "http://0x7f000001", "http://[::ffff:127.0.0.1]",
                "http://2130706433", "http://127.1", "http://localhost./", "http://evil.example#@127.0.0.1"}) {
            assertThrows(IllegalArgumentException.class, () -> RemoteSettings.check(url, "us-east-1"), url);
        }
    }

    /**
     * R9 (review of the paging split; older than it): a page that says it is truncated but names
     * no NextMarker ended the listing as if it were whole.
     */
    @Test
    void r9_aTruncatedPageWithoutANextMarker_isRefused_notTakenForTheLastPage() {
        server.answer(200, "{\"Aliases\":[{\"AliasName\":\"alias/a\",\"TargetKeyId\":\"" + KEY
                + "\"}],\"Truncated\":true}");
        KeyStoreException e = assertThrows(KeyStoreException.class, () -> service.listAliases());
        assertTrue(e.getMessage().contains("without a NextMarker"), e.getMessage());
        assertEquals(1, server.requests().size());
    }

    /**
     * R10 (review; older than the split): listKeys filed the DescribeKey answer under the key it
     * listed without checking that the answer was about that key, as describeKey and findKey do.
     */
    @Test
    void r10_listKeys_refusesADescribeKeyAnswerAboutAnotherKey() {
        UUID other = UUID.fromString("2a1d3c6f-8b52-4c9f-8b2e-4d6f70819203");
        server.answer(200, "{\"Keys\":[{\"KeyId\":\"" + KEY + "\"}],\"Truncated\":false}");
        server.answer(200, "{\"Aliases\":[],\"Truncated\":false}");
        server.answer(200, "{\"KeyMetadata\":{\"KeyId\":\"" + other + "\",\"KeyState\":\"Disabled\",\"CreationDate\":1.7e9}}");
        KeyStoreException e = assertThrows(KeyStoreException.class, () -> service.listKeys(10, null));
        assertTrue(e.getMessage().contains("not about key " + KEY), e.getMessage());
    }
}
