package io.kmsjca.internal.service;

import io.kmsjca.internal.model.KeyVersion;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KeyState;
import io.kmsjca.keys.MaintenanceReport;
import io.kmsjca.keys.RotationReason;

import io.kmsjca.spi.audit.AuditOperation;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.security.KeyStoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The work a key store does on its own: scheduled rotation, rotation by usage, destruction at
 * the end of a deletion waiting period, persisting usage counts, and the audit log's checkpoint. One daemon thread serves
 * every key service of the JVM; a service that is no longer referenced drops out by itself.
 * None of this runs on a wrap or unwrap: a wrap that reaches the usage threshold only hands the
 * rotation to this thread (or, with no background maintenance, does it at once).
 */
public final class KeyMaintenance {

    /** Usage counts are persisted once this many wraps are unpersisted (and always on close). */
    static final long USAGE_PERSIST_STEP = 1 << 16;
    private static final System.Logger LOG = System.getLogger(KeyMaintenance.class.getName());

    /** How long the thread outlives the last scheduled service (a service opened next reuses it). */
    private static final long IDLE_MILLIS = 1000;

    /**
     * The JVM's one maintenance thread. A cancelled schedule leaves the queue at once, and the
     * thread ends once nothing is scheduled: closing the last service leaves no thread behind
     * (an application server undeploying us, a test counting threads); the next service starts it anew.
     */
    private static final class Scheduler {
        static final ScheduledThreadPoolExecutor INSTANCE = create();

        private static ScheduledThreadPoolExecutor create() {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "kms-jca-maintenance");
                t.setDaemon(true);
                return t;
            });
            executor.setRemoveOnCancelPolicy(true);
            executor.setKeepAliveTime(IDLE_MILLIS, TimeUnit.MILLISECONDS);
            executor.allowCoreThreadTimeOut(true);
            return executor;
        }
    }

    private final KeyRegistry registry;
    private final KeyChanges changes;
    private final KeyServiceOptions options;
    private final Runnable auditCheckpoint;
    private volatile ScheduledFuture<?> task;

    /** {@code auditCheckpoint}: keeps the audit log's checkpoint in the store, once per run. */
    KeyMaintenance(KeyRegistry registry, KeyChanges changes, KeyServiceOptions options, Runnable auditCheckpoint) {
        this.registry = registry;
        this.changes = changes;
        this.options = options;
        this.auditCheckpoint = auditCheckpoint;
    }

    /** Schedules the runs every {@code options.maintenanceInterval()} (none for a zero interval). */
    void start() {
        Duration interval = options.maintenanceInterval();
        if (!interval.isZero() && task == null) {
            task = schedule(this, interval);
        }
    }

    private static ScheduledFuture<?> schedule(KeyMaintenance maintenance, Duration interval) {
        WeakReference<KeyMaintenance> ref = new WeakReference<>(maintenance);
        long millis = interval.toMillis();
        return Scheduler.INSTANCE.scheduleWithFixedDelay(() -> {
            KeyMaintenance m = ref.get();
            if (m == null) {
                throw new IllegalStateException("key service collected"); // cancels this task
            }
            m.run();
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    MaintenanceReport run() {
        try {
            registry.refresh();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "kms-jca could not re-read the key store: " + e.getMessage());
        }
        int rotated = 0;
        int destroyed = 0;
        int persisted = 0;
        int expired = 0;
        List<String> failures = new ArrayList<>();
        Instant now = options.clock().instant();
        long threshold = options.usageRotationThreshold();
        for (MasterKey key : registry.snapshot().byId().values()) {
            try {
                if (key.destructionDue(now)) {
                    destroyIfDue(key.id());
                    destroyed++;
                } else if (key.materialExpiryDue(now)) {
                    expireIfDue(key.id());
                    expired++;
                } else if (key.importParametersExpiryDue(now)) {
                    dropImportParametersIfDue(key.id());
                } else if (key.rotationDue(now)) {
                    rotateForProvider(key.id(), key.current().number(), RotationReason.SCHEDULED);
                    rotated++;
                } else if (key.state() == KeyState.ENABLED && key.rotates() && key.current().wraps() >= threshold) {
                    rotateForProvider(key.id(), key.current().number(), RotationReason.USAGE);
                    rotated++;
                } else if (unpersistedWraps(key) >= USAGE_PERSIST_STEP) {
                    persistUsage(key.id());
                    persisted++;
                }
            } catch (KeyStoreException | RuntimeException e) {
                failures.add(key.id() + ": " + e.getMessage());
                LOG.log(System.Logger.Level.WARNING, "kms-jca maintenance of key " + key.id() + " failed: " + e.getMessage());
            }
        }
        auditCheckpoint.run();
        return new MaintenanceReport(rotated, destroyed, persisted, failures, expired);
    }

    /**
     * A wrap made the count of {@code version} reach the threshold: rotate in the background,
     * or at once when {@code urgent} (twice the threshold: the background did not keep up) or
     * when there is no background maintenance.
     */
    void usageThresholdReached(UUID keyId, int version, boolean urgent) {
        Runnable rotate = () -> {
            try {
                rotateForProvider(keyId, version, RotationReason.USAGE);
            } catch (KeyStoreException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "kms-jca usage rotation of key " + keyId + " failed: " + e.getMessage());
            }
        };
        if (urgent || task == null) {
            rotate.run();
        } else {
            Scheduler.INSTANCE.execute(rotate);
        }
    }

    /** Persists every usage count that changed since it was last written. */
    void flushUsage() {
        for (MasterKey key : registry.snapshot().byId().values()) {
            if (unpersistedWraps(key) > 0) {
                try {
                    persistUsage(key.id());
                } catch (KeyStoreException | RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "kms-jca could not persist usage of key " + key.id() + ": " + e.getMessage());
                }
            }
        }
    }

    private static long unpersistedWraps(MasterKey key) {
        return key.versions().stream().mapToLong(KeyVersion::unpersistedWraps).sum();
    }

    void stop() {
        ScheduledFuture<?> task = this.task;
        if (task != null) {
            task.cancel(false);
        }
    }

    /** Rotates a key for the provider (schedule, usage) if it is still at {@code fromVersion}. */
    private void rotateForProvider(UUID keyId, int fromVersion, RotationReason reason) throws KeyStoreException {
        registry.atomically(() -> {
            MasterKey key = registry.snapshot().byId().get(keyId);
            if (key != null && key.current().number() == fromVersion && key.state() == KeyState.ENABLED) {
                changes.apply(AuditOperation.ROTATE_KEY, key, null, k -> changes.rotatedFrom(k, fromVersion, reason));
            }
            return null;
        });
    }

    /** Destroys the material of a key whose waiting period has ended. */
    private void destroyIfDue(UUID keyId) throws KeyStoreException {
        registry.atomically(() -> {
            MasterKey key = registry.snapshot().byId().get(keyId);
            Instant now = options.clock().instant();
            if (key != null && key.destructionDue(now)) {
                changes.apply(AuditOperation.DESTROY_KEY_MATERIAL, key, null, k -> k.destroyed(now));
            }
            return null;
        });
    }

    /** Deletes the imported material of a key whose ValidTo has come: it returns to PendingImport. */
    private void expireIfDue(UUID keyId) throws KeyStoreException {
        registry.atomically(() -> {
            MasterKey key = registry.snapshot().byId().get(keyId);
            Instant now = options.clock().instant();
            if (key != null && key.materialExpiryDue(now)) {
                changes.apply(AuditOperation.EXPIRE_KEY_MATERIAL, key, null, k -> k.materialExpired(now));
            }
            return null;
        });
    }

    /** Drops import parameters past their ValidTo, so no record keeps a wrapping key that can serve no token. */
    private void dropImportParametersIfDue(UUID keyId) throws KeyStoreException {
        registry.atomically(() -> {
            MasterKey key = registry.snapshot().byId().get(keyId);
            Instant now = options.clock().instant();
            if (key != null && key.importParametersExpiryDue(now)) {
                changes.apply(AuditOperation.EXPIRE_IMPORT_PARAMETERS, key, null, k -> k.importParametersExpired(now));
            }
            return null;
        });
    }

    /** Persists a key unchanged, so its usage counts reach the backend. */
    private void persistUsage(UUID keyId) throws KeyStoreException {
        registry.atomically(() -> {
            MasterKey key = registry.snapshot().byId().get(keyId);
            return key == null ? null : registry.commit(key);
        });
    }
}
