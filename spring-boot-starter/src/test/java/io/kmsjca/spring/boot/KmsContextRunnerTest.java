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

    @Test
    void aKeyFileCredentialOpensTheStoreAsItsPrincipal() throws Exception {
        Path store = dir.resolve("keys.kms");
        Path keyFile = dir.resolve("orders.key");
        var options = io.kmsjca.keys.KeyServiceOptions.defaults().withKdf(io.kmsjca.keys.Argon2Params.insecureForTests())
                .withMaintenanceInterval(java.time.Duration.ZERO);
        try (KeyService admin = io.kmsjca.provider.KmsAdmin.open(store, "correct horse battery staple".toCharArray(), options)) {
            admin.createKey("orders", "");
            admin.createKey("payroll", "");
            admin.putKeyPolicy("orders", """
                    {"Version": "2012-10-17", "Statement": [
                      {"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}]}""", false);
            var created = admin.createCredential(io.kmsjca.keys.CredentialRequest.withKeyFile("orders-service"));
            created.writeKeyFile(keyFile);
            created.wipe();
        }
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(KmsAutoConfiguration.class))
                .withPropertyValues("kms.store.file=" + store, "kms.credential-file=" + keyFile,
                        "kms.kdf.insecure-for-tests=true", "kms.maintenance-interval=0s")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    KeyService keys = context.getBean(KeyService.class);
                    assertThat(keys.credential().principal()).isEqualTo("orders-service");
                    var cipher = javax.crypto.Cipher.getInstance("KMSWrap", new io.kmsjca.provider.KmsProvider());
                    cipher.init(javax.crypto.Cipher.WRAP_MODE, keys.findKey("orders").orElseThrow());
                    assertThat(cipher.wrap(new javax.crypto.spec.SecretKeySpec(new byte[32], "AES"))).isNotEmpty();
                    org.junit.jupiter.api.Assertions.assertThrows(io.kmsjca.keys.KeyUseDeniedException.class, () ->
                            cipher.init(javax.crypto.Cipher.WRAP_MODE, keys.findKey("payroll").orElseThrow()),
                            "a key user gets only what a policy names it for");
                });
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(KmsAutoConfiguration.class))
                .withPropertyValues("kms.store.file=" + store, "kms.credential-file=" + keyFile,
                        "kms.password.value=also", "kms.maintenance-interval=0s")
                .run(context -> assertThat(context).hasFailed());
    }
}
