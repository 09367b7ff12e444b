package io.kmsjca.spring.boot;

import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.DataKeyCache;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsEnvelopeSpec;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.util.Arrays;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The starter in a Spring Boot application over a real store file in a temporary folder. */
@SpringBootTest(classes = KmsStarterTestApp.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KmsAutoConfigurationTest {

    static final Path DIR = tempDir();

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry p) {
        p.add("kms.store.file", () -> DIR.resolve("keys.kms").toString());
        p.add("kms.password.file", () -> writePassword(DIR).toString());
        p.add("kms.kdf.insecure-for-tests", () -> "true");
        p.add("kms.maintenance-interval", () -> "0s");
        p.add("management.endpoint.health.show-details", () -> "always");
    }

    @Autowired
    KeyService keys;
    @Autowired
    KeyStore keyStore;
    @Autowired
    Provider kmsProvider;
    @Autowired
    HealthEndpoint health;
    @Autowired
    MeterRegistry meters;

    @Test
    @Order(1)
    void theKeyServiceOpensTheStoreFileAndTheProviderIsInstalledOnce() throws Exception {
        keys.createKey("beans", "made by the test");
        assertThat(Files.exists(DIR.resolve("keys.kms"))).isTrue();
        assertThat(keys.describeKey("alias/beans").description()).isEqualTo("made by the test");
        assertThat(Arrays.stream(Security.getProviders()).filter(p -> p.getName().equals("KMS"))).hasSize(1);
        assertThat(keyStore.getType()).isEqualTo("KMS");
        assertThat(keyStore.getProvider()).isSameAs(kmsProvider);
    }

    @Test
    @Order(2)
    void aDataKeyWrapsAndUnwrapsThroughTheJca() throws Exception {
        keys.createKey("orders", "order payloads");
        Key handle = keyStore.getKey("orders", null);
        assertThat(handle).isInstanceOf(KmsKeyHandle.class);
        SecretKey dataKey = KeyGenerator.getInstance("AES").generateKey();

        Cipher wrap = Cipher.getInstance("KMSWrap");
        wrap.init(Cipher.WRAP_MODE, handle);
        byte[] blob = wrap.wrap(dataKey);
        Cipher unwrap = Cipher.getInstance("KMSWrap");
        unwrap.init(Cipher.UNWRAP_MODE, handle);
        Key back = unwrap.unwrap(blob, "AES", Cipher.SECRET_KEY);

        assertThat(back.getEncoded()).isEqualTo(dataKey.getEncoded());
    }

    @Test
    @Order(3)
    void operationsDenialsAndRotationsAreCounted() throws Exception {
        keys.createKey("counted", "counted");
        Key handle = keyStore.getKey("counted", null);
        double wrapsBefore = count("kms.operations", "operation", "wrap_key", "outcome", "success");
        Cipher wrap = Cipher.getInstance("KMSWrap");
        wrap.init(Cipher.WRAP_MODE, handle);
        wrap.wrap(KeyGenerator.getInstance("AES").generateKey());
        keys.audit().flush();
        assertThat(count("kms.operations", "operation", "wrap_key", "outcome", "success")).isEqualTo(wrapsBefore + 1);
        Timer wraps = meters.get("kms.operations.duration").tags("operation", "wrap_key", "outcome", "success").timer();
        assertThat((double) wraps.count()).as("every timed wrap is in the timer").isEqualTo(wrapsBefore + 1);
        assertThat(wraps.totalTime(TimeUnit.NANOSECONDS)).as("the wraps took time").isPositive();

        var cache = new DataKeyCache(10, 1 << 20, Duration.ofMinutes(5));
        for (int i = 0; i < 3; i++) {
            Cipher envelope = Cipher.getInstance("KMSEnvelope");
            envelope.init(Cipher.ENCRYPT_MODE, handle, KmsEnvelopeSpec.withContext(Map.of("tenant", "t1")).withDataKeyCache(cache));
            envelope.doFinal(new byte[16]);
        }
        keys.rotateKeyOnDemand("counted");
        keys.disableKey("counted");
        assertThatThrownBy(() -> keys.rotateKeyOnDemand("counted")).isInstanceOf(Exception.class);
        keys.audit().flush();

        assertThat(count("kms.rotations")).isEqualTo(1);
        assertThat(count("kms.datakey.cache.reuses")).isEqualTo(2);
        assertThat(count("kms.denials", "operation", "rotate_key")).isEqualTo(1);
        assertThat(count("kms.operations", "operation", "rotate_key", "outcome", "denied")).isEqualTo(1);
        assertThat(meters.find("kms.operations.duration").tags("operation", "rotate_key").timer())
                .as("no engine times a rotation: counted, not timed").isNull();
        assertThat(meters.get("kms.audit.events.delivered").functionCounter().count()).isPositive();
        assertThat(meters.get("kms.audit.events.dropped").functionCounter().count()).isZero();
    }

    @Test
    @Order(4)
    void healthIsUpWhileTheStoreIsOpen() {
        var kms = health.healthForPath("kms");
        assertThat(kms).isNotNull();
        assertThat(kms.getStatus()).isEqualTo(Status.UP);
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    @Order(5)
    @DirtiesContext
    void healthIsDownOnceTheStoreIsClosed() throws IOException {
        keys.close();
        assertThat(health.healthForPath("kms").getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
    }

    private double count(String name, String... tags) {
        var found = meters.find(name).tags(tags).counter();
        return found == null ? 0 : found.count();
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("kms-starter");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path writePassword(Path dir) {
        try {
            return Files.writeString(dir.resolve("password"), "correct horse battery staple\n");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void deleteStore() throws IOException {
        try (Stream<Path> files = Files.walk(DIR)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
