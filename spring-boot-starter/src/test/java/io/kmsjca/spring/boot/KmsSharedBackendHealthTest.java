package io.kmsjca.spring.boot;

import io.kmsjca.keys.KeyService;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/** A store on a shared backend: the backend's settings reach it, and health follows its change feed. */
class KmsSharedBackendHealthTest {

    private final ApplicationContextRunner app = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KmsAutoConfiguration.class, KmsHealthAutoConfiguration.class))
            .withPropertyValues("kms.store.url=test-lagging:one", "kms.store.settings.lag.maxSeconds=30",
                    "kms.password.value=correct horse battery staple", "kms.kdf.insecure-for-tests=true",
                    "kms.maintenance-interval=0s");

    @Test
    void healthIsDownWhileTheChangeFeedIsBehind() {
        app.run(context -> {
            assertThat(context).hasSingleBean(KeyService.class);
            LaggingStoreFactory.Store backend = LaggingStoreFactory.last;
            assertThat(backend.lagSetting).isEqualTo("30");
            HealthIndicator health = context.getBean("kmsHealthIndicator", HealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            assertThat(health.health().getDetails()).containsEntry("changeFeed", "in sync");

            backend.behind = true;
            assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
            backend.behind = false;
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        });
    }

    @Test
    void anUnknownBackendSettingStopsTheStart() {
        app.withPropertyValues("kms.store.settings.typo=1").run(context ->
                assertThat(context).hasFailed().getFailure().hasStackTraceContaining("unknown setting(s) [store.typo]"));
    }

    @Test
    void twoStoreLocationsStopTheStart() {
        app.withPropertyValues("kms.store.file=keys.kms").run(context ->
                assertThat(context).hasFailed().getFailure().hasStackTraceContaining("name exactly one of kms.config-file"));
    }
}
