package io.kmsjca.internal.audit;

import io.kmsjca.audit.AuditLogVerifier;
import io.kmsjca.audit.AuditVerificationKey;
import io.kmsjca.internal.crypto.SecretBytes;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The verifier of the chained, MACed audit log (docs/audit.md), behind {@link AuditLogVerifier}:
 * every record's MAC, the chain, the store's checkpoints and, given the store's verification key,
 * every signature record. It reads the log a line at a time and keeps only the chain's position,
 * so its memory does not grow with the log.
 */
public final class ChainedLogVerifier implements AuditLogVerifier {

    private final AuditRecords records;
    private final AuditCheckpoints checkpoints;
    private final AuditVerificationKey signer; // null: signature records are checked as records only (their MAC)

    /** A verifier without checkpoints: it cannot tell a log cut at its end from one that ends there. */
    public ChainedLogVerifier(SecretBytes macKey) {
        this(macKey, AuditCheckpoints.NONE);
    }

    public ChainedLogVerifier(SecretBytes macKey, AuditCheckpoints checkpoints) {
        this(macKey, checkpoints, null);
    }

    /** A verifier that also checks that every signature record is {@code signer}'s (null: none is checked). */
    public ChainedLogVerifier(SecretBytes macKey, AuditCheckpoints checkpoints, AuditVerificationKey signer) {
        this.records = new AuditRecords(macKey);
        this.checkpoints = checkpoints;
        this.signer = signer;
    }

    @Override
    public Report verify(Path log) throws IOException {
        return verify(log, AuditDispatcher.host());
    }

    @Override
    public Report verify(Path log, String host) throws IOException {
        Verification verification = start();
        Report problem = verification.verify(AuditLogFiles.inOrder(log), true);
        return problem != null ? problem : verification.finish(log, host);
    }

    /** A verification of one log that goes on across calls: see {@link Verification}. */
    public Verification start() {
        return new Verification();
    }

    /**
     * The verification of one log, a batch of its files at a time, in order: its rotated files as
     * they are rotated (each may then be archived or deleted: the verification keeps the chain's
     * position, not the files), the last batch ending with the current file, then {@link #finish}
     * for the store's checkpoint. A batch that finds a problem, or fails to read, ends the
     * verification; nothing may follow the batch that ends with the current file.
     *
     * <p>The store's checkpoint is read again at the start of every batch, so a verification that
     * runs for hours holds the log to the checkpoint of its last batch, as a whole-log
     * verification holds it to the checkpoint of its start: a log cut or deleted after the
     * earlier batches is {@code TRUNCATED}. A checkpoint that names a record an earlier batch
     * verified before the checkpoint named it cannot be compared (that record's hash is gone);
     * it is behind the verified chain, which goes on past it.
     */
    public final class Verification {
        private long expected = 1;
        private String prev = AuditRecords.GENESIS;
        private String chain; // the hash of record 1: the log's identity, which checkpoints and signatures name
        private AuditCheckpoints.Checkpoint checkpoint; // the one still to be reached, or null
        private boolean checkpointMatched;
        private AuditLogLines.Line first;
        private AuditLogLines.Line last;
        private long verified;
        private long unauthenticated; // records of the write under way: its last line's MAC must cover them
        private long lastAuthenticated;
        private int writeLeft; // lines of the write under way still to come (0: none is under way)
        private Path writeFile; // the file the write under way is in: a write never spans two
        private Path currentFile; // the file being written, once the batch that ends with it came
        private long signatures;
        private long lastSigned;
        private boolean torn;
        private boolean ended;
        private Report failed;
        private IOException unreadable;

        private Verification() {
        }

        /**
         * Verifies {@code files}, the next files of the log in order.
         *
         * @param endsWithCurrent whether the last of them is the current file (an incomplete last
         *                        line is then a torn tail, reported, not a problem): the last batch
         * @return the first problem, or null if every record so far verified
         * @throws IOException a file could not be read: the verification is over, and says so again
         *                     at every later call
         */
        public Report verify(List<Path> files, boolean endsWithCurrent) throws IOException {
            if (failed != null) {
                return failed;
            }
            if (unreadable != null) {
                throw new IOException("the audit log could not be read, so it is not verified", unreadable);
            }
            if (ended) {
                throw new IllegalStateException("the batch with the current file was the last: finish the verification");
            }
            ended = endsWithCurrent;
            if (endsWithCurrent && !files.isEmpty()) {
                currentFile = files.get(files.size() - 1);
            }
            try (AuditLogLines lines = new AuditLogLines(files, endsWithCurrent)) {
                if (chain != null) {
                    lookUpCheckpoint();
                    if (failed != null) {
                        return failed;
                    }
                }
                for (AuditLogLines.Line l = lines.next(); l != null; l = lines.next()) {
                    failed = accept(l, files, endsWithCurrent);
                    if (failed != null) {
                        return failed;
                    }
                }
                torn = lines.tornTail();
                if (writeLeft > 0 && !endsWithCurrent) {
                    return failed = endsInsideAWrite();
                }
            } catch (IOException e) {
                unreadable = e;
                throw e;
            }
            return null;
        }

        /** Reads the store's checkpoint for this chain; one at the last verified record is compared at once. */
        private void lookUpCheckpoint() throws IOException {
            Optional<AuditCheckpoints.Checkpoint> now = checkpoints.read(chain);
            if (now.isEmpty() || checkpoint != null && now.get().equals(checkpoint)) {
                return;
            }
            long seq = now.get().seq();
            if (seq >= expected) {
                checkpoint = now.get(); // compared when its record goes past
                checkpointMatched = false;
            } else if (seq == expected - 1) {
                checkpoint = now.get();
                checkpointMatched = prev.equals(checkpoint.hash());
                if (!checkpointMatched) {
                    failed = checkpointMismatch(last);
                }
            }
        }

        private Report accept(AuditLogLines.Line l, List<Path> files, boolean endsWithCurrent) throws IOException {
            AuditRecords.Parsed parsed = l.readable() ? records.parse(l.text()) : null;
            if (first == null) {
                first = l;
                if (parsed != null) {
                    chain = l.hash();
                    lookUpCheckpoint();
                }
            }
            if (parsed == null) {
                return problem(Problem.ALTERED, l, l.readable() ? "record fails its HMAC: altered or forged"
                        : AuditLogLines.NOT_A_RECORD);
            }
            long seq = parsed.seq();
            if (seq != expected) {
                AuditSequence.Finding f = AuditSequence.outOfSequence(seq, expected, missing -> AuditLogLines.anyAfter(
                        files, endsWithCurrent, l, later -> isRecord(later, missing)));
                return problem(f.problem(), l, f.detail());
            }
            if (!parsed.prev().equals(prev)) {
                return problem(Problem.ALTERED, l, "record " + seq + " does not follow the record before it (hash chain broken)");
            }
            if (signer != null && AuditSignatureRecords.claims(l.text())) {
                AuditSignatureRecords.Failure failure = AuditSignatureRecords.checkLine(l.text(), seq, chain, signer);
                if (failure != null) {
                    return problem(failure.problem(), l, failure.detail());
                }
                signatures++;
                lastSigned = seq;
            }
            Report outsideAWrite = followWrite(parsed, l);
            if (outsideAWrite != null) {
                return outsideAWrite;
            }
            prev = l.hash();
            last = l;
            expected++;
            if (checkpoint != null && !checkpointMatched && seq == checkpoint.seq()) {
                if (!prev.equals(checkpoint.hash())) {
                    return checkpointMismatch(l);
                }
                checkpointMatched = true;
            }
            return null;
        }

        /**
         * Keeps count of the write under way (audit log format 2): a write record announces its
         * lines, all without a MAC but the last, whose MAC covers them; a line without a MAC
         * anywhere else is none of the writer's.
         */
        private Report followWrite(AuditRecords.Parsed parsed, AuditLogLines.Line l) {
            if (writeLeft > 0 && !l.file().equals(writeFile)) {
                return problem(Problem.ALTERED, l, "a write continues in another file: the writer rotates only after a"
                        + " write ends");
            }
            if (!parsed.authenticated()) {
                if (writeLeft < 2) {
                    return problem(Problem.ALTERED, l, "record " + parsed.seq() + " carries no MAC and no write announced"
                            + " it" + (writeLeft == 1 ? " (the last line of a write carries one)" : "")
                            + ": added or altered without the store's key");
                }
                writeLeft--;
                unauthenticated++;
                return null;
            }
            if (writeLeft > 1 || writeLeft == 1 && parsed.announces() > 0) {
                return problem(Problem.ALTERED, l, "record " + parsed.seq() + " ends a write " + writeLeft
                        + " lines early: the writer MACs only a write's last line");
            }
            if (parsed.announces() > 0) { // a write starts: its records, this one too, count once it ends
                unauthenticated = 1;
                writeLeft = parsed.announces();
                writeFile = l.file();
                return null;
            }
            verified += unauthenticated + 1; // its MAC covers it and, through the chain, the write's lines before it
            unauthenticated = 0;
            lastAuthenticated = parsed.seq();
            writeLeft = 0;
            return null;
        }

        private Report endsInsideAWrite() {
            return problem(Problem.ALTERED, last, "a rotated file ends inside a write (" + writeLeft
                    + " of its lines missing): the writer rotates only after a write ends");
        }

        private Report checkpointMismatch(AuditLogLines.Line at) {
            return problem(Problem.TRUNCATED, at, "record " + checkpoint.seq() + " is not the record the store's checkpoint "
                    + "names: the log was cut before it and written again");
        }

        private boolean isRecord(AuditLogLines.Line l, long seq) {
            AuditRecords.Parsed p = records.parse(l.text());
            return p != null && p.seq() == seq;
        }

        /** The verdict on the whole log {@code log} (written on {@code host}): every batch verified, and the store's checkpoint. */
        public Report finish(Path log, String host) throws IOException {
            if (failed != null) {
                return failed;
            }
            if (unreadable != null) {
                throw new IOException("the audit log could not be read, so it is not verified", unreadable);
            }
            AuditLogLines.Line at = first != null ? first : new AuditLogLines.Line(log.toAbsolutePath(), 0, "", "", true);
            Optional<String> there = checkpoints.chainAt(AuditCheckpoints.location(host, log));
            if (there.isPresent() && (chain == null || !chain.startsWith(there.get()))) {
                long lost = checkpoints.read(there.get()).map(AuditCheckpoints.Checkpoint::seq).orElse(0L);
                return problem(Problem.TRUNCATED, at, "the store's checkpoint for this log names another chain: "
                        + (lost > 0 ? "records 1.." + lost : "its records") + " were deleted or the log replaced");
            }
            if (checkpoint != null && !checkpointMatched) {
                return problem(Problem.TRUNCATED, last != null ? last : at, "the log ends at sequence " + (expected - 1)
                        + ", the store's checkpoint is at " + checkpoint.seq() + ": records were cut from its end");
            }
            boolean unfinished = writeLeft > 0;
            if (unfinished && !writeFile.equals(currentFile)) {
                return endsInsideAWrite();
            }
            return new Report(true, verified, lastAuthenticated, null, null, 0,
                    verified + " records verified" + (signatures > 0 ? "; signed through record " + lastSigned : "")
                            + (unfinished ? "; the log ends inside a write (in progress, or cut short by a crash): "
                            + writeLeft + " of its announced lines are not there, and its " + unauthenticated
                            + " lines so far are not counted, as no MAC covers them yet" : "")
                            + (torn && !unfinished ? "; the last line is incomplete (a crash while writing)" : ""),
                    torn || unfinished, signatures, lastSigned);
        }

        private Report problem(Problem p, AuditLogLines.Line l, String detail) {
            return new Report(false, verified, lastAuthenticated, p, l.file(), l.number(), detail + " ("
                    + l.file().getFileName() + " line " + l.number() + ")", torn, signatures, lastSigned);
        }
    }
}
