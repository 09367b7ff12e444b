package io.kmsjca.internal.service;

import io.kmsjca.audit.KmsAuditContext;
import io.kmsjca.internal.audit.Principals;

/**
 * Who makes the requests through one key service: the credential it was opened with, or, on a
 * thread inside an {@code AccessKeySigner.actAs} scope of this service, that access key's identity
 * (docs/authorization.md, "Access keys"). One per service, so a scope never reaches another
 * service in the same JVM; per thread, so it reaches no other request. A ThreadLocal read: cheap
 * enough for every key use.
 */
final class Callers {

    private final CredentialIdentity opened;
    private final ThreadLocal<CredentialIdentity> acting = new ThreadLocal<>();

    Callers(CredentialIdentity opened) {
        this.opened = opened;
    }

    /** The credential the service was opened with. */
    CredentialIdentity opened() {
        return opened;
    }

    /** The identity of the request on this thread. */
    CredentialIdentity current() {
        CredentialIdentity a = acting.get();
        return a != null ? a : opened;
    }

    /** The principal of the request on this thread, and where it came from (for audit events). */
    Principals.Resolved resolve() {
        return current().resolve();
    }

    /**
     * Makes this thread's requests through this service with {@code identity} until the scope
     * closes; scopes nest, and closing one restores the identity before it. The scope closes on the
     * thread that opened it (elsewhere it would change another thread's identity), and once.
     */
    KmsAuditContext.Scope actAs(CredentialIdentity identity) {
        CredentialIdentity previous = acting.get();
        Thread owner = Thread.currentThread();
        acting.set(identity);
        boolean[] closed = {false};
        return () -> {
            if (Thread.currentThread() != owner) {
                throw new IllegalStateException("an access key's scope is closed by the thread that opened it");
            }
            if (closed[0]) {
                return;
            }
            closed[0] = true;
            if (previous == null) {
                acting.remove();
            } else {
                acting.set(previous);
            }
        };
    }
}
