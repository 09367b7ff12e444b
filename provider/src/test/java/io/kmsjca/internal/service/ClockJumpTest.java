package io.kmsjca.internal.service;

import io.kmsjca.keys.KeyRotation;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KeyState;
import io.kmsjca.keys.MaintenanceReport;
import io.kmsjca.keys.RotationReason;

import io.kmsjca.internal.service.KeyStores;

import io.kmsjca.audit.AuditLogVerifier;
import io.kmsjca.audit.AuditOptions;
import io.kmsjca.keys.Argon2Params;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The wall clock stepping forward and back (NTP step, VM resume, issue #15): what maintenance
 * does, as docs/lifecycle.md ("Clock jumps") says. Only the clock is the test's.
 */
class ClockJumpTest {

    @TempDir
    Path dir;

    @Test
    void forwardJumpOf400Days_rotatesOnce_andDestroysOnlyAKeyPastItsDeletionDate() throws Exception {
        LifecycleFixture f = new LifecycleFixture(dir);
        String rotating = f.keys.createKey("rotating", "").keyId().toString();
        String deleted = f.keys.createKey("deleted", "").keyId().toString();
        String disabled = f.keys.createKey("disabled", "").keyId().toString();
        f.keys.enableKeyRotation(rotating, 90);
        f.keys.scheduleKeyDeletion(deleted, 7);
        f.keys.disableKey(disabled);

        f.clock.advance(Duration.ofDays(400));
        MaintenanceReport report = f.keys.runMaintenance();

        assertEquals(1, report.rotated(), "four periods passed, but a missed schedule rotates once");
        assertEquals(1, report.destroyed());
        assertEquals(List.of(RotationReason.SCHEDULED),
                f.keys.listKeyRotations(rotating).stream().map(KeyRotation::reason).toList());
        assertEquals(f.clock.instant().plus(Duration.ofDays(90)), f.keys.describeKey(rotating).nextRotationDate(),
                "the next period counts from the rotation, not from the missed dates");
        assertEquals(KeyState.DESTROYED, f.keys.describeKey(deleted).state());
        assertEquals(KeyState.DISABLED, f.keys.describeKey(disabled).state(), "a jump changes no other state");
        assertEquals(0, f.keys.runMaintenance().rotated());
        f.keys.close();
    }

    @Test
    void backwardJumpAfterARotation_neitherRotatesAgainNorEarly() throws Exception {
        LifecycleFixture f = new LifecycleFixture(dir);
        String id = f.keys.createKey("orders", "").keyId().toString();
        f.keys.enableKeyRotation(id, 90);
        f.clock.advance(Duration.ofDays(90));
        assertEquals(1, f.keys.runMaintenance().rotated());
        Instant next = f.keys.describeKey(id).nextRotationDate();

        f.clock.advance(Duration.ofDays(-1));
        assertEquals(0, f.keys.runMaintenance().rotated(), "the rotation made 'tomorrow' is not due again");
        assertEquals(next, f.keys.describeKey(id).nextRotationDate(), "the next date stays where the rotation put it");
        f.clock.advance(Duration.ofDays(90));
        assertEquals(0, f.keys.runMaintenance().rotated(), "90 days by the stepped-back clock is a day early");
        f.clock.advance(Duration.ofDays(1));
        assertEquals(1, f.keys.runMaintenance().rotated());
        assertEquals(3, f.keys.describeKey(id).currentVersion());
        f.keys.close();
    }

    @Test
    void backwardJumpBeforeTheDeletionDate_postponesDestruction() throws Exception {
        LifecycleFixture f = new LifecycleFixture(dir);
        String id = f.keys.createKey("orders", "").keyId().toString();
        Instant date = f.keys.scheduleKeyDeletion(id, 7);
        f.clock.advance(Duration.ofDays(-1));
        f.clock.advance(Duration.ofDays(7));
        assertEquals(0, f.keys.runMaintenance().destroyed(), "the date is a date: the clock has not reached it");
        assertEquals(KeyState.PENDING_DELETION, f.keys.describeKey(id).state());
        assertEquals(date, f.keys.describeKey(id).deletionDate());
        f.clock.advance(Duration.ofDays(1));
        assertEquals(1, f.keys.runMaintenance().destroyed());
        f.keys.close();
    }

    @Test
    void auditRecordsKeepTheirSequence_whenEventTimesGoBackward_andTheLogStillVerifies() throws Exception {
        TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
        Path log = dir.resolve("audit.log");
        List<AuditEvent> events = new CopyOnWriteArrayList<>();
        KeyServiceOptions options = KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests())
                .withClock(clock).withMaintenanceInterval(Duration.ZERO)
                .withAudit(AuditOptions.DEFAULTS.withFile(log, true, 1 << 20));
        try (EmbeddedKeyService keys = KeyStores.openFile(dir.resolve("keys.kms"), LifecycleFixture.PASSWORD, options)) {
            keys.addAuditListener(events::add);
            keys.createKey("before", "");
            clock.advance(Duration.ofDays(-1));
            keys.createKey("after", "");

            List<AuditEvent> created = events.stream().filter(e -> e.operation() == AuditOperation.CREATE_KEY).toList();
            assertEquals(2, created.size());
            AuditEvent first = created.get(0);
            AuditEvent second = created.get(1);
            assertTrue(second.time().isBefore(first.time()), "the later event carries the stepped-back time");
            assertTrue(second.eventId().getLeastSignificantBits() > first.eventId().getLeastSignificantBits(),
                    "the sequence, not the time, orders the trail");
            keys.checkpointAuditLog();
            AuditLogVerifier.Report report = keys.auditLogVerifier().verify(log);
            assertTrue(report.intact(), "a backward time is not a reordering: " + report);
        }
    }
}
