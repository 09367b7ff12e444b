package io.kmsjca.spring.boot;

import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditListener;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real HTTPS server (Tomcat on a random port) whose TLS key is the KMS key pair {@code tls} of a
 * real store file, configured only through Spring's SSL bundle properties with
 * {@code keystore.type=KMS}; a JDK HttpClient that trusts the certificate gets a response, and the
 * handshake's signature is made by KMS (audited as SIGN of that key, counted by Micrometer).
 */
@SpringBootTest(classes = {KmsStarterTestApp.class, KmsSslBundleTest.Web.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class KmsSslBundleTest {

    static final KmsTlsFixture.Store STORE = KmsTlsFixture.create("kms-ssl");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry p) {
        p.add("kms.store.file", () -> STORE.file().toString());
        p.add("kms.password.file", () -> STORE.passwordFile().toString());
        p.add("kms.kdf.insecure-for-tests", () -> "true");
        p.add("kms.maintenance-interval", () -> "0s");
        p.add("spring.ssl.bundle.jks.web.keystore.type", () -> "KMS");
        p.add("spring.ssl.bundle.jks.web.keystore.location", () -> "file:" + STORE.file());
        p.add("spring.ssl.bundle.jks.web.keystore.password", () -> KmsTlsFixture.PASSWORD);
        p.add("spring.ssl.bundle.jks.web.key.alias", () -> "tls");
        p.add("server.ssl.bundle", () -> "web");
    }

    @LocalServerPort
    int port;
    @Autowired
    MeterRegistry meters;
    @Autowired
    SslBundles bundles;
    @Autowired
    List<AuditEvent> audited;

    @Test
    void aJdkClientGetsAResponse_overTlsSignedByTheKmsKey() throws Exception {
        double signedBefore = signed();
        long auditedBefore = signsOfTheTlsKey();

        HttpResponse<String> response = client().send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + port + "/hello")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello over KMS TLS");
        assertThat(response.sslSession().orElseThrow().getPeerCertificates()[0]).isEqualTo(STORE.certificate());
        assertThat(signsOfTheTlsKey()).as("the handshake signature is audited as SIGN of the key tls")
                .isGreaterThan(auditedBefore);
        assertThat(signed()).as("kms.operations{operation=sign,outcome=success}").isGreaterThan(signedBefore);
    }

    @Test
    void theBundleHoldsTheLiveStore_andTheKeyStaysAHandle() throws Exception {
        KeyStore keyStore = bundles.getBundle("web").getStores().getKeyStore();
        assertThat(keyStore.getType()).isEqualTo("KMS");
        PrivateKey key = (PrivateKey) keyStore.getKey("tls", null);
        assertThat(key.getEncoded()).as("a non-exportable handle").isNull();
        assertThat(keyStore.getCertificate("tls")).isEqualTo(STORE.certificate());
    }

    private double signed() {
        Counter c = meters.find("kms.operations").tags("operation", "sign", "outcome", "success").counter();
        return c == null ? 0 : c.count();
    }

    private long signsOfTheTlsKey() {
        return audited.stream().filter(e -> e.operation() == AuditOperation.SIGN && e.outcome() == AuditOutcome.SUCCESS
                && STORE.tlsKeyId().equals(e.keyId())).count();
    }

    private static HttpClient client() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", STORE.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(30)).build();
    }

    /** The endpoint, and an audit listener bean (the starter adds it to the key service) keeping every event. */
    @Configuration(proxyBeanMethods = false)
    static class Web {

        @Bean
        List<AuditEvent> audited() {
            return new CopyOnWriteArrayList<>();
        }

        @Bean
        AuditListener keepEvents(List<AuditEvent> audited) {
            return audited::add;
        }

        @Bean
        Hello hello() {
            return new Hello();
        }
    }

    @RestController
    static class Hello {
        @GetMapping("/hello")
        String hello() {
            return "hello over KMS TLS";
        }
    }
}
