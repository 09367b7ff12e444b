package io.kmsjca.internal.audit;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;

/**
 * The lines of an audit log's files, in order, one at a time: what the verifiers read, in memory
 * that does not grow with the log (a line is never buffered past {@link #MAX_LINE_BYTES}; a
 * verifier keeps the chain's position, not the lines). Each line comes with its SHA-256 over all
 * its bytes, the link the next record names. An empty line in the middle of a file is returned
 * like any other; the last file's final bytes without a newline are the torn tail of a write cut
 * short, not a line; a rotated file's final bytes without a newline are a line (that fails).
 */
final class AuditLogLines implements Closeable {

    /** The longest line read; a longer one is reported, never buffered whole. */
    static final int MAX_LINE_BYTES = 1 << 20;

    /**
     * One line.
     *
     * @param text    its bytes as UTF-8 (malformed bytes become U+FFFD, so the line fails its
     *                MAC), or the first {@link #MAX_LINE_BYTES} bytes when {@code tooLong}
     * @param hash    hex SHA-256 of all its bytes
     */
    record Line(Path file, int number, String text, String hash, boolean tooLong) {
    }

    private final List<Path> files;
    private final boolean endsWithCurrent;
    private final MessageDigest sha = AuditRecords.sha256();
    private final byte[] buffer = new byte[1 << 16];
    private byte[] line = new byte[1024];
    private int fileIndex = -1;
    private InputStream in;
    private int start;
    private int end;
    private int number;
    private boolean tornTail;

    /**
     * @param endsWithCurrent whether the last of {@code files} is the file being written, whose
     *                        final bytes without a newline are a torn tail (else they are a line)
     */
    AuditLogLines(List<Path> files, boolean endsWithCurrent) {
        this.files = List.copyOf(files);
        this.endsWithCurrent = endsWithCurrent;
    }

    /**
     * Whether a line after {@code at} (a line these files returned) passes {@code test}: a second
     * pass over the rest of the log, in the same bounded memory, made only when a verifier has
     * found a record out of sequence.
     */
    static boolean anyAfter(List<Path> files, boolean endsWithCurrent, Line at, Predicate<Line> test) throws IOException {
        try (AuditLogLines rest = new AuditLogLines(files, endsWithCurrent)) {
            boolean past = false;
            for (Line l = rest.next(); l != null; l = rest.next()) {
                if (past && test.test(l)) {
                    return true;
                }
                past = past || (l.file.equals(at.file) && l.number == at.number);
            }
            return false;
        }
    }

    /** The next line, or null after the last. */
    Line next() throws IOException {
        int length = 0;
        boolean tooLong = false;
        while (true) {
            if (start == end && !fill()) {
                if (length == 0 && !tooLong) {
                    if (!nextFile()) {
                        return null;
                    }
                    continue;
                }
                Path file = files.get(fileIndex);
                if (endsWithCurrent && fileIndex == files.size() - 1) {
                    tornTail = true;
                    sha.reset();
                    nextFile();
                    return null;
                }
                Line cut = line(file, length, tooLong); // a rotated file that does not end in a newline
                nextFile();
                return cut;
            }
            int newline = indexOf(buffer, start, end);
            int stop = newline < 0 ? end : newline;
            sha.update(buffer, start, stop - start);
            int keep = Math.min(stop - start, MAX_LINE_BYTES - length);
            if (keep < stop - start) {
                tooLong = true;
            }
            if (length + keep > line.length) {
                line = Arrays.copyOf(line, Math.min(MAX_LINE_BYTES, Math.max(length + keep, line.length * 2)));
            }
            System.arraycopy(buffer, start, line, length, keep);
            length += keep;
            start = newline < 0 ? end : newline + 1;
            if (newline >= 0) {
                return line(files.get(fileIndex), length, tooLong);
            }
        }
    }

    /** Whether the log ended in an incomplete line (known once {@link #next} returned null). */
    boolean tornTail() {
        return tornTail;
    }

    private Line line(Path file, int length, boolean tooLong) {
        number++;
        return new Line(file, number, new String(line, 0, length, StandardCharsets.UTF_8),
                HexFormat.of().formatHex(sha.digest()), tooLong);
    }

    private boolean fill() throws IOException {
        if (in == null) {
            return false;
        }
        int n = in.read(buffer);
        if (n < 0) {
            return false;
        }
        start = 0;
        end = n;
        return true;
    }

    private boolean nextFile() throws IOException {
        close();
        fileIndex++;
        number = 0;
        if (fileIndex >= files.size()) {
            return false;
        }
        in = Files.newInputStream(files.get(fileIndex));
        return true;
    }

    private static int indexOf(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        if (in != null) {
            in.close();
            in = null;
        }
        start = 0;
        end = 0;
    }
}
