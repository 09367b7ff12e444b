package io.kmsjca.internal.audit;

import io.kmsjca.audit.AuditDelivery;
import io.kmsjca.audit.AuditOptions;
import io.kmsjca.audit.AuditStats;
import io.kmsjca.audit.KmsAuditContext;
import io.kmsjca.audit.SystemLoggerAuditSink;
import io.kmsjca.keys.KeyAccessDeniedException;
import io.kmsjca.keys.KeyStateException;
import io.kmsjca.keys.KeyUseDeniedException;
import io.kmsjca.keys.KeyUnavailableException;
import io.kmsjca.keys.StorePasswordRequiredException;

import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.internal.jfr.KeyOperationEvents;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditListener;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;

import java.net.InetAddress;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Turns each decided request of one key store into exactly one {@link AuditEvent} and delivers
 * it to every listener, as {@link AuditOptions} configure. With no listener nothing is built, so
 * an unaudited wrap pays nothing. Each request is also a JFR event ({@link KeyOperationEvents}),
 * whether or not anyone listens, at no cost when no recording wants it.
 *
 * <p>Only the key service that owns a dispatcher records through it: its users get the
 * {@link #view()}, which cannot record, so nobody else appends a chained, MACed line to the log.
 *
 * <p>Listeners: those given in code (here or in the options), those found through
 * {@code ServiceLoader}, those named in the configuration, and the built-in sinks configured.
 */
public final class AuditDispatcher implements AutoCloseable {

    private static final String HOST = hostName();

    private final List<AuditListener> listeners = new CopyOnWriteArrayList<>();
    private final Clock clock;
    private final ContextHasher hasher;
    private final Delivery delivery;
    private final String instance;
    // event ids: a random half per dispatcher and a counter, unique without a SecureRandom call per event
    private final long idPrefix;
    private final AtomicLong sequence = new AtomicLong();
    private final AuditDelivery view = new ReadOnlyView(this);
    private final Supplier<Principals.Resolved> principals;
    private volatile KeyIdText lastKeyId; // requests mostly use one key after another: its id's text is made once

    private record KeyIdText(UUID id, String text) {
    }

    /** A dispatcher whose events name the caller's principal ({@link Principals#current()}). */
    public AuditDispatcher(Clock clock, AuditOptions options, List<AuditListener> initial, ContextHasher hasher) {
        this(clock, options, initial, hasher, Principals::current);
    }

    /**
     * A dispatcher whose events name the principal {@code principals} resolves: the key service's,
     * which the credential it was opened with decides.
     */
    public AuditDispatcher(Clock clock, AuditOptions options, List<AuditListener> initial, ContextHasher hasher,
                           Supplier<Principals.Resolved> principals) {
        this.principals = principals;
        this.clock = clock;
        this.hasher = hasher;
        SecureRandom random = new SecureRandom();
        this.idPrefix = random.nextLong();
        this.instance = HexFormat.of().formatHex(java.nio.ByteBuffer.allocate(8).putLong(random.nextLong()).array());
        initial.forEach(this::addListener);
        if (options.serviceLoader()) {
            ServiceLoader.load(AuditListener.class).forEach(this::addListener);
        }
        for (String name : options.listenerClasses()) {
            addListener(instantiate(name));
        }
        if (options.systemLogger()) {
            addListener(new SystemLoggerAuditSink());
        }
        this.delivery = options.delivery() == AuditOptions.Delivery.ASYNC
                ? new AsyncDelivery(listeners, options.queueCapacity(), options.whenFull() == AuditOptions.WhenFull.DROP)
                : new Delivery.Sync(listeners, options.failurePolicy() == AuditOptions.FailurePolicy.FAIL_CLOSED);
    }

    /** Adds a listener; one that {@linkplain AuditListener#wantsDurations() wants durations} turns timing on. */
    public void addListener(AuditListener listener) {
        if (listener.wantsDurations()) {
            OperationStart.wantDurations();
        }
        listeners.add(listener);
    }

    public void removeListener(AuditListener listener) {
        listeners.remove(listener);
    }

    /** Whether anyone listens; callers skip building events when not. */
    public boolean active() {
        return !listeners.isEmpty();
    }

    /** This store instance's id in events (random per open store). */
    public String instance() {
        return instance;
    }

    /**
     * Records one request.
     *
     * @param error null for success; a refusal by rule (a key's state, who manages it, a store loaded
     *              without its password) is DENIED, anything else FAILED
     * @throws ProviderException under the fail-closed policy, a listener failed, so the request
     *                           must not go on
     */
    public void record(AuditOperation operation, UUID keyId, int keyVersion, String alias, Throwable error,
                       EncryptionContext context) {
        record(operation, keyId, keyVersion, alias, error, context, null, 0);
    }

    /**
     * Records one request an engine timed: {@code timed} (from {@link OperationStart#begin()}, null
     * when nobody wants it timed) gives its JFR event and its audit event a duration.
     */
    public void record(OperationStart timed, AuditOperation operation, UUID keyId, int keyVersion, String alias,
                       Throwable error, EncryptionContext context) {
        KeyOperationEvents.commit(OperationStart.event(timed), instance, operation, keyId, keyVersion, alias,
                outcomeOf(error), error);
        deliver(operation, keyId, keyVersion, alias, error, context, null, 0, OperationStart.elapsedNanos(timed));
    }

    /** Records a request that involved a second key (RE_ENCRYPT's destination). */
    public void record(AuditOperation operation, UUID keyId, int keyVersion, String alias, Throwable error,
                       EncryptionContext context, UUID destinationKeyId, int destinationKeyVersion) {
        KeyOperationEvents.commit(null, instance, operation, keyId, keyVersion, alias, outcomeOf(error), error);
        deliver(operation, keyId, keyVersion, alias, error, context, destinationKeyId, destinationKeyVersion, -1);
    }

    private void deliver(AuditOperation operation, UUID keyId, int keyVersion, String alias, Throwable error,
                         EncryptionContext context, UUID destinationKeyId, int destinationKeyVersion,
                         long durationNanos) {
        if (listeners.isEmpty()) {
            return;
        }
        AuditOutcome outcome = outcomeOf(error);
        UUID eventId = new UUID(idPrefix, sequence.incrementAndGet());
        Principals.Resolved who = principals.get();
        delivery.deliver(new AuditEvent(eventId, clock.instant(), operation,
                text(keyId), keyVersion, alias, who.name(), who.source(), outcome,
                error == null ? null : error.getClass().getName(), error == null ? null : error.getMessage(),
                hasher.apply(context), KmsAuditContext.requestId(), instance, HOST, // null: the event's own id
                destinationKeyId == null ? null : destinationKeyId.toString(), destinationKeyVersion, durationNanos));
    }

    private String text(UUID keyId) {
        if (keyId == null) {
            return null;
        }
        KeyIdText last = lastKeyId;
        if (last != null && last.id.equals(keyId)) {
            return last.text;
        }
        String text = keyId.toString();
        lastKeyId = new KeyIdText(keyId, text);
        return text;
    }

    /** What the key service's users may see and do of this dispatcher: listeners, counters, flush; never record. */
    public AuditDelivery view() {
        return view;
    }

    /** Delivery counters: delivered, failed listener calls, dropped events. */
    public AuditStats stats() {
        return delivery.stats();
    }

    /** Returns once every event recorded so far has reached every listener and been made durable. */
    public void flush() {
        delivery.flush();
    }

    /** Flushes, then closes every listener. */
    @Override
    public void close() {
        delivery.close();
    }

    private static AuditListener instantiate(String className) {
        try {
            Class<?> c = Class.forName(className.strip(), true, AuditDispatcher.class.getClassLoader());
            return (AuditListener) c.getConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
            throw new IllegalArgumentException("cannot create audit listener " + className
                    + ": it must implement io.kmsjca.spi.audit.AuditListener with a public no-argument constructor", e);
        }
    }

    /** This host's name as audit records and audit log locations name it. */
    public static String host() {
        return HOST;
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static AuditOutcome outcomeOf(Throwable error) {
        return error == null ? AuditOutcome.SUCCESS : isDenial(error) ? AuditOutcome.DENIED : AuditOutcome.FAILED;
    }

    /** The refusals by rule, as opposed to failures; every other error is audited FAILED. */
    private static boolean isDenial(Throwable error) {
        return error instanceof KeyStateException || error instanceof KeyUnavailableException
                || error instanceof StorePasswordRequiredException || error instanceof KeyAccessDeniedException
                || error instanceof KeyUseDeniedException;
    }

    /** What {@link #view()} hands out: delegates everything but {@code record}, which it lacks. */
    private static final class ReadOnlyView implements AuditDelivery {
        private final AuditDispatcher dispatcher;

        ReadOnlyView(AuditDispatcher dispatcher) {
            this.dispatcher = dispatcher;
        }

        @Override
        public void addListener(AuditListener listener) {
            dispatcher.addListener(listener);
        }

        @Override
        public void removeListener(AuditListener listener) {
            dispatcher.removeListener(listener);
        }

        @Override
        public AuditStats stats() {
            return dispatcher.stats();
        }

        @Override
        public void flush() {
            dispatcher.flush();
        }
    }
}
