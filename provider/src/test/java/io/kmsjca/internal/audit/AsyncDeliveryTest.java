package io.kmsjca.internal.audit;

import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditListener;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.security.ProviderException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The asynchronous delivery under misuse and failure (a concurrency review's cases): close while
 * requests wait for room, listeners that throw what nobody expects, interrupts. The timeout only
 * turns a hang into a failure; nothing here waits on time.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AsyncDeliveryTest {

    private static AuditEvent event(int thread, long seq) {
        return new AuditEvent(new UUID(thread, seq), Instant.EPOCH, AuditOperation.WRAP_KEY, "k" + thread, 1,
                null, "p", "os-user", AuditOutcome.SUCCESS, null, null, Map.of(), "r", "i", "h", null, 0);
    }

    /** Counts the wraps it is given, and checks each producer's come in order, once. */
    private static final class Recorder implements AuditListener {
        final AtomicLong total = new AtomicLong();
        final AtomicLongArray last;
        final List<String> errors = new CopyOnWriteArrayList<>();

        Recorder(int producers) {
            last = new AtomicLongArray(producers);
            for (int i = 0; i < producers; i++) {
                last.set(i, -1);
            }
        }

        @Override
        public void onEvent(AuditEvent e) {
            if (e.operation() != AuditOperation.WRAP_KEY) {
                return;
            }
            int producer = (int) e.eventId().getMostSignificantBits();
            long seq = e.eventId().getLeastSignificantBits();
            if (seq != last.get(producer) + 1) {
                errors.add("producer " + producer + ": " + seq + " after " + last.get(producer));
            }
            last.set(producer, seq);
            total.incrementAndGet();
        }
    }

    @Test
    void closeWhileRequestsWaitForRoom_deliversEveryAcceptedEvent_refusesTheRest_andReturns() throws Exception {
        for (int capacity = 1; capacity <= 3; capacity++) {
            int producers = 8;
            Recorder recorder = new Recorder(producers);
            AsyncDelivery delivery = new AsyncDelivery(List.of(recorder), capacity, false);
            AtomicLongArray returned = new AtomicLongArray(producers);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < producers; t++) {
                int id = t;
                Thread thread = new Thread(() -> {
                    try {
                        for (long i = 0; ; i++) {
                            delivery.deliver(event(id, i));
                            returned.incrementAndGet(id);
                        }
                    } catch (ProviderException refused) {
                        // closing has begun
                    }
                });
                threads.add(thread);
                thread.start();
            }
            while (recorder.total.get() < 2000) {
                Thread.onSpinWait();
            }
            delivery.close();
            long accepted = 0;
            for (int t = 0; t < producers; t++) {
                threads.get(t).join();
                accepted += returned.get(t);
            }
            assertEquals(accepted, recorder.total.get(), "capacity " + capacity + ": every request that returned was delivered");
            assertEquals(List.of(), recorder.errors);
        }
    }

    @Test
    void aListenerThrowingAnError_killsTheAuditThread_andRequestsAndFlushSaySo_insteadOfHanging() {
        AtomicInteger calls = new AtomicInteger();
        AuditListener failing = e -> {
            if (calls.incrementAndGet() == 3) {
                throw new AssertionError("a listener's bug");
            }
        };
        AsyncDelivery delivery = new AsyncDelivery(List.of(failing), 4, false);
        for (int i = 0; i < 3; i++) { // the third kills the audit thread, after it was accepted
            delivery.deliver(event(0, i));
        }
        ProviderException flush = assertThrows(ProviderException.class, delivery::flush);
        assertInstanceOf(AssertionError.class, flush.getCause());
        assertThrows(ProviderException.class, () -> {
            for (int i = 3; i < 100; i++) {
                delivery.deliver(event(0, i));
            }
        });
        delivery.close();
    }

    @Test
    void anExceptionThatFailsEvenToPrintItself_losesNoEventOfTheOtherListeners() {
        AuditListener nasty = e -> {
            if (e.eventId().getLeastSignificantBits() == 2) {
                throw new RuntimeException() {
                    @Override
                    public String toString() {
                        throw new IllegalStateException("toString fails too");
                    }
                };
            }
        };
        Recorder recorder = new Recorder(1);
        AsyncDelivery delivery = new AsyncDelivery(List.of(nasty, recorder), 100, false);
        for (int i = 0; i < 10; i++) {
            delivery.deliver(event(0, i));
        }
        delivery.flush();
        assertEquals(10, recorder.total.get());
        assertEquals(List.of(), recorder.errors);
        assertTrue(delivery.stats().failed() >= 1);
        delivery.close();
    }

    @Test
    void aRequestInterruptedWhileWaitingForRoom_isRefused_withTheInterruptAsCause_andKeepsTheFlag() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        Recorder recorder = new Recorder(2);
        AuditListener gated = e -> {
            try {
                gate.await();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        };
        AsyncDelivery delivery = new AsyncDelivery(List.of(gated, recorder), 1, false);
        delivery.deliver(event(0, 0)); // the audit thread takes it and waits at the gate
        delivery.deliver(event(0, 1)); // waits in the queue, which is then full (room is freed when a batch is taken)
        Throwable[] outcome = new Throwable[1];
        boolean[] flag = new boolean[1];
        Thread request = new Thread(() -> {
            try {
                delivery.deliver(event(1, 0));
            } catch (Throwable e) {
                outcome[0] = e;
            }
            flag[0] = Thread.currentThread().isInterrupted();
        });
        request.start();
        while (request.getState() != Thread.State.TIMED_WAITING && request.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        request.interrupt();
        request.join();
        assertInstanceOf(ProviderException.class, outcome[0]);
        assertInstanceOf(InterruptedException.class, outcome[0].getCause());
        assertTrue(flag[0], "the interrupt is kept");
        gate.countDown();
        delivery.flush();
        assertEquals(2, recorder.total.get(), "the refused request's event is not delivered");
        delivery.close();
    }

    @Test
    void closeOnAnInterruptedThread_stillDeliversEverything_beforeTheListenersClose() {
        Recorder recorder = new Recorder(1);
        AtomicLong atClose = new AtomicLong(-1);
        AuditListener closing = new AuditListener() {
            @Override
            public void onEvent(AuditEvent e) {
            }

            @Override
            public void close() {
                atClose.set(recorder.total.get());
            }
        };
        AsyncDelivery delivery = new AsyncDelivery(List.of(recorder, closing), 1000, false);
        for (int i = 0; i < 500; i++) {
            delivery.deliver(event(0, i));
        }
        Thread.currentThread().interrupt();
        try {
            delivery.close();
            assertTrue(Thread.interrupted(), "the interrupt is kept");
        } finally {
            Thread.interrupted();
        }
        assertEquals(500, atClose.get(), "every event reached the listeners before they were closed");
    }

    /** A listener whose flush throws the first {@code failures} times, as a sink whose disk fails would. */
    private static final class FailingFlush implements AuditListener {
        final AtomicInteger failuresLeft;
        final AtomicInteger flushes = new AtomicInteger();

        FailingFlush(int failures) {
            failuresLeft = new AtomicInteger(failures);
        }

        @Override
        public void onEvent(AuditEvent e) {
        }

        @Override
        public void flush() {
            flushes.incrementAndGet();
            if (failuresLeft.getAndDecrement() > 0) {
                throw new java.io.UncheckedIOException(new java.io.IOException("No space left on device"));
            }
        }
    }

    /** Every event it is given. */
    private static final class Events implements AuditListener {
        final List<AuditEvent> seen = new CopyOnWriteArrayList<>();

        @Override
        public void onEvent(AuditEvent e) {
            seen.add(e);
        }
    }

    @Test
    void aListenerThatFailsToFlushABatch_isCountedAndReported_andTheNextFlushThrows_once() {
        FailingFlush disk = new FailingFlush(1);
        Events others = new Events();
        AsyncDelivery delivery = new AsyncDelivery(List.of(disk, others), 1000, false);
        try {
            delivery.deliver(event(0, 0));
            ProviderException e = assertThrows(ProviderException.class, delivery::flush);
            assertTrue(e.getMessage().contains("failed to flush 1 batch"), e.getMessage());
            assertEquals(1, delivery.stats().failed());
            assertTrue(others.seen.stream().anyMatch(n -> n.operation() == AuditOperation.AUDIT_DELIVERY_FAILED
                    && n.errorMessage().contains(FailingFlush.class.getName() + " failed to flush")), "reported to the others");

            delivery.deliver(event(0, 1));
            delivery.flush(); // the failure was thrown once; this batch flushed
            assertEquals(1, delivery.stats().failed());
        } finally {
            delivery.close();
        }
    }

    @Test
    void aFlushOfAnInterruptedThread_doesNotReturnAsIfDone_itThrows_andKeepsTheFlag() throws Exception {
        CountDownLatch inListener = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AuditListener slow = new AuditListener() {
            @Override
            public void onEvent(AuditEvent e) {
                inListener.countDown();
                try {
                    release.await();
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        AsyncDelivery delivery = new AsyncDelivery(List.of(slow), 1000, false);
        try {
            delivery.deliver(event(0, 0));
            inListener.await(); // the event is not delivered until released: a flush must wait
            Thread.currentThread().interrupt();
            try {
                ProviderException e = assertThrows(ProviderException.class, delivery::flush);
                assertInstanceOf(InterruptedException.class, e.getCause());
                assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept");
            } finally {
                Thread.interrupted();
            }
            release.countDown();
            delivery.flush();
            assertEquals(1, delivery.stats().delivered());
        } finally {
            release.countDown();
            delivery.close();
        }
    }

    @Test
    void synchronousDelivery_aListenerThatFailsToFlush_failsTheFlushWhenFailClosed_isCountedAndReportedWhenFailOpen() {
        Events others = new Events();
        Delivery.Sync closed = new Delivery.Sync(List.of(new FailingFlush(1), others), true);
        closed.deliver(event(0, 0));
        ProviderException e = assertThrows(ProviderException.class, closed::flush);
        assertTrue(e.getMessage().contains("failed to flush"), e.getMessage());
        assertEquals(1, closed.stats().failed());
        closed.flush(); // flushed this time

        Delivery.Sync open = new Delivery.Sync(List.of(new FailingFlush(1), others), false);
        others.seen.clear();
        open.deliver(event(0, 1));
        open.flush();
        assertEquals(1, open.stats().failed());
        assertTrue(others.seen.stream().anyMatch(n -> n.operation() == AuditOperation.AUDIT_DELIVERY_FAILED), "reported");
    }
}
