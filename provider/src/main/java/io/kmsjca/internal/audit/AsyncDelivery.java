package io.kmsjca.internal.audit;

import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditListener;
import io.kmsjca.spi.audit.AuditOperation;

import java.security.ProviderException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Events go through a bounded queue to one audit thread, which hands them to the listeners in
 * the order they were accepted (so in order per key) and flushes the listeners after each batch
 * (group commit). A full queue blocks the caller (back-pressure) or, if configured, drops the
 * event; every drop is counted and reported as an AUDIT_EVENTS_DROPPED event. (Requests that
 * find room at the same instant may each take it: the queue can exceed its capacity by the
 * number of requesting threads, never more.) {@link #flush()} and {@link #close()} deliver everything accepted.
 *
 * <p>What a request pays is an enqueue: a lock-free queue, a counter, and a wake-up of the audit
 * thread only when it sleeps (it sleeps only when the queue is empty, so under load nobody wakes
 * it: it drains what came meanwhile as one batch). Formatting, MACs and writes are the audit
 * thread's.
 */
public final class AsyncDelivery extends Delivery {

    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long ROOM_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final int MAX_BATCH = 4096;

    private final ConcurrentLinkedQueue<AuditEvent> queue = new ConcurrentLinkedQueue<>();
    private final int capacity;
    private final boolean dropWhenFull;
    private final Thread worker;
    private final AtomicLong accepted = new AtomicLong();
    private volatile long processed;
    private volatile boolean workerSleeps;
    private volatile int flushWaiters;
    private final Object progress = new Object();
    private long droppedReported;
    private AuditEvent lastEvent;
    private volatile boolean closing;

    AsyncDelivery(List<AuditListener> listeners, int capacity, boolean dropWhenFull) {
        super(listeners);
        this.capacity = capacity;
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
        while (accepted.get() - processed >= capacity) {
            if (dropWhenFull) {
                dropped.incrementAndGet();
                return;
            }
            wake();
            LockSupport.parkNanos(ROOM_PARK_NANOS); // back-pressure: the audit thread makes room batch by batch
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new ProviderException("interrupted while waiting for room in the audit queue");
            }
        }
        // accepted first: the audit thread counts what it processed against it, never past it
        accepted.incrementAndGet();
        queue.offer(event);
        if (workerSleeps) {
            wake();
        }
    }

    private void wake() {
        LockSupport.unpark(worker);
    }

    private void drain() {
        List<AuditEvent> batch = new ArrayList<>();
        while (true) {
            try {
                for (AuditEvent e; batch.size() < MAX_BATCH && (e = queue.poll()) != null; ) {
                    batch.add(e);
                }
                if (batch.isEmpty()) {
                    if (closing && queue.isEmpty()) {
                        return;
                    }
                    sleepUntilWoken();
                    continue;
                }
                for (AuditEvent e : batch) {
                    toListeners(e, false);
                    lastEvent = e;
                }
                flushAll(listeners);
                reportDrops();
                processed += batch.size(); // only this thread writes it
                if (flushWaiters > 0) {
                    synchronized (progress) {
                        progress.notifyAll();
                    }
                }
                batch.clear();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "audit delivery thread failed; continuing", e);
                batch.clear();
            }
        }
    }

    /**
     * Sleeps while the queue is empty. The flag is set before the queue is looked at again, and a
     * producer offers before it reads the flag, so one of the two sees the other: no event is left
     * waiting for a wake-up that does not come (and the sleep is bounded anyway).
     */
    private void sleepUntilWoken() {
        workerSleeps = true;
        if (queue.isEmpty() && !closing) {
            LockSupport.parkNanos(IDLE_PARK_NANOS);
        }
        workerSleeps = false;
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
        long target = accepted.get();
        if (processed < target) {
            synchronized (progress) {
                flushWaiters++;
                try {
                    while (processed < target) {
                        wake();
                        progress.wait(100);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } finally {
                    flushWaiters--;
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
        wake();
        try {
            worker.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        super.close();
    }
}
