package io.kmsjca.server;

import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KmsCredential;
import io.kmsjca.provider.KmsAdmin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsException;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A store opened with a region and account of its own ({@link KeyServiceOptions#withRegionAndAccount})
 * and served with the same: key ARNs, the default key policy's account principal and policies'
 * {@code Resource} ARNs all name that account and region, as AWS's own do.
 */
class KmsServerAccountTest {

    private static final String REGION = "eu-west-1";
    private static final String ACCOUNT = "123456789012";

    @TempDir
    Path dir;

    @Test
    void policiesAndArnsNameTheConfiguredAccountAndRegion() throws Exception {
        try (ServerFixture f = new ServerFixture(dir)) {
            KeyServiceOptions options = f.options().withRegionAndAccount(REGION, ACCOUNT);
            f.service = KmsAdmin.open(f.file, KmsCredential.keyFile(f.serverKeyFile), options);
            try (var service = f.service;
                 KmsServer server = KmsServer.start(service, ServerOptions.builder().plainHttp().region(REGION).account(ACCOUNT).build());
                 KmsClient alice = client(server, f.alice);
                 KmsClient app = client(server, f.app)) {
                String arn = alice.createKey(r -> r.description("orders")).keyMetadata().arn();
                assertTrue(arn.startsWith("arn:aws:kms:" + REGION + ":" + ACCOUNT + ":key/"), arn);
                String defaultPolicy = alice.getKeyPolicy(r -> r.keyId(arn)).policy();
                assertTrue(defaultPolicy.contains("arn:aws:iam::" + ACCOUNT + ":root"), defaultPolicy);

                // a policy as an AWS user writes it: the account root keeps control, app may encrypt this key by its ARN
                alice.putKeyPolicy(r -> r.keyId(arn).policyName("default").policy("""
                        {"Version":"2012-10-17","Statement":[
                         {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"kms:*","Resource":"*"},
                         {"Effect":"Allow","Principal":{"AWS":"app"},"Action":"kms:Encrypt","Resource":"%s"}]}"""
                        .formatted(ACCOUNT, arn)));
                app.encrypt(r -> r.keyId(arn).plaintext(SdkBytes.fromUtf8String("order 42")));
                KmsException refused = assertThrows(KmsException.class,
                        () -> app.encrypt(r -> r.keyId("arn:aws:kms:us-east-1:" + ACCOUNT + ":key/" + arn.substring(arn.lastIndexOf('/') + 1))
                                .plaintext(SdkBytes.fromUtf8String("x"))));
                assertEquals("NotFoundException", refused.awsErrorDetails().errorCode(), "an ARN of another region names no key here");
            }
        }
    }

    @Test
    void aRegionOrAccountOutOfShapeIsRefused() {
        KeyServiceOptions defaults = KeyServiceOptions.defaults();
        assertThrows(IllegalArgumentException.class, () -> defaults.withRegionAndAccount("EU_WEST", ACCOUNT));
        assertThrows(IllegalArgumentException.class, () -> defaults.withRegionAndAccount(REGION, "12345"));
        assertEquals(ACCOUNT, defaults.withRegionAndAccount(REGION, ACCOUNT).account());
    }

    private static KmsClient client(KmsServer server, ServerFixture.AccessKey key) {
        return KmsClient.builder().endpointOverride(server.endpoint())
                .region(software.amazon.awssdk.regions.Region.of(REGION))
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(key.credentials()))
                .httpClientBuilder(ApacheHttpClient.builder()).build();
    }
}
