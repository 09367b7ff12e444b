package io.kmsjca.internal.service;

import io.kmsjca.internal.model.KeyVersion;

import io.kmsjca.internal.format.WrappedKeyBlob;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 14: no (salt, nonce) pair of a KMSWrap blob ever repeats, across threads, rotations,
 * restarts (the store reopened) and session rollovers (the session limit lowered to 1, 3 and 5
 * wraps), even when every caller passes the same identically seeded {@code SHA1PRNG} to
 * {@code Cipher.init}; and no salt (one derived key) serves more than max(limit, 4) blobs, the
 * four stripes of the nonce counter included.
 */
class WrapNonceUniquenessTest {

    private static final int RESTARTS = 3;
    private static final int THREADS = 4;
    private static final int WRAPS_PER_THREAD = 150;
    private static final int ROTATE_EVERY = 40;

    @TempDir
    Path dir;

    @AfterEach
    void restoreSessionLimit() {
        KeyVersion.sessionLimitForTests(KeyVersion.MAX_WRAPS_PER_SESSION);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 3, 5})
    void saltAndNonce_neverRepeat_acrossThreadsRotationsRestartsAndRollovers(long sessionLimit) throws Exception {
        KeyVersion.sessionLimitForTests(sessionLimit);
        var f = new LifecycleFixture(dir);
        String id = f.keys.createKey("nonces", "").keyId().toString();
        Map<String, byte[]> seen = new ConcurrentHashMap<>();
        List<String> repeats = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        for (int run = 0; run < RESTARTS; run++) {
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int me = t;
                Thread thread = new Thread(() -> {
                    try {
                        Cipher c = Cipher.getInstance("KMSWrap", LifecycleFixture.PROVIDER);
                        c.init(Cipher.WRAP_MODE, f.keys.findKey(id).orElseThrow(), seeded());
                        start.await();
                        for (int i = 0; i < WRAPS_PER_THREAD; i++) {
                            if (i % ROTATE_EVERY == ROTATE_EVERY - 1 - me) {
                                f.keys.rotateKeyOnDemand(id);
                            }
                            byte[] blob = c.wrap(LifecycleFixture.DATA_KEY);
                            byte[] previous = seen.putIfAbsent(saltAndNonce(blob), blob);
                            if (previous != null) {
                                repeats.add("version " + WrappedKeyBlob.keyVersion(blob) + " and version "
                                        + WrappedKeyBlob.keyVersion(previous) + " share " + saltAndNonce(blob));
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                threads.add(thread);
                thread.start();
            }
            start.countDown();
            for (Thread t : threads) {
                t.join();
            }
            f.reopen();
        }
        assertEquals(List.of(), failures);
        assertEquals(List.of(), repeats.subList(0, Math.min(5, repeats.size())), repeats.size() + " pairs repeated");
        assertEquals(RESTARTS * THREADS * WRAPS_PER_THREAD, seen.size());
        Map<String, Long> blobsPerSalt = seen.keySet().stream().collect(java.util.stream.Collectors.groupingBy(
                k -> k.substring(0, k.indexOf('/')), java.util.stream.Collectors.counting()));
        long most = blobsPerSalt.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        assertTrue(most <= Math.max(sessionLimit, 4), "one derived key served " + most + " blobs at a limit of " + sessionLimit);
        for (byte[] blob : seen.values().stream().limit(50).toList()) {
            assertArrayEquals(LifecycleFixture.DATA_KEY.getEncoded(), f.unwrap(id, blob), "every blob still unwraps");
        }
    }

    /** The caller's generator: the same seed in every thread and every run. */
    private static SecureRandom seeded() throws Exception {
        SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
        r.setSeed(new byte[] {1, 4});
        return r;
    }

    private static String saltAndNonce(byte[] blob) {
        return HexFormat.of().formatHex(Arrays.copyOfRange(blob, WrappedKeyBlob.SALT_OFFSET,
                WrappedKeyBlob.SALT_OFFSET + WrappedKeyBlob.SALT_BYTES)) + "/" + HexFormat.of().formatHex(
                Arrays.copyOfRange(blob, WrappedKeyBlob.NONCE_OFFSET, WrappedKeyBlob.NONCE_OFFSET + WrappedKeyBlob.NONCE_BYTES));
    }
}
