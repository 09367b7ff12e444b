package io.kmsjca.internal.service;

import io.kmsjca.keys.KeyMetadata;
import io.kmsjca.keys.KeyRotation;

import io.kmsjca.internal.format.WrappedKeyBlob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Rotations racing wraps and unwraps on two threads, for a fixed count: every unwrap succeeds,
 * no version is lost, versions go 1, 2, 3, ... and the store reloads to the same state.
 */
class ConcurrentRotationTest {

    private static final int ROUNDS = 300;
    private static final int ROTATE_EVERY = 15;

    @TempDir
    Path dir;

    @Test
    void rotationsWrapsAndUnwraps_onTwoThreads() throws Exception {
        var f = new LifecycleFixture(dir);
        String id = f.keys.createKey("shared", "").keyId().toString();
        List<byte[]> blobs = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int me = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    int lastVersion = 0;
                    for (int i = 0; i < ROUNDS; i++) {
                        if (i % ROTATE_EVERY == me) {
                            f.keys.rotateKeyOnDemand(id);
                        }
                        byte[] blob = f.wrap(id);
                        int v = WrappedKeyBlob.keyVersion(blob);
                        assertTrue(v >= lastVersion, "a thread never sees the version go back");
                        lastVersion = v;
                        blobs.add(blob);
                        assertArrayEquals(LifecycleFixture.DATA_KEY.getEncoded(), f.unwrap(id, blob));
                        byte[] older = blobs.get(i % blobs.size());
                        assertArrayEquals(LifecycleFixture.DATA_KEY.getEncoded(), f.unwrap(id, older));
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
        assertEquals(List.of(), failures);

        int rotations = 2 * ((ROUNDS + ROTATE_EVERY - 1) / ROTATE_EVERY);
        List<KeyRotation> listed = f.keys.listKeyRotations(id);
        assertEquals(rotations, listed.size(), "no rotation was lost");
        for (int i = 0; i < listed.size(); i++) {
            assertEquals(i + 2, listed.get(i).version(), "versions are 2, 3, 4, ... with no gap");
        }
        KeyMetadata before = f.keys.describeKey(id);
        f.reopen();
        KeyMetadata after = f.keys.describeKey(id);
        assertEquals(before, after, "the store reloads to the same state");
        for (byte[] blob : blobs) {
            assertArrayEquals(LifecycleFixture.DATA_KEY.getEncoded(), f.unwrap(id, blob));
        }
        assertEquals(2 * ROUNDS, blobs.size());
    }
}
