package io.kmsjca.server;

import io.kmsjca.keys.KeyService;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.GrantOperation;
import software.amazon.awssdk.services.kms.model.KmsException;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Second security review of the server (#18): each test is the proof of one finding, and fails
 * without its fix.
 */
class ServerSecondReviewTest {

    @TempDir
    Path dir;
    ServerFixture fixture;

    CountDownLatch refreshing = new CountDownLatch(1);
    CountDownLatch storeAnswers = new CountDownLatch(1);

    @BeforeEach
    void setUp() throws Exception {
        fixture = new ServerFixture(dir).start(b -> b.plainHttp(), this::slowToRefresh);
    }

    @AfterEach
    void tearDown() throws Exception {
        storeAnswers.countDown();
        fixture.close();
    }

    /** The store's service, whose refresh (what /readyz asks) waits for {@link #storeAnswers}: a shared store that is slow to answer. */
    private KeyService slowToRefresh(KeyService real) {
        return (KeyService) Proxy.newProxyInstance(KeyService.class.getClassLoader(), new Class<?>[] {KeyService.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("refresh")) {
                        refreshing.countDown();
                        storeAnswers.await();
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /**
     * Finding 2: /readyz is unauthenticated and asks the store at most once a second, but while
     * that one check waited for a slow store (PostgreSQL unreachable: a connect timeout), every
     * other /readyz waited for it on the handler's lock, each holding one of the server's reading
     * threads. A client without credentials sending /readyz in a loop during a store outage thus
     * took every thread, and signed requests the snapshot could still serve (within the staleness
     * bound) were answered no more. A /readyz that arrives during a check now answers the last
     * result at once. No clock: the test waits until the second /readyz is either answered or
     * blocked on the handler.
     */
    @Test
    void f2_aReadinessCheckWaitingForTheStore_holdsNoOtherRequest() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI readyz = fixture.server.endpoint().resolve("/readyz");
        CompletableFuture<HttpResponse<String>> first = http.sendAsync(HttpRequest.newBuilder(readyz).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(refreshing.await(30, TimeUnit.SECONDS), "the first /readyz asks the store");
        CompletableFuture<HttpResponse<String>> second = http.sendAsync(HttpRequest.newBuilder(readyz).build(),
                HttpResponse.BodyHandlers.ofString());
        while (!second.isDone()) {
            assertFalse(aServerThreadIsBlockedIn(HealthHandler.class),
                    "a second /readyz waits for the first one's store check, holding a server thread");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        assertEquals(503, second.get().statusCode(), "no check has succeeded yet: not ready");
        storeAnswers.countDown();
        assertEquals(200, first.get().statusCode());
    }

    private static boolean aServerThreadIsBlockedIn(Class<?> type) {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().startsWith("kms-server-") && e.getKey().getState() == Thread.State.BLOCKED)
                .anyMatch(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().equals(type.getName())));
    }

    /**
     * Finding 1: the symmetric operations (Encrypt, GenerateDataKey[WithoutPlaintext], ReEncrypt's
     * destination) refused a key that is not a symmetric ENCRYPT_DECRYPT key before the key service
     * decided the caller's rights: a key user with no right on a key learned its spec and usage
     * (RSA_2048 / ENCRYPT_DECRYPT, an HMAC key's MAC) from InvalidKeyUsageException, and the probe
     * was not audited. Review finding 4 had put the rights first for the asymmetric operations only.
     */
    @Test
    void f1_aCallerWithNoRightOnAKeyLearnsNotItsSpec_fromTheSymmetricOperations() throws Exception {
        KmsClient admin = fixture.client(fixture.alice);
        String rsa = admin.createKey(b -> b.keySpec("RSA_2048").keyUsage("ENCRYPT_DECRYPT")).keyMetadata().keyId();
        String hmac = admin.createKey(b -> b.keySpec("HMAC_256").keyUsage("GENERATE_VERIFY_MAC")).keyMetadata().keyId();
        String aes = admin.createKey(b -> b.description("source")).keyMetadata().keyId();
        admin.createGrant(b -> b.keyId(aes).granteePrincipal("app").operations(GrantOperation.RE_ENCRYPT_FROM));
        SdkBytes blob = admin.encrypt(b -> b.keyId(aes).plaintext(SdkBytes.fromByteArray(new byte[16]))).ciphertextBlob();
        KmsClient app = fixture.client(fixture.app);

        refusedAsDenied(AuditOperation.GENERATE_DATA_KEY, "RSA_2048",
                () -> app.generateDataKey(b -> b.keyId(rsa).keySpec("AES_256")));
        refusedAsDenied(AuditOperation.GENERATE_DATA_KEY, "Hmac",
                () -> app.generateDataKey(b -> b.keyId(hmac).keySpec("AES_256")));
        refusedAsDenied(AuditOperation.GENERATE_DATA_KEY_WITHOUT_PLAINTEXT, "Hmac",
                () -> app.generateDataKeyWithoutPlaintext(b -> b.keyId(hmac).numberOfBytes(32)));
        refusedAsDenied(AuditOperation.ENCRYPT, "Hmac",
                () -> app.encrypt(b -> b.keyId(hmac).plaintext(SdkBytes.fromByteArray(new byte[3]))));
        refusedAsDenied(AuditOperation.RE_ENCRYPT, "Hmac",
                () -> app.reEncrypt(b -> b.ciphertextBlob(blob).destinationKeyId(hmac)));

        // with the rights, the usage refusal is AWS's, as before
        KmsException usage = assertThrows(KmsException.class, () -> admin.generateDataKey(b -> b.keyId(hmac).keySpec("AES_256")));
        assertEquals("InvalidKeyUsageException", usage.awsErrorDetails().errorCode(), usage.getMessage());
        KmsException toHmac = assertThrows(KmsException.class, () -> admin.reEncrypt(b -> b.ciphertextBlob(blob).destinationKeyId(hmac)));
        assertEquals("InvalidKeyUsageException", toHmac.awsErrorDetails().errorCode(), toHmac.getMessage());
    }

    private void refusedAsDenied(AuditOperation op, String secret, Executable call) {
        int from = fixture.audit.size();
        KmsException e = assertThrows(KmsException.class, call);
        assertEquals("AccessDeniedException", e.awsErrorDetails().errorCode(), e.getMessage());
        assertFalse(e.getMessage().contains(secret), e.getMessage());
        assertTrue(fixture.eventsSince(from).stream().anyMatch(a -> a.operation() == op && a.outcome() == AuditOutcome.DENIED),
                op + ": " + fixture.eventsSince(from));
    }
}
