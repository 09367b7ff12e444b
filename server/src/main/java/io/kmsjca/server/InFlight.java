package io.kmsjca.server;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts the requests being served, so that closing can stop taking new ones and wait, on a
 * condition rather than by polling, for those in flight to finish.
 */
final class InFlight {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private final java.util.concurrent.CountDownLatch closingBegan = new java.util.concurrent.CountDownLatch(1);
    private int count;
    private boolean closing;

    /** Counts a request in; false once closing began (the request is then refused). */
    boolean enter() {
        lock.lock();
        try {
            if (closing) {
                return false;
            }
            count++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    void exit() {
        lock.lock();
        try {
            if (--count == 0) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    boolean closing() {
        lock.lock();
        try {
            return closing;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Refuses new requests from now on and waits up to {@code grace} for those in flight.
     *
     * @return how many were still in flight when the grace period ended (0: all finished)
     */
    int close(Duration grace) throws InterruptedException {
        lock.lock();
        try {
            closing = true;
            closingBegan.countDown();
            long nanos = grace.toNanos();
            while (count > 0 && nanos > 0) {
                nanos = idle.awaitNanos(nanos);
            }
            return count;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until closing began: new requests are refused from then on (for tests of the shutdown). */
    void awaitClosing() throws InterruptedException {
        closingBegan.await();
    }

    /** The requests being served now. */
    int count() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }
}
