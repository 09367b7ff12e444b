package io.kmsjca.internal.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Predicate;

/**
 * Reads an audit log file from its end, a chunk at a time, so a writer finds where the chain
 * stands (the last line) or a record near the end (a checkpoint's) without reading the whole
 * file.
 */
public final class AuditLogTail {

    private static final int CHUNK = 64 * 1024;

    private AuditLogTail() {
    }

    /**
     * Cuts a torn last line (no newline after it) off a file being appended to: a writer that
     * crashed mid-write left it, and it was never acknowledged. Call only under the log's lock.
     *
     * @return the file's new size
     */
    public static long cutTornTail(FileChannel ch, long size) throws IOException {
        long end = size;
        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        while (end > 0) {
            int n = (int) Math.min(CHUNK, end);
            buf.clear().limit(n);
            readFully(ch, buf, end - n);
            int i = n - 1;
            while (i >= 0 && buf.get(i) != '\n') {
                i--;
            }
            if (i >= 0) {
                end = end - n + i + 1;
                break;
            }
            end -= n;
        }
        if (end < size) {
            ch.truncate(end);
            ch.force(true);
        }
        return end;
    }

    /** The last line of a file that ends in a newline, or null if it has none. */
    public static String lastLine(FileChannel ch, long size) throws IOException {
        Found last = scanBackward(ch, size, line -> true);
        return last == null ? null : last.line;
    }

    /** The last line of the file at {@code p}, or null if it has none. */
    public static String lastLine(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            return lastLine(ch, ch.size());
        }
    }

    /**
     * The record numbered {@code seq} in the file at {@code p}, searched from the end; null if
     * the file holds none (the search stops at the first record numbered lower).
     */
    public static String record(Path p, long seq) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            Found found = scanBackward(ch, ch.size(), line -> {
                long at = AuditRecords.seqOf(line);
                return at >= 0 && at <= seq; // a line that names no record is skipped: the verifier reports it
            });
            return found != null && AuditRecords.seqOf(found.line) == seq ? found.line : null;
        }
    }

    /** The first line of the file at {@code p}, or null if it has no complete line. */
    public static String firstLine(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(CHUNK);
            long pos = 0;
            while (ch.read(buf.clear(), pos) > 0) {
                buf.flip();
                pos += buf.remaining();
                while (buf.hasRemaining()) {
                    byte b = buf.get();
                    if (b == '\n') {
                        return line.toString(StandardCharsets.UTF_8);
                    }
                    line.write(b);
                }
            }
            return null;
        }
    }

    /** The most a write that did not end may hold: more is not a write of this sink. */
    private static final long MAX_UNFINISHED_WRITE_BYTES = 64L << 20;

    /**
     * Cuts the records of a write that did not end (a crash before its last, MACed line; after
     * {@link #cutTornTail}): the write record that announced them and the lines after
     * it, which chain from it and are fewer than it announced. They were never acknowledged, and
     * no MAC covers them. Lines no MAC covers that no write announced were added by someone
     * without the store's key: refused, and left for the verifier to report.
     *
     * Call only under the log's lock.
     *
     * @return the file's new size
     */
    static long cutUnfinishedWrite(FileChannel channel, long size, AuditRecords records, Path file) throws IOException {
        Found last = lastLineCarryingMac(channel, size);
        long after = last == null ? 0 : last.end() + 1;
        if (after >= size) {
            return size; // the file ends in a MAC (or is empty): every write ended
        }
        AuditRecords.Parsed write = last == null ? null : records.parse(last.line());
        List<String> lines = write == null || write.announces() == 0 || size - last.start() > MAX_UNFINISHED_WRITE_BYTES
                ? null : lines(channel, after, size);
        if (lines == null || lines.size() >= write.announces() || !chainOn(records, last.line(), write.seq(), lines)) {
            throw new IOException("audit log " + file + " ends in lines that no MAC covers and no write announced:"
                    + " added without the store's key, or damaged; run the verifier before appending to it");
        }
        channel.truncate(last.start());
        channel.force(true);
        return last.start();
    }

    /** Whether {@code lines}, none with a MAC, follow the line {@code from} (record {@code seq}) in the chain. */
    private static boolean chainOn(AuditRecords records, String from, long seq, List<String> lines) {
        String prev = AuditRecords.hash(from);
        for (String line : lines) {
            AuditRecords.Parsed p = records.parse(line);
            if (p == null || p.authenticated() || p.seq() != ++seq || !p.prev().equals(prev)) {
                return false;
            }
            prev = AuditRecords.hash(line);
        }
        return true;
    }

    /** A line found by {@link #scanBackward}: where it starts, and where it ends (the offset of its newline). */
    record Found(String line, long start, long end) {
    }

    /** The last line of the first {@code size} bytes that carries a MAC (the end of a write), or null. */
    static Found lastLineCarryingMac(FileChannel ch, long size) throws IOException {
        return scanBackward(ch, size, AuditRecords::carriesMac);
    }

    /** The lines of bytes {@code from} to {@code to} (which end in a newline), in order. */
    static List<String> lines(FileChannel ch, long from, long to) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(to - from));
        readFully(ch, buf, from);
        String text = new String(buf.array(), StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.substring(0, text.length() - 1).split("\n", -1));
    }

    /**
     * Walks the complete, non-empty lines of the first {@code size} bytes from the last to the
     * first, and returns the first one {@code stop} accepts, or null.
     */
    private static Found scanBackward(FileChannel ch, long size, Predicate<String> stop) throws IOException {
        long pos = size;
        byte[] carry = new byte[0]; // the start of a line whose beginning lies in an earlier chunk
        boolean first = true;
        while (pos > 0) {
            int n = (int) Math.min(CHUNK, pos);
            pos -= n;
            byte[] buf = new byte[n + carry.length]; // buf[k] is the file's byte pos + k
            readFully(ch, ByteBuffer.wrap(buf, 0, n), pos);
            System.arraycopy(carry, 0, buf, n, carry.length);
            int lineEnd = buf.length;
            for (int i = buf.length - 1; i >= 0; i--) {
                if (buf[i] == '\n') {
                    if (first) {
                        first = false; // the newline that ends the last line
                    } else if (i + 1 < lineEnd) {
                        String line = new String(buf, i + 1, lineEnd - i - 1, StandardCharsets.UTF_8);
                        if (stop.test(line)) {
                            return new Found(line, pos + i + 1, pos + lineEnd);
                        }
                    }
                    lineEnd = i;
                }
            }
            carry = java.util.Arrays.copyOf(buf, lineEnd);
        }
        if (carry.length > 0 && !first) {
            String line = new String(carry, StandardCharsets.UTF_8);
            return stop.test(line) ? new Found(line, 0, carry.length) : null;
        }
        return null;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long at) throws IOException {
        long pos = at;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("audit log shrank while being read");
            }
            pos += n;
        }
    }
}
