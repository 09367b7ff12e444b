package io.kmsjca.spring.boot;

import io.kmsjca.audit.AuditOptions;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The {@code kms.*} properties: which store the application's {@code KeyService} opens, where its
 * password comes from, and how its audit events are delivered. Name exactly one of
 * {@code kms.config-file}, {@code kms.store.file} and {@code kms.store.url}.
 *
 * @param configFile          a provider configuration file (the format of {@code security.provider.N=KMS FILE},
 *                            the README's "Configuration file" section); it names the store and its options itself,
 *                            so only {@code kms.password.*} is read beside it
 * @param store               the store: a live file, or a backend shared by many processes
 * @param password            where the store password comes from
 * @param credentialFile      or a key-file credential ({@code kms create-credential --key-file-out}): the store opens
 *                            as that credential's principal (docs/authorization.md, "Credentials"); instead of
 *                            {@code kms.password.*}, and not with {@code kms.config-file}, which names its own
 * @param kdf                 the Argon2id cost of new passwords
 * @param audit               how audit events are delivered, and the built-in sinks
 * @param maintenanceInterval how often scheduled rotations and deletions run (default one minute; 0 for never)
 */
@ConfigurationProperties("kms")
public record KmsProperties(Path configFile, @DefaultValue Store store, @DefaultValue Password password,
                            Path credentialFile, @DefaultValue Kdf kdf, @DefaultValue Audit audit, Duration maintenanceInterval) {

    /**
     * @param file     the live key store file, created when absent
     * @param url      or a shared backend found through {@code ServiceLoader}, e.g. {@code jdbc:postgresql://db/kms}
     * @param settings the backend's own settings, named without their {@code store.} prefix ({@code pool.size})
     */
    public record Store(Path file, String url, Map<String, String> settings) {
        public Store {
            settings = settings == null ? Map.of() : Map.copyOf(settings);
        }
    }

    /**
     * One source of the store password.
     *
     * @param file  a file whose first line is the password
     * @param env   an environment variable that holds it
     * @param value the password itself, for a value Spring resolves from a secret store
     *              ({@code ${vault.kms-password}}); never put it in a committed file
     */
    public record Password(Path file, String env, String value) {
        @Override
        public String toString() {
            return "Password[file=" + file + ", env=" + env + ", value=" + (value == null ? "unset" : "(hidden)") + "]";
        }
    }

    /**
     * @param memoryKib        Argon2id memory for new passwords (default 65536, at least 19456)
     * @param iterations       Argon2id passes (default 3, at least 2)
     * @param parallelism      Argon2id lanes (default 1)
     * @param insecureForTests 64 KiB and one pass: for test suites only
     */
    public record Kdf(Integer memoryKib, Integer iterations, Integer parallelism, boolean insecureForTests) {
    }

    /**
     * Audit delivery ({@link AuditOptions}; docs/audit.md). Unset values keep the provider's defaults.
     *
     * @param delivery      SYNC (default) or ASYNC
     * @param failurePolicy FAIL_CLOSED (default) or FAIL_OPEN
     * @param queueCapacity the ASYNC queue's bound (default 8192)
     * @param whenFull      ASYNC with a full queue: BLOCK (default) or DROP
     * @param contextValues HMAC (default) or PLAIN
     * @param file          the signed JSON Lines audit log, or none
     * @param fileFsync     whether each event is durable in the log before the request returns (default true)
     * @param systemLogger  whether events also go to {@code System.Logger} "io.kmsjca.audit" (default false)
     * @param serviceLoader whether listeners found through {@code ServiceLoader} are added (default true)
     */
    public record Audit(AuditOptions.Delivery delivery, AuditOptions.FailurePolicy failurePolicy, Integer queueCapacity,
                        AuditOptions.WhenFull whenFull, AuditOptions.ContextValues contextValues, Path file,
                        @DefaultValue("true") boolean fileFsync, boolean systemLogger,
                        @DefaultValue("true") boolean serviceLoader) {
    }
}
