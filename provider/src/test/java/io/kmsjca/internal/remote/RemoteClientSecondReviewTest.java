package io.kmsjca.internal.remote;

import io.kmsjca.internal.format.WrappedKeyBlob;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Second security review of the remote client (#18): a malicious or confused server against the
 * provider. Each test is the proof of one finding and fails without its fix.
 */
class RemoteClientSecondReviewTest {

    private static final String ACCESS_KEY = "AKIAKMSJCATEST0001";
    private static final String SECRET = "kms-jca-test-secret/0123456789abcdefghij";
    private static final UUID KEY = UUID.fromString("1f0c2b5e-7a41-4b8e-9a1d-3c5e6f708192");
    private static final UUID OTHER = UUID.fromString("2a1d3c6f-8b52-4c9f-8b2e-4d6f70819203");

    private FakeKmsServer server;
    private RemoteKeyService service;

    @BeforeEach
    void start() throws IOException {
        server = new FakeKmsServer();
        service = RemoteKeyService.open(RemoteSettings.of(server.url(), "eu-west-1", ACCESS_KEY,
                SECRET.getBytes(StandardCharsets.UTF_8)).withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(20), 1, Duration.ZERO));
    }

    @AfterEach
    void stop() throws IOException {
        service.close();
        server.close();
    }

    private static byte[] blob(UUID id, int plaintextLength) {
        byte[] b = WrappedKeyBlob.newBlob(id, 1, new byte[32], new byte[32], 0L, plaintextLength);
        b[b.length - 1] = 7;
        return b;
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    /**
     * Finding C1: ReEncrypt's answer was checked to be a blob of the destination key, but not to wrap
     * as many bytes as the blob sent (docs/server.md says it is): a server, or a proxy, could hand
     * back the blob of another data key (a 16-byte key for a 32-byte one), which the caller stores in
     * place of the original and which later opens to a key that is not the data's.
     */
    @Test
    void c1_reEncrypt_refusesABlobWrappingAnotherLength() {
        server.answer(200, "{\"CiphertextBlob\":\"" + b64(blob(OTHER, 16)) + "\",\"KeyId\":\"" + OTHER + "\"}");
        GeneralSecurityException e = assertThrows(GeneralSecurityException.class,
                () -> service.reEncrypt(blob(KEY, 32), Map.of(), OTHER.toString(), Map.of()));
        assertTrue(mentions(e, "16"), e.toString());
    }

    private static boolean mentions(Throwable t, String s) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null && c.getMessage().contains(s)) {
                return true;
            }
        }
        return false;
    }
}
