package io.kmsjca.internal.service;

/** Small helpers for the lifecycle tests. */
final class LifecycleTestSupport {
    private LifecycleTestSupport() {
    }

    /** A call that is expected to be refused. */
    interface Call {
        void run() throws Exception;
    }
}
