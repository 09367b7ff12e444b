package io.kmsjca.conformance;

import io.kmsjca.audit.AuditOptions;
import io.kmsjca.audit.KmsAuditContext;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsEncryptionContextSpec;
import io.kmsjca.provider.KmsProvider;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.Subject;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Callable;
import java.security.Principal;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.*;

/** Principals, request ids, context values, failure policies and asynchronous delivery. */
class AuditDeliveryTest {

    private static final KmsProvider PROVIDER = new KmsProvider();

    private static KeyService service(AuditOptions audit, List<AuditEvent> sink) {
        KeyService keys = KeyStores.newInMemory(Fixtures.cheapOptions().withMaintenanceInterval(Duration.ZERO).withAudit(audit));
        keys.addAuditListener(sink::add);
        return keys;
    }

    private static byte[] wrap(KmsKeyHandle key, Map<String, String> context) throws Exception {
        Cipher c = Cipher.getInstance("KMSWrap", PROVIDER);
        c.init(Cipher.WRAP_MODE, key, new KmsEncryptionContextSpec(context));
        return c.wrap(new SecretKeySpec(new byte[32], "AES"));
    }

    private static AuditEvent lastWrap(List<AuditEvent> events) {
        return events.stream().filter(e -> e.operation() == AuditOperation.WRAP_KEY).reduce((a, b) -> b).orElseThrow();
    }

    record Named(String name) implements Principal {
        @Override
        public String getName() {
            return name;
        }
    }

    @Test
    void principal_isTheSubjectThenRunAsThenTheOsUser() throws Exception {
        List<AuditEvent> events = new CopyOnWriteArrayList<>();
        KmsKeyHandle key = service(AuditOptions.DEFAULTS, events).createKey("k", "");

        wrap(key, Map.of());
        assertEquals(System.getProperty("user.name"), lastWrap(events).principal());
        assertEquals("os-user", lastWrap(events).principalSource());

        try (var as = KmsAuditContext.runAs("orders-service")) {
            wrap(key, Map.of());
            assertEquals("orders-service", lastWrap(events).principal());
            assertEquals("run-as", lastWrap(events).principalSource());

            Subject alice = new Subject(true, Set.of(new Named("alice")), Set.of(), Set.of());
            @SuppressWarnings("removal")
            Object unused = Subject.doAs(alice, (PrivilegedExceptionAction<Object>) () -> wrap(key, Map.of()));
            assertNotNull(unused);
            assertEquals("alice", lastWrap(events).principal(), "a Subject wins over run-as");
            assertEquals("subject", lastWrap(events).principalSource());
        }
        wrap(key, Map.of());
        assertEquals("os-user", lastWrap(events).principalSource(), "the scope restored the default");
    }

    /** Subject.callAs is how JDK 18+ (and the only way JDK 24+) passes a Subject: called by reflection to compile for 17. */
    @Test
    void principal_isTheSubjectOfCallAs_whereTheJdkHasIt() throws Throwable {
        MethodHandle callAs;
        try {
            callAs = MethodHandles.publicLookup().findStatic(Subject.class, "callAs",
                    MethodType.methodType(Object.class, Subject.class, Callable.class));
        } catch (NoSuchMethodException e) {
            assertEquals(17, Runtime.version().feature(), "only JDK 17 lacks Subject.callAs");
            return;
        }
        List<AuditEvent> events = new CopyOnWriteArrayList<>();
        KmsKeyHandle key = service(AuditOptions.DEFAULTS, events).createKey("k", "");
        Subject bob = new Subject(true, Set.of(new Named("bob"), new Named("admins")), Set.of(), Set.of());
        try (var as = KmsAuditContext.runAs("orders-service")) {
            Object unused = callAs.invoke(bob, (Callable<Object>) () -> wrap(key, Map.of()));
            assertNotNull(unused);
            assertEquals("admins,bob", lastWrap(events).principal(), "every principal of the Subject, sorted");
            assertEquals("subject", lastWrap(events).principalSource());
        }
        wrap(key, Map.of());
        assertEquals("os-user", lastWrap(events).principalSource(), "the scope restored the default");
    }

    @Test
    void requestId_comesFromTheScope_orIsNew() throws Exception {
        List<AuditEvent> events = new CopyOnWriteArrayList<>();
        KmsKeyHandle key = service(AuditOptions.DEFAULTS, events).createKey("k", "");
        try (var r = KmsAuditContext.withRequestId("req-42")) {
            wrap(key, Map.of());
        }
        assertEquals("req-42", lastWrap(events).requestId());
        wrap(key, Map.of());
        assertEquals(lastWrap(events).eventId().toString(), lastWrap(events).requestId());
        assertNotNull(lastWrap(events).providerInstance());
        assertNotNull(lastWrap(events).host());
    }

    @Test
    void contextValues_areHashedByDefault_andPlainWhenConfigured() throws Exception {
        List<AuditEvent> hashed = new CopyOnWriteArrayList<>();
        KmsKeyHandle key = service(AuditOptions.DEFAULTS, hashed).createKey("k", "");
        wrap(key, Map.of("tenant", "acme"));
        wrap(key, Map.of("tenant", "acme"));
        String value = lastWrap(hashed).encryptionContext().get("tenant");
        assertTrue(value.matches("hmac-sha256:[0-9a-f]{64}"), value);
        assertEquals(value, hashed.get(hashed.size() - 2).encryptionContext().get("tenant"), "equal values correlate");

        List<AuditEvent> otherStore = new CopyOnWriteArrayList<>();
        wrap(service(AuditOptions.DEFAULTS, otherStore).createKey("k", ""), Map.of("tenant", "acme"));
        assertNotEquals(value, lastWrap(otherStore).encryptionContext().get("tenant"), "the hash is salted per store");

        List<AuditEvent> plain = new CopyOnWriteArrayList<>();
        KmsKeyHandle k2 = service(AuditOptions.DEFAULTS.withContextValues(AuditOptions.ContextValues.PLAIN), plain)
                .createKey("k", "");
        wrap(k2, Map.of("tenant", "acme"));
        assertEquals(Map.of("tenant", "acme"), lastWrap(plain).encryptionContext());
    }

    @Test
    void failOpen_letsTheRequestGoOn_countsAndReportsTheFailure() throws Exception {
        List<AuditEvent> events = new CopyOnWriteArrayList<>();
        KeyService keys = service(AuditOptions.DEFAULTS.withFailurePolicy(AuditOptions.FailurePolicy.FAIL_OPEN), events);
        KmsKeyHandle key = keys.createKey("k", "");
        keys.addAuditListener(e -> {
            throw new IllegalStateException("sink down");
        });
        assertNotNull(wrap(key, Map.of()), "the wrap succeeds");
        assertEquals(1, keys.audit().stats().failed());
        AuditEvent report = events.get(events.size() - 1);
        assertEquals(AuditOperation.AUDIT_DELIVERY_FAILED, report.operation());
        assertTrue(report.errorMessage().contains("sink down"), report.errorMessage());
        assertEquals(AuditOperation.WRAP_KEY, events.get(events.size() - 2).operation(), "the healthy listener got the event");
    }

    @Test
    void asyncWithBackPressure_deliversEveryEventOfABurst_inOrder_toASlowListener() throws Exception {
        List<AuditEvent> events = new CopyOnWriteArrayList<>();
        KeyService keys = service(AuditOptions.DEFAULTS.withDelivery(AuditOptions.Delivery.ASYNC, 8,
                AuditOptions.WhenFull.BLOCK), events);
        KmsKeyHandle key = keys.createKey("k", "");
        keys.addAuditListener(e -> sleep(1));
        int burst = 200;
        for (int i = 0; i < burst; i++) {
            wrap(key, Map.of("i", Integer.toString(i)));
        }
        keys.audit().flush();
        List<AuditEvent> wraps = events.stream().filter(e -> e.operation() == AuditOperation.WRAP_KEY).toList();
        assertEquals(burst, wraps.size(), "nothing lost");
        for (int i = 1; i < wraps.size(); i++) {
            assertTrue(wraps.get(i).time().compareTo(wraps.get(i - 1).time()) >= 0);
            assertTrue(wraps.get(i).eventId().getLeastSignificantBits() > wraps.get(i - 1).eventId().getLeastSignificantBits(),
                    "delivered in the order recorded");
        }
        assertEquals(0, keys.audit().stats().dropped());
    }

    @Test
    void asyncFromSeveralThreads_deliversEachRequestsEventOnce_inOrderPerKey_andFlushSeesThemAll() throws Exception {
        List<AuditEvent> events = new CopyOnWriteArrayList<>();
        KeyService keys = service(AuditOptions.DEFAULTS.withDelivery(AuditOptions.Delivery.ASYNC, 16,
                AuditOptions.WhenFull.BLOCK), events);
        int threads = 4;
        int each = 2000;
        List<KmsKeyHandle> mine = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            mine.add(keys.createKey("k" + t, ""));
        }
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> running = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            KmsKeyHandle key = mine.get(t);
            Thread thread = new Thread(() -> {
                try {
                    for (int i = 0; i < each; i++) {
                        wrap(key, Map.of());
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            running.add(thread);
            thread.start();
        }
        for (Thread thread : running) {
            thread.join();
        }
        keys.audit().flush(); // returns once every event accepted so far was delivered: no waiting on time
        assertEquals(List.of(), failures);
        for (KmsKeyHandle key : mine) {
            List<AuditEvent> wraps = events.stream().filter(e -> e.operation() == AuditOperation.WRAP_KEY)
                    .filter(e -> e.keyId().equals(key.keyId().toString())).toList();
            assertEquals(each, wraps.size(), "one event per request, none lost or doubled");
            for (int i = 1; i < wraps.size(); i++) {
                assertTrue(wraps.get(i).eventId().getLeastSignificantBits() > wraps.get(i - 1).eventId().getLeastSignificantBits(),
                        "a key's events in the order its requests were made");
            }
        }
        assertEquals(0, keys.audit().stats().dropped());
        keys.close();
    }

    @Test
    void asyncWithDrop_countsEveryDroppedEvent_andReportsTheCount() throws Exception {
        List<AuditEvent> events = new CopyOnWriteArrayList<>();
        KeyService keys = service(AuditOptions.DEFAULTS.withDelivery(AuditOptions.Delivery.ASYNC, 2,
                AuditOptions.WhenFull.DROP), events);
        KmsKeyHandle key = keys.createKey("k", "");
        keys.audit().flush(); // the store's own startup events may already fill a 2-slot queue
        long droppedBefore = keys.audit().stats().dropped();
        events.clear();
        keys.addAuditListener(e -> sleep(5));
        int burst = 100;
        for (int i = 0; i < burst; i++) {
            wrap(key, Map.of());
        }
        keys.audit().flush();
        long delivered = events.stream().filter(e -> e.operation() == AuditOperation.WRAP_KEY).count();
        long dropped = keys.audit().stats().dropped() - droppedBefore;
        assertTrue(dropped > 0, "a 2-slot queue behind a 5 ms listener drops");
        assertEquals(burst, delivered + dropped, "every event is either delivered or counted as dropped");
        long reported = events.stream().filter(e -> e.operation() == AuditOperation.AUDIT_EVENTS_DROPPED)
                .mapToLong(e -> Long.parseLong(e.errorMessage().split(" ")[0])).sum();
        assertEquals(dropped, reported, "every drop is reported in an AUDIT_EVENTS_DROPPED event");
    }

    @Test
    void listenersNamedInTheConfiguration_areCreated_andServiceLoaderListenersFound() throws Exception {
        List<AuditEvent> events = RecordingListener.start();
        try {
            KeyService keys = KeyStores.newInMemory(Fixtures.cheapOptions().withAudit(AuditOptions.DEFAULTS
                    .withListeners(false, List.of(RecordingListener.class.getName()), false)));
            wrap(keys.createKey("k", ""), Map.of());
            assertTrue(events.stream().anyMatch(e -> e.operation() == AuditOperation.WRAP_KEY));
        } finally {
            RecordingListener.stop();
        }
        assertThrows(IllegalArgumentException.class, () -> KeyStores.newInMemory(Fixtures.cheapOptions()
                .withAudit(AuditOptions.DEFAULTS.withListeners(false, List.of("no.such.Listener"), false))));
    }

    @Test
    void listenersRegisteredForServiceLoader_areFound_unlessTurnedOff() throws Exception {
        // META-INF/services/io.kmsjca.spi.audit.AuditListener in this module's test resources
        KeyService found = KeyStores.newInMemory(Fixtures.cheapOptions());
        KmsKeyHandle key = found.createKey("sl", "");
        KeyService off = KeyStores.newInMemory(Fixtures.cheapOptions()
                .withAudit(AuditOptions.DEFAULTS.withListeners(false, List.of(), false)));
        KmsKeyHandle quiet = off.createKey("sl", "");
        try {
            List<AuditEvent> events = RecordingListener.start();
            wrap(key, Map.of());
            assertTrue(events.stream().anyMatch(e -> e.operation() == AuditOperation.WRAP_KEY
                    && e.keyId().equals(key.keyId().toString())));

            events = RecordingListener.start();
            wrap(quiet, Map.of());
            assertTrue(events.isEmpty(), "audit.serviceLoader=false leaves it out");
        } finally {
            RecordingListener.stop();
        }
    }

    /**
     * Every key service of this JVM finds the test's ServiceLoader listener: between recordings it
     * must keep nothing, or it holds every event of every test (the soak's heap grew by ~600 bytes
     * an audited request until this was so).
     */
    @Test
    void serviceLoaderTestListener_keepsNoEvent_whenNoTestRecords() throws Exception {
        KeyService keys = KeyStores.newInMemory(Fixtures.cheapOptions());
        KmsKeyHandle key = keys.createKey("quiet", "");
        for (int i = 0; i < 100; i++) {
            wrap(key, Map.of());
        }
        assertEquals(0, RecordingListener.retained(), "events kept while no test records");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
