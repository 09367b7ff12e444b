package io.kmsjca.internal.service;

import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KeyState;
import io.kmsjca.spi.KeyRecord;
import io.kmsjca.spi.MemoryKeyRecordStore;
import io.kmsjca.spi.StaleRecordException;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import io.kmsjca.spi.tck.ForwardingKeyRecordStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.security.KeyStoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * KMS DeleteAlias and UpdateAlias at their edges: an alias that names nothing, the last alias of a
 * key already pending deletion, and an update whose second write fails (undone, or the alias left
 * on no key rather than on two).
 */
class AliasChangesTest {

    private static final char[] PASSWORD = "aliases".toCharArray();

    private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final FailingNthPut backend = new FailingNthPut();
    private final List<AuditEvent> audit = new CopyOnWriteArrayList<>();
    private EmbeddedKeyService keys;

    @BeforeEach
    void setUp() throws IOException {
        keys = KeyStores.open(backend, PASSWORD, KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests())
                .withClock(clock).withMaintenanceInterval(Duration.ZERO));
        keys.addAuditListener(audit::add);
    }

    @AfterEach
    void tearDown() throws IOException {
        backend.failAfter = -1;
        keys.close();
    }

    private AuditEvent last(AuditOperation op) {
        List<AuditEvent> events = audit.stream().filter(e -> e.operation() == op).toList();
        assertFalse(events.isEmpty(), "no " + op + " event");
        return events.get(events.size() - 1);
    }

    /** Deleting an alias that names no key answers false and changes nothing. */
    @Test
    void deletingAnAliasThatNamesNoKeyAnswersFalse() throws Exception {
        keys.createKey("orders", "");
        assertFalse(keys.deleteAlias("never-made"));
        assertTrue(keys.deleteAlias("orders"), "and true for one that did");
        assertFalse(keys.deleteAlias("orders"), "false once it is gone");
    }

    /** The last alias of a key already pending deletion goes without moving its deletion date. */
    @Test
    void theLastAliasOfAKeyPendingDeletionGoes_withoutMovingItsDeletionDate() throws Exception {
        String id = keys.createKey("orders", "").keyId().toString();
        Instant when = keys.scheduleKeyDeletion(id, 7);
        clock.advance(Duration.ofDays(1));

        assertTrue(keys.deleteAlias("orders"));

        var after = keys.describeKey(id);
        assertEquals(KeyState.PENDING_DELETION, after.state());
        assertEquals(when, after.deletionDate(), "scheduled once, not again from today");
        assertEquals(List.of(), after.aliases());
        assertEquals(1, audit.stream().filter(e -> e.operation() == AuditOperation.SCHEDULE_KEY_DELETION).count());
    }

    /** An update whose write to the new key fails puts the alias back on the old key, and is audited as failed. */
    @Test
    void anUpdateWhoseSecondWriteFails_putsTheAliasBackOnTheOldKey() throws Exception {
        UUID from = keys.createKey("orders", "").keyId();
        UUID to = keys.createKey("orders-v2", "").keyId();
        backend.failAfter = 1; // the alias leaves the old key; its write to the new key fails; the undo succeeds

        assertThrows(KeyStoreException.class, () -> keys.updateAlias("orders", to.toString()));

        backend.failAfter = -1;
        assertEquals(from, keys.describeKey("orders").keyId(), "the alias names the old key again");
        assertEquals(List.of("orders-v2"), keys.describeKey(to.toString()).aliases());
        assertEquals(AuditOutcome.FAILED, last(AuditOperation.UPDATE_ALIAS).outcome());
        keys.refresh();
        assertEquals(from, keys.describeKey("orders").keyId(), "and so the store says");
    }

    /** When the undo fails too, the alias is left on no key rather than two, and the undo's failure is kept as suppressed. */
    @Test
    void anUpdateWhoseUndoFailsToo_leavesTheAliasOnNoKey_andSaysWhy() throws Exception {
        keys.createKey("orders", "");
        UUID to = keys.createKey("orders-v2", "").keyId();
        backend.failAfter = 1;
        backend.failAll = true; // every write after the first fails: the new key's and the undo's

        var failed = assertThrows(KeyStoreException.class, () -> keys.updateAlias("orders", to.toString()));

        assertEquals(1, failed.getSuppressed().length, "the undo's failure is kept");
        backend.failAfter = -1;
        assertFalse(keys.hasAlias("orders"), "on no key, not on two");
        assertEquals(List.of("orders-v2"), keys.describeKey(to.toString()).aliases());
    }

    /** A memory store whose record writes fail from the (n+1)th on (failAll) or at the (n+1)th alone. */
    static final class FailingNthPut extends ForwardingKeyRecordStore {
        volatile int failAfter = -1;
        volatile boolean failAll;

        FailingNthPut() {
            super(new MemoryKeyRecordStore());
        }

        @Override
        public void put(KeyRecord next) throws IOException, StaleRecordException {
            if (failAfter == 0) {
                failAfter = failAll ? 0 : -1;
                throw new IOException("injected: disk full");
            }
            if (failAfter > 0) {
                failAfter--;
            }
            delegate.put(next);
        }
    }
}
