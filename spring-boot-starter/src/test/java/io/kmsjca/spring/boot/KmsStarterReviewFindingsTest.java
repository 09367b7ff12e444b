package io.kmsjca.spring.boot;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.provider.KmsAdmin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.autoconfigure.context.properties.ConfigurationPropertiesReportEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.env.EnvironmentEndpointAutoConfiguration;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proof programs of the security review of the starter: where the store password comes from and
 * where it ends up. Each test is a leak, or a mismatch, that must not happen.
 */
class KmsStarterReviewFindingsTest {

    private static final String SECRET = "the-store-password-seen-by-actuator";

    @TempDir
    Path dir;

    /**
     * S1: Spring Boot 3 has no list of sensitive keys any more: with {@code show-values} set to
     * {@code always} or {@code when-authorized} (the usual setting for operators), {@code /env} and
     * {@code /configprops} show every value a {@code SanitizingFunction} does not mask. The
     * README's {@code kms.password.value=${...}} then showed the store's administrator password,
     * which opens every key of the store, to whoever reads those endpoints.
     */
    @Test
    void s1_theStorePassword_isMaskedInEnvAndConfigprops_evenWhenValuesAreShown() {
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(starterAutoConfigurations()))
                .withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class, EnvironmentEndpointAutoConfiguration.class,
                        ConfigurationPropertiesReportEndpointAutoConfiguration.class))
                .withPropertyValues("kms.password.value=" + SECRET, "kms.maintenance-interval=0s",
                        "kms.store.file=" + dir.resolve("keys.kms"), "kms.kdf.insecure-for-tests=true",
                        "management.endpoints.web.exposure.include=env,configprops",
                        "management.endpoint.env.show-values=always", "management.endpoint.configprops.show-values=always")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(KeyService.class);
                    ObjectMapper json = new ObjectMapper().findAndRegisterModules();
                    String env = json.writeValueAsString(context.getBean(EnvironmentEndpoint.class).environment(null));
                    String configprops = json.writeValueAsString(
                            context.getBean(ConfigurationPropertiesReportEndpoint.class).configurationProperties());
                    assertThat(env).contains("kms.maintenance-interval").doesNotContain(SECRET);
                    assertThat(configprops).contains("maintenanceInterval").doesNotContain(SECRET);
                });
    }

    /** Every auto-configuration the starter declares, as an application gets them. */
    private static Class<?>[] starterAutoConfigurations() {
        return ImportCandidates.load(AutoConfiguration.class, KmsStarterReviewFindingsTest.class.getClassLoader())
                .getCandidates().stream().filter(name -> name.startsWith("io.kmsjca.")).map(name -> {
                    try {
                        return Class.forName(name);
                    } catch (ClassNotFoundException e) {
                        throw new AssertionError(e);
                    }
                }).toArray(Class<?>[]::new);
    }

    /**
     * S2: {@code kms.password.file} had a rule of its own (the first line as it is), where every
     * other password file is read by the one rule of docs/decisions.md (white space around it
     * removed). A store the application created from a file with a trailing space had a password
     * that {@code kms --password-file} and {@code kms.conf} with the same file could not open.
     */
    @Test
    void s2_kmsPasswordFile_isReadByTheOneRuleForPasswordFiles() throws Exception {
        Path passwordFile = Files.writeString(dir.resolve("kms-password"), "correct horse battery staple \n");
        Path store = dir.resolve("keys.kms");
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(KmsAutoConfiguration.class))
                .withPropertyValues("kms.password.file=" + passwordFile, "kms.maintenance-interval=0s",
                        "kms.store.file=" + store, "kms.kdf.insecure-for-tests=true")
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(KeyService.class));
        char[] asTheCommandLineReadsIt = io.kmsjca.spi.internal.PasswordFiles.firstLine(passwordFile);
        try (KeyService keys = KmsAdmin.open(store, asTheCommandLineReadsIt,
                KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests()))) {
            assertThat(keys.credential().principal()).isNotEmpty();
        }
    }
}
