package io.kmsjca.server;

import io.kmsjca.audit.AuditOptions;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.CreatedAccessKey;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditListener;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #18's load test, bounded in count (no clock): several AWS SDK clients at once, with a
 * rotation, a disable and an enable of the key in the middle. No request fails but those the
 * disabled key must refuse, every data key made still decrypts to its plaintext afterwards
 * (nothing lost across the rotation), and the audit trail has exactly one event per request,
 * each with the access key's principal.
 */
class ServerLoadTest {

    private static final int THREADS = 4;
    private static final int PER_THREAD = 150;
    private static final Map<String, String> CONTEXT = Map.of("tenant", "load");

    @Test
    void clientsAtOnce_withRotationAndDisable_loseNothing_andAuditEveryRequestOnce() throws Exception {
        Map<String, AuditEvent> eventsByRequest = new ConcurrentHashMap<>();
        Set<String> repeatedRequestIds = ConcurrentHashMap.newKeySet();
        AuditListener recorder = event -> {
            if ("load-client".equals(event.principal()) && eventsByRequest.putIfAbsent(event.requestId(), event) != null) {
                repeatedRequestIds.add(event.requestId());
            }
        };
        KeyServiceOptions options = KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests())
                .withMaintenanceInterval(Duration.ZERO)
                .withAudit(AuditOptions.DEFAULTS.withListeners(false, List.of(), false));
        try (KeyService service = KeyStores.newInMemory(options)) {
            service.addAuditListener(recorder);
            String keyId = service.createKey("alias/load", "").keyId().toString();
            service.putKeyPolicy(keyId, """
                    {"Version":"2012-10-17","Statement":[
                     {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"kms:*","Resource":"*"},
                     {"Effect":"Allow","Principal":{"AWS":"load-client"},"Action":["kms:GenerateDataKey","kms:Decrypt"],"Resource":"*"}]}""",
                    false);
            CreatedAccessKey accessKey = service.createAccessKey("load-client", false);
            try (KmsServer server = KmsServer.start(service, ServerOptions.builder().plainHttp().port(0).threads(THREADS).build());
                 KmsClient client = client(server, accessKey)) {
                accessKey.wipe();
                AtomicInteger done = new AtomicInteger();
                CountDownLatch rotateAt = new CountDownLatch(THREADS * PER_THREAD / 4);
                CountDownLatch disableAt = new CountDownLatch(THREADS * PER_THREAD / 2);
                CountDownLatch enableAt = new CountDownLatch(THREADS * PER_THREAD * 5 / 8);
                List<byte[][]> made = Collections.synchronizedList(new ArrayList<>());
                AtomicInteger refused = new AtomicInteger();
                ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
                try {
                    Future<?> admin = pool.submit(() -> {
                        rotateAt.await();
                        service.rotateKeyOnDemand(keyId);
                        disableAt.await();
                        service.disableKey(keyId);
                        enableAt.await();
                        service.enableKey(keyId);
                        return null;
                    });
                    List<Future<?>> clients = new ArrayList<>();
                    for (int t = 0; t < THREADS; t++) {
                        clients.add(pool.submit(() -> {
                            for (int i = 0; i < PER_THREAD; i++) {
                                try {
                                    GenerateDataKeyResponse r = client.generateDataKey(b -> b.keyId("alias/load")
                                            .keySpec(DataKeySpec.AES_256).encryptionContext(CONTEXT));
                                    made.add(new byte[][]{r.plaintext().asByteArray(), r.ciphertextBlob().asByteArray()});
                                } catch (DisabledException e) {
                                    refused.incrementAndGet();
                                }
                                done.incrementAndGet();
                                rotateAt.countDown();
                                disableAt.countDown();
                                enableAt.countDown();
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : clients) {
                        f.get();
                    }
                    admin.get();
                } finally {
                    pool.shutdownNow();
                }
                int requests = done.get();
                assertThat(requests).isEqualTo(THREADS * PER_THREAD);
                assertThat(made.size() + refused.get()).isEqualTo(requests);
                assertThat(made).as("most requests succeed").hasSizeGreaterThan(requests / 2);

                // nothing lost: every data key made, before and after the rotation, decrypts to its plaintext
                Set<Integer> versions = new HashSet<>();
                for (byte[][] m : made) {
                    DecryptResponse d = client.decrypt(b -> b.ciphertextBlob(SdkBytes.fromByteArray(m[1])).encryptionContext(CONTEXT));
                    assertThat(d.plaintext().asByteArray()).isEqualTo(m[0]);
                    versions.add(blobVersion(m[1]));
                }
                assertThat(versions).as("data keys under both key versions").containsExactlyInAnyOrder(1, 2);

                service.audit().flush();
                assertThat(repeatedRequestIds).as("no request audited twice").isEmpty();
                assertThat(eventsByRequest).as("one event per request: the load, then the decrypts")
                        .hasSize(requests + made.size());
                long deniedEvents = eventsByRequest.values().stream().filter(e -> e.errorClass() != null).count();
                assertThat(deniedEvents).as("one refused event per refused request").isEqualTo(refused.get());
            }
        }
    }

    /** The master key version a KMSWrap blob names (docs/FORMAT.md: 4 bytes at offset 21). */
    private static int blobVersion(byte[] blob) {
        return (blob[21] & 0xFF) << 24 | (blob[22] & 0xFF) << 16 | (blob[23] & 0xFF) << 8 | (blob[24] & 0xFF);
    }

    private static KmsClient client(KmsServer server, CreatedAccessKey key) {
        return KmsClient.builder()
                .endpointOverride(server.endpoint())
                .region(Region.of(server.options().region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        key.info().accessKeyId(), new String(key.secretAccessKey()))))
                .httpClient(ApacheHttpClient.builder().maxConnections(THREADS).build())
                .build();
    }
}
