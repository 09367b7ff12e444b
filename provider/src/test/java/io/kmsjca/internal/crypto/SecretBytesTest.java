package io.kmsjca.internal.crypto;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class SecretBytesTest {

    private static final int ROUNDS = 50;
    private static final int READERS = 3;
    /** Large, so that a copy and a wipe take long enough to overlap when nothing orders them. */
    private static final int LENGTH = 64 * 1024;
    /** Reads per reader and round at most: the loop ends on destruction, or here. */
    private static final int MAX_READS = 100_000;

    @Test
    void getEncoded_racingDestroy_isWholeOrRefused_neverTorn() throws Exception {
        byte[] expected = new byte[LENGTH];
        Arrays.fill(expected, (byte) 0x5A);
        AtomicInteger torn = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(READERS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                SecretBytes key = new SecretBytes(expected, "AES");
                CountDownLatch reading = new CountDownLatch(READERS);
                Future<?>[] readers = new Future<?>[READERS];
                for (int r = 0; r < READERS; r++) {
                    readers[r] = pool.submit(() -> {
                        reading.countDown();
                        for (int i = 0; i < MAX_READS; i++) {
                            byte[] copy;
                            try {
                                copy = key.getEncoded();
                            } catch (IllegalStateException destroyed) {
                                refused.incrementAndGet();
                                return;
                            }
                            if (Arrays.mismatch(copy, expected) != -1) {
                                torn.incrementAndGet();
                            }
                        }
                    });
                }
                reading.await(); // every reader is in its loop: destroy now races them
                key.destroy();
                for (Future<?> f : readers) {
                    f.get();
                }
                assertTrue(key.isDestroyed());
                assertThrows(IllegalStateException.class, key::getEncoded);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, torn.get(), "getEncoded returned a partly wiped copy");
        assertTrue(refused.get() > 0, "readers saw the destruction");
    }

    @Test
    void destroy_wipesTheBytes_andGetEncodedIsRefused() {
        SecretBytes key = new SecretBytes(new byte[] {1, 2, 3}, "AES");
        assertArrayEquals(new byte[] {1, 2, 3}, key.getEncoded());
        key.destroy();
        assertThrows(IllegalStateException.class, key::getEncoded);
        key.destroy(); // idempotent
    }
}
