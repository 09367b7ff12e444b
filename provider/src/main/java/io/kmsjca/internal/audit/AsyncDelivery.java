package io.kmsjca.internal.audit;

import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditListener;
import io.kmsjca.spi.audit.AuditOperation;

import java.security.ProviderException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Events go through a bounded queue to one audit thread, which hands them to the listeners in
 * the order they were accepted (so in order per key) and flushes the listeners after each batch
 * (group commit). A full queue blocks the caller (back-pressure) or, if configured, drops the
 * event; every drop is counted and reported, by the audit thread, as an AUDIT_EVENTS_DROPPED
 * event. (Requests that find room at the same instant may each take it: the queue can exceed its
 * capacity by the number of requesting threads, never more.) {@link #flush()} and
 * {@link #close()} deliver everything accepted; a request that arrives once closing has begun is
 * refused, never accepted and lost.
 *
 * <p>What a request pays is an enqueue: a lock-free queue, two counters, and a wake-up of the
 * audit thread only when it sleeps. Under load nobody wakes it: after a batch it drains what came
 * meanwhile as the next one, and when the queue is empty it naps (200 µs) rather than sleeps, so
 * requests find it awake; only after ten empty naps does it sleep until a request wakes it.
 * Formatting, MACs and writes are the audit thread's. A request that waits for room sleeps on a
 * monitor the audit thread notifies when it takes a batch, only when someone waits.
 */
public final class AsyncDelivery extends Delivery {

    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    // between batches under load the audit thread naps this long, and no request wakes it: a wake-up
    // (a system call) per event cost a request more than its wrap; a nap gathers the next batch
    private static final long NAP_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
    private static final int NAPS_BEFORE_SLEEP = 10; // then it sleeps until a request wakes it
    private static final long CLOSING_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    private static final long ROOM_WAIT_MILLIS = 10;
    private static final int MAX_BATCH = 4096;

    private final ConcurrentLinkedQueue<AuditEvent> queue = new ConcurrentLinkedQueue<>();
    private final int capacity;
    private final boolean dropWhenFull;
    private final Thread worker;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicInteger entering = new AtomicInteger(); // requests between the closing check and their enqueue
    private volatile long dequeued; // taken off the queue by the audit thread: what frees room
    private volatile long processed; // delivered and flushed: what flush() waits for
    private volatile long flushFailures; // batches a listener failed to flush
    private long flushFailuresThrown; // of those, the ones a flush() has thrown for; guarded by progress
    private volatile long failedThrough; // where the last batch a listener failed to flush ended, as dequeued counts
    private volatile long droppedReported;
    private volatile boolean workerSleeps;
    private volatile int roomWaiters;
    private volatile int flushWaiters;
    private volatile AuditEvent lastEvent;
    private volatile boolean closing;
    private volatile Throwable died;
    private final Object room = new Object();
    private final Object progress = new Object();

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
        entering.incrementAndGet();
        try {
            refuseIfClosing(event);
            while (accepted.get() - dequeued >= capacity) {
                if (dropWhenFull) {
                    dropped.incrementAndGet();
                    return;
                }
                waitForRoom();
                refuseIfClosing(event);
            }
            // accepted first: the audit thread counts what it processed against it, never past it
            accepted.incrementAndGet();
            queue.offer(event);
        } finally {
            entering.decrementAndGet();
        }
        if (workerSleeps) {
            wake();
        }
    }

    private void refuseIfClosing(AuditEvent event) {
        if (died != null) {
            throw new ProviderException("the audit thread died; the " + event.operation() + " request is refused", died);
        }
        if (closing) {
            throw new ProviderException("audit delivery is closed; the " + event.operation() + " request is refused");
        }
    }

    /** Back-pressure: sleeps until the audit thread takes a batch (or 10 ms pass), without spinning. */
    private void waitForRoom() {
        synchronized (room) {
            roomWaiters++;
            try {
                if (accepted.get() - dequeued >= capacity && !closing && died == null) {
                    wake();
                    room.wait(ROOM_WAIT_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProviderException("interrupted while waiting for room in the audit queue", e);
            } finally {
                roomWaiters--;
            }
        }
    }

    private void wake() {
        LockSupport.unpark(worker);
    }

    private void drain() {
        List<AuditEvent> batch = new ArrayList<>();
        int naps = 0;
        try {
            while (true) {
                for (AuditEvent e; batch.size() < MAX_BATCH && (e = queue.poll()) != null; ) {
                    batch.add(e);
                }
                if (batch.isEmpty()) {
                    reportDrops();
                    // closing is set before entering is read: a request either saw closing, or is counted here
                    if (closing && entering.get() == 0 && queue.isEmpty()) {
                        return;
                    }
                    if (naps < NAPS_BEFORE_SLEEP && !closing) {
                        naps++;
                        LockSupport.parkNanos(NAP_NANOS);
                    } else {
                        sleepUntilWoken();
                    }
                    continue;
                }
                naps = 0;
                dequeued += batch.size(); // only this thread writes it
                notifyIfWaiting(room, roomWaiters);
                try {
                    for (AuditEvent e : batch) {
                        deliverOne(e);
                    }
                    if (flushListeners(batch.get(batch.size() - 1)) > 0) {
                        // only this thread writes them; before processed moves, so a flush that sees the batch sees them
                        failedThrough = dequeued;
                        flushFailures++;
                    }
                    reportDrops();
                } catch (Error fatal) {
                    died = fatal; // before processed moves: a flush that sees the batch done sees this too
                    throw fatal;
                } finally {
                    processed += batch.size(); // each event taken off the queue is done, whatever happened to it
                    batch.clear();
                    notifyIfWaiting(progress, flushWaiters);
                }
            }
        } catch (Throwable fatal) { // an Error (out of memory, a listener's AssertionError): say so, never hang
            if (died == null) {
                died = fatal;
            }
            LOG.log(System.Logger.Level.ERROR, "the audit thread died: requests are refused from now on", fatal);
            notifyIfWaiting(room, 1);
            notifyIfWaiting(progress, 1);
        }
    }

    /** Hands one event to the listeners; nothing a listener throws stops the others or the thread, but an Error. */
    private void deliverOne(AuditEvent e) {
        try {
            toListeners(e, false);
        } catch (RuntimeException escaped) { // thrown while reporting a listener's failure (its toString, say)
            failed.incrementAndGet();
        }
        lastEvent = e;
    }

    private static void notifyIfWaiting(Object monitor, int waiters) {
        if (waiters > 0) {
            synchronized (monitor) {
                monitor.notifyAll();
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
        if (queue.isEmpty()) {
            // closing: only the requests still entering are awaited, briefly
            LockSupport.parkNanos(closing ? CLOSING_PARK_NANOS : IDLE_PARK_NANOS);
        }
        workerSleeps = false;
    }

    /** On the audit thread only, so listeners see every event, drop reports included, from one thread. */
    private void reportDrops() {
        long now = dropped.get();
        AuditEvent cause = lastEvent;
        if (now > droppedReported && cause != null) {
            try {
                report(cause, AuditOperation.AUDIT_EVENTS_DROPPED, (now - droppedReported)
                        + " audit events dropped because the queue was full (" + now + " in all)", null);
            } catch (RuntimeException e) {
                failed.incrementAndGet();
            }
            droppedReported = now;
        }
    }

    /**
     * Returns once every event accepted before the call was delivered and flushed, and every drop
     * counted before it reported (by the audit thread).
     *
     * @throws ProviderException the audit thread died; a listener failed to flush a batch since
     *                           the last flush threw for one, or a batch that was not done when this
     *                           flush began (every flush waiting for a failed batch throws, not only
     *                           the first; its events may not be durable: also counted and
     *                           reported); or the thread was interrupted while waiting (its flag kept)
     */
    @Override
    void flush() {
        flush(false);
    }

    private void flush(boolean uninterruptibly) {
        long doneBefore = processed; // a batch that fails after this may hold what the caller waits for
        long target = accepted.get();
        long drops = dropped.get();
        boolean interrupted = false;
        long unthrownFailures = 0;
        synchronized (progress) {
            flushWaiters++;
            try {
                while (died == null && (processed < target || droppedReported < drops && lastEvent != null)) {
                    wake();
                    try {
                        progress.wait(100);
                    } catch (InterruptedException e) {
                        if (!uninterruptibly) {
                            Thread.currentThread().interrupt();
                            throw new ProviderException("interrupted while waiting for the audit events to be delivered:"
                                    + " they may not be yet", e);
                        }
                        interrupted = true;
                    }
                }
                unthrownFailures = flushFailures - flushFailuresThrown;
                flushFailuresThrown += unthrownFailures;
                if (unthrownFailures == 0 && failedThrough > doneBefore) {
                    // another flush waiting for the same batch took the count first: this caller's events failed too
                    unthrownFailures = 1;
                }
            } finally {
                flushWaiters--;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (died != null) {
            throw new ProviderException("the audit thread died: events accepted before it may not have been delivered", died);
        }
        if (unthrownFailures > 0) {
            throw new ProviderException("an audit listener failed to flush " + unthrownFailures
                    + " batch(es) of events: they may not be durable (stats().failed() counts it)");
        }
    }

    /** Delivers everything accepted, refuses what comes after, then closes the listeners once the audit thread has stopped. */
    @Override
    void close() {
        closing = true;
        wake();
        notifyIfWaiting(room, roomWaiters); // requests waiting for room are refused now
        boolean interrupted = false;
        try {
            flush(true);
        } catch (ProviderException failed) { // the thread died, or a listener failed to flush: counted and reported
            LOG.log(System.Logger.Level.WARNING, "closing audit delivery", failed);
        }
        while (worker.isAlive()) {
            try {
                worker.join(5000);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        closeListeners();
    }
}
