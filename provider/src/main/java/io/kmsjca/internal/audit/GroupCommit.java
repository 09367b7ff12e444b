package io.kmsjca.internal.audit;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Group commit for synchronous delivery with fsync: a request returns once its line is on disk,
 * and one fsync covers the lines of every request waiting for it.
 *
 * <p>One request at a time is the leader and forces the log; the others wait, and a request whose
 * line the leader's fsync covered returns without one of its own. A request that would lead the
 * next fsync but finds fewer lines waiting than the last fsync had callers gathers first: the
 * requests that fsync released are most likely writing their next line, and waiting a moment for
 * them saves a whole fsync; the request whose line completes the count leads at once. Without
 * that, two threads fall out of step (each writes its line while the other's fsync runs, too late
 * for it): an fsync covered 1.35 lines, and now 1.97. The wait ends as soon as those lines are
 * written, and after half the last fsync's duration at most (never more than
 * {@link #MAX_GATHER_NANOS}). A request alone never waits: the last fsync had one caller.
 */
final class GroupCommit {

    /** The log being made durable. */
    interface Log {
        /** How many lines were written so far (read without a lock). */
        long written();

        /** Forces the log to disk and returns how many lines were written when the fsync began. */
        long forceWritten() throws IOException;
    }

    static final long MAX_GATHER_NANOS = 2_000_000;

    private final Log log;
    private final LongSupplier nanoTime;
    private final long maxGatherNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition(); // an fsync ended, or a line was written for a gathering one
    private long durable; // lines known to be on disk
    private long lostFrom; // lines after this one and up to lostThrough were written before a failed fsync:
    private long lostThrough; // their requests fail, whatever a later fsync says (0: no fsync failed yet)
    private boolean forcing; // a leader's fsync is under way
    private int callers; // requests waiting for their line now, the leader among them
    private int lastCallers = 1; // how many requests the last fsync had waiting: the lines the next one gathers
    private long lastForceNanos;

    GroupCommit(Log log) {
        this(log, System::nanoTime, MAX_GATHER_NANOS);
    }

    /** With the clock and the bound on gathering given (tests). */
    GroupCommit(Log log, LongSupplier nanoTime, long maxGatherNanos) {
        this.log = log;
        this.nanoTime = nanoTime;
        this.maxGatherNanos = maxGatherNanos;
    }

    /**
     * Returns once line number {@code line} is on disk, forcing the log if no fsync under way
     * covers it. An interrupt does not cut the wait short (the request must not return before its
     * line is durable), nor an fsync (a thread's interrupt would close the log's channel instead of
     * forcing it); the thread's interrupt status is kept.
     *
     * @throws IOException the fsync this request led failed, or an fsync failed after its line was
     *                     written: a later one that succeeds does not vouch for it (after a failed
     *                     fsync the system may have dropped the pages it could not write)
     */
    void awaitDurable(long line) throws IOException {
        boolean interrupted = false;
        boolean covered;
        lock.lock();
        try {
            callers++;
            long gatherUntil = 0; // set once this request finds no fsync under way and starts gathering
            while (true) {
                if (lost(line)) {
                    callers--;
                    throw lostLine(line);
                }
                covered = durable >= line;
                if (covered) {
                    break;
                }
                if (forcing) {
                    changed.awaitUninterruptibly();
                    continue;
                }
                long now = nanoTime.getAsLong();
                if (gatherUntil == 0) {
                    gatherUntil = now + Math.min(lastForceNanos / 2, maxGatherNanos);
                    changed.signalAll(); // a request gathering already counts this line
                }
                if (log.written() - durable >= lastCallers || now - gatherUntil >= 0) {
                    break; // this request leads: the lines it gathers are all written, or it waited long enough
                }
                try {
                    changed.awaitNanos(gatherUntil - now);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (covered) {
                callers--;
            } else {
                forcing = true;
            }
        } finally {
            lock.unlock();
        }
        try {
            if (!covered) {
                interrupted |= lead();
                lock.lock();
                try {
                    if (lost(line)) { // a failure elsewhere (a checkpoint's fsync) during this one's
                        throw lostLine(line);
                    }
                } finally {
                    lock.unlock();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * As leader: forces the log with this thread's interrupt status clear, records what it
     * covered (or, if it failed, what it may have lost), and hands the lead on.
     *
     * @return whether this thread was interrupted, before or during the fsync
     */
    private boolean lead() throws IOException {
        boolean interrupted = Thread.interrupted();
        long start = nanoTime.getAsLong();
        long upTo = -1;
        try {
            while (true) {
                try {
                    upTo = log.forceWritten();
                    return interrupted;
                } catch (ClosedByInterruptException e) {
                    interrupted |= Thread.interrupted(); // interrupted during the fsync, which did not happen: again
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            if (interrupted) {
                Thread.currentThread().interrupt(); // kept, as on success
            }
            throw e;
        } finally {
            lock.lock();
            try {
                forcing = false;
                if (upTo >= 0) {
                    durable = Math.max(durable, upTo);
                    lastForceNanos = nanoTime.getAsLong() - start;
                    lastCallers = callers;
                } else {
                    markLost(log.written());
                }
                callers--;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Under the lock: whether an fsync failed after line {@code line} was written and before it was known durable. */
    private boolean lost(long line) {
        return line > lostFrom && line <= lostThrough;
    }

    private static IOException lostLine(long line) {
        return new IOException("an fsync of the audit log failed after line " + line + " was written: it may not be on disk");
    }

    /**
     * Records that an fsync of the log failed, here or elsewhere (a rotation, a checkpoint): every
     * line written before it and not yet known durable may be lost, whatever a later fsync says,
     * and the requests waiting for those lines fail.
     *
     * @param written how many lines were written when the failure was seen
     */
    void failed(long written) {
        lock.lock();
        try {
            markLost(written);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Under the lock: widens the lines lost to {@code written}. The range starts where the first
     * failure found the log durable and only grows, so no later success can vouch for a line an
     * earlier failure may have lost; a line made durable between two failures whose request had
     * not returned yet fails too (closed, not open).
     */
    private void markLost(long written) {
        if (lostThrough == 0) {
            lostFrom = durable;
        }
        lostThrough = Math.max(lostThrough, written);
    }
}
