package io.kmsjca.internal.audit;

import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditListener;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.security.ProviderException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Review of the flush-failure bookkeeping: every flush() that waited for a batch a listener then
 * failed to flush must throw, not only the first to take the monitor. The timeout only turns a
 * hang into a failure; nothing here waits on time.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConcurrentFlushFailureTest {

    private static AuditEvent event(int thread, long seq) {
        return new AuditEvent(new UUID(thread, seq), Instant.EPOCH, AuditOperation.WRAP_KEY, "k" + thread, 1,
                null, "p", "os-user", AuditOutcome.SUCCESS, null, null, Map.of(), "r", "i", "h", null, 0);
    }

    /** A sink whose write (its flush) waits to be released, then fails: the disk filled meanwhile. */
    private static final class FullDisk implements AuditListener {
        final CountDownLatch writing = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void onEvent(AuditEvent e) {
        }

        @Override
        public void flush() {
            writing.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new java.io.UncheckedIOException(new java.io.IOException("No space left on device"));
        }
    }

    @Test
    void twoFlushesWaitingForTheSameFailedBatch_bothThrow() throws Exception {
        FullDisk disk = new FullDisk();
        AsyncDelivery delivery = new AsyncDelivery(List.of(disk), 1000, false);
        try {
            delivery.deliver(event(0, 0)); // request A's event
            delivery.deliver(event(1, 0)); // request B's event, in the same batch
            disk.writing.await(); // the batch holding both is being written
            AtomicReference<Throwable> a = new AtomicReference<>();
            AtomicReference<Throwable> b = new AtomicReference<>();
            Thread ta = flusher(delivery, a);
            Thread tb = flusher(delivery, b);
            waitUntilWaiting(ta);
            waitUntilWaiting(tb);
            disk.release.countDown(); // the write fails: neither A's nor B's event is durable
            ta.join();
            tb.join();
            assertInstanceOf(ProviderException.class, a.get(), "A's flush must say its event may not be durable");
            assertInstanceOf(ProviderException.class, b.get(), "B's flush must say its event may not be durable");
        } finally {
            disk.release.countDown();
            delivery.close();
        }
    }

    private static Thread flusher(AsyncDelivery delivery, AtomicReference<Throwable> outcome) {
        Thread t = new Thread(() -> {
            try {
                delivery.flush();
                outcome.set(new AssertionError("flush() returned as if the events were durable"));
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        t.start();
        return t;
    }

    /** Until {@code t} waits in flush() for the batch (progress.wait), the one timed wait on its path. */
    private static void waitUntilWaiting(Thread t) {
        while (t.getState() != Thread.State.TIMED_WAITING) {
            assertTrue(t.isAlive(), "the flush returned before the batch was written");
            Thread.onSpinWait();
        }
    }
}
