package io.kmsjca.postgres;

import io.kmsjca.spi.KeyRecordStore;
import io.kmsjca.spi.OutOfSyncException;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What other JVMs change, as it happens: a thread holding one connection that {@code LISTEN}s on
 * the channel every change is {@code NOTIFY}d on (in the changing transaction, so a notification
 * means a committed change). It reports a changed key id within milliseconds, and
 * {@link KeyRecordStore#ALL_KEYS} when changes may have been missed: after a lost connection is
 * back, after a report the listeners could not take in, and every {@code reread} interval as a
 * fallback. That catch-up is tried again with backoff until the listeners take it in; a lost
 * connection is retried with backoff; the key service keeps working on the keys it has meanwhile.
 *
 * <p>The feed also keeps the instant up to which the listeners are known to hold every committed
 * change: a catch-up that succeeded confirms its start, and a round trip on the listening
 * connection confirms its start when nothing is owed (PostgreSQL sends a listening session the
 * notifications of every earlier commit before it answers). {@link #checkInSync} compares it with
 * the {@code maxStaleness} bound.
 */
final class ChangeFeed implements AutoCloseable {

    static final String CHANNEL = "kmsjca_changes";
    private static final System.Logger LOG = System.getLogger("io.kmsjca.postgres");
    private static final int POLL_MILLIS = 200;
    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 5000;
    /** A catch-up that failed on a live connection is tried again at most this long after the last try. */
    private static final long MAX_CATCH_UP_BACKOFF_MILLIS = 2000;

    private final PostgresSettings settings;
    private final String instanceId;
    private final Consumer<String> tell;
    private final Runnable onReconnect;
    private final long heartbeatNanos;
    private final Thread thread;
    private final CountDownLatch firstListen = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile boolean connected;
    /** The listening connection, for the reads the listeners make on this thread. */
    private volatile Connection listening;
    /** Set when the listeners may lack a change; cleared by the catch-up that gives it to them. */
    private volatile boolean catchUpOwed;
    /** System.nanoTime() up to which the listeners are known to hold every committed change. */
    private volatile long confirmedAt;

    /**
     * Starts listening and returns once the first {@code LISTEN} is in place, so that no change
     * committed after the store opened can be missed.
     *
     * @param tell        reports a changed key id (or {@link KeyRecordStore#ALL_KEYS}) to the
     *                    listeners; throws if one of them could not take it in
     * @param onReconnect runs when a lost connection is back: the pool's connections are suspect too
     * @throws IOException the feed did not connect within the connect timeout
     */
    ChangeFeed(PostgresSettings settings, String instanceId, Consumer<String> tell, Runnable onReconnect)
            throws IOException {
        this.settings = settings;
        this.instanceId = instanceId;
        this.tell = tell;
        this.onReconnect = onReconnect;
        // four confirmations per bound, so one slow round trip does not make a healthy JVM refuse its keys
        this.heartbeatNanos = Math.max(settings.maxStaleness().toNanos() / 4, TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
        this.thread = new Thread(this::run, "kms-jca change feed (" + settings.storeName() + ")");
        thread.setDaemon(true);
        thread.start();
        try {
            if (!firstListen.await(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                close();
                throw new IOException("the change feed of PostgreSQL store " + settings.storeName()
                        + " did not connect within " + settings.connectTimeout().toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the change feed connected", e);
        }
    }

    /** The payload of a change notification: store, key id, and the store instance that made it. */
    static String payload(String store, String keyId, String instanceId) {
        return store + " " + keyId + " " + instanceId;
    }

    boolean connected() {
        return connected;
    }

    /**
     * The listening connection when called from the feed's own thread (a listener reading what
     * changed), else null. It answered a moment ago, while the pool may still hold connections to
     * a server that has restarted since.
     */
    Connection connectionOfThisThread() {
        return Thread.currentThread() == thread ? listening : null;
    }

    /** A new listener holds what it read when it subscribed, not what changed before: it gets a catch-up. */
    void catchUp() {
        catchUpOwed = true;
    }

    /** Throws once the listeners have not been confirmed in sync for longer than {@code maxStaleness}. */
    void checkInSync() throws OutOfSyncException {
        long unconfirmed = System.nanoTime() - confirmedAt;
        if (unconfirmed > settings.maxStaleness().toNanos()) {
            throw new OutOfSyncException("PostgreSQL store " + settings.storeName() + " at "
                    + StoreQueries.redacted(settings.url()) + " has not confirmed for "
                    + TimeUnit.NANOSECONDS.toSeconds(unconfirmed) + " s that this JVM holds the changes other JVMs made"
                    + " (the limit is " + PostgresSettings.MAX_STALENESS_SECONDS + "=" + settings.maxStaleness().toSeconds()
                    + "); keys are refused until a re-read succeeds, " + (connected ? "which is being retried"
                    : "once the database is reachable again"));
        }
    }

    private void run() {
        long backoff = FIRST_BACKOFF_MILLIS;
        boolean wasConnected = false;
        while (!closed) {
            try (Connection c = Connections.openFeed(settings)) {
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                listening = c;
                connected = true;
                if (wasConnected) {
                    LOG.log(System.Logger.Level.INFO, "kms-jca: change feed of store " + settings.storeName()
                            + " is back; re-reading every key");
                    onReconnect.run();
                    catchUpOwed = true; // what changed while we were away
                } else {
                    confirmedAt = System.nanoTime(); // the key service reads every record after this
                    firstListen.countDown();
                }
                wasConnected = true;
                backoff = FIRST_BACKOFF_MILLIS;
                listen(c);
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                if (connected) {
                    LOG.log(System.Logger.Level.WARNING, "kms-jca: lost the change feed of store " + settings.storeName()
                            + " (" + e.getMessage() + "); existing keys keep working for up to "
                            + settings.maxStaleness().toSeconds() + " s, retrying");
                }
                connected = false;
                sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            } finally {
                listening = null;
            }
        }
    }

    private void listen(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        long now = System.nanoTime();
        long nextHeartbeat = now + heartbeatNanos;
        long nextReread = now + settings.reread().toNanos();
        long nextCatchUp = now;
        long catchUpBackoff = FIRST_BACKOFF_MILLIS;
        int failedCatchUps = 0;
        while (!closed) {
            deliver(pg.getNotifications(POLL_MILLIS));
            now = System.nanoTime();
            if (now - nextReread >= 0) {
                catchUpOwed = true;
                nextReread = now + settings.reread().toNanos();
            }
            if (catchUpOwed && now - nextCatchUp >= 0) {
                catchUpOwed = false; // a report that fails during the catch-up owes another one
                RuntimeException failed = told(KeyRecordStore.ALL_KEYS);
                if (failed == null) {
                    confirm(now);
                    if (failedCatchUps > 0) {
                        LOG.log(System.Logger.Level.INFO, "kms-jca: re-read the keys of store " + settings.storeName()
                                + " after " + failedCatchUps + " failed attempts");
                    }
                    failedCatchUps = 0;
                    catchUpBackoff = FIRST_BACKOFF_MILLIS;
                } else {
                    catchUpOwed = true;
                    if (failedCatchUps++ == 0) {
                        LOG.log(System.Logger.Level.WARNING, "kms-jca: could not re-read the keys of store "
                                + settings.storeName() + " (" + failed.getMessage() + "); retrying until it succeeds");
                    }
                    nextCatchUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(catchUpBackoff);
                    catchUpBackoff = Math.min(catchUpBackoff * 2, MAX_CATCH_UP_BACKOFF_MILLIS);
                }
            }
            if (now - nextHeartbeat >= 0) {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT 1"); // a silent network failure shows up here, not in the wait above
                }
                deliver(pg.getNotifications()); // every change committed before the round trip
                if (!catchUpOwed) {
                    confirm(now);
                }
                nextHeartbeat = now + heartbeatNanos;
            }
        }
    }

    private void deliver(PGNotification[] notifications) {
        if (notifications == null) {
            return;
        }
        for (PGNotification n : notifications) {
            String[] parts = n.getParameter().split(" ");
            // our own changes were reported when they committed; other stores in the database are not ours
            if (parts.length == 3 && parts[0].equals(settings.storeName()) && !parts[2].equals(instanceId)
                    && told(parts[1]) != null) {
                catchUpOwed = true; // the listeners lack this change until a catch-up gives it to them
            }
        }
    }

    /** Null when every listener took the report in, else what failed. */
    private RuntimeException told(String keyId) {
        try {
            tell.accept(keyId);
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    private void confirm(long at) {
        if (at - confirmedAt > 0) {
            confirmedAt = at;
        }
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
