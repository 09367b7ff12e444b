package io.kmsjca.internal.audit;

import io.kmsjca.audit.AuditLogVerifier.Problem;
import io.kmsjca.audit.AuditLogVerifier.Report;
import io.kmsjca.audit.AuditVerificationKey;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Verifies an audit log with the store's public key alone (docs/audit.md, "Verifying without a
 * secret"): the hash chain across the current and rotated files, the sequence numbers, and every
 * signature record. Holds no secret: the MACs of the records are not checked (that needs the
 * store), so a record is authenticated only when a signature record after it covers it through
 * the chain. Records after the last signature are reported, not refused.
 */
public final class SignedChainVerifier {

    /** The longest line read; a longer one is reported, never buffered whole. */
    static final int MAX_LINE_BYTES = 1 << 20;
    private static final Pattern PREFIX = Pattern.compile("^\\{\"seq\":(\\d{1,19}),\"prev\":\"([0-9a-f]{64})\",");

    private final AuditVerificationKey key;

    public SignedChainVerifier(AuditVerificationKey key) {
        this.key = key;
    }

    /** One complete line as read: where it is, what it claims, its hash, and its signature record if it is one. */
    private record Line(Path file, int number, long seq, String prev, String hash, boolean tooLong,
                        boolean claimsSignature, AuditSignatureRecords.Parsed signature) {
    }

    public Report verify(Path log) throws IOException {
        List<Line> lines = new ArrayList<>();
        List<Path> files = AuditLogFiles.inOrder(log);
        if (files.isEmpty()) {
            throw new NoSuchFileException(log.toString(), null, "no audit log, current or rotated");
        }
        boolean torn = false;
        for (int f = 0; f < files.size(); f++) {
            torn = read(files.get(f), lines, f == files.size() - 1);
        }
        Set<Long> later = new HashSet<>();
        lines.forEach(l -> later.add(l.seq));
        Set<Long> seen = new HashSet<>();
        String chain = lines.isEmpty() ? null : lines.get(0).hash;
        long expected = 1;
        String prev = AuditRecords.GENESIS;
        long verified = 0;
        long signatures = 0;
        long lastSigned = 0;
        for (Line l : lines) {
            State at = new State(verified, expected - 1, signatures, lastSigned, torn);
            if (l.tooLong) {
                return at.problem(Problem.ALTERED, l, "a line longer than " + MAX_LINE_BYTES + " bytes: not an audit record");
            }
            if (l.seq < 0) {
                return at.problem(Problem.ALTERED, l, "not an audit record (no sequence number and previous hash)");
            }
            long seq = l.seq;
            if (seq != expected) {
                if (seen.contains(seq)) {
                    return at.problem(Problem.INSERTED, l, "record " + seq + " appears twice");
                }
                if (seq > expected && !later.contains(expected)) {
                    return at.problem(Problem.REMOVED, l, "records " + expected + ".." + (seq - 1) + " are missing");
                }
                return at.problem(Problem.REORDERED, l, "record " + seq + " found where " + expected + " belongs");
            }
            if (!l.prev.equals(prev)) {
                return at.problem(Problem.ALTERED, l, seq == 1 ? "record 1 does not start a chain"
                        : "record " + seq + " does not follow the record before it (hash chain broken): record "
                        + (seq - 1) + " or this record was altered");
            }
            if (l.claimsSignature) {
                if (l.signature == null) {
                    return at.problem(Problem.ALTERED, l, "signature record " + seq + " is not well formed");
                }
                AuditSignatureRecords.Failure failure = AuditSignatureRecords.check(l.signature, chain, key);
                if (failure != null) {
                    return at.problem(failure.problem(), l, failure.detail());
                }
                signatures++;
                lastSigned = seq;
            }
            seen.add(seq);
            prev = l.hash;
            expected++;
            verified++;
        }
        long lastSeq = expected - 1;
        if (verified > 0 && signatures == 0) {
            Line last = lines.get(lines.size() - 1);
            return new Report(false, verified, lastSeq, Problem.UNSIGNED, last.file, last.number, "no record of this log is "
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

    /** The counts so far, to report a problem with. */
    private record State(long verified, long lastSeq, long signatures, long lastSigned, boolean torn) {
        Report problem(Problem p, Line l, String detail) {
            return new Report(false, verified, lastSeq, p, l.file, l.number, detail + " (" + l.file.getFileName() + " line "
                    + l.number + ")", torn, signatures, lastSigned);
        }
    }

    /**
     * Reads the complete lines of {@code file} into {@code lines}, keeping of each only what the
     * checks need. A line is never buffered past {@link #MAX_LINE_BYTES}.
     *
     * @return whether the file ends in an incomplete line (only reported for the current file)
     */
    private static boolean read(Path file, List<Line> lines, boolean current) throws IOException {
        MessageDigest sha = sha256();
        ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
        long length = 0;
        boolean tooLong = false;
        int number = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            int b;
            while ((b = in.read()) >= 0) {
                if (b != '\n') {
                    sha.update((byte) b);
                    length++;
                    if (line.size() < MAX_LINE_BYTES) {
                        line.write(b);
                    } else {
                        tooLong = true;
                    }
                    continue;
                }
                number++;
                String hash = HexFormat.of().formatHex(sha.digest());
                if (length > 0) {
                    lines.add(line(file, number, line.toString(StandardCharsets.UTF_8), hash, tooLong));
                }
                line.reset();
                length = 0;
                tooLong = false;
            }
        }
        return current && length > 0;
    }

    private static Line line(Path file, int number, String text, String hash, boolean tooLong) {
        Matcher m = PREFIX.matcher(text);
        long seq = -1;
        String prev = null;
        if (!tooLong && m.find()) {
            try {
                seq = Long.parseLong(m.group(1));
                prev = m.group(2);
            } catch (NumberFormatException tooLarge) {
                seq = -1;
            }
        }
        boolean claims = seq >= 0 && AuditSignatureRecords.claims(text);
        return new Line(file, number, seq, prev, hash, tooLong, claims, claims ? AuditSignatureRecords.parse(text) : null);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
