package io.kmsjca.postgres;

import io.kmsjca.spi.KeyRecordStore;
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
 * back, and every {@code reread} interval as a fallback. A lost connection is retried with
 * backoff; the key service keeps working on the keys it has meanwhile.
 */
final class ChangeFeed implements AutoCloseable {

    static final String CHANNEL = "kmsjca_changes";
    private static final System.Logger LOG = System.getLogger("io.kmsjca.postgres");
    private static final int POLL_MILLIS = 200;
    private static final long MAX_BACKOFF_MILLIS = 5000;

    private final PostgresSettings settings;
    private final String instanceId;
    private final Consumer<String> onChange;
    private final Thread thread;
    private final CountDownLatch firstListen = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile boolean connected;

    /**
     * Starts listening and returns once the first {@code LISTEN} is in place, so that no change
     * committed after the store opened can be missed.
     *
     * @throws IOException the feed did not connect within the connect timeout
     */
    ChangeFeed(PostgresSettings settings, String instanceId, Consumer<String> onChange) throws IOException {
        this.settings = settings;
        this.instanceId = instanceId;
        this.onChange = onChange;
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

    private void run() {
        long backoff = 100;
        boolean wasConnected = false;
        while (!closed) {
            try (Connection c = Connections.open(settings)) {
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                connected = true;
                firstListen.countDown();
                if (wasConnected) {
                    LOG.log(System.Logger.Level.INFO, "kms-jca: change feed of store " + settings.storeName()
                            + " is back; re-reading every key");
                    onChange.accept(KeyRecordStore.ALL_KEYS);
                }
                wasConnected = true;
                backoff = 100;
                listen(c);
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                if (connected) {
                    LOG.log(System.Logger.Level.WARNING, "kms-jca: lost the change feed of store " + settings.storeName()
                            + " (" + e.getMessage() + "); existing keys keep working, retrying");
                }
                connected = false;
                sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            }
        }
    }

    private void listen(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        long nextReread = System.nanoTime() + settings.reread().toNanos();
        while (!closed) {
            PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
            if (notifications != null) {
                for (PGNotification n : notifications) {
                    heard(n.getParameter());
                }
            }
            if (System.nanoTime() - nextReread >= 0) {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT 1"); // a silent network failure shows up here, not in the wait above
                }
                onChange.accept(KeyRecordStore.ALL_KEYS);
                nextReread = System.nanoTime() + settings.reread().toNanos();
            }
        }
    }

    private void heard(String payload) {
        String[] parts = payload.split(" ");
        // our own changes were reported when they committed; other stores in the database are not ours
        if (parts.length == 3 && parts[0].equals(settings.storeName()) && !parts[2].equals(instanceId)) {
            try {
                onChange.accept(parts[1]);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "kms-jca: a change listener failed: " + e);
            }
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
