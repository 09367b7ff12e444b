package io.kmsjca.internal.service;

import io.kmsjca.audit.KmsAuditContext;

/** Runs a piece of a test as a named principal ({@link KmsAuditContext#runAs}), for the authorization tests. */
final class AsPrincipal {

    private AsPrincipal() {
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    static void as(String principal, ThrowingRunnable action) throws Exception {
        try (var scope = KmsAuditContext.runAs(principal)) {
            action.run();
        }
    }

    static <T> T as(String principal, ThrowingSupplier<T> action) throws Exception {
        try (var scope = KmsAuditContext.runAs(principal)) {
            return action.get();
        }
    }
}
