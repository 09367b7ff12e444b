package io.kmsjca.spring.boot;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kmsjca.keys.KeyService;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.env.EnvironmentEndpointAutoConfiguration;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Relaxed binding takes {@code kms.password.value} in more spellings than lower case with dots or
 * underscores: a bracketed element ({@code kms.password[value]}, {@code kms[password][value]}) and
 * any character other than a letter or digit inside an element ({@code kms.pass_word.value}) bind
 * the store password all the same, and {@code /env} shows the key as its property source spells it.
 * Each spelling that binds must be masked.
 */
class KmsSanitizingSpellingsTest {

    private static final String SECRET = "the-store-password-in-another-spelling";

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"kms.password.value", "kms.password[value]", "kms[password][value]", "kms[password].value",
            "kms.pass_word.value", "kms.password.val_ue", "kms.password.val\u00e9ue"})
    void everySpellingThatBindsTheStorePassword_isMaskedInEnv(String key) {
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(KmsAutoConfiguration.class, KmsSanitizingAutoConfiguration.class,
                        EndpointAutoConfiguration.class, EnvironmentEndpointAutoConfiguration.class))
                .withPropertyValues(key + "=" + SECRET, "kms.maintenance-interval=0s",
                        "kms.store.file=" + dir.resolve("keys.kms"), "kms.kdf.insecure-for-tests=true",
                        "management.endpoints.web.exposure.include=env", "management.endpoint.env.show-values=always")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(KeyService.class);
                    // the spelling binds: the store password is this value
                    assertThat(context.getBean(KmsProperties.class).password().value()).isEqualTo(SECRET);
                    String env = new ObjectMapper().findAndRegisterModules()
                            .writeValueAsString(context.getBean(EnvironmentEndpoint.class).environment(null));
                    assertThat(env).contains("kms.maintenance-interval").doesNotContain(SECRET);
                });
    }

    /**
     * The password can reach the environment inside another property's value: the JSON of
     * {@code SPRING_APPLICATION_JSON}, the command line in {@code sun.java.command}, the options in
     * {@code JAVA_TOOL_OPTIONS}. Each such value is masked; a value naming only the password's file is not.
     */
    @ParameterizedTest
    @ValueSource(strings = {"{\"kms\":{\"store\":{\"file\":\"k.kms\"},\"password\":{\"value\":\"%s\"}}}",
            "app.jar --server.port=8080 --kms.password.value=%s", "-Xmx1g -DKMS_PASSWORD_VALUE=%s"})
    void aValueCarryingTheStorePasswordUnderAnotherKey_isMaskedInEnv(String carrier) {
        String value = carrier.formatted(SECRET);
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(KmsAutoConfiguration.class, KmsSanitizingAutoConfiguration.class,
                        EndpointAutoConfiguration.class, EnvironmentEndpointAutoConfiguration.class))
                .withSystemProperties("sun.java.command=" + value)
                .withPropertyValues("kms.password.value=" + SECRET, "SPRING_APPLICATION_JSON=" + value,
                        "JAVA_TOOL_OPTIONS=" + value, "kms.maintenance-interval=0s", "app.note=kms.password.file=/run/k",
                        "kms.store.file=" + dir.resolve("keys.kms"), "kms.kdf.insecure-for-tests=true",
                        "management.endpoints.web.exposure.include=env", "management.endpoint.env.show-values=always")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(KeyService.class);
                    String env = new ObjectMapper().findAndRegisterModules()
                            .writeValueAsString(context.getBean(EnvironmentEndpoint.class).environment(null));
                    assertThat(env).contains("kms.password.file=/run/k").doesNotContain(SECRET);
                });
    }

    /** The environment's spelling binds only from the system environment: the rule is checked on its own. */
    @org.junit.jupiter.api.Test
    void theEnvironmentVariableSpelling_isTheStorePassword() {
        assertThat(KmsSanitizingAutoConfiguration.isStorePassword("KMS_PASSWORD_VALUE")).isTrue();
        assertThat(KmsSanitizingAutoConfiguration.isStorePassword("kms.password.file")).isFalse();
        assertThat(KmsSanitizingAutoConfiguration.isStorePassword(null)).isFalse();
    }

    @org.junit.jupiter.api.Test
    void aValueMayCarryTheStorePassword_whenItNamesKmsPasswordAndValueInThatOrder() {
        assertThat(KmsSanitizingAutoConfiguration.mayCarryStorePassword("--kms.password.value=x")).isTrue();
        assertThat(KmsSanitizingAutoConfiguration.mayCarryStorePassword("{\"kms\":{\"password\":{\"value\":1}}}")).isTrue();
        assertThat(KmsSanitizingAutoConfiguration.mayCarryStorePassword("{\"kms\":{\"pass\\u0077ord\":{\"value\":1}}}")).isTrue();
        assertThat(KmsSanitizingAutoConfiguration.mayCarryStorePassword("--value=x --password=y --kms.store.file=f")).isFalse();
        assertThat(KmsSanitizingAutoConfiguration.mayCarryStorePassword("--kms.password.file=f")).isFalse();
        assertThat(KmsSanitizingAutoConfiguration.mayCarryStorePassword("{\"price\":\"\\u0024 5\",\"path\":\"C:\\u005c\"}")).isFalse();
        assertThat(KmsSanitizingAutoConfiguration.mayCarryStorePassword(42)).isFalse();
        assertThat(KmsSanitizingAutoConfiguration.mayCarryStorePassword(null)).isFalse();
    }

    /** Without Actuator on the class path the masking configuration stays out, and the starter starts. */
    @org.junit.jupiter.api.Test
    void withoutActuator_theStarterStartsWithoutTheMasking() {
        new org.springframework.boot.test.context.runner.ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(KmsAutoConfiguration.class, KmsSanitizingAutoConfiguration.class))
                .withClassLoader(new org.springframework.boot.test.context.FilteredClassLoader("org.springframework.boot.actuate"))
                .withPropertyValues("kms.password.value=" + SECRET, "kms.maintenance-interval=0s",
                        "kms.store.file=" + dir.resolve("keys.kms"), "kms.kdf.insecure-for-tests=true")
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(KeyService.class)
                        .doesNotHaveBean("kmsSanitizingFunction"));
    }
}
