package io.kmsjca.internal.model;

import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.internal.engine.DerivedKey;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.RotationReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import java.security.InvalidKeyException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A wipe racing wraps and unwraps that derive keys (new sessions, blobs of other salts): once
 * the wipe has returned and the requests have stopped, the version holds no derived key that is
 * not destroyed, and every request the wipe caught was refused with an
 * {@code InvalidKeyException}, never a runtime error. (A key derived during the wipe is published
 * before its maker checks the material: take that check out and this test finds live keys.)
 */
class KeyVersionWipeRaceTest {

    private static final UUID KEY_ID = UUID.randomUUID();
    private static final int ROUNDS = 300;
    private static final int THREADS = 3;
    private static final int OPERATIONS_BEFORE_WIPE = 20;

    @AfterEach
    void restoreSessionLimit() {
        KeyVersion.sessionLimitForTests(KeyVersion.MAX_WRAPS_PER_SESSION);
    }

    @Test
    void afterAWipeRacingDerivations_noDerivedKeyIsLeftAlive_andRequestsGetInvalidKeyException() throws Exception {
        KeyVersion.sessionLimitForTests(8); // sessions roll over every few wraps: derivations race the wipe
        Map<String, Integer> refusals = new TreeMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            byte[] material = new byte[32];
            KmsRandom.nextBytes(material);
            KeyVersion version = new KeyVersion(1, Instant.EPOCH, KeyOrigin.GENERATED, RotationReason.CREATED, material, 0);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger operations = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                boolean wraps = t % 2 == 0;
                Thread thread = new Thread(() -> {
                    try {
                        Mac mac = Mac.getInstance("HmacSHA256");
                        while (!stop.get()) {
                            try {
                                if (wraps) {
                                    version.lease(KEY_ID, mac);
                                } else {
                                    version.forBlob(KEY_ID, KeyVersionWipeTest.blobWithNewSalt(), mac);
                                }
                            } catch (InvalidKeyException refused) {
                                count(refusals, "InvalidKeyException");
                            } catch (RuntimeException escaped) {
                                count(refusals, escaped.getClass().getSimpleName() + ": " + escaped.getMessage());
                            }
                            operations.incrementAndGet();
                        }
                    } catch (Exception e) {
                        count(refusals, e.toString());
                    }
                });
                threads.add(thread);
                thread.start();
            }
            while (operations.get() < OPERATIONS_BEFORE_WIPE) {
                Thread.onSpinWait(); // until the requests are under way
            }
            version.wipe();
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
            for (DerivedKey held : version.derivedKeysHeld()) {
                assertTrue(held.isDestroyed(), "round " + round + ": a derived key the wiped version holds is alive");
            }
        }
        refusals.remove("InvalidKeyException");
        assertEquals(Map.of(), refusals, "requests the wipe caught are refused with InvalidKeyException only");
    }

    private static synchronized void count(Map<String, Integer> counts, String what) {
        counts.merge(what, 1, Integer::sum);
    }
}
