package io.kmsjca.spi.audit;

/**
 * Receives every audited request of a key store. Called on the thread that made the request,
 * after the request was decided; a listener that throws makes the request fail (fail closed),
 * so nothing happens that was not recorded.
 */
@FunctionalInterface
public interface AuditListener {
    void onEvent(AuditEvent event);
}
