package io.kmsjca.audit;

import io.kmsjca.internal.audit.Delivery;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How audit events are delivered (configuration keys {@code audit.*}, docs/audit.md).
 *
 * @param delivery       SYNC: on the caller's thread; ASYNC: on one audit thread, through a bounded queue
 * @param failurePolicy  what a throwing listener means under SYNC delivery: FAIL_CLOSED (the
 *                       request fails) or FAIL_OPEN (counted and reported); under ASYNC
 *                       listener failures are always counted and reported
 * @param queueCapacity  the ASYNC queue's bound
 * @param whenFull       ASYNC with a full queue: BLOCK the caller (back-pressure) or DROP (counted,
 *                       reported as an AUDIT_EVENTS_DROPPED event)
 * @param contextValues  HMAC: encryption-context values as salted HMAC-SHA256; PLAIN: as given
 * @param serviceLoader  whether listeners found through {@code ServiceLoader} are added
 * @param listenerClasses listener classes to instantiate (public no-argument constructors)
 * @param file           the JSON Lines file sink, or null
 * @param fileFsync      whether the file sink makes each event durable before the request returns
 * @param fileMaxBytes   size at which the file sink rotates to a new file
 * @param systemLogger   whether events also go to {@code System.Logger} "io.kmsjca.audit"
 * @param signEveryRecords the file sink appends a signature record after this many records of its
 *                       own (1..1000000, default 1000)
 * @param signEverySeconds and, at a batch or a maintenance run, when this many seconds have passed
 *                       since its last signature and records are unsigned (1..86400, default 60)
 */
public record AuditOptions(Delivery delivery, FailurePolicy failurePolicy, int queueCapacity, WhenFull whenFull,
                           ContextValues contextValues, boolean serviceLoader, List<String> listenerClasses, Path file,
                           boolean fileFsync, long fileMaxBytes, boolean systemLogger, int signEveryRecords,
                           long signEverySeconds) {

    public enum Delivery { SYNC, ASYNC }

    public enum FailurePolicy { FAIL_CLOSED, FAIL_OPEN }

    public enum WhenFull { BLOCK, DROP }

    public enum ContextValues { HMAC, PLAIN }

    public static final AuditOptions DEFAULTS = new AuditOptions(Delivery.SYNC, FailurePolicy.FAIL_CLOSED, 8192,
            WhenFull.BLOCK, ContextValues.HMAC, true, List.of(), null, true, 64L << 20, false, 1000, 60);

    public AuditOptions {
        Objects.requireNonNull(delivery);
        Objects.requireNonNull(failurePolicy);
        Objects.requireNonNull(whenFull);
        Objects.requireNonNull(contextValues);
        listenerClasses = List.copyOf(listenerClasses);
        if (queueCapacity < 1 || queueCapacity > 1 << 20) {
            throw new IllegalArgumentException("audit queue capacity must be 1.." + (1 << 20) + ", was " + queueCapacity);
        }
        if (fileMaxBytes < 4096) {
            throw new IllegalArgumentException("audit file size limit must be at least 4096 bytes, was " + fileMaxBytes);
        }
        if (signEveryRecords < 1 || signEveryRecords > 1_000_000) {
            throw new IllegalArgumentException("records between audit log signatures must be 1..1000000, was "
                    + signEveryRecords);
        }
        if (signEverySeconds < 1 || signEverySeconds > 86_400) {
            throw new IllegalArgumentException("seconds between audit log signatures must be 1..86400, was "
                    + signEverySeconds);
        }
    }

    /** Signs the file sink's log after {@code records} records, or after {@code seconds} with records unsigned. */
    public AuditOptions withSigning(int records, long seconds) {
        return new AuditOptions(delivery, failurePolicy, queueCapacity, whenFull, contextValues, serviceLoader,
                listenerClasses, file, fileFsync, fileMaxBytes, systemLogger, records, seconds);
    }

    public AuditOptions withDelivery(Delivery d, int capacity, WhenFull full) {
        return new AuditOptions(d, failurePolicy, capacity, full, contextValues, serviceLoader, listenerClasses, file,
                fileFsync, fileMaxBytes, systemLogger, signEveryRecords, signEverySeconds);
    }

    public AuditOptions withFailurePolicy(FailurePolicy p) {
        return new AuditOptions(delivery, p, queueCapacity, whenFull, contextValues, serviceLoader, listenerClasses, file,
                fileFsync, fileMaxBytes, systemLogger, signEveryRecords, signEverySeconds);
    }

    public AuditOptions withContextValues(ContextValues v) {
        return new AuditOptions(delivery, failurePolicy, queueCapacity, whenFull, v, serviceLoader, listenerClasses, file,
                fileFsync, fileMaxBytes, systemLogger, signEveryRecords, signEverySeconds);
    }

    public AuditOptions withFile(Path f, boolean fsync, long maxBytes) {
        return new AuditOptions(delivery, failurePolicy, queueCapacity, whenFull, contextValues, serviceLoader,
                listenerClasses, f, fsync, maxBytes, systemLogger, signEveryRecords, signEverySeconds);
    }

    public AuditOptions withListeners(boolean useServiceLoader, List<String> classes, boolean toSystemLogger) {
        return new AuditOptions(delivery, failurePolicy, queueCapacity, whenFull, contextValues, useServiceLoader,
                classes, file, fileFsync, fileMaxBytes, toSystemLogger, signEveryRecords, signEverySeconds);
    }
}
