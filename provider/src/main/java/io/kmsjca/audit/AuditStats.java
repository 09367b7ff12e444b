package io.kmsjca.audit;

/**
 * Delivery counters of one store's audit trail.
 *
 * @param delivered events handed to every listener
 * @param failed    listener calls that threw (fail-open, or asynchronous delivery)
 * @param dropped   events dropped by a full asynchronous queue configured to drop
 */
public record AuditStats(long delivered, long failed, long dropped) {
}
