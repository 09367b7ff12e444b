package io.kmsjca.server;

import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.CreatedAccessKey;
import io.kmsjca.keys.CreatedCredential;
import io.kmsjca.keys.CredentialRequest;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KmsCredential;
import io.kmsjca.postgres.PostgresKeyRecordStore;
import io.kmsjca.postgres.PostgresSettings;
import io.kmsjca.provider.KmsAdmin;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DisabledException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Two servers on one PostgreSQL store, as behind a load balancer: what one makes, the other serves;
 * what one disables, the other refuses. The servers keep no state of their own.
 */
class KmsServerFleetTest {

    @TempDir
    Path dir;
    final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : reversed(open)) {
            c.close();
        }
    }

    @Test
    void twoServersOnOnePostgresStoreServeTheSameKeys() throws Exception {
        EmbeddedPostgres db = EmbeddedPostgres.start();
        open.add(db);
        PostgresSettings settings = PostgresSettings.of("jdbc:postgresql://localhost:" + db.getPort() + "/postgres?user=postgres")
                .withStoreName("fleet");
        KeyServiceOptions options = KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests())
                .withMaintenanceInterval(Duration.ZERO);
        Path serverKey = dir.resolve("server.key");
        ServerFixture.AccessKey alice;
        try (KeyService admin = KmsAdmin.open(PostgresKeyRecordStore.open(settings), ServerFixture.ADMIN_PASSWORD, options)) {
            CreatedCredential c = admin.createCredential(CredentialRequest.withKeyFile("kms-server").actsForOthers(true));
            c.writeKeyFile(serverKey);
            c.wipe();
            CreatedAccessKey k = admin.createAccessKey("alice", true);
            alice = new ServerFixture.AccessKey(k.info().accessKeyId(), new String(k.secretAccessKey()));
            k.wipe();
        }
        KeyService storeA = KmsAdmin.open(PostgresKeyRecordStore.open(settings), KmsCredential.keyFile(serverKey), options);
        open.add(storeA);
        KeyService storeB = KmsAdmin.open(PostgresKeyRecordStore.open(settings), KmsCredential.keyFile(serverKey), options);
        open.add(storeB);
        KmsServer a = KmsServer.start(storeA, ServerOptions.builder().plainHttp().region(ServerFixture.REGION).build());
        open.add(a);
        KmsServer b = KmsServer.start(storeB, ServerOptions.builder().plainHttp().region(ServerFixture.REGION).build());
        open.add(b);
        KmsClient viaA = client(alice, a);
        KmsClient viaB = client(alice, b);

        String key = viaA.createKey(r -> r.description("shared")).keyMetadata().keyId();
        storeB.refresh(); // what LISTEN/NOTIFY does within milliseconds, done here at a known moment
        SdkBytes blob = viaB.encrypt(r -> r.keyId(key).plaintext(SdkBytes.fromUtf8String("one store"))).ciphertextBlob();
        assertEquals("one store", viaA.decrypt(r -> r.ciphertextBlob(blob)).plaintext().asUtf8String());

        viaA.disableKey(r -> r.keyId(key));
        storeB.refresh();
        assertThrows(DisabledException.class, () -> viaB.decrypt(r -> r.ciphertextBlob(blob)));
    }

    private static List<AutoCloseable> reversed(List<AutoCloseable> list) {
        List<AutoCloseable> copy = new ArrayList<>(list);
        java.util.Collections.reverse(copy);
        return copy;
    }

    private KmsClient client(ServerFixture.AccessKey key, KmsServer server) {
        KmsClient client = KmsClient.builder().endpointOverride(server.endpoint())
                .region(software.amazon.awssdk.regions.Region.of(ServerFixture.REGION))
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(key.credentials()))
                .httpClientBuilder(software.amazon.awssdk.http.apache.ApacheHttpClient.builder())
                .overrideConfiguration(c -> c.retryPolicy(software.amazon.awssdk.core.retry.RetryPolicy.none())).build();
        open.add(client);
        return client;
    }
}
