package io.kmsjca.spring.boot;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kmsjca.keys.KeyService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.actuate.autoconfigure.context.properties.ConfigurationPropertiesReportEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.env.EnvironmentEndpointAutoConfiguration;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.env.SystemEnvironmentPropertySourceEnvironmentPostProcessor;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The review of the Actuator masking of the store password (stop 41): each case is a way
 * {@code /env} or {@code /configprops} (with {@code show-values=always}) gave the password away
 * before {@link StorePasswordCopies} and the function's order, and each failed then.
 */
class KmsSanitizingReviewTest {

    private static final String SECRET = "the-store-password-the-review-found";

    @TempDir
    Path dir;

    private WebApplicationContextRunner runner() {
        return new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(KmsAutoConfiguration.class, KmsSanitizingAutoConfiguration.class,
                        EndpointAutoConfiguration.class, EnvironmentEndpointAutoConfiguration.class,
                        ConfigurationPropertiesReportEndpointAutoConfiguration.class))
                .withPropertyValues("kms.maintenance-interval=0s", "kms.store.file=" + dir.resolve("keys.kms"),
                        "kms.kdf.insecure-for-tests=true", "management.endpoints.web.exposure.include=env,configprops",
                        "management.endpoint.env.show-values=always", "management.endpoint.configprops.show-values=always");
    }

    private static String env(ApplicationContext context) throws Exception {
        return new ObjectMapper().findAndRegisterModules()
                .writeValueAsString(context.getBean(EnvironmentEndpoint.class).environment(null));
    }

    private static String configprops(ApplicationContext context) throws Exception {
        return new ObjectMapper().findAndRegisterModules()
                .writeValueAsString(context.getBean(ConfigurationPropertiesReportEndpoint.class).configurationProperties());
    }

    /**
     * R1: a placeholder carries the password under another key. {@code /env} shows a value with its
     * placeholders resolved, and the function sees only that resolved value (no "kms" in it), never
     * the raw {@code ${kms.password.value}} that names the password. A chain of placeholders too.
     */
    @ParameterizedTest
    @ValueSource(strings = {"app.store-password=${kms.password.value}",
            "app.db-url=postgres://app:${kms.password.value}@db/app",
            "SPRING_APPLICATION_JSON={\"app\":{\"pw\":\"${kms.password.value}\"}}",
            "app.indirect=${kms.password.value};app.alias=${app.indirect}"})
    void r1_aPlaceholderNamingTheStorePassword_isMaskedInEnv(String carriers) {
        runner().withPropertyValues("kms.password.value=" + SECRET)
                .withPropertyValues(carriers.split(";"))
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(KeyService.class);
                    assertThat(env(context)).contains("kms.maintenance-interval").doesNotContain(SECRET);
                });
    }

    /** R1 in {@code /configprops}: an application's own properties bound from the placeholder. */
    @Test
    void r1_aPlaceholderNamingTheStorePassword_isMaskedInConfigprops() {
        runner().withUserConfiguration(AppConfiguration.class)
                .withPropertyValues("kms.password.value=" + SECRET, "app.store-password=${kms.password.value}", "app.name=orders")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(KeyService.class);
                    assertThat(context.getBean(AppProperties.class).storePassword()).isEqualTo(SECRET);
                    assertThat(configprops(context)).contains("\"name\":\"orders\"").doesNotContain(SECRET);
                });
    }

    @org.springframework.boot.context.properties.ConfigurationProperties("app")
    record AppProperties(String name, String storePassword) {
    }

    @Configuration(proxyBeanMethods = false)
    @org.springframework.boot.context.properties.EnableConfigurationProperties(AppProperties.class)
    static class AppConfiguration {
    }

    /**
     * R2: the README's {@code kms.password.value=${a secret Spring resolves}}: the property the
     * placeholder names holds the store password itself, and was shown.
     */
    @Test
    void r2_thePropertyKmsPasswordValueRefersTo_isMaskedInEnv() {
        runner().withPropertyValues("kms.password.value=${vault.kms-password}", "vault.kms-password=" + SECRET)
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(KeyService.class);
                    assertThat(context.getBean(KmsProperties.class).password().value()).isEqualTo(SECRET);
                    assertThat(env(context)).contains("kms.maintenance-interval").doesNotContain(SECRET);
                });
    }

    /**
     * R3: the README's {@code kms.password.env=KMS_PASSWORD}: the store password is that variable
     * of the system environment, which {@code /env} lists with every other variable. (A test cannot
     * set a variable of its own JVM: the store's password here is the value of PATH, which
     * Maven always sets.)
     */
    @Test
    void r3_theVariableKmsPasswordEnvNames_isMaskedInEnv() {
        String variable = "PATH";
        assertThat(System.getenv(variable)).isNotEmpty();
        runner().withPropertyValues("kms.password.env=" + variable)
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(KeyService.class);
                    var systemEnvironment = context.getBean(EnvironmentEndpoint.class).environment(null)
                            .getPropertySources().stream()
                            .filter(s -> s.getName().equals(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME))
                            .findFirst().orElseThrow();
                    assertThat(systemEnvironment.getProperties().get(variable).getValue()).isEqualTo("******");
                    assertThat(context.getBean(EnvironmentEndpoint.class).environmentEntry(variable).getProperty()
                            .getValue()).isEqualTo("******");
                });
    }

    /**
     * R4: {@code SpringApplication.setEnvironmentPrefix("myapp")}: the variable
     * {@code MYAPP_KMS_PASSWORD_VALUE} binds the store password, and its letters are not
     * {@code kmspasswordvalue}.
     */
    @Test
    void r4_anEnvironmentPrefixedVariable_isMaskedInEnv() {
        runner().withInitializer(context -> {
                    var environment = context.getEnvironment();
                    Map<String, Object> variables = new HashMap<>(System.getenv());
                    variables.put("MYAPP_KMS_PASSWORD_VALUE", SECRET);
                    environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                            new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                                    variables));
                    SpringApplication application = new SpringApplication();
                    application.setEnvironmentPrefix("myapp");
                    new SystemEnvironmentPropertySourceEnvironmentPostProcessor().postProcessEnvironment(environment, application);
                })
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(KeyService.class);
                    assertThat(context.getBean(KmsProperties.class).password().value()).isEqualTo(SECRET);
                    assertThat(env(context)).contains("kms.maintenance-interval").doesNotContain(SECRET);
                });
    }

    /**
     * R5: the README's KMS SSL bundle: {@code spring.ssl.bundle.jks.web.keystore.password} (literal,
     * or {@code ${KMS_PASSWORD}}) is checked at start-up to be the store password, and is then
     * shown by {@code /env} and by {@code /configprops} (bean {@code spring.ssl}).
     */
    @ParameterizedTest
    @ValueSource(strings = {KmsTlsFixture.PASSWORD, "${app.kms-password}"})
    void r5_theKeystorePasswordOfAKmsSslBundle_isMaskedInEnvAndConfigprops(String bundlePassword) {
        KmsTlsFixture.Store store = KmsTlsFixture.create("kms-review-ssl");
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(KmsAutoConfiguration.class, KmsSanitizingAutoConfiguration.class,
                        SslAutoConfiguration.class, KmsSslAutoConfiguration.class,
                        EndpointAutoConfiguration.class, EnvironmentEndpointAutoConfiguration.class,
                        ConfigurationPropertiesReportEndpointAutoConfiguration.class))
                .withPropertyValues("kms.store.file=" + store.file(), "kms.password.file=" + store.passwordFile(),
                        "kms.kdf.insecure-for-tests=true", "kms.maintenance-interval=0s",
                        // the placeholder's property (R2), none for a literal password
                        bundlePassword.startsWith("${") ? "app.kms-password=" + KmsTlsFixture.PASSWORD : "app.none=",
                        "spring.ssl.bundle.jks.web.keystore.type=KMS", "spring.ssl.bundle.jks.web.key.alias=tls",
                        "spring.ssl.bundle.jks.web.keystore.password=" + bundlePassword,
                        "management.endpoints.web.exposure.include=env,configprops",
                        "management.endpoint.env.show-values=always", "management.endpoint.configprops.show-values=always")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    // the registrar checked the bundle's password against the store and took it
                    assertThat(context.getBean(SslBundles.class).getBundle("web").getStores().getKeyStore().getType())
                            .isEqualTo("KMS");
                    assertThat(env(context)).contains("spring.ssl.bundle.jks.web.key.alias")
                            .doesNotContain(KmsTlsFixture.PASSWORD);
                    assertThat(configprops(context)).contains("\"alias\":\"tls\"").doesNotContain(KmsTlsFixture.PASSWORD);
                });
    }

    /**
     * R6: the Sanitizer stops at the first function that changes a value. An application's own
     * function that only rewrites part of a value (here the password of a URI's user info, as Spring
     * Boot 2 did) runs before the starter's, which is never asked: the store password in the same
     * command line is shown.
     */
    @Test
    void r6_anApplicationFunctionRewritingAValue_doesNotShadowTheStarterMasking() {
        String command = "app.jar --spring.datasource.url=postgres://app:dbpw@db/app --kms.password.value=" + SECRET;
        runner().withUserConfiguration(UriUserInfoMasking.class)
                .withSystemProperties("sun.java.command=" + command)
                .withPropertyValues("kms.password.value=" + SECRET)
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(KeyService.class);
                    assertThat(env(context)).contains("kms.maintenance-interval").doesNotContain(SECRET);
                });
    }

    /**
     * R7: the README's {@code kms.password.file=/run/secrets/kms} beside Spring's config tree of the
     * same directory ({@code spring.config.import=configtree:/run/secrets/}, the usual way to read
     * Docker and Kubernetes secrets): the file is the property {@code kms}, whose value is the store
     * password. Which file the password is read from is a name, as the property's origin is.
     */
    @Test
    void r7_aConfigTreeEntryReadFromThePasswordFile_isMaskedInEnv() throws Exception {
        Path secrets = java.nio.file.Files.createDirectories(dir.resolve("secrets"));
        Path passwordFile = java.nio.file.Files.writeString(secrets.resolve("kms"), SECRET + "\n");
        java.nio.file.Files.writeString(secrets.resolve("app.greeting"), "hello");
        runner().withPropertyValues("kms.password.file=" + passwordFile)
                .withInitializer(context -> context.getEnvironment().getPropertySources().addLast(
                        new org.springframework.boot.env.ConfigTreePropertySource("Config tree " + secrets, secrets)))
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(KeyService.class);
                    assertThat(env(context)).contains("\"app.greeting\":{\"value\":\"hello\"").doesNotContain(SECRET);
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class UriUserInfoMasking {
        @Bean
        SanitizingFunction uriUserInfo() {
            return (SanitizableData data) -> data.getValue() instanceof String text && text.matches("(?s).*://[^/@\\s:]+:[^/@\\s]+@.*")
                    ? data.withValue(text.replaceAll("://([^/@\\s:]+):[^/@\\s]+@", "://$1:******@")) : data;
        }
    }
}
