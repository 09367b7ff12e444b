package io.kmsjca.audit;

import java.util.Objects;

/**
 * Who is asking, and as part of which request, for the audit trail of the code in a scope:
 * <pre>{@code
 * try (var as = KmsAuditContext.runAs("orders-service"); var req = KmsAuditContext.withRequestId(httpRequestId)) {
 *     cipher.wrap(dataKey);          // audited with principal "orders-service" and that request id
 * }
 * }</pre>
 * Scopes are per thread and nest; closing one restores the one before.
 *
 * <p>The principal of an event is, in this order: the names of the caller's
 * {@code javax.security.auth.Subject} (from {@code Subject.doAs}); else the {@link #runAs}
 * principal; else the operating-system user. A store opened with a credential that does not act
 * for others ignores all three: its requests are the credential's principal's
 * (docs/authorization.md, "Credentials").
 */
public final class KmsAuditContext {

    private static final ThreadLocal<String> RUN_AS = new ThreadLocal<>();
    private static final ThreadLocal<String> REQUEST_ID = new ThreadLocal<>();

    private KmsAuditContext() {
    }

    /** A scope that restores the previous value when closed. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Audits the calls in this scope (on this thread) as made by {@code principal}. */
    public static Scope runAs(String principal) {
        return set(RUN_AS, Objects.requireNonNull(principal, "principal"));
    }

    /** Tags the events of the calls in this scope (on this thread) with {@code requestId}. */
    public static Scope withRequestId(String requestId) {
        return set(REQUEST_ID, Objects.requireNonNull(requestId, "requestId"));
    }

    public static String runAsPrincipal() {
        return RUN_AS.get();
    }

    public static String requestId() {
        return REQUEST_ID.get();
    }

    private static Scope set(ThreadLocal<String> slot, String value) {
        String previous = slot.get();
        slot.set(value);
        return () -> {
            if (previous == null) {
                slot.remove();
            } else {
                slot.set(previous);
            }
        };
    }
}
