package io.kmsjca.benchmarks;

import io.kmsjca.audit.AuditOptions;
import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.provider.KmsProvider;

import javax.crypto.Cipher;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.Security;
import java.time.Duration;
import java.util.List;

/**
 * The set-up every benchmark shares: an in-memory store with a cheap KDF (opening is not what is
 * measured), no background maintenance, and no audit listener unless the benchmark asks for one.
 */
final class BenchStores {

    static final KmsProvider PROVIDER = new KmsProvider();

    private BenchStores() {
    }

    /**
     * Installs {@link #PROVIDER} after the JDK's providers, as {@code security.provider.N=KMS} at
     * the end of {@code java.security} would, so that JCA's delayed provider selection routes a
     * KMS key handle to it when code names no provider (as JSSE does); once per JVM.
     */
    static synchronized void install() {
        if (Security.getProvider(PROVIDER.getName()) == null) {
            Security.addProvider(PROVIDER);
        }
    }

    static KeyService service() {
        return KeyStores.newInMemory(options());
    }

    static KeyService service(AuditOptions audit) {
        return KeyStores.newInMemory(options().withAudit(audit));
    }

    /** A cheap KDF, no background maintenance, no audit listener. */
    static KeyServiceOptions options() {
        return KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests()).withMaintenanceInterval(Duration.ZERO)
                .withAudit(AuditOptions.DEFAULTS.withListeners(false, List.of(), false));
    }

    /** A cipher of this provider, initialised once, to be reused by every invocation as its documentation recommends. */
    static Cipher cipher(String name, int mode, Key key) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance(name, PROVIDER);
        c.init(mode, key);
        return c;
    }

    /** Deletes {@code dir} and everything in it (a benchmark's temporary folder). */
    static void deleteTree(java.nio.file.Path dir) throws java.io.IOException {
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(dir)) {
            for (java.nio.file.Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.deleteIfExists(f);
            }
        }
    }
}
