package io.kmsjca.spring.boot;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A KMS SSL bundle that cannot serve fails the application's start-up, with a message naming the property. */
class KmsSslBundleStartupTest {

    static final KmsTlsFixture.Store STORE = KmsTlsFixture.create("kms-ssl-startup");

    @ParameterizedTest(name = "{0} / {1}")
    @CsvSource(delimiter = '|', value = {
            "nope | " + KmsTlsFixture.PASSWORD + " | key.alias=nope: the KMS store has no key of that alias",
            "orders | " + KmsTlsFixture.PASSWORD + " | key.alias=orders is a symmetric key; TLS needs a key pair",
            "tls | not the password | keystore.password is not the password of the application's KMS store"})
    void aBundleThatCannotServe_failsTheStartUp(String alias, String password, String message) {
        var app = new SpringApplicationBuilder(KmsStarterTestApp.class, KmsSslBundleTest.Web.class)
                .web(WebApplicationType.SERVLET)
                .properties("server.port=0", "kms.store.file=" + STORE.file(),
                        "kms.password.file=" + STORE.passwordFile(), "kms.kdf.insecure-for-tests=true",
                        "kms.maintenance-interval=0s", "spring.ssl.bundle.jks.web.keystore.type=KMS",
                        "spring.ssl.bundle.jks.web.keystore.password=" + password,
                        "spring.ssl.bundle.jks.web.key.alias=" + alias, "server.ssl.bundle=web",
                        // the failure is the expected outcome: keep its report out of the build log
                        "logging.level.org.springframework.boot.SpringApplication=off",
                        "logging.level.org.springframework.boot.diagnostics=off");
        assertThatThrownBy(app::run).rootCause().isInstanceOf(IllegalStateException.class)
                .hasMessage("spring.ssl.bundle.jks.web." + message
                        + (message.contains("password") ? " (leave it empty: kms.password.* opens the store)" : ""));
    }
}
