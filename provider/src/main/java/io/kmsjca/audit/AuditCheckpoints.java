package io.kmsjca.audit;

import java.io.IOException;
import java.util.Optional;

/**
 * Where the key store keeps the checkpoint of an audit log: the sequence number and hash of a
 * record the log is known to have held. A log that ends before its checkpoint, or holds another
 * record at that sequence number, was cut (docs/audit.md). The store seals what it keeps, so
 * whoever can cut the log cannot move the checkpoint back.
 *
 * <p>A log is named by its chain id, the SHA-256 of its first record: it stays the same however
 * the log is rotated, copied or moved, and differs between the logs of different hosts that share
 * a store.
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

    /** The checkpoint of the log whose chain id is {@code chainId}, as the store holds it now. */
    Optional<Checkpoint> read(String chainId) throws IOException;

    /** Moves the checkpoint forward to {@code checkpoint}; never back (a later one kept by another writer stays). */
    void advance(String chainId, Checkpoint checkpoint) throws IOException;
}
