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
 * that does not grow with the log (a verifier keeps the chain's position, not the lines). Each
 * line comes with its SHA-256 over its bytes, the link the next record names. An empty line in
 * the middle of a file is returned like any other; the last file's final bytes without a newline
 * are the torn tail of a write cut short, not a line; a rotated file's final bytes without a
 * newline are a line (that fails).
 *
 * <p>Nothing a file holds makes it read without end: a line longer than {@link #MAX_LINE_BYTES}
 * (the writer never makes one, {@link AuditJson} bounds every field) is returned as soon as it
 * passes the limit, flagged, and ends the reading, as the verifier stops there anyway; so does a
 * torn tail that long. Only regular files are read (a link to {@code /dev/zero}, a FIFO or a
 * folder in the log's place is an error).
 */
final class AuditLogLines implements Closeable {

    /** The longest line read; a longer one is reported, never buffered or read to its end. */
    static final int MAX_LINE_BYTES = 1 << 20;

    /** What a verifier reports of a line that is not {@linkplain Line#readable readable}. */
    static final String NOT_A_RECORD = "a line longer than " + MAX_LINE_BYTES + " bytes or not UTF-8: not an audit record";

    /**
     * One line.
     *
     * @param text     its bytes as UTF-8, or (when {@code readable} is false) whatever of it was read
     * @param hash     hex SHA-256 of its bytes
     * @param readable false for a line that is not a record whatever it says: longer than
     *                 {@link #MAX_LINE_BYTES} (then also the last line returned), or not UTF-8
     */
    record Line(Path file, int number, String text, String hash, boolean readable) {
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
    private boolean stopped;

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
     * pass over the rest of the log, in the same bounded memory and time, made only when a
     * verifier has found a record out of sequence.
     */
    static boolean anyAfter(List<Path> files, boolean endsWithCurrent, Line at, Predicate<Line> test) throws IOException {
        try (AuditLogLines rest = new AuditLogLines(files, endsWithCurrent)) {
            boolean past = false;
            for (Line l = rest.next(); l != null; l = rest.next()) {
                if (past && l.readable && test.test(l)) {
                    return true;
                }
                past = past || (l.file.equals(at.file) && l.number == at.number);
            }
            return false;
        }
    }

    /** The next line, or null after the last (or after a line that was not {@linkplain Line#readable readable} for its length). */
    Line next() throws IOException {
        int length = 0;
        while (!stopped) {
            if (start == end && !fill()) {
                if (length == 0) {
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
                Line cut = line(file, length); // a rotated file that does not end in a newline
                nextFile();
                return cut;
            }
            int newline = indexOf(buffer, start, end);
            int stop = newline < 0 ? end : newline;
            int take = stop - start;
            if (length + take > MAX_LINE_BYTES) {
                stopped = true;
                sha.reset();
                number++;
                return new Line(files.get(fileIndex), number, new String(line, 0, length, StandardCharsets.UTF_8), "", false);
            }
            sha.update(buffer, start, take);
            if (length + take > line.length) {
                line = Arrays.copyOf(line, Math.min(MAX_LINE_BYTES, Math.max(length + take, line.length * 2)));
            }
            System.arraycopy(buffer, start, line, length, take);
            length += take;
            start = newline < 0 ? end : newline + 1;
            if (newline >= 0) {
                return line(files.get(fileIndex), length);
            }
        }
        return null;
    }

    /** Whether the log ended in an incomplete line (known once {@link #next} returned null). */
    boolean tornTail() {
        return tornTail;
    }

    private Line line(Path file, int length) {
        number++;
        String text = new String(line, 0, length, StandardCharsets.UTF_8);
        // malformed bytes decode to U+FFFD: a line holding one is UTF-8 only if it encodes back to its bytes
        boolean utf8 = text.indexOf('\uFFFD') < 0 || sameBytes(text.getBytes(StandardCharsets.UTF_8), length);
        return new Line(file, number, text, HexFormat.of().formatHex(sha.digest()), utf8);
    }

    private boolean sameBytes(byte[] encoded, int length) {
        return Arrays.equals(encoded, 0, encoded.length, line, 0, length);
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
        Path file = files.get(fileIndex);
        if (!Files.isRegularFile(file)) {
            throw new IOException("not a regular file, so not an audit log file: " + file);
        }
        in = Files.newInputStream(file);
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
