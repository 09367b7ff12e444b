package io.kmsjca.internal.service;

import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;

import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.internal.service.KeyStores;

import io.kmsjca.keys.Argon2Params;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The registry's transactions: a lost compare-and-set is a result, and a change that loses it is
 * applied again to what the store holds, so two services racing on one store both land.
 */
class KeyTransactionsTest {

    private static final char[] PASSWORD = "transactions".toCharArray();
    private static final int TAGS_PER_WRITER = 20;

    @TempDir
    Path dir;

    private EmbeddedKeyService open(Path file) throws Exception {
        return KeyStores.openFile(file, PASSWORD, KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests())
                .withMaintenanceInterval(Duration.ZERO));
    }

    @Test
    void aStaleCommit_isAResult_andLeavesTheSnapshot() throws Exception {
        Path file = dir.resolve("keys.kms");
        try (EmbeddedKeyService a = open(file); EmbeddedKeyService b = open(file)) {
            UUID id = a.createKey("orders", "").keyId();
            b.refresh();
            MasterKey seenByB = b.registry().snapshot().byId().get(id);
            a.tagKey("orders", Map.of("by", "a"));

            Optional<MasterKey> lost = b.registry().tryCommit(seenByB.withTags(Map.of("by", "b")));
            assertTrue(lost.isEmpty(), "the revision B read is stale");
            assertSame(seenByB, b.registry().snapshot().byId().get(id), "nothing was published");

            b.tagKey("orders", Map.of("also", "b")); // the transaction reads again and re-applies
            assertEquals(Map.of("by", "a", "also", "b"), b.describeKey("orders").tags());
        }
    }

    @Test
    void twoServicesOnOneStore_racingChangesOfOneKey_bothLand() throws Exception {
        Path file = dir.resolve("keys.kms");
        try (EmbeddedKeyService a = open(file); EmbeddedKeyService b = open(file)) {
            a.createKey("shared", "");
            b.refresh();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            List<Thread> writers = new ArrayList<>();
            for (var w : Map.of("a", a, "b", b).entrySet()) {
                writers.add(new Thread(() -> {
                    try {
                        for (int i = 0; i < TAGS_PER_WRITER; i++) {
                            w.getValue().tagKey("shared", Map.of(w.getKey() + i, "v"));
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "writer-" + w.getKey()));
            }
            writers.forEach(Thread::start);
            for (Thread t : writers) {
                t.join();
            }
            assertEquals(List.of(), failures);
        }
        try (EmbeddedKeyService after = open(file)) {
            Map<String, String> tags = after.describeKey("shared").tags();
            assertEquals(2 * TAGS_PER_WRITER, tags.size(), "no writer's change was lost: " + tags.keySet());
        }
    }
}
