package io.kmsjca.spring.boot;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kmsjca.keys.KeyService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.env.EnvironmentEndpointAutoConfiguration;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.ConfigTreePropertySource;
import org.springframework.boot.env.SpringApplicationJsonEnvironmentPostProcessor;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The second review of the Actuator masking of the store password, after {@link StorePasswordCopies}:
 * each case failed on the fix as it landed.
 */
class KmsSanitizingReview2Test {

    @TempDir
    Path dir;

    private WebApplicationContextRunner runner(Path store) {
        return new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(KmsAutoConfiguration.class, KmsSanitizingAutoConfiguration.class,
                        EndpointAutoConfiguration.class, EnvironmentEndpointAutoConfiguration.class))
                .withPropertyValues("kms.maintenance-interval=0s", "kms.store.file=" + store,
                        "kms.kdf.insecure-for-tests=true", "management.endpoints.web.exposure.include=env",
                        "management.endpoint.env.show-values=always");
    }

    private static String env(ApplicationContext context) throws Exception {
        return new ObjectMapper().findAndRegisterModules()
                .writeValueAsString(context.getBean(EnvironmentEndpoint.class).environment(null));
    }

    private static Object envValue(ApplicationContext context, String name) {
        return context.getBean(EnvironmentEndpoint.class).environmentEntry(name).getProperty().getValue();
    }

    /**
     * N1: {@code SPRING_APPLICATION_JSON} holds the password under a key that does not name it (here
     * the secret {@code kms.password.value=${vault.kms-password}} refers to; an SSL bundle's key store
     * password is another). JSON must escape a quote or a backslash, and many writers (Python's
     * {@code json.dumps}, Jackson with ESCAPE_NON_ASCII) escape every non-ASCII letter: the variable
     * holds {@code P\u00e4ss\"wort\\...}, no copy of the password, and {@code /env} shows it whole.
     */
    @ParameterizedTest
    @ValueSource(strings = {"Tr0ub4dor\"&3\\horse-staple|Tr0ub4dor\\\"&3\\\\horse-staple",
            "P\u00e4sswort-sehr-geheim|P\\u00e4sswort-sehr-geheim",
            "https://vault/kms-pw|https:\\/\\/vault\\/kms-pw"})
    void n1_thePasswordJsonEscapedInSpringApplicationJson_isMaskedInEnv(String passwordAndEscaped) {
        String secret = passwordAndEscaped.split("\\|")[0];
        String json = "{\"vault\":{\"kms-password\":\"" + passwordAndEscaped.split("\\|")[1] + "\"}}";
        runner(dir.resolve("keys.kms")).withPropertyValues("kms.password.value=${vault.kms-password}")
                .withInitializer(context -> {
                    var environment = context.getEnvironment();
                    Map<String, Object> variables = new HashMap<>(System.getenv());
                    variables.put("SPRING_APPLICATION_JSON", json);
                    environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                            new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                                    variables));
                    new SpringApplicationJsonEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
                })
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(KeyService.class);
                    // the JSON is where the store password came from
                    assertThat(context.getBean(KmsProperties.class).password().value()).isEqualTo(secret);
                    assertThat(envValue(context, "vault.kms-password")).isEqualTo("******");
                    assertThat(envValue(context, "SPRING_APPLICATION_JSON")).isEqualTo("******");
                });
    }

    /**
     * N2: the password file is read for the copy rule at the first {@code /env} call, not when the
     * store opened, and a failed read is kept as "no password" for good. A file removed after
     * start-up (a secret consumed at start), or rewritten (the password changed with
     * {@code kms change-password}, the secret updated), leaves the copies of the password the
     * application runs with unmasked: here an SSL bundle's key store password.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void n2_thePasswordFileRemovedOrRewrittenAfterStartUp_leavesTheCopiesMasked(boolean removed) {
        String secret = "the-store-password-read-at-start-up";
        Path store = dir.resolve("keys.kms");
        runner(store).withPropertyValues("kms.password.file=" + write("password", secret + "\n"),
                        "app.tls.key-store-password=" + secret)
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(KeyService.class);
                    assertThat(context.getBean(KeyService.class).verifyPassword(secret.toCharArray())).isTrue();
                    if (removed) {
                        Files.delete(dir.resolve("password"));
                    } else {
                        write("password", "the-next-password-not-yet-in-use\n");
                    }
                    assertThat(env(context)).contains("kms.maintenance-interval").doesNotContain(secret);
                });
    }

    /**
     * N3: a config tree entry ({@code spring.config.import=configtree:/run/secrets/}, next to the
     * password file) is a {@code CharSequence} whose every {@code charAt} decodes the whole file
     * again (and reads it again with {@code ALWAYS_READ}). The rules walked it by {@code charAt}:
     * {@code /env} of a 256 KB entry (a CA bundle) took 7.5 s, quadratic in its length. The
     * function now reads such a value once, as a string: counted here on a value that counts its reads.
     */
    @Test
    void n3_aCharSequenceValue_isReadOnceAsAString_notCharByChar() {
        String pem = "-----BEGIN CERTIFICATE-----\n" + "MIIBkTCB+wIJAKHHIG1pLnC8MA0GCSqGSIb3DQEBCwUAMBQx\n".repeat(100);
        AtomicLong charAts = new AtomicLong();
        AtomicLong strings = new AtomicLong();
        CharSequence entry = new CharSequence() {
            @Override
            public int length() {
                return pem.length();
            }

            @Override
            public char charAt(int index) {
                charAts.incrementAndGet();
                return pem.charAt(index);
            }

            @Override
            public CharSequence subSequence(int start, int end) {
                return pem.subSequence(start, end);
            }

            @Override
            public String toString() {
                strings.incrementAndGet();
                return pem;
            }
        };
        runner(dir.resolve("keys.kms")).withPropertyValues("kms.password.value=the-store-password-n3")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    var function = context.getBean("kmsSanitizingFunction",
                            org.springframework.boot.actuate.endpoint.SanitizingFunction.class);
                    var shown = function.apply(new org.springframework.boot.actuate.endpoint.SanitizableData(
                            new MapPropertySource("Config tree", Map.of("ca.crt", entry)), "ca.crt", entry));
                    assertThat(shown.getValue()).isSameAs(entry); // not the password: shown as it is
                    assertThat(charAts.get()).isZero();
                    assertThat(strings.get()).isEqualTo(1);
                });
    }

    /**
     * N4: how much work {@code /env} does depends on the password. A password shorter than 8
     * characters is compared with two windows of a value, a longer one with every window of its
     * length: for the same environment (1,000 properties, a 100 KB class path) {@code /env} took
     * about 13 ms with a 7-character password, 66 ms with an 8-character one and 46 ms with 39
     * characters. A reader of {@code /env} who times it learns whether the password is short, and
     * roughly its length. Counted here as the SHA-256 digests one {@code /env} call computes (each
     * digest still costs a little more for a longer password: 37 ms for 8 characters, 50 ms for 39).
     */
    @Test
    void n4_theDigestsOneEnvCallComputes_doNotDependOnThePassword() {
        Map<String, Object> many = new TreeMap<>();
        for (int i = 0; i < 200; i++) {
            many.put("app.prop" + i, "some-value-of-moderate-length-" + i + "-jdbc:postgresql://db/app");
        }
        Map<String, Long> digests = new TreeMap<>();
        CountingSha256 counting = new CountingSha256();
        Security.insertProviderAt(counting, 1);
        try {
            for (String password : new String[]{"7-chars", "8-chars!", "a-password-of-twenty-six-c"}) {
                Path store = dir.resolve("keys%02d.kms".formatted(password.length()));
                runner(store).withPropertyValues("kms.password.value=" + password)
                        .withInitializer(context -> context.getEnvironment().getPropertySources()
                                .addLast(new MapPropertySource("many", many)))
                        .run(context -> {
                            assertThat(context).hasNotFailed();
                            EnvironmentEndpoint endpoint = context.getBean(EnvironmentEndpoint.class);
                            endpoint.environment(null);
                            long before = CountingSha256.DIGESTS.get();
                            endpoint.environment(null);
                            digests.put(password, CountingSha256.DIGESTS.get() - before);
                        });
            }
        } finally {
            Security.removeProvider(counting.getName());
        }
        assertThat(new java.util.HashSet<>(digests.values())).as("SHA-256 digests of one /env call, by password: %s", digests)
                .hasSize(1);
    }

    /**
     * N5: Java 17 (the project's floor) in a container without a UTF-8 locale ({@code LANG} unset:
     * the default charset is ASCII). The password file is read as UTF-8 (PasswordFiles), but Spring's
     * config tree of the same directory decodes it with the default charset: {@code /env} shows
     * {@code P\uFFFD\uFFFDsswort-sehr-geheim}, no copy of {@code P\u00e4sswort-sehr-geheim}, and
     * every letter but one. Run in a JVM of its own, the default charset being fixed at start.
     */
    @Test
    void n5_aConfigTreeEntryOfANonAsciiPasswordFile_decodedByAnAsciiDefaultCharset_isMaskedInEnv() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dfile.encoding=US-ASCII", "-cp", System.getProperty("java.class.path"),
                AsciiDefaultCharset.class.getName(), dir.toString()).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(child.waitFor()).as(output).isZero();
        assertThat(output).contains("default charset US-ASCII").contains("config tree entry kms: masked");
    }

    /** N5 in its own JVM: exit 0 when the config tree entry of the password file is masked. */
    static final class AsciiDefaultCharset {
        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[0]);
            Path secrets = Files.createDirectories(dir.resolve("secrets"));
            String secret = "P\u00e4sswort-sehr-geheim";
            Path passwordFile = Files.writeString(secrets.resolve("kms"), secret + "\n", java.nio.charset.StandardCharsets.UTF_8);
            System.out.println("default charset " + java.nio.charset.Charset.defaultCharset());
            int[] exit = {2};
            new WebApplicationContextRunner()
                    .withConfiguration(AutoConfigurations.of(KmsAutoConfiguration.class, KmsSanitizingAutoConfiguration.class,
                            EndpointAutoConfiguration.class, EnvironmentEndpointAutoConfiguration.class))
                    .withPropertyValues("kms.maintenance-interval=0s", "kms.store.file=" + dir.resolve("keys.kms"),
                            "kms.kdf.insecure-for-tests=true", "kms.password.file=" + passwordFile,
                            "management.endpoints.web.exposure.include=env", "management.endpoint.env.show-values=always")
                    .withInitializer(context -> context.getEnvironment().getPropertySources().addLast(
                            new ConfigTreePropertySource("Config tree " + secrets, secrets)))
                    .run(context -> {
                        if (context.getStartupFailure() != null) {
                            context.getStartupFailure().printStackTrace(System.out);
                            return;
                        }
                        Object shown = envValue(context, "kms");
                        boolean masked = "******".equals(shown);
                        System.out.println("config tree entry kms: " + (masked ? "masked" : "shown, "
                                + String.valueOf(shown).replace("\uFFFD", "?")));
                        exit[0] = masked ? 0 : 1;
                    });
            System.exit(exit[0]);
        }
    }

    private Path write(String name, String content) {
        try {
            return Files.writeString(dir.resolve(name), content);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** SHA-256 of the JDK, counting the digests computed through it. */
    static final class CountingSha256 extends Provider {
        static final AtomicLong DIGESTS = new AtomicLong();

        CountingSha256() {
            super("CountingSha256", "1", "SHA-256, counted");
            putService(new Service(this, "MessageDigest", "SHA-256", Counted.class.getName(), null, null) {
                @Override
                public Object newInstance(Object constructorParameter) {
                    return new Counted();
                }
            });
        }

        static final class Counted extends java.security.MessageDigestSpi {
            private final MessageDigest sha256;

            Counted() {
                try {
                    sha256 = MessageDigest.getInstance("SHA-256", "SUN");
                } catch (NoSuchAlgorithmException | java.security.NoSuchProviderException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            protected void engineUpdate(byte input) {
                sha256.update(input);
            }

            @Override
            protected void engineUpdate(byte[] input, int offset, int len) {
                sha256.update(input, offset, len);
            }

            @Override
            protected void engineUpdate(java.nio.ByteBuffer input) {
                sha256.update(input);
            }

            @Override
            protected byte[] engineDigest() {
                DIGESTS.incrementAndGet();
                return sha256.digest();
            }

            @Override
            protected void engineReset() {
                sha256.reset();
            }
        }
    }
}
