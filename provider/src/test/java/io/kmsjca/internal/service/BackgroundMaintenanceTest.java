package io.kmsjca.internal.service;

import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;

import io.kmsjca.internal.service.KeyStores;

import io.kmsjca.keys.Argon2Params;
import io.kmsjca.spi.KeyRecord;
import io.kmsjca.spi.KeyRecordStore;
import io.kmsjca.spi.MemoryKeyRecordStore;
import io.kmsjca.spi.StaleRecordException;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import io.kmsjca.spi.tck.ForwardingKeyRecordStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The maintenance thread really running, with an interval above zero (issue #15): each test
 * waits on what a run does (a rotation audited), never on time. The test clock only makes the
 * rotation due; the thread's schedule is real.
 */
class BackgroundMaintenanceTest {

    private static final Duration INTERVAL = Duration.ofMillis(50);

    @TempDir
    Path dir;
    final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));

    private KeyServiceOptions options(Duration interval) {
        return KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests()).withClock(clock)
                .withMaintenanceInterval(interval);
    }

    /** Counts down when {@code keys} audits a successful rotation of {@code keyId}. */
    private static CountDownLatch rotationOf(EmbeddedKeyService keys, UUID keyId) {
        CountDownLatch rotated = new CountDownLatch(1);
        keys.addAuditListener((AuditEvent e) -> {
            if (e.operation() == AuditOperation.ROTATE_KEY && e.outcome() == AuditOutcome.SUCCESS
                    && keyId.toString().equals(e.keyId())) {
                rotated.countDown();
            }
        });
        return rotated;
    }

    @Test
    void aRotationFallingDue_isDoneByTheThread_withoutACall() throws Exception {
        try (EmbeddedKeyService keys = KeyStores.openFile(dir.resolve("keys.kms"), LifecycleFixture.PASSWORD, options(INTERVAL))) {
            UUID id = keys.createKey("orders", "").keyId();
            keys.enableKeyRotation(id.toString(), 90);
            CountDownLatch rotated = rotationOf(keys, id);
            clock.advance(Duration.ofDays(90));
            rotated.await();
            assertEquals(2, keys.describeKey(id.toString()).currentVersion());
        }
    }

    @Test
    void aRunThatFails_doesNotStopTheSchedule() throws Exception {
        FailingOnce backend = new FailingOnce(new MemoryKeyRecordStore());
        try (EmbeddedKeyService keys = KeyStores.open(backend, LifecycleFixture.PASSWORD, options(INTERVAL))) {
            UUID id = keys.createKey("orders", "").keyId();
            keys.enableKeyRotation(id.toString(), 90);
            CountDownLatch rotated = rotationOf(keys, id);
            backend.failNext.set(true);
            clock.advance(Duration.ofDays(90));
            rotated.await();
            assertFalse(backend.failNext.get(), "a run met the injected failure before the rotation went through");
            assertEquals(2, keys.describeKey(id.toString()).currentVersion());
        }
    }

    @Test
    void aKeyAnotherServiceAddedToTheFile_isPickedUpByTheRefresh() throws Exception {
        Path file = dir.resolve("shared.kms");
        try (EmbeddedKeyService writer = KeyStores.openFile(file, LifecycleFixture.PASSWORD, options(Duration.ZERO));
             EmbeddedKeyService reader = KeyStores.openFile(file, LifecycleFixture.PASSWORD, options(INTERVAL))) {
            UUID id = writer.createKey("orders", "").keyId(); // after the reader loaded the file
            writer.enableKeyRotation(id.toString(), 90);
            CountDownLatch rotated = rotationOf(reader, id);
            clock.advance(Duration.ofDays(90));
            rotated.await(); // only the reader's maintenance runs: it must have re-read the file
            writer.refresh();
            assertEquals(2, writer.describeKey(id.toString()).currentVersion());
        }
    }

    /** A store whose next write fails once when armed: an injected I/O fault, the rest is real. */
    private static final class FailingOnce extends ForwardingKeyRecordStore {
        final AtomicBoolean failNext = new AtomicBoolean();

        FailingOnce(KeyRecordStore store) {
            super(store);
        }

        @Override
        public void put(KeyRecord next) throws IOException, StaleRecordException {
            if (failNext.compareAndSet(true, false)) {
                throw new IOException("injected: disk full");
            }
            delegate.put(next);
        }
    }
}
