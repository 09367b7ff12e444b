package io.kmsjca.spring.boot;

import io.kmsjca.audit.AuditOptions;
import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.spi.audit.AuditListener;

import java.util.List;

/** {@link KmsProperties} as the provider's {@link KeyServiceOptions}: unset properties keep the provider's defaults. */
final class KmsOptions {

    private KmsOptions() {
    }

    static KeyServiceOptions of(KmsProperties p, List<AuditListener> listeners) {
        KeyServiceOptions o = KeyServiceOptions.defaults().withKdf(kdf(p.kdf())).withAudit(audit(p.audit()))
                .withAuditListeners(listeners);
        return p.maintenanceInterval() == null ? o : o.withMaintenanceInterval(p.maintenanceInterval());
    }

    static Argon2Params kdf(KmsProperties.Kdf k) {
        if (k.insecureForTests()) {
            if (k.memoryKib() != null || k.iterations() != null || k.parallelism() != null) {
                throw new IllegalArgumentException("kms.kdf.insecure-for-tests takes no other kms.kdf.* property");
            }
            return Argon2Params.insecureForTests();
        }
        Argon2Params d = Argon2Params.DEFAULT;
        if (k.memoryKib() == null && k.iterations() == null && k.parallelism() == null) {
            return d;
        }
        return Argon2Params.of(k.memoryKib() != null ? k.memoryKib() : 64 * 1024,
                k.iterations() != null ? k.iterations() : 3, k.parallelism() != null ? k.parallelism() : 1);
    }

    static AuditOptions audit(KmsProperties.Audit a) {
        AuditOptions d = AuditOptions.DEFAULTS;
        AuditOptions o = d.withDelivery(a.delivery() != null ? a.delivery() : d.delivery(),
                        a.queueCapacity() != null ? a.queueCapacity() : d.queueCapacity(),
                        a.whenFull() != null ? a.whenFull() : d.whenFull())
                .withFailurePolicy(a.failurePolicy() != null ? a.failurePolicy() : d.failurePolicy())
                .withContextValues(a.contextValues() != null ? a.contextValues() : d.contextValues())
                .withListeners(a.serviceLoader(), d.listenerClasses(), a.systemLogger());
        return a.file() == null ? o : o.withFile(a.file(), a.fileFsync(), d.fileMaxBytes());
    }
}
