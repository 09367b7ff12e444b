package io.kmsjca.internal.audit;

import io.kmsjca.audit.AuditLogVerifier.Problem;
import io.kmsjca.audit.AuditLogVerifier.Report;
import io.kmsjca.audit.AuditVerificationKey;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Verifies an audit log with the store's public key alone (docs/audit.md, "Verifying without a
 * secret"): the hash chain across the current and rotated files, the sequence numbers, and every
 * signature record. Holds no secret: the MACs of the records are not checked (that needs the
 * store), so a record is authenticated only when a signature record after it covers it through
 * the chain. Records after the last signature are reported, not refused.
 */
public final class SignedChainVerifier {

    private final AuditVerificationKey key;

    public SignedChainVerifier(AuditVerificationKey key) {
        this.key = key;
    }

    /** What a line claims, unverified (seq -1: not a record). */
    private record Claim(long seq, String prev) {
        static Claim of(AuditLogLines.Line l) {
            AuditRecords.Parsed claimed = l.readable() ? AuditRecords.claimed(l.text()) : null;
            return claimed == null ? new Claim(-1, null) : new Claim(claimed.seq(), claimed.prev());
        }
    }

    /** Reads the log a line at a time, keeping only the chain's position: memory does not grow with the log. */
    public Report verify(Path log) throws IOException {
        List<Path> files = AuditLogFiles.inOrder(log);
        if (files.isEmpty()) {
            throw new NoSuchFileException(log.toString(), null, "no audit log, current or rotated");
        }
        String chain = null;
        long expected = 1;
        String prev = AuditRecords.GENESIS;
        long verified = 0;
        long signatures = 0;
        long lastSigned = 0;
        AuditLogLines.Line last = null;
        try (AuditLogLines lines = new AuditLogLines(files, true)) {
            for (AuditLogLines.Line l = lines.next(); l != null; l = lines.next()) {
                if (l.text().isEmpty()) {
                    continue; // an empty line carries no record
                }
                if (chain == null) {
                    chain = l.hash();
                }
                State at = new State(verified, expected - 1, signatures, lastSigned);
                if (!l.readable()) {
                    return at.problem(Problem.ALTERED, l, AuditLogLines.NOT_A_RECORD);
                }
                Claim claim = Claim.of(l);
                if (claim.seq < 0) {
                    return at.problem(Problem.ALTERED, l, "not an audit record (no sequence number and previous hash)");
                }
                long seq = claim.seq;
                if (seq != expected) {
                    AuditLogLines.Line here = l;
                    AuditSequence.Finding f = AuditSequence.outOfSequence(seq, expected, missing -> AuditLogLines.anyAfter(
                            files, true, here, later -> Claim.of(later).seq == missing));
                    return at.problem(f.problem(), l, f.detail());
                }
                if (!claim.prev.equals(prev)) {
                    return at.problem(Problem.ALTERED, l, seq == 1 ? "record 1 does not start a chain"
                            : "record " + seq + " does not follow the record before it (hash chain broken): record "
                            + (seq - 1) + " or this record was altered");
                }
                if (AuditSignatureRecords.claims(l.text())) {
                    AuditSignatureRecords.Failure failure = AuditSignatureRecords.checkLine(l.text(), seq, chain, key);
                    if (failure != null) {
                        return at.problem(failure.problem(), l, failure.detail());
                    }
                    signatures++;
                    lastSigned = seq;
                }
                prev = l.hash();
                last = l;
                expected++;
                verified++;
            }
            return verdict(verified, expected - 1, signatures, lastSigned, last, lines.tornTail());
        }
    }

    private Report verdict(long verified, long lastSeq, long signatures, long lastSigned, AuditLogLines.Line last,
                           boolean torn) {
        if (verified > 0 && signatures == 0) {
            return new Report(false, verified, lastSeq, Problem.UNSIGNED, last.file(), last.number(), "no record of this log is "
                    + "signed: the public key vouches for none of its " + verified + " records (a log written before "
                    + "signatures, or younger than its first one); verify it with the store", torn, 0, 0);
        }
        String detail = verified + " records verified with the public key " + key.fingerprint() + "; signed through record "
                + lastSigned + " (" + signatures + " signatures)"
                + (lastSeq > lastSigned ? "; the last " + (lastSeq - lastSigned) + " records are not signed yet: chained, "
                + "but anyone could have written, altered or cut them" : "")
                + (torn ? "; the last line is incomplete (a crash while writing)" : "");
        return new Report(true, verified, lastSeq, null, null, 0, detail, torn, signatures, lastSigned);
    }

    /** The counts so far, to report a problem with (a problem is found before the log's end, so never with a torn tail). */
    private record State(long verified, long lastSeq, long signatures, long lastSigned) {
        Report problem(Problem p, AuditLogLines.Line l, String detail) {
            return new Report(false, verified, lastSeq, p, l.file(), l.number(), detail + " (" + l.file().getFileName()
                    + " line " + l.number() + ")", false, signatures, lastSigned);
        }
    }
}
