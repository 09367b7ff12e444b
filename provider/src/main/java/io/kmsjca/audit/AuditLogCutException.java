package io.kmsjca.audit;

import java.io.IOException;

/**
 * The audit log no longer holds the record the store's checkpoint names: records were cut from
 * its end (and perhaps others written after the cut), or the log at this place is another chain
 * than the one the store checkpointed there (deleted whole and started again, or replaced). The writer goes on logging but never moves
 * the checkpoint past the cut, so the verifier keeps reporting it.
 */
public final class AuditLogCutException extends IOException {

    public AuditLogCutException(String message) {
        super(message);
    }
}
