package io.kmsjca.internal.audit;

import io.kmsjca.audit.AuditOptions;
import io.kmsjca.audit.SystemLoggerAuditSink;
import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.keys.AccessDenial;
import io.kmsjca.keys.KeyAccessDeniedException;
import io.kmsjca.keys.KeyStateException;
import io.kmsjca.keys.KeyUnavailableException;
import io.kmsjca.keys.KeyUseDeniedException;
import io.kmsjca.keys.StorePasswordRequiredException;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditListener;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.Test;

import javax.crypto.AEADBadTagException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dispatcher on its own: one event per recorded request, with the fields the request gave, the
 * outcome its error decides, and nothing built when nobody listens.
 */
class AuditDispatcherTest {

    private static final AuditOptions SYNC = AuditOptions.DEFAULTS.withListeners(false, List.of(), false);

    /** A clock that counts how often a dispatcher read it: it reads it once per event it builds. */
    private static final class CountingClock extends Clock {
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            reads.incrementAndGet();
            return Instant.ofEpochSecond(1_800_000_000L);
        }
    }

    /** A listener that keeps every event and the thread it was called on; public for the options' class names. */
    public static final class Collecting implements AuditListener {
        final List<AuditEvent> events = new CopyOnWriteArrayList<>();
        final List<Thread> threads = new CopyOnWriteArrayList<>();

        @Override
        public void onEvent(AuditEvent event) {
            events.add(event);
            threads.add(Thread.currentThread());
        }
    }

    private static AuditDispatcher dispatcher(Clock clock, AuditOptions options, AuditListener... listeners) {
        return new AuditDispatcher(clock, options, List.of(listeners), ContextHasher.PLAIN,
                () -> new Principals.Resolved("app", "credential"));
    }

    @Test
    void twoKeysInTurn_eachEventNamesItsOwnKey() {
        Collecting listener = new Collecting();
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        try (AuditDispatcher d = dispatcher(new CountingClock(), SYNC, listener)) {
            for (UUID key : List.of(a, b, a, b, b)) {
                d.record(AuditOperation.WRAP_KEY, key, 1, null, null, EncryptionContext.EMPTY);
            }
            d.record(AuditOperation.CREATE_KEY, null, 0, "new", null, EncryptionContext.EMPTY);
        }
        assertEquals(List.of(a.toString(), b.toString(), a.toString(), b.toString(), b.toString()),
                listener.events.subList(0, 5).stream().map(AuditEvent::keyId).toList());
        assertNull(listener.events.get(5).keyId(), "a request without a key names none");
        assertEquals("new", listener.events.get(5).alias());
    }

    @Test
    void theEventCarriesWhatTheRequestGave() {
        Collecting listener = new Collecting();
        UUID key = UUID.randomUUID();
        UUID destination = UUID.randomUUID();
        try (AuditDispatcher d = dispatcher(new CountingClock(), SYNC, listener)) {
            d.record(AuditOperation.ENCRYPT, key, 3, "orders", null, EncryptionContext.of(Map.of("app", "orders")));
            d.record(AuditOperation.RE_ENCRYPT, key, 3, "orders", null, EncryptionContext.EMPTY, destination, 7);
            AuditEvent plain = listener.events.get(0);
            assertEquals(AuditOperation.ENCRYPT, plain.operation());
            assertEquals(3, plain.keyVersion());
            assertEquals("orders", plain.alias());
            assertEquals("app", plain.principal());
            assertEquals("credential", plain.principalSource());
            assertEquals(Map.of("app", "orders"), plain.encryptionContext());
            assertEquals(Instant.ofEpochSecond(1_800_000_000L), plain.time());
            assertEquals(d.instance(), plain.providerInstance());
            assertEquals(AuditDispatcher.host(), plain.host());
            assertNull(plain.destinationKeyId());
            assertEquals(0, plain.destinationKeyVersion());
            AuditEvent reEncrypt = listener.events.get(1);
            assertEquals(destination.toString(), reEncrypt.destinationKeyId());
            assertEquals(7, reEncrypt.destinationKeyVersion());
        }
        assertFalse(AuditDispatcher.host().isEmpty(), "the host is named, at worst \"unknown\"");
    }

    @Test
    void outcome_deniedForRefusalsByRule_failedForAnyOtherError_successWithoutOne() {
        AccessDenial denial = new AccessDenial("app", "kms:Decrypt", "k", null, "key policy");
        List<Exception> refusals = List.of(new KeyStateException("disabled", null), new KeyUnavailableException("pending"),
                new StorePasswordRequiredException("no password"), new KeyAccessDeniedException(denial),
                new KeyUseDeniedException(denial));
        Collecting listener = new Collecting();
        try (AuditDispatcher d = dispatcher(new CountingClock(), SYNC, listener)) {
            for (Exception refusal : refusals) {
                d.record(AuditOperation.DECRYPT, UUID.randomUUID(), 1, null, refusal, EncryptionContext.EMPTY);
            }
            d.record(AuditOperation.DECRYPT, UUID.randomUUID(), 1, null, new AEADBadTagException("Tag mismatch!"),
                    EncryptionContext.EMPTY);
            d.record(AuditOperation.DECRYPT, UUID.randomUUID(), 1, null, null, EncryptionContext.EMPTY);
        }
        for (int i = 0; i < refusals.size(); i++) {
            AuditEvent e = listener.events.get(i);
            assertEquals(AuditOutcome.DENIED, e.outcome(), refusals.get(i).getClass().getName());
            assertEquals(refusals.get(i).getClass().getName(), e.errorClass());
        }
        AuditEvent failed = listener.events.get(refusals.size());
        assertEquals(AuditOutcome.FAILED, failed.outcome());
        assertEquals(AEADBadTagException.class.getName(), failed.errorClass());
        assertEquals("Tag mismatch!", failed.errorMessage());
        AuditEvent success = listener.events.get(refusals.size() + 1);
        assertEquals(AuditOutcome.SUCCESS, success.outcome());
        assertNull(success.errorClass());
        assertNull(success.errorMessage());
    }

    @Test
    void withNoListener_noEventIsBuilt_andActiveSaysSo() {
        CountingClock clock = new CountingClock();
        Collecting listener = new Collecting();
        try (AuditDispatcher d = dispatcher(clock, SYNC)) {
            assertFalse(d.active());
            d.record(AuditOperation.WRAP_KEY, UUID.randomUUID(), 1, null, null, EncryptionContext.EMPTY);
            assertEquals(0, clock.reads.get(), "no event was built");
            d.addListener(listener);
            assertTrue(d.active());
            d.record(AuditOperation.WRAP_KEY, UUID.randomUUID(), 1, null, null, EncryptionContext.EMPTY);
            assertEquals(1, clock.reads.get());
            d.removeListener(listener);
            assertFalse(d.active());
            d.record(AuditOperation.WRAP_KEY, UUID.randomUUID(), 1, null, null, EncryptionContext.EMPTY);
        }
        assertEquals(1, listener.events.size());
        assertEquals(1, clock.reads.get());
    }

    @Test
    void eventIds_areUniqueAndShareTheDispatchersRandomHalf_andInstancesDiffer() {
        Collecting listener = new Collecting();
        try (AuditDispatcher d = dispatcher(new CountingClock(), SYNC, listener);
             AuditDispatcher other = dispatcher(new CountingClock(), SYNC)) {
            for (int i = 0; i < 100; i++) {
                d.record(AuditOperation.WRAP_KEY, UUID.randomUUID(), 1, null, null, EncryptionContext.EMPTY);
            }
            assertTrue(d.instance().matches("[0-9a-f]{16}"), d.instance());
            assertNotEquals(d.instance(), other.instance());
        }
        Set<UUID> ids = new HashSet<>();
        Set<Long> prefixes = new HashSet<>();
        for (AuditEvent e : listener.events) {
            ids.add(e.eventId());
            prefixes.add(e.eventId().getMostSignificantBits());
        }
        assertEquals(100, ids.size());
        assertEquals(1, prefixes.size());
    }

    @Test
    void syncDelivery_callsTheListenerOnTheRequestsThread_asyncOnTheAuditThread() {
        Collecting sync = new Collecting();
        try (AuditDispatcher d = dispatcher(new CountingClock(), SYNC, sync)) {
            d.record(AuditOperation.WRAP_KEY, UUID.randomUUID(), 1, null, null, EncryptionContext.EMPTY);
            assertEquals(List.of(Thread.currentThread()), sync.threads, "delivered before record returned");
        }
        Collecting async = new Collecting();
        AuditOptions asyncOptions = SYNC.withDelivery(AuditOptions.Delivery.ASYNC, 16, AuditOptions.WhenFull.BLOCK);
        try (AuditDispatcher d = dispatcher(new CountingClock(), asyncOptions, async)) {
            d.record(AuditOperation.WRAP_KEY, UUID.randomUUID(), 1, null, null, EncryptionContext.EMPTY);
            d.flush();
            assertEquals(1, async.threads.size());
            assertNotEquals(Thread.currentThread(), async.threads.get(0));
            assertEquals(1, d.stats().delivered());
        }
    }

    @Test
    void theView_addsRemovesFlushesAndCounts_butIsNotTheDispatcher() {
        Collecting listener = new Collecting();
        try (AuditDispatcher d = dispatcher(new CountingClock(), SYNC)) {
            var view = d.view();
            assertTrue(java.util.Arrays.stream(view.getClass().getMethods()).noneMatch(m -> m.getName().equals("record")),
                    "the view cannot record");
            assertSame(view, d.view());
            view.addListener(listener);
            d.record(AuditOperation.WRAP_KEY, UUID.randomUUID(), 1, null, null, EncryptionContext.EMPTY);
            view.flush();
            assertEquals(1, listener.events.size());
            assertEquals(d.stats(), view.stats());
            assertEquals(1, view.stats().delivered());
            view.removeListener(listener);
            assertFalse(d.active());
        }
    }

    @Test
    void listenersNamedInTheOptions_areMade_andTheSystemLoggerAdded_asConfigured() {
        CountingClock clock = new CountingClock();
        try (AuditDispatcher d = dispatcher(clock, AuditOptions.DEFAULTS.withListeners(false, List.of(" " + Collecting.class.getName()), false))) {
            assertTrue(d.active());
            d.record(AuditOperation.WRAP_KEY, UUID.randomUUID(), 1, null, null, EncryptionContext.EMPTY);
            assertEquals(1, d.stats().delivered());
        }
        try (AuditDispatcher d = dispatcher(clock, AuditOptions.DEFAULTS.withListeners(false, List.of(), true))) {
            assertTrue(d.active(), "the System.Logger sink listens");
            d.record(AuditOperation.WRAP_KEY, UUID.randomUUID(), 1, null, null, EncryptionContext.EMPTY);
            assertEquals(1, d.stats().delivered());
        }
        for (String bad : List.of("no.such.Listener", String.class.getName(), SystemLoggerAuditSink.class.getName() + "$None")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> dispatcher(clock, AuditOptions.DEFAULTS.withListeners(false, List.of(bad), false)));
            assertTrue(e.getMessage().contains(bad) && e.getMessage().contains("AuditListener"), e.getMessage());
            assertNotNull(e.getCause());
        }
    }
}
