package io.kmsjca.audit;

import io.kmsjca.internal.audit.AuditCheckpoints;
import io.kmsjca.internal.audit.AuditDispatcher;
import io.kmsjca.internal.audit.AuditLogFiles;
import io.kmsjca.internal.audit.AuditRecords;

import io.kmsjca.internal.crypto.SecretBytes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads an audit log written by {@link JsonLinesAuditSink} (the current file and its rotated
 * predecessors) and reports the first record that was altered, removed, inserted or reordered,
 * or that the log is intact. A torn last line (a crash while writing) is reported but accepted:
 * it was never acknowledged. Records cut from the end are found up to the store's checkpoint
 * ({@link AuditCheckpoints}): a log that ends before it, or holds another record where it
 * points, is reported {@link Problem#TRUNCATED}; records after the last checkpoint can be cut
 * unseen. Obtain one from {@code KeyService.auditLogVerifier()}: the key and the checkpoint come
 * from the store.
 */
public final class AuditLogVerifier {

    private final AuditRecords records;
    private final AuditCheckpoints checkpoints;

    /** A verifier without checkpoints: it cannot tell a log cut at its end from one that ends there. */
    public AuditLogVerifier(SecretBytes macKey) {
        this(macKey, AuditCheckpoints.NONE);
    }

    public AuditLogVerifier(SecretBytes macKey, AuditCheckpoints checkpoints) {
        this.records = new AuditRecords(macKey);
        this.checkpoints = checkpoints;
    }

    /**
     * What is wrong with a log. TRUNCATED: records were cut from its end, before the store's
     * checkpoint (the log ends before it, or was written again after the cut).
     */
    public enum Problem { ALTERED, REMOVED, INSERTED, REORDERED, TRUNCATED }

    /**
     * @param intact      whether every record verified and the chain is unbroken
     * @param records     records that verified before the first problem (all of them when intact)
     * @param lastSeq     sequence number of the last verified record
     * @param problem     the first problem, or null
     * @param file        the file of the first problem, or null
     * @param line        its line number in that file (1-based), or 0
     * @param detail      what was found, for people
     * @param tornTail    whether the log ends in an incomplete line (a crash while writing)
     */
    public record Report(boolean intact, long records, long lastSeq, Problem problem, Path file, int line,
                         String detail, boolean tornTail) {
    }

    private record Line(Path file, int number, String text, AuditRecords.Parsed parsed) {
    }

    /** Verifies {@code log} as this host's writers see it (its location names it in the store). */
    public Report verify(Path log) throws IOException {
        return verify(log, AuditDispatcher.host());
    }

    /**
     * Verifies {@code log} as written on {@code host}: the store's checkpoints are looked up by the
     * log's chain id and by its location (that host and the log's absolute path), so a log deleted
     * whole and started again, or replaced by another log, is reported {@link Problem#TRUNCATED}.
     * Give the writer's host when verifying a copy elsewhere, at the same absolute path.
     */
    public Report verify(Path log, String host) throws IOException {
        List<Line> lines = new ArrayList<>();
        boolean tornTail = false;
        List<Path> files = AuditLogFiles.inOrder(log);
        for (int f = 0; f < files.size(); f++) {
            // bytes that are not UTF-8 become U+FFFD, so their line fails its MAC: reported, never thrown
            String content = new String(Files.readAllBytes(files.get(f)), StandardCharsets.UTF_8);
            String[] parts = content.split("\n", -1);
            for (int i = 0; i < parts.length; i++) {
                boolean last = i == parts.length - 1;
                if (last && parts[i].isEmpty()) {
                    continue;
                }
                if (last && f == files.size() - 1) {
                    tornTail = true; // no newline after it: a write cut short
                    continue;
                }
                lines.add(new Line(files.get(f), i + 1, parts[i], records.parse(parts[i])));
            }
        }
        String chain = lines.isEmpty() || lines.get(0).parsed == null ? null : AuditRecords.hash(lines.get(0).text);
        Optional<AuditCheckpoints.Checkpoint> checkpoint = chain == null ? Optional.empty() : checkpoints.read(chain);
        String atCheckpoint = null;
        Line checkpointLine = null;
        Set<Long> seen = new HashSet<>();
        Set<Long> later = new HashSet<>();
        lines.stream().filter(l -> l.parsed != null).forEach(l -> later.add(l.parsed.seq()));
        long expected = 1;
        String prev = AuditRecords.GENESIS;
        long verified = 0;
        for (Line l : lines) {
            if (l.parsed == null) {
                return problem(Problem.ALTERED, l, verified, expected - 1, "record fails its HMAC: altered or forged", tornTail);
            }
            long seq = l.parsed.seq();
            if (seq != expected) {
                if (seen.contains(seq)) {
                    return problem(Problem.INSERTED, l, verified, expected - 1, "record " + seq + " appears twice", tornTail);
                }
                if (seq > expected && !later.contains(expected)) {
                    return problem(Problem.REMOVED, l, verified, expected - 1, "records " + expected + ".." + (seq - 1)
                            + " are missing", tornTail);
                }
                return problem(Problem.REORDERED, l, verified, expected - 1, "record " + seq + " found where "
                        + expected + " belongs", tornTail);
            }
            if (!l.parsed.prev().equals(prev)) {
                return problem(Problem.ALTERED, l, verified, expected - 1, "record " + seq
                        + " does not follow the record before it (hash chain broken)", tornTail);
            }
            seen.add(seq);
            later.remove(seq);
            prev = AuditRecords.hash(l.text);
            if (checkpoint.isPresent() && seq == checkpoint.get().seq()) {
                atCheckpoint = prev;
                checkpointLine = l;
            }
            expected++;
            verified++;
        }
        Optional<String> there = checkpoints.chainAt(AuditCheckpoints.location(host, log));
        if (there.isPresent() && (chain == null || !chain.startsWith(there.get()))) {
            long lost = checkpoints.read(there.get()).map(AuditCheckpoints.Checkpoint::seq).orElse(0L);
            Line at = lines.isEmpty() ? new Line(log.toAbsolutePath(), 0, "", null) : lines.get(0);
            return problem(Problem.TRUNCATED, at, verified, expected - 1, "the store's checkpoint for this log names "
                    + "another chain: " + (lost > 0 ? "records 1.." + lost : "its records") + " were deleted or the log replaced",
                    tornTail);
        }
        if (checkpoint.isPresent()) {
            long at = checkpoint.get().seq();
            Line last = lines.get(lines.size() - 1);
            if (atCheckpoint == null) {
                return problem(Problem.TRUNCATED, last, verified, expected - 1, "the log ends at sequence " + (expected - 1)
                        + ", the store's checkpoint is at " + at + ": records were cut from its end", tornTail);
            }
            if (!atCheckpoint.equals(checkpoint.get().hash())) {
                return problem(Problem.TRUNCATED, checkpointLine, verified, expected - 1, "record " + at + " is not the record the "
                        + "store's checkpoint names: the log was cut before it and written again", tornTail);
            }
        }
        return new Report(true, verified, expected - 1, null, null, 0,
                verified + " records verified" + (tornTail ? "; the last line is incomplete (a crash while writing)" : ""),
                tornTail);
    }

    private static Report problem(Problem p, Line l, long verified, long lastSeq, String detail, boolean torn) {
        return new Report(false, verified, lastSeq, p, l.file, l.number, detail + " (" + l.file.getFileName() + " line "
                + l.number + ")", torn);
    }
}
