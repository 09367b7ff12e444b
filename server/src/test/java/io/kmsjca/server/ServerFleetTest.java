package io.kmsjca.server;

import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.CreatedAccessKey;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.postgres.PostgresKeyRecordStore;
import io.kmsjca.postgres.PostgresSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.KmsException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A fleet: two servers, each over its own key service on one PostgreSQL store, with no state of
 * their own. A key made through one is used through the other, an access key made in one store
 * service signs requests to the other, and a key disabled through one is refused by the other.
 * Each change reaches the other service through {@code refresh()}, the call the change feed
 * makes (docs/scaling.md), so the test does not wait on a clock.
 */
class ServerFleetTest {

    private static final char[] PASSWORD = "fleet password".toCharArray();
    private static final KeyServiceOptions OPTIONS = KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests())
            .withMaintenanceInterval(Duration.ZERO);
    private static final Map<String, String> CONTEXT = Map.of("order", "42");

    @Test
    void twoServersOnOnePostgresStore_shareKeysAccessKeysAndStates() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            PostgresSettings settings = PostgresSettings.of("jdbc:postgresql://localhost:" + pg.getPort() + "/postgres?user=postgres")
                    .withStoreName("fleet");
            try (KeyService a = KeyStores.open(PostgresKeyRecordStore.open(settings), PASSWORD, OPTIONS);
                 KeyService b = KeyStores.open(PostgresKeyRecordStore.open(settings), PASSWORD, OPTIONS);
                 KmsServer serverA = KmsServer.start(a, ServerOptions.builder().plainHttp().port(0).build());
                 KmsServer serverB = KmsServer.start(b, ServerOptions.builder().plainHttp().port(0).build())) {
                CreatedAccessKey admin = a.createAccessKey("ops", true);
                b.refresh();
                try (KmsClient viaA = client(serverA, admin); KmsClient viaB = client(serverB, admin)) {
                    String keyId = viaA.createKey(r -> r.description("orders")).keyMetadata().keyId();
                    viaA.createAlias(r -> r.aliasName("alias/orders").targetKeyId(keyId));
                    byte[] blob = viaA.encrypt(r -> r.keyId("alias/orders").encryptionContext(CONTEXT)
                            .plaintext(SdkBytes.fromUtf8String("card 4111"))).ciphertextBlob().asByteArray();

                    b.refresh();
                    assertThat(viaB.describeKey(r -> r.keyId("alias/orders")).keyMetadata().keyId()).isEqualTo(keyId);
                    assertThat(viaB.decrypt(r -> r.ciphertextBlob(SdkBytes.fromByteArray(blob)).encryptionContext(CONTEXT))
                            .plaintext().asString(StandardCharsets.UTF_8)).isEqualTo("card 4111");

                    viaB.disableKey(r -> r.keyId(keyId));
                    a.refresh();
                    assertThatThrownBy(() -> viaA.decrypt(r -> r.ciphertextBlob(SdkBytes.fromByteArray(blob)).encryptionContext(CONTEXT)))
                            .isInstanceOf(DisabledException.class);

                    a.deleteAccessKey(admin.info().accessKeyId());
                    b.refresh();
                    assertThatThrownBy(() -> viaB.listKeys())
                            .isInstanceOfSatisfying(KmsException.class, e ->
                                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException"));
                }
            }
        }
    }

    private static KmsClient client(KmsServer server, CreatedAccessKey key) {
        return KmsClient.builder()
                .endpointOverride(server.endpoint())
                .region(Region.of(server.options().region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        key.info().accessKeyId(), new String(key.secretAccessKey()))))
                .httpClient(ApacheHttpClient.builder().build())
                .build();
    }
}
