package io.kmsjca.spi;

import io.kmsjca.spi.audit.AuditListener;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A storage backend for master keys. Backends are trusted for durability only: every payload
 * they see is sealed by the key service, which detects any change it did not make.
 *
 * <p>Rules every backend follows (the TCK in this module's test-jar checks each one):
 * <ul>
 *   <li>A change is durable when the method returns; a failed call changes nothing.</li>
 *   <li>{@link #put} and {@link #delete} are compare-and-set on the record's revision; a lost
 *       race throws {@link StaleRecordException} and writes nothing.</li>
 *   <li>The header (the store's protected root key, opaque to the backend) is compare-and-set
 *       too, on its bytes.</li>
 *   <li>Listeners registered with {@link #subscribe} hear the id of every key that changed,
 *       at least once, after the change is durable. A listener that throws has not taken the
 *       change in: a backend that reports other processes' changes tells it {@link #ALL_KEYS}
 *       again, with backoff, until it returns normally.</li>
 *   <li>A backend shared with other processes bounds how long they can be out of sync: past
 *       its bound, {@link #checkInSync} throws until a re-read succeeds.</li>
 *   <li>After {@link #refresh} returns, reads show what other processes wrote before it.</li>
 *   <li>All methods are safe to call from several threads.</li>
 * </ul>
 */
public interface KeyRecordStore extends AutoCloseable {

    /** The largest header a backend must accept. */
    int MAX_HEADER_BYTES = 64 * 1024;

    /**
     * What a listener hears instead of a key id when anything may have changed: a backend that
     * may have missed changes (a lost connection to a shared database) says so, and the key
     * service re-reads every record. Never a valid key id.
     */
    String ALL_KEYS = "*";

    /** The store header written by {@link #putHeader}, or empty for a store never initialised. */
    Optional<byte[]> header() throws IOException;

    /**
     * Replaces the header if it is still {@code expected} (null: no header yet).
     *
     * @throws StaleRecordException the header is not {@code expected}
     */
    void putHeader(byte[] expected, byte[] next) throws IOException, StaleRecordException;

    /** The record of one key, or empty. */
    Optional<KeyRecord> get(String keyId) throws IOException;

    /** Every record, in no particular order. */
    List<KeyRecord> list() throws IOException;

    /**
     * The revision of every record by key id: what a periodic re-read compares before it reads
     * the few records that changed. A backend where reading is costly answers this without the
     * payloads.
     */
    default Map<String, Long> revisions() throws IOException {
        Map<String, Long> revisions = new HashMap<>();
        list().forEach(r -> revisions.put(r.keyId(), r.revision()));
        return revisions;
    }

    /**
     * Writes {@code next} if the stored record of {@code next.keyId()} is at
     * {@code next.revision() - 1} (revision 1: no record yet).
     *
     * @throws StaleRecordException the stored revision is another one
     */
    void put(KeyRecord next) throws IOException, StaleRecordException;

    /**
     * Removes a record if it is still at {@code expectedRevision}.
     *
     * @throws StaleRecordException the record is absent or at another revision
     */
    void delete(String keyId, long expectedRevision) throws IOException, StaleRecordException;

    /**
     * Registers a listener for changed key ids (or {@link #ALL_KEYS}); closing the returned handle
     * removes it. A backend shared by several processes also reports their changes.
     */
    Subscription subscribe(Consumer<String> changedKeyId);

    /**
     * Writes the store's records as they are now over whatever earlier forms of them the
     * backend keeps in its own files (a file store's journal and previous generation), after a
     * change that must not stay readable in its earlier form (key material sealed to principals,
     * docs/authorization.md). The default does nothing: a database's history (WAL, backups) is
     * not the backend's to rewrite.
     */
    default void compact() throws IOException {
    }

    /**
     * Re-reads what other processes wrote: once it returns, {@link #header}, {@link #get},
     * {@link #list} and {@link #revisions} show every change that was durable when it was called.
     * The key service calls it before its periodic re-read and after a lost compare-and-set; a
     * backend that keeps what it read (a snapshot, a cache) drops or renews it here. A no-op for
     * stores that are always current: one that reads through on every call, or that no other
     * process writes to. The TCK checks it with two stores over the same storage.
     *
     * @throws IOException the storage could not be read; what this store held before still stands
     */
    default void refresh() throws IOException {
    }

    /**
     * Throws while this process may have missed changes other processes made for longer than
     * the backend allows: neither its change feed nor a re-read has confirmed the records for
     * that long. The key service calls this before every key use and refuses the use, so a key
     * disabled or rotated elsewhere stops working here within the bound. It is on the hot path:
     * no I/O, no lock. A backend no other process writes to is always in sync.
     *
     * @throws OutOfSyncException the records were last confirmed longer ago than the bound
     */
    default void checkInSync() throws OutOfSyncException {
    }

    /**
     * An audit listener that keeps the trail in the backend itself (a database table), if the
     * backend offers one and was configured to; the key service adds it to its listeners.
     */
    default Optional<AuditListener> auditListener() {
        return Optional.empty();
    }

    /** Releases the backend's resources. Further calls fail with {@link IllegalStateException}. */
    @Override
    void close() throws IOException;

    /** A registered change listener; close to remove it. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
