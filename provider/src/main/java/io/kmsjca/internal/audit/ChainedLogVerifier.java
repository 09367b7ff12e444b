package io.kmsjca.internal.audit;

import io.kmsjca.audit.AuditLogVerifier;
import io.kmsjca.audit.AuditVerificationKey;

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
 * The verifier of the chained, MACed audit log (docs/audit.md), behind {@link AuditLogVerifier}:
 * every record's MAC, the chain, the store's checkpoints and, given the store's verification key,
 * every signature record.
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

    private record Line(Path file, int number, String text, AuditRecords.Parsed parsed) {
    }

    @Override
    public Report verify(Path log) throws IOException {
        return verify(log, AuditDispatcher.host());
    }

    @Override
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
        long signatures = 0;
        long lastSigned = 0;
        for (Line l : lines) {
            if (l.parsed == null) {
                return problem(Problem.ALTERED, l, verified, expected - 1, "record fails its HMAC: altered or forged",
                        tornTail, signatures, lastSigned);
            }
            long seq = l.parsed.seq();
            if (seq != expected) {
                if (seen.contains(seq)) {
                    return problem(Problem.INSERTED, l, verified, expected - 1, "record " + seq + " appears twice",
                            tornTail, signatures, lastSigned);
                }
                if (seq > expected && !later.contains(expected)) {
                    return problem(Problem.REMOVED, l, verified, expected - 1, "records " + expected + ".." + (seq - 1)
                            + " are missing", tornTail, signatures, lastSigned);
                }
                return problem(Problem.REORDERED, l, verified, expected - 1, "record " + seq + " found where "
                        + expected + " belongs", tornTail, signatures, lastSigned);
            }
            if (!l.parsed.prev().equals(prev)) {
                return problem(Problem.ALTERED, l, verified, expected - 1, "record " + seq
                        + " does not follow the record before it (hash chain broken)", tornTail, signatures, lastSigned);
            }
            if (signer != null && AuditSignatureRecords.claims(l.text)) {
                AuditSignatureRecords.Parsed sig = AuditSignatureRecords.parse(l.text);
                AuditSignatureRecords.Failure failure = sig == null
                        ? new AuditSignatureRecords.Failure(Problem.ALTERED, "signature record " + seq + " is not well formed")
                        : AuditSignatureRecords.check(sig, chain, signer);
                if (failure != null) {
                    return problem(failure.problem(), l, verified, expected - 1, failure.detail(),
                            tornTail, signatures, lastSigned);
                }
                signatures++;
                lastSigned = seq;
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
                    tornTail, signatures, lastSigned);
        }
        if (checkpoint.isPresent()) {
            long at = checkpoint.get().seq();
            Line last = lines.get(lines.size() - 1);
            if (atCheckpoint == null) {
                return problem(Problem.TRUNCATED, last, verified, expected - 1, "the log ends at sequence " + (expected - 1)
                        + ", the store's checkpoint is at " + at + ": records were cut from its end",
                        tornTail, signatures, lastSigned);
            }
            if (!atCheckpoint.equals(checkpoint.get().hash())) {
                return problem(Problem.TRUNCATED, checkpointLine, verified, expected - 1, "record " + at + " is not the record the "
                        + "store's checkpoint names: the log was cut before it and written again",
                        tornTail, signatures, lastSigned);
            }
        }
        return new Report(true, verified, expected - 1, null, null, 0,
                verified + " records verified" + (signatures > 0 ? "; signed through record " + lastSigned : "")
                        + (tornTail ? "; the last line is incomplete (a crash while writing)" : ""),
                tornTail, signatures, lastSigned);
    }

    private static Report problem(Problem p, Line l, long verified, long lastSeq, String detail, boolean torn,
                                  long signatures, long lastSigned) {
        return new Report(false, verified, lastSeq, p, l.file, l.number, detail + " (" + l.file.getFileName() + " line "
                + l.number + ")", torn, signatures, lastSigned);
    }
}
