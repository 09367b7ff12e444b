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

    /** One open scope: its identity and the scope it was opened in (null: none). */
    private record Frame(CredentialIdentity identity, Frame outer) {
    }

    private final CredentialIdentity opened;
    private final Principals.Resolved openedOwnPrincipal; // null when the credential acts for others
    private final ThreadLocal<Frame> acting = new ThreadLocal<>();

    Callers(CredentialIdentity opened) {
        this.opened = opened;
        this.openedOwnPrincipal = opened.actsForOthers() ? null : opened.resolve(); // made once, not per event
    }

    /** The credential the service was opened with. */
    CredentialIdentity opened() {
        return opened;
    }

    /** The identity of the request on this thread. */
    CredentialIdentity current() {
        Frame a = acting.get();
        return a != null ? a.identity() : opened;
    }

    /** The principal of the request on this thread, and where it came from (for audit events). */
    Principals.Resolved resolve() {
        Frame a = acting.get();
        if (a != null) {
            return a.identity().resolve();
        }
        return openedOwnPrincipal != null ? openedOwnPrincipal : opened.resolve();
    }

    /**
     * Makes this thread's requests through this service with {@code identity} until the scope
     * closes; scopes nest, and closing one restores the identity of the scope it was opened in.
     * Closing a scope also ends every scope opened inside it and still open (closed out of order,
     * those restore nothing later: an identity never outlives the scope that set it). The scope
     * closes on the thread that opened it (elsewhere it would change another thread's identity),
     * and once.
     */
    KmsAuditContext.Scope actAs(CredentialIdentity identity) {
        Frame frame = new Frame(identity, acting.get());
        Thread owner = Thread.currentThread();
        acting.set(frame);
        return () -> {
            if (Thread.currentThread() != owner) {
                throw new IllegalStateException("an access key's scope is closed by the thread that opened it");
            }
            for (Frame f = acting.get(); f != null; f = f.outer()) {
                if (f == frame) { // still open: end it and every scope opened inside it
                    if (frame.outer() == null) {
                        acting.remove();
                    } else {
                        acting.set(frame.outer());
                    }
                    return;
                }
            }
            // already closed, or ended when a scope it was opened in closed: nothing to restore
        };
    }
}
