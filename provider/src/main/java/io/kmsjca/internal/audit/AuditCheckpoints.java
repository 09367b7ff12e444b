package io.kmsjca.internal.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the key store keeps the checkpoint of an audit log: the sequence number and hash of a
 * record the log is known to have held. A log that ends before its checkpoint, or holds another
 * record at that sequence number, was cut (docs/audit.md). The store seals what it keeps, so
 * whoever can cut the log cannot move the checkpoint back.
 *
 * <p>A log is named by its chain id, the SHA-256 of its first record: it stays the same however
 * the log is rotated, copied or moved, and differs between the logs of different hosts that share
 * a store. Because a log deleted whole and started again is a new chain, the store also keeps,
 * per location (host and absolute path of the log, {@link #location}), which chain it last
 * checkpointed there: a log found at that location with another chain, or none, was deleted or
 * replaced.
 */
public interface AuditCheckpoints {

    /** A record of the log: its sequence number and the SHA-256 of its line, hex. */
    record Checkpoint(long seq, String hash) {
    }

    /** Keeps no checkpoint: a verifier or sink with it works as before checkpoints existed. */
    AuditCheckpoints NONE = new AuditCheckpoints() {
        @Override
        public Optional<Checkpoint> read(String chainId) {
            return Optional.empty();
        }

        @Override
        public void advance(String chainId, Checkpoint checkpoint) {
        }
    };

    /**
     * Names where a log lives as its writer sees it: the SHA-256 (hex) of the host name and the
     * log's absolute path. Hashed so the store's tags hold no path.
     */
    static String location(String host, Path log) {
        return AuditRecords.hash(host + "\n" + log.toAbsolutePath().normalize());
    }

    /** The location of {@code log} on this host. */
    static String location(Path log) {
        return location(AuditDispatcher.host(), log);
    }

    /**
     * The chain id (its first 32 hex digits) of the log the store last checkpointed at {@code location},
     * if any: kept until an administrator retires it, so a log deleted whole or replaced stays reported.
     */
    default Optional<String> chainAt(String location) throws IOException {
        return Optional.empty();
    }

    /** Records that the log at {@code location} is the chain {@code chainId}, unless a chain is recorded there already. */
    default void settle(String location, String chainId) throws IOException {
    }

    /** The checkpoint of the log whose chain id is {@code chainId}, as the store holds it now. */
    Optional<Checkpoint> read(String chainId) throws IOException;

    /** Moves the checkpoint forward to {@code checkpoint}; never back (a later one kept by another writer stays). */
    void advance(String chainId, Checkpoint checkpoint) throws IOException;
}
