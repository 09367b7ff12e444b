package io.kmsjca.spi.audit;

/**
 * Receives every audited request of a key store, in order per key. Implementations are found
 * through {@code ServiceLoader} (a public no-argument constructor), named in the provider
 * configuration ({@code audit.listeners}), or added in code.
 *
 * <p>With synchronous delivery (the default) {@link #onEvent} runs on the thread that made the
 * request, after it was decided; with asynchronous delivery it runs on the audit thread. What
 * happens when it throws is the configured failure policy: fail closed (the request fails) or
 * fail open (the failure is counted and reported).
 */
@FunctionalInterface
public interface AuditListener {

    void onEvent(AuditEvent event);

    /** Makes every event received so far durable. Called on flush and close, and after each asynchronous batch. */
    default void flush() {
    }

    /**
     * Whether this listener wants {@link AuditEvent#durationNanos()}: once a store has a listener that
     * does, the requests of every store in the JVM are timed (two {@code System.nanoTime()} calls
     * each). Read once, when the listener is added. Default false: nothing is timed for it.
     */
    default boolean wantsDurations() {
        return false;
    }

    /** Releases resources after a final {@link #flush()}. */
    default void close() {
    }
}
