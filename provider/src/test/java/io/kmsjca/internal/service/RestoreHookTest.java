package io.kmsjca.internal.service;

import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;

import io.kmsjca.internal.service.KeyStores;

import io.kmsjca.internal.format.WrappedKeyBlob;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 14: a JVM restored from a snapshot must not continue the wrap session of the snapshot
 * (salt, derived key, nonce counter), which every copy would continue alike. The provider's hook,
 * registered by reflection with the checkpoint/restore runtime ({@code org.crac}, here the test
 * stand-in), drops every session: the next wrap draws a new salt from a reseeded generator.
 */
class RestoreHookTest {

    @Test
    void afterRestore_theNextWrapUsesANewSalt() throws Exception {
        EmbeddedKeyService keys = KeyStores.newInMemory(KeyServiceOptions.defaults()
                .withKdf(io.kmsjca.keys.Argon2Params.insecureForTests()));
        var key = keys.createKey("restored", "");
        Cipher c = Cipher.getInstance("KMSWrap", LifecycleFixture.PROVIDER);
        c.init(Cipher.WRAP_MODE, key);
        byte[] first = c.wrap(LifecycleFixture.DATA_KEY);
        byte[] sameSession = c.wrap(LifecycleFixture.DATA_KEY);
        assertArrayEquals(salt(first), salt(sameSession), "without a restore the session goes on");

        org.crac.Core.simulateRestore();
        byte[] afterRestore = c.wrap(LifecycleFixture.DATA_KEY);

        assertFalse(Arrays.equals(salt(first), salt(afterRestore)), "a restored JVM opens a new session");
        assertEquals(0, nonceCounter(afterRestore) / 4, "and counts its nonces from 0 under the new salt (on this thread's stripe of four)");
        Cipher u = Cipher.getInstance("KMSWrap", LifecycleFixture.PROVIDER);
        for (byte[] blob : new byte[][] {first, sameSession, afterRestore}) {
            u.init(Cipher.UNWRAP_MODE, key);
            assertArrayEquals(LifecycleFixture.DATA_KEY.getEncoded(), u.unwrap(blob, "AES", Cipher.SECRET_KEY).getEncoded());
        }
        keys.close();
    }

    /**
     * A runtime resumes every thread before it runs the restore hooks: a wrap made between the
     * checkpoint's start and the restore hook must not continue the snapshot's session (nor open
     * one from the snapshot's generator). It waits for the hook, then draws a new salt.
     */
    @Test
    void aWrapDuringACheckpoint_waitsForTheRestoreHook_thenUsesANewSalt() throws Exception {
        EmbeddedKeyService keys = KeyStores.newInMemory(KeyServiceOptions.defaults()
                .withKdf(io.kmsjca.keys.Argon2Params.insecureForTests()));
        try {
            var key = keys.createKey("checkpointed", "");
            Cipher c = Cipher.getInstance("KMSWrap", LifecycleFixture.PROVIDER);
            c.init(Cipher.WRAP_MODE, key);
            byte[] beforeCheckpoint = c.wrap(LifecycleFixture.DATA_KEY);

            Object outcome = duringACheckpoint(() -> c.wrap(LifecycleFixture.DATA_KEY));
            byte[] duringCheckpoint = assertInstanceOf(byte[].class, outcome);
            assertFalse(Arrays.equals(salt(beforeCheckpoint), salt(duringCheckpoint)), "the snapshot's session is not continued");
            Cipher u = Cipher.getInstance("KMSWrap", LifecycleFixture.PROVIDER);
            u.init(Cipher.UNWRAP_MODE, key);
            assertArrayEquals(LifecycleFixture.DATA_KEY.getEncoded(), u.unwrap(duringCheckpoint, "AES", Cipher.SECRET_KEY).getEncoded());
        } finally {
            keys.close();
        }
    }

    /**
     * Every random draw (a data key, a salt, a key pair) between a checkpoint's start and the
     * restore hook waits for the hook, then comes from the generator the restore made: the
     * snapshot's generator would give every copy the same bytes.
     */
    @Test
    void aRandomDrawDuringACheckpoint_waitsForTheRestore_thenUsesTheNewGenerator() throws Exception {
        java.security.SecureRandom snapshots = io.kmsjca.internal.crypto.KmsRandom.generator();
        Object drewFrom = duringACheckpoint(() -> {
            io.kmsjca.internal.crypto.KmsRandom.nextBytes(new byte[32]);
            return io.kmsjca.internal.crypto.KmsRandom.generator();
        });
        assertInstanceOf(java.security.SecureRandom.class, drewFrom);
        assertNotSame(snapshots, drewFrom, "the draw came from the generator the restore made");
    }

    /** A session opened during a checkpoint belongs to the epoch the restore starts; waiting sets no interrupt. */
    @Test
    void aSessionEpochAskedDuringACheckpoint_isTheRestoredOne_andLeavesTheThreadUninterrupted() throws Exception {
        Object outcome = duringACheckpoint(() -> new Object[] {io.kmsjca.internal.crypto.KmsRandom.sessionEpoch(),
                Thread.currentThread().isInterrupted()});
        Object[] got = assertInstanceOf(Object[].class, outcome);
        assertEquals(io.kmsjca.internal.crypto.KmsRandom.epoch(), got[0]);
        assertEquals(0, (int) got[0] % 2, "an even epoch: no checkpoint under way");
        assertEquals(false, got[1], "the wait was never interrupted");
    }

    /**
     * Starts a checkpoint, runs {@code work} on a thread of its own, requires that it waits in
     * {@code KmsRandom} (no timing: its state and stack say so), then ends the checkpoint with a
     * restore; returns what the work returned or threw.
     */
    private static Object duringACheckpoint(java.util.concurrent.Callable<Object> work) throws Exception {
        org.crac.Core.simulateCheckpointStart();
        java.util.concurrent.atomic.AtomicReference<Object> outcome = new java.util.concurrent.atomic.AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                outcome.set(work.call());
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        boolean restored = false;
        try {
            worker.start();
            while (worker.isAlive() && !waitsInKmsRandom(worker)) {
                Thread.onSpinWait(); // until the work waits for the restore, or has finished (the failure)
            }
            assertNull(outcome.get(), "work during a checkpoint waits for the restore hook");
            org.crac.Core.simulateRestoreEnd();
            restored = true;
        } finally {
            if (!restored) {
                org.crac.Core.simulateRestoreEnd(); // never leave the JVM's epoch odd for the other tests
            }
        }
        worker.join();
        return outcome.get();
    }

    private static boolean waitsInKmsRandom(Thread t) {
        return t.getState() == Thread.State.WAITING && Arrays.stream(t.getStackTrace())
                .anyMatch(f -> f.getClassName().equals("io.kmsjca.internal.crypto.KmsRandom"));
    }

    private static byte[] salt(byte[] blob) {
        return Arrays.copyOfRange(blob, WrappedKeyBlob.SALT_OFFSET, WrappedKeyBlob.SALT_OFFSET + WrappedKeyBlob.SALT_BYTES);
    }

    private static long nonceCounter(byte[] blob) {
        return java.nio.ByteBuffer.wrap(blob, WrappedKeyBlob.NONCE_OFFSET + 4, 8).getLong();
    }
}
