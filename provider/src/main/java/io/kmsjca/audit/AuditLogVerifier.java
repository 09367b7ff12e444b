package io.kmsjca.audit;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads an audit log written by the file audit sink (the current file and its rotated
 * predecessors) and reports the first record that was altered, removed, inserted or reordered,
 * or that the log is intact. A torn last line (a crash while writing) is reported but accepted:
 * it was never acknowledged. Records cut from the end are found up to the store's checkpoint
 * (its checkpoints): a log that ends before it, or holds another record where it
 * points, is reported {@link Problem#TRUNCATED}; records after the last checkpoint can be cut
 * unseen. Obtain one from {@code KeyService.auditLogVerifier()}: the key and the checkpoint come
 * from the store. It also checks the log's signature records (Ed25519, signed by the store).
 *
 * <p>An auditor without the store uses {@link PublicKeyAuditLogVerifier}, made from the store's
 * {@link AuditVerificationKey} alone: it checks the hash chain and every signature, and reports
 * the records after the last signature, which no signature covers yet (docs/audit.md,
 * "Verifying without a secret").
 */
public interface AuditLogVerifier {

    /**
     * What is wrong with a log. TRUNCATED: records were cut from its end, before the store's
     * checkpoint (the log ends before it, or was written again after the cut). FORGED: a signature
     * record does not verify under the verification key. WRONG_SIGNER: a signature record names
     * another key as its signer. UNSIGNED: verified with a public key alone, the log holds no
     * signature at all, so nothing in it is authenticated (a log written before signatures
     * existed, or one younger than its first signature).
     */
    enum Problem { ALTERED, REMOVED, INSERTED, REORDERED, TRUNCATED, FORGED, WRONG_SIGNER, UNSIGNED }

    /**
     * @param intact      whether every record verified and the chain is unbroken
     * @param records     records that verified before the first problem (all of them when intact)
     * @param lastSeq     sequence number of the last verified record
     * @param problem     the first problem, or null
     * @param file        the file of the first problem, or null
     * @param line        its line number in that file (1-based), or 0
     * @param detail      what was found, for people
     * @param tornTail    whether the log ends in an incomplete line (a crash while writing)
     * @param signatures  signature records verified
     * @param lastSignedSeq sequence number of the last verified signature record (it and every
     *                    record before it are covered by its signature), or 0 if none
     */
    record Report(boolean intact, long records, long lastSeq, Problem problem, Path file, int line,
                         String detail, boolean tornTail, long signatures, long lastSignedSeq) {

        /** A report on a log without signatures. */
        public Report(boolean intact, long records, long lastSeq, Problem problem, Path file, int line, String detail,
                      boolean tornTail) {
            this(intact, records, lastSeq, problem, file, line, detail, tornTail, 0, 0);
        }

        /**
         * Records after the last signature (all of them when there is none): chained, but not yet
         * covered by any signature, so only the store's MAC or checkpoint can vouch for them.
         */
        public long unsignedRecords() {
            return lastSeq - lastSignedSeq;
        }
    }

    /** Verifies {@code log} as this host's writers see it (its location names it in the store). */
    Report verify(Path log) throws IOException;

    /**
     * Verifies {@code log} as written on {@code host}: the store's checkpoints are looked up by the
     * log's chain id and by its location (that host and the log's absolute path), so a log deleted
     * whole and started again, or replaced by another log, is reported {@link Problem#TRUNCATED}.
     * Give the writer's host when verifying a copy elsewhere, at the same absolute path.
     */
    Report verify(Path log, String host) throws IOException;
}
