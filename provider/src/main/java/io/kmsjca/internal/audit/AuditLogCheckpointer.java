package io.kmsjca.internal.audit;

import io.kmsjca.audit.AuditLogCutException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Holds one audit log against the checkpoints the key store keeps for it ({@link AuditCheckpoints}):
 * moves the store's checkpoint forward to the log's last record, reports a log that no longer holds
 * the checkpointed record as cut, and a log whose location the store knows under another chain as
 * deleted or replaced. Each problem is reported once. The log itself (where its chain stands, which
 * record it holds at a sequence number) is read through {@link Log}; this class never writes it.
 */
public final class AuditLogCheckpointer {

    /** What the checkpointer reads from the log it keeps. */
    public interface Log {
        /**
         * Where the chain stands, with the log on disk up to there, or null for an empty log.
         * Taken under the log's lock.
         */
        Position position() throws IOException;

        /** The hash of record {@code seq} in the current or a rotated file, or null if no file holds it. */
        String hashOf(long seq) throws IOException;
    }

    /**
     * The log's chain id, its last record, and how often the writer has re-read the log's tail: a
     * checkpoint found on the chain holds only as long as the writer did not read the tail again.
     */
    public record Position(String chain, AuditCheckpoints.Checkpoint here, long generation) {
    }

    private final Path file;
    private final Log log;
    private AuditCheckpoints.Checkpoint vouched; // a checkpoint known to lie on the chain as the writer saw it
    private long vouchedGeneration;
    private AuditCheckpoints.Checkpoint refused; // a stored checkpoint found missing from the log, already reported
    private String replacedReported; // the other chain the store names for this log's location, already reported

    public AuditLogCheckpointer(Path file, Log log) {
        this.file = file;
        this.log = log;
    }

    /**
     * See {@link JsonLinesAuditSink#checkpoint}. The store is called holding neither the log's
     * lock nor any monitor.
     */
    public void checkpoint(AuditCheckpoints store) throws IOException {
        Position at = log.position();
        if (at == null) {
            return;
        }
        AuditCheckpoints.Checkpoint here = at.here();
        AuditCheckpoints.Checkpoint known;
        AuditCheckpoints.Checkpoint reported;
        synchronized (this) {
            known = vouchedGeneration == at.generation() ? vouched : null; // what was checked before may have been cut since
            reported = refused;
        }
        Optional<AuditCheckpoints.Checkpoint> stored = store.read(at.chain());
        if (stored.isPresent() && !stored.get().equals(known)) {
            AuditCheckpoints.Checkpoint cp = stored.get();
            if (cp.equals(reported)) {
                return;
            }
            String problem = missing(cp, here);
            if (problem != null) {
                synchronized (this) {
                    refused = cp;
                }
                throw new AuditLogCutException(problem);
            }
        }
        if (stored.isEmpty() || stored.get().seq() < here.seq()) {
            store.advance(at.chain(), here);
        }
        synchronized (this) {
            vouched = here; // valid only while the writer does not read the tail again: then check again next time
            vouchedGeneration = at.generation();
        }
        checkLocation(store, at.chain());
    }

    /**
     * Settles this log's chain as the one at its location, or, if the store names another chain
     * there, reports that the log was deleted whole or replaced (once): the store keeps the other
     * chain, so the verifier keeps reporting it until an administrator retires the location.
     */
    private void checkLocation(AuditCheckpoints store, String chain) throws IOException {
        String location = AuditCheckpoints.location(file);
        Optional<String> there = store.chainAt(location);
        if (there.isEmpty()) {
            store.settle(location, chain);
        } else if (!chain.startsWith(there.get())) {
            synchronized (this) {
                if (there.get().equals(replacedReported)) {
                    return;
                }
                replacedReported = there.get();
            }
            long lost = store.read(there.get()).map(AuditCheckpoints.Checkpoint::seq).orElse(0L);
            throw new AuditLogCutException("the store's checkpoint for the audit log " + file + " names another chain"
                    + (lost > 0 ? ": records 1.." + lost + " were deleted or the log replaced" : ": the log was deleted or replaced"));
        }
    }

    /** Why the log, which ends at {@code here}, does not hold the checkpointed record, or null if it does. */
    private String missing(AuditCheckpoints.Checkpoint cp, AuditCheckpoints.Checkpoint here) throws IOException {
        if (cp.seq() > here.seq()) {
            return "the audit log " + file + " ends at sequence " + here.seq() + ", the store's checkpoint is at "
                    + cp.seq() + ": records were cut from its end";
        }
        String found = cp.seq() == here.seq() ? here.hash() : log.hashOf(cp.seq());
        return Objects.equals(found, cp.hash()) ? null : "record " + cp.seq() + " of the audit log " + file
                + " is not the record the store's checkpoint names: the log was cut before it and written again";
    }
}
