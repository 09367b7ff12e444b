package io.kmsjca.server;

import io.kmsjca.keys.CreatedCredential;
import io.kmsjca.keys.CredentialRequest;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KmsCredential;
import io.kmsjca.provider.KmsAdmin;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Starting, health, graceful shutdown, and the audit trail of served requests. */
class KmsServerLifecycleTest {

    @TempDir
    Path dir;
    ServerFixture fixture;

    private final java.util.List<Runnable> cleanups = new java.util.ArrayList<>();

    private void open(Runnable cleanup) {
        cleanups.add(cleanup);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
        cleanups.forEach(Runnable::run);
    }

    @Test
    void closeLetsARequestInFlightFinishAndRefusesNewOnes() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        var armed = new java.util.concurrent.atomic.AtomicBoolean();
        fixture = new ServerFixture(dir).start(b -> b.plainHttp(), real -> pausing(real, armed, entered, release));
        KmsClient kms = fixture.client(fixture.alice);
        String key = kms.createKey(b -> b.description("in flight")).keyMetadata().keyId();
        armed.set(true);

        // threads of its own: the common pool may have one worker, which the request in flight holds
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
        open(threads::shutdownNow);
        CompletableFuture<KeyMetadata> inFlight = CompletableFuture.supplyAsync(
                () -> kms.describeKey(b -> b.keyId(key)).keyMetadata(), threads);
        assertTrue(entered.await(30, TimeUnit.SECONDS), "the request reached the key service");
        CompletableFuture<Void> closing = CompletableFuture.runAsync(fixture.server::close, threads);
        fixture.server.awaitClosing();

        assertFalse(closing.isDone(), "close waits for the request in flight");
        var refused = new RawRequest(fixture.server.endpoint(), "ListKeys", Instant.now())
                .send(fixture.server.endpoint(), fixture.alice);
        assertEquals(503, refused.status(), "a new request is refused while closing");
        assertTrue(refused.body().contains("ServiceUnavailableException"), refused.body());

        release.countDown();
        assertEquals(key, inFlight.get(30, TimeUnit.SECONDS).keyId(), "the request in flight completed");
        closing.get(30, TimeUnit.SECONDS);
        URI endpoint = fixture.server.endpoint();
        assertThrows(ConnectException.class, () -> new java.net.Socket(endpoint.getHost(), endpoint.getPort()).close(),
                "closed: nothing listens any more");
    }

    /** A key service whose describeKey, once armed, waits for {@code release} after saying it was {@code entered}. */
    private static KeyService pausing(KeyService real, java.util.concurrent.atomic.AtomicBoolean armed,
                                      CountDownLatch entered, CountDownLatch release) {
        return (KeyService) Proxy.newProxyInstance(KeyService.class.getClassLoader(), new Class<?>[] {KeyService.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("describeKey") && armed.get()) {
                        entered.countDown();
                        release.await();
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void healthSaysLiveAndReadinessSaysWhetherTheStoreAnswers() throws Exception {
        fixture = new ServerFixture(dir).start();
        HttpClient http = HttpClient.newHttpClient();
        URI base = fixture.server.endpoint();
        assertEquals(200, get(http, base.resolve("/healthz")).statusCode());
        HttpResponse<String> ready = get(http, base.resolve("/readyz"));
        assertEquals(200, ready.statusCode());
        assertEquals("ok\n", ready.body(), "nothing but ok");
        assertEquals(404, get(http, base.resolve("/healthz/keys")).statusCode());
        assertEquals(405, http.send(HttpRequest.newBuilder(base.resolve("/healthz")).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void readinessFailsWhenTheStoreDoesNotAnswer() throws Exception {
        fixture = new ServerFixture(dir).start();
        fixture.service.close();
        HttpClient http = HttpClient.newHttpClient();
        URI base = fixture.server.endpoint();
        HttpResponse<String> ready = get(http, base.resolve("/readyz"));
        assertEquals(503, ready.statusCode());
        assertEquals("unavailable\n", ready.body(), "the failure is not described to an unauthenticated caller");
        assertEquals(200, get(http, base.resolve("/healthz")).statusCode(), "the process still serves");
    }

    private static HttpResponse<String> get(HttpClient http, URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void startRefusesAStoreOpenedWithACredentialThatDoesNotActForOthers() throws Exception {
        fixture = new ServerFixture(dir);
        Path plainKey = dir.resolve("plain.key");
        try (KeyService admin = KmsAdmin.open(fixture.file, ServerFixture.ADMIN_PASSWORD, fixture.options())) {
            CreatedCredential c = admin.createCredential(CredentialRequest.withKeyFile("plain-app"));
            c.writeKeyFile(plainKey);
            c.wipe();
        }
        try (KeyService plain = KmsAdmin.open(fixture.file, KmsCredential.keyFile(plainKey), fixture.options())) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> KmsServer.start(plain, ServerOptions.builder().plainHttp().build()));
            assertTrue(e.getMessage().contains("'plain-app'") && e.getMessage().contains("does not act for others"),
                    e.getMessage());
        }
    }

    @Test
    void plainHttpListensOnLoopbackOnly() throws Exception {
        var e = assertThrows(IllegalArgumentException.class, () -> ServerOptions.builder().plainHttp()
                .bindAddress(InetAddress.getByName("0.0.0.0")).build());
        assertTrue(e.getMessage().contains("loopback"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ServerOptions.builder().build(), "neither TLS nor plain HTTP chosen");
        assertTrue(ServerOptions.builder().plainHttp().build().bindAddress().isLoopbackAddress());
    }

    @Test
    void eachRequestIsAuditedOnceAsTheAccessKeysPrincipalFromItsAddress() throws Exception {
        fixture = new ServerFixture(dir).start();
        KmsClient alice = fixture.client(fixture.alice);
        String key = alice.createKey(b -> b.description("audited")).keyMetadata().keyId();
        alice.putKeyPolicy(b -> b.keyId(key).policyName("default").policy("""
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": "alice"}, "Action": "kms:*", "Resource": "*"},
                  {"Effect": "Allow", "Principal": {"AWS": "app"}, "Action": ["kms:Encrypt", "kms:Decrypt",
                   "kms:GenerateDataKey"], "Resource": "*"}]}"""));
        KmsClient app = fixture.client(fixture.app);
        int from = fixture.audit.size();
        SdkBytes blob = app.encrypt(b -> b.keyId(key).plaintext(SdkBytes.fromUtf8String("x"))
                .encryptionContext(Map.of("tenant", "acme"))).ciphertextBlob();
        app.decrypt(b -> b.ciphertextBlob(blob).encryptionContext(Map.of("tenant", "acme")));
        app.generateDataKey(b -> b.keyId(key).numberOfBytes(32));
        assertThrows(Exception.class, () -> app.disableKey(b -> b.keyId(key)));

        List<AuditEvent> events = fixture.eventsSince(from);
        assertEquals(List.of(AuditOperation.ENCRYPT, AuditOperation.DECRYPT, AuditOperation.GENERATE_DATA_KEY,
                AuditOperation.DISABLE_KEY), events.stream().map(AuditEvent::operation).toList(), "one event per request");
        assertEquals(AuditOutcome.DENIED, events.get(3).outcome());
        Set<String> requestIds = new HashSet<>();
        for (AuditEvent e : events) {
            assertEquals("app", e.principal());
            assertTrue(e.principalSource().contains(fixture.app.id()) && e.principalSource().contains("127.0.0.1"),
                    e.principalSource());
            assertNotNull(e.requestId());
            requestIds.add(e.requestId());
        }
        assertEquals(4, requestIds.size(), "each request has its own id");
    }
}
