package io.kmsjca.internal.audit;

import io.kmsjca.audit.AuditLogVerifier.Problem;

import java.io.IOException;

/** The one rule of both verifiers for a record whose sequence number is not the one the chain expects. */
final class AuditSequence {

    /** What was found, and the problem it is. */
    record Finding(Problem problem, String detail) {
    }

    /** A source of the answer to "does record {@code seq} come later in the log?" (a second read). */
    interface Later {
        boolean contains(long seq) throws IOException;
    }

    private AuditSequence() {
    }

    /**
     * Record {@code seq} found where {@code expected} belongs: one already verified appears again
     * (inserted), the expected one never comes (removed), or it comes later (reordered). Every
     * record before {@code expected} has been verified in order, so "already seen" is {@code seq < expected}.
     */
    static Finding outOfSequence(long seq, long expected, Later later) throws IOException {
        if (seq >= 1 && seq < expected) {
            return new Finding(Problem.INSERTED, "record " + seq + " appears twice");
        }
        if (seq > expected && !later.contains(expected)) {
            return new Finding(Problem.REMOVED, "records " + expected + ".." + (seq - 1) + " are missing");
        }
        return new Finding(Problem.REORDERED, "record " + seq + " found where " + expected + " belongs");
    }
}
