package io.kmsjca.internal.service;

import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;

import io.kmsjca.internal.service.KeyStores;

import io.kmsjca.keys.Argon2Params;
import io.kmsjca.provider.KmsEncryptionContextSpec;
import io.kmsjca.provider.KmsProvider;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.nio.file.Path;
import java.security.Key;
import java.security.Provider;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A live file store with a test clock, no background maintenance and a captured audit trail. */
public class LifecycleFixture {

    public static final char[] PASSWORD = "lifecycle".toCharArray();
    public static final Provider PROVIDER = new KmsProvider();
    static final Key DATA_KEY = new SecretKeySpec(new byte[32], "AES");

    public final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    public final List<AuditEvent> audit = new CopyOnWriteArrayList<>();
    public final Path file;
    public EmbeddedKeyService keys;

    public LifecycleFixture(Path dir) throws Exception {
        this(dir, KeyServiceOptions.DEFAULT_USAGE_ROTATION_THRESHOLD);
    }

    public LifecycleFixture(Path dir, long usageThreshold) throws Exception {
        this.file = dir.resolve("keys.kms");
        this.keys = KeyStores.openFile(file, PASSWORD, options(usageThreshold));
        keys.addAuditListener(audit::add);
    }

    public KeyServiceOptions options(long usageThreshold) {
        return KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests()).withClock(clock)
                .withMaintenanceInterval(Duration.ZERO).withUsageRotationThreshold(usageThreshold);
    }

    /** Closes the service and opens the file again: what a restarted process would see. */
    EmbeddedKeyService reopen() throws Exception {
        long threshold = keys.options().usageRotationThreshold();
        keys.close();
        keys = KeyStores.openFile(file, PASSWORD, options(threshold));
        keys.addAuditListener(audit::add);
        return keys;
    }

    byte[] wrap(String key) throws Exception {
        return wrap(key, Map.of());
    }

    byte[] wrap(String key, Map<String, String> context) throws Exception {
        Cipher c = Cipher.getInstance("KMSWrap", PROVIDER);
        c.init(Cipher.WRAP_MODE, keys.findKey(key).orElseThrow(), new KmsEncryptionContextSpec(context));
        return c.wrap(DATA_KEY);
    }

    byte[] unwrap(String key, byte[] blob) throws Exception {
        return unwrap(key, blob, Map.of());
    }

    byte[] unwrap(String key, byte[] blob, Map<String, String> context) throws Exception {
        Cipher c = Cipher.getInstance("KMSWrap", PROVIDER);
        c.init(Cipher.UNWRAP_MODE, keys.findKey(key).orElseThrow(), new KmsEncryptionContextSpec(context));
        return c.unwrap(blob, "AES", Cipher.SECRET_KEY).getEncoded();
    }

    public AuditEvent last(AuditOperation op) {
        for (int i = audit.size() - 1; i >= 0; i--) {
            if (audit.get(i).operation() == op) {
                return audit.get(i);
            }
        }
        throw new AssertionError("no " + op + " event in " + audit);
    }
}
