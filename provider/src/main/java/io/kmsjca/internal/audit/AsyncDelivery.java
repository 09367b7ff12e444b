package io.kmsjca.internal.audit;

import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditListener;
import io.kmsjca.spi.audit.AuditOperation;

import java.security.ProviderException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Events go through a bounded queue to one audit thread, which hands them to the listeners in
 * the order they were accepted (so in order per key) and flushes the listeners after each batch
 * (group commit). A full queue blocks the caller (back-pressure) or, if configured, drops the
 * event; every drop is counted and reported as an AUDIT_EVENTS_DROPPED event.
 * {@link #flush()} and {@link #close()} deliver everything accepted.
 */
public final class AsyncDelivery extends Delivery {

    private final BlockingQueue<AuditEvent> queue;
    private final boolean dropWhenFull;
    private final Thread worker;
    private final Object progress = new Object();
    private long accepted;
    private long processed;
    private long droppedReported;
    private AuditEvent lastEvent;
    private volatile boolean closing;

    AsyncDelivery(List<AuditListener> listeners, int capacity, boolean dropWhenFull) {
        super(listeners);
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.dropWhenFull = dropWhenFull;
        this.worker = new Thread(this::drain, "kms-jca-audit");
        worker.setDaemon(true);
        worker.start();
    }

    @Override
    void deliver(AuditEvent event) {
        if (closing) {
            throw new ProviderException("audit delivery is closed; the " + event.operation() + " request is refused");
        }
        synchronized (progress) {
            if (dropWhenFull) {
                if (!queue.offer(event)) {
                    dropped.incrementAndGet();
                    return;
                }
            } else {
                // back-pressure: wait for room, without holding the monitor the worker needs
                while (!queue.offer(event)) {
                    try {
                        progress.wait(10);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new ProviderException("interrupted while waiting for room in the audit queue", e);
                    }
                }
            }
            accepted++;
        }
    }

    private void drain() {
        List<AuditEvent> batch = new ArrayList<>();
        while (true) {
            try {
                AuditEvent first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing && queue.isEmpty()) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch);
                for (AuditEvent e : batch) {
                    toListeners(e, false);
                    lastEvent = e;
                }
                flushAll(listeners);
                reportDrops();
                synchronized (progress) {
                    processed += batch.size();
                    progress.notifyAll();
                }
                batch.clear();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "audit delivery thread failed; continuing", e);
            }
        }
    }

    private synchronized void reportDrops() {
        long now = dropped.get();
        if (now > droppedReported && lastEvent != null) {
            report(lastEvent, AuditOperation.AUDIT_EVENTS_DROPPED, (now - droppedReported)
                    + " audit events dropped because the queue was full (" + now + " in all)", null);
            droppedReported = now;
        }
    }

    @Override
    void flush() {
        synchronized (progress) {
            long target = accepted;
            while (processed < target) {
                try {
                    progress.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        if (dropped.get() > droppedReported) {
            // drops after the last batch: report them now (on this thread, as nothing else will)
            reportDrops();
        }
    }

    @Override
    void close() {
        flush();
        closing = true;
        try {
            worker.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        super.close();
    }
}
