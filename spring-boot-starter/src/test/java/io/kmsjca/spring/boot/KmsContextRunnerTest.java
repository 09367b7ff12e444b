package io.kmsjca.spring.boot;

import io.kmsjca.keys.KeyService;
import io.kmsjca.spi.audit.AuditListener;
import io.kmsjca.spi.audit.AuditOperation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The starter's other paths, each in a small context: a configuration file, audit listener beans, audit health. */
class KmsContextRunnerTest {

    @TempDir
    Path dir;

    private final ApplicationContextRunner app = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KmsAutoConfiguration.class, KmsHealthAutoConfiguration.class))
            .withPropertyValues("kms.password.value=correct horse battery staple", "kms.maintenance-interval=0s");

    @Test
    void aProviderConfigurationFileNamesTheStore() throws Exception {
        Path conf = Files.writeString(dir.resolve("kms.conf"), "store.file=keys.kms\nkdf.insecureForTests=true\n");
        app.withPropertyValues("kms.config-file=" + conf).run(context -> {
            context.getBean(KeyService.class).createKey("configured", "through kms.conf");
            assertThat(Files.exists(dir.resolve("keys.kms"))).isTrue();
            assertThat(context.getBean(java.security.KeyStore.class).containsAlias("configured")).isTrue();
        });
    }

    @Test
    void withoutActuatorAndMicrometerTheKeyServiceStillStarts() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(KmsAutoConfiguration.class, KmsHealthAutoConfiguration.class,
                        KmsMetricsAutoConfiguration.class))
                .withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate", "io.micrometer"))
                .withPropertyValues("kms.password.value=correct horse battery staple", "kms.maintenance-interval=0s",
                        "kms.store.file=" + dir.resolve("keys.kms"), "kms.kdf.insecure-for-tests=true")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(KeyService.class);
                    assertThat(context).doesNotHaveBean("kmsHealthIndicator").doesNotHaveBean(KmsMetricsListener.class);
                });
    }

    @Test
    void everyAuditListenerBeanHearsTheStore() {
        List<AuditOperation> heard = Collections.synchronizedList(new ArrayList<>());
        app.withPropertyValues("kms.store.file=" + dir.resolve("keys.kms"), "kms.kdf.insecure-for-tests=true")
                .withBean("recording", AuditListener.class, () -> e -> heard.add(e.operation()))
                .run(context -> {
                    context.getBean(KeyService.class).createKey("heard", "by a bean");
                    assertThat(heard).contains(AuditOperation.LOAD_KEY_STORE, AuditOperation.CREATE_KEY);
                });
    }

    @Test
    void healthIsDownAfterAFailedAuditDeliveryUntilTheNextCheck() {
        var failing = new java.util.concurrent.atomic.AtomicBoolean();
        app.withPropertyValues("kms.store.file=" + dir.resolve("keys.kms"), "kms.kdf.insecure-for-tests=true",
                        "kms.audit.failure-policy=fail-open")
                .withBean("flaky", AuditListener.class, () -> e -> {
                    if (failing.get()) {
                        throw new IllegalStateException("listener down");
                    }
                })
                .run(context -> {
                    HealthIndicator health = context.getBean("kmsHealthIndicator", HealthIndicator.class);
                    KeyService keys = context.getBean(KeyService.class);
                    assertThat(health.health().getStatus()).isEqualTo(Status.UP);
                    failing.set(true);
                    keys.createKey("unheard", "a failed delivery");
                    failing.set(false);
                    keys.audit().flush();
                    var down = health.health();
                    assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                    assertThat(down.getDetails().get("audit").toString()).contains("1 listener calls failed");
                    assertThat(health.health().getStatus()).isEqualTo(Status.UP);
                });
    }
}
