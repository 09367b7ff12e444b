package io.kmsjca.internal.audit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The group commit of synchronous delivery, on a log whose fsync the test holds and releases (a
 * slow disk) and, where it matters, a clock it sets: which request forces, what one fsync covers,
 * what a failed fsync and an interrupt do. The timeout only turns a hang into a failure; nothing
 * here waits on time.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GroupCommitTest {

    /** Lines written by hand; each fsync reports what was written when it began, then waits for a permit. */
    private static final class HeldLog implements GroupCommit.Log {
        final AtomicLong written = new AtomicLong();
        final AtomicInteger forces = new AtomicInteger();
        final Semaphore began = new Semaphore(0);
        final Semaphore release = new Semaphore(0);
        final AtomicLong clock = new AtomicLong(); // stands still but for each fsync, which takes an hour
        volatile boolean failNext;
        volatile boolean interruptNext; // the next fsync's thread is interrupted during it, as a FileChannel reports that
        volatile boolean calledInterrupted; // an fsync was asked for on an interrupted thread (a FileChannel would not force)

        @Override
        public long written() {
            return written.get();
        }

        @Override
        public long forceWritten() throws IOException {
            long upTo = written.get();
            calledInterrupted |= Thread.currentThread().isInterrupted();
            forces.incrementAndGet();
            began.release();
            release.acquireUninterruptibly();
            clock.addAndGet(TimeUnit.HOURS.toNanos(1));
            if (failNext) {
                failNext = false;
                throw new IOException("disk gone");
            }
            if (interruptNext) {
                interruptNext = false;
                Thread.currentThread().interrupt(); // what FileChannel.force does when interrupted: closes, forces nothing
                throw new java.nio.channels.ClosedByInterruptException();
            }
            return upTo;
        }

        /** Waits until an fsync began. */
        void untilForcing() throws InterruptedException {
            assertTrue(began.tryAcquire(100, TimeUnit.SECONDS), "no fsync began");
        }
    }

    private final HeldLog log = new HeldLog();

    /** With the log's clock standing still, a gathering request waits for the lines it expects however long. */
    private final GroupCommit commit = new GroupCommit(log, log.clock::get, Long.MAX_VALUE);

    /** Waits, on a thread of its own, until line {@code line} is durable. */
    private static CompletableFuture<Boolean> request(GroupCommit commit, long line, boolean interrupted) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        new Thread(() -> {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            try {
                commit.awaitDurable(line);
                done.complete(Thread.currentThread().isInterrupted());
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        }, "request-" + line).start();
        return done;
    }

    private CompletableFuture<Boolean> request(long line) {
        return request(commit, line, false);
    }

    /** Asserts that {@code request} failed with an IOException: its line may not be on disk. */
    private static void assertFailedWithIoException(CompletableFuture<Boolean> request) {
        CompletionException failed = assertThrows(CompletionException.class, request::join);
        assertInstanceOf(IOException.class, failed.getCause());
    }

    /** Returns once {@code n} threads wait in the group commit without an fsync of their own under way. */
    private static void untilWaiting(int n) throws InterruptedException {
        untilWaiting(n, () -> false);
    }

    /** The same, or once {@code instead} holds (a request that did what it should not have, for the test to fail fast). */
    private static void untilWaiting(int n, java.util.function.BooleanSupplier instead) throws InterruptedException {
        while (waitingThreads() < n && !instead.getAsBoolean()) {
            Thread.sleep(1);
        }
    }

    private static int waitingThreads() {
        int n = 0;
        for (var e : Thread.getAllStackTraces().entrySet()) {
            boolean inCommit = false;
            boolean inForce = false;
            for (StackTraceElement f : e.getValue()) {
                inCommit |= f.getClassName().equals(GroupCommit.class.getName()) && f.getMethodName().equals("awaitDurable");
                inForce |= f.getMethodName().equals("forceWritten");
            }
            Thread.State s = e.getKey().getState();
            if (inCommit && !inForce && (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING)) {
                n++;
            }
        }
        return n;
    }

    /** Lines 1 and 2 written, then one fsync for both: request 1 leads, request 2 waits. Leaves two callers behind it. */
    private void oneFsyncForLinesOneAndTwo() throws Exception {
        log.written.set(2);
        CompletableFuture<Boolean> leader = request(1);
        log.untilForcing();
        CompletableFuture<Boolean> covered = request(2);
        untilWaiting(1, () -> log.forces.get() > 1);
        log.release.release(10); // enough for fsyncs nobody should make: they are counted, not stuck
        leader.get();
        covered.get();
    }

    @Test
    void aLineWrittenBeforeAnFsyncBeganIsCoveredByIt_itsRequestMakesNoFsyncOfItsOwn() throws Exception {
        oneFsyncForLinesOneAndTwo();
        assertEquals(1, log.forces.get());
    }

    @Test
    void aLineWrittenAfterAnFsyncBeganIsNotCoveredByIt_itsRequestWaitsForAnotherFsync() throws Exception {
        GroupCommit noGathering = new GroupCommit(log, log.clock::get, 0);
        log.written.set(1);
        CompletableFuture<Boolean> first = request(noGathering, 1, false);
        log.untilForcing();
        log.written.set(2); // written while the fsync runs
        CompletableFuture<Boolean> second = request(noGathering, 2, false);
        untilWaiting(1, second::isDone);
        log.release.release();
        first.get();
        log.untilForcing(); // the second request's own fsync: it has not returned before
        assertFalse(second.isDone());
        log.release.release();
        second.get();
        assertEquals(2, log.forces.get());
    }

    @Test
    void afterAnFsyncWithTwoCallers_theNextLeaderWaitsForTheSecondLine_oneFsyncCoversBoth() throws Exception {
        oneFsyncForLinesOneAndTwo(); // the two requests it released are on their way back
        log.written.set(3);
        CompletableFuture<Boolean> first = request(3);
        untilWaiting(1, () -> log.forces.get() > 1); // gathering: the line of the other request is not written yet
        assertEquals(1, log.forces.get());
        log.written.set(4);
        CompletableFuture<Boolean> second = request(4); // the line it waited for: this request leads at once
        first.get();
        second.get();
        assertEquals(2, log.forces.get());
    }

    @Test
    void aLeaderWhoseOtherLineNeverComesForcesAloneOnceItsWaitIsOver() throws Exception {
        LongSupplier realTime = System::nanoTime;
        GroupCommit commit = new GroupCommit(log, realTime, GroupCommit.MAX_GATHER_NANOS);
        log.written.set(2);
        CompletableFuture<Boolean> leader = request(commit, 1, false);
        log.untilForcing();
        CompletableFuture<Boolean> covered = request(commit, 2, false);
        untilWaiting(1, () -> log.forces.get() > 1);
        log.release.release(10);
        leader.get();
        covered.get();
        log.written.set(3);
        request(commit, 3, false).get(); // alone: it gathers for at most 2 ms of real time, then forces
        assertEquals(2, log.forces.get());
    }

    @Test
    void aFailedFsyncFailsEveryRequestWhoseLineWasWrittenBeforeIt_evenIfALaterFsyncSucceeds() throws Exception {
        log.written.set(2);
        log.failNext = true;
        CompletableFuture<Boolean> leader = request(1);
        log.untilForcing();
        CompletableFuture<Boolean> waiting = request(2);
        untilWaiting(1, () -> log.forces.get() > 1);
        log.release.release(10);
        assertFailedWithIoException(leader);
        // after a failed fsync the system may have dropped the pages it could not write: a later
        // fsync that succeeds does not vouch for line 2
        assertFailedWithIoException(waiting);
        log.written.set(3); // a line written after the failure is made durable as usual
        request(3).get();
        assertEquals(2, log.forces.get());
    }

    @Test
    void aFailedFsyncElsewhereFailsTheRequestsWhoseLinesItHadToCover_evenTheLeaderOfALaterFsync() throws Exception {
        log.written.set(1);
        CompletableFuture<Boolean> leader = request(1);
        log.untilForcing();
        log.written.set(2);
        CompletableFuture<Boolean> waiting = request(2);
        untilWaiting(1, waiting::isDone);
        commit.failed(2); // a checkpoint's or a rotation's fsync failed meanwhile
        log.release.release(10);
        assertFailedWithIoException(leader);
        assertFailedWithIoException(waiting);
        log.written.set(3);
        request(3).get(); // written after the failure: durable as usual
    }

    @Test
    void theLinesAFailureMayHaveLostStayLost_aLaterFailureDoesNotForgiveThem() throws Exception {
        log.release.release(10);
        log.written.set(2);
        commit.failed(2); // lines 1 and 2 may be lost
        log.written.set(4);
        request(4).get(); // a later fsync succeeds: durable through 4
        commit.failed(6); // and a later failure
        log.written.set(6);
        assertFailedWithIoException(request(2)); // line 2's request, checking late
    }

    @Test
    void aLeaderWhoseFsyncFailsKeepsItsInterruptStatus() throws Exception {
        log.release.release(10);
        log.written.set(1);
        log.failNext = true;
        CompletableFuture<Boolean> kept = new CompletableFuture<>();
        new Thread(() -> {
            Thread.currentThread().interrupt();
            try {
                commit.awaitDurable(1);
                kept.completeExceptionally(new AssertionError("the fsync failed, the request did not"));
            } catch (IOException expected) {
                kept.complete(Thread.currentThread().isInterrupted());
            }
        }).start();
        assertTrue(kept.get(), "the interrupt status is kept");
    }

    @Test
    void theLeaderForcesWithItsInterruptStatusClear_andKeepsIt() throws Exception {
        log.release.release(10);
        log.written.set(1);
        assertTrue(request(commit, 1, true).get(), "the interrupt status is kept");
        assertFalse(log.calledInterrupted, "an interrupted thread's FileChannel.force closes the channel and forces nothing");
        assertEquals(1, log.forces.get());
    }

    @Test
    void aLeaderInterruptedDuringItsFsyncForcesAgain_andKeepsItsInterruptStatus() throws Exception {
        log.release.release(10);
        log.written.set(1);
        log.interruptNext = true;
        assertTrue(request(1).get(), "the interrupt status is kept");
        assertEquals(2, log.forces.get()); // the first was cut short by the interrupt: nothing was forced
    }

    @Test
    void anInterruptedRequestGatheringForTheNextFsyncKeepsWaitingForIt() throws Exception {
        oneFsyncForLinesOneAndTwo();
        log.written.set(3);
        CompletableFuture<Boolean> first = request(commit, 3, true);
        untilWaiting(1, () -> first.isDone() || log.forces.get() > 1);
        assertFalse(first.isDone());
        assertEquals(1, log.forces.get());
        log.written.set(4);
        request(4).get();
        assertTrue(first.get(), "the interrupt status is kept");
        assertEquals(2, log.forces.get());
    }

    @Test
    void aRequestAloneAfterAnFsyncWithOneCallerForcesAtOnce() throws Exception {
        log.release.release(10);
        log.written.set(1);
        request(1).get(); // alone: the last fsync had one caller, and took an hour by the clock
        log.written.set(2);
        request(2).get(); // the clock stands still: a request that gathered would never lead
        assertEquals(2, log.forces.get());
    }

    @Test
    void anInterruptedRequestStillWaitsUntilItsLineIsDurable_andKeepsItsInterruptStatus() throws Exception {
        log.written.set(2);
        CompletableFuture<Boolean> leader = request(1);
        log.untilForcing();
        CompletableFuture<Boolean> interrupted = request(commit, 2, true);
        untilWaiting(1, interrupted::isDone);
        assertFalse(interrupted.isDone());
        log.release.release(10);
        leader.get();
        assertTrue(interrupted.get(), "the interrupt status is kept");
        assertEquals(1, log.forces.get());
    }

    @Test
    void everyRequestReturnsOnlyAfterAnFsyncThatBeganOnceItsLineWasWritten() throws Exception {
        // many threads through the real clock: each checks, on return, that an fsync covering its line completed
        AtomicLong durable = new AtomicLong();
        AtomicLong lines = new AtomicLong();
        GroupCommit.Log real = new GroupCommit.Log() {
            @Override
            public long written() {
                return lines.get();
            }

            @Override
            public long forceWritten() {
                long upTo = lines.get();
                Thread.yield();
                durable.accumulateAndGet(upTo, Math::max);
                return upTo;
            }
        };
        GroupCommit commit = new GroupCommit(real);
        AtomicInteger early = new AtomicInteger();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 2_000; i++) {
                    long line = lines.incrementAndGet();
                    try {
                        commit.awaitDurable(line);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    if (durable.get() < line) {
                        early.incrementAndGet();
                    }
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(0, early.get());
        assertEquals(8_000, durable.get());
    }
}
