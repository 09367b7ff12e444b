package io.kmsjca.audit;

import io.kmsjca.crypto.SecretBytes;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The built-in audit log: one JSON object per line, each carrying a sequence number, the hash of
 * the line before it and an HMAC ({@link AuditRecords}), so {@link AuditLogVerifier} finds any
 * record altered, removed, inserted or reordered.
 *
 * <ul>
 *   <li>Synchronous delivery ({@code batched} false): each line is written before the request
 *       returns; with {@code fsync} on it is on disk, and one fsync covers every line written by
 *       concurrent requests since the last one (group commit).</li>
 *   <li>Asynchronous delivery ({@code batched} true): lines collect in memory and {@link #flush()},
 *       called after each batch, writes them in one write and one fsync.</li>
 *   <li>Rotation: past {@code maxBytes} the file is fsync'ed and renamed to {@code NAME.000001},
 *       {@code .000002}, ... atomically, so each record lives in exactly one file; the chain goes on.</li>
 *   <li>Restart: the sink continues the chain from the last complete line; a torn last line left by
 *       a crash (never acknowledged) is cut off first.</li>
 * </ul>
 */
public final class JsonLinesAuditSink implements AuditListener {

    private final Path file;
    private final AuditRecords records;
    private final boolean fsync;
    private final boolean batched;
    private final long maxBytes;
    private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream(64 * 1024);
    private final Object syncLock = new Object();
    private FileChannel channel;
    private long seq;
    private String prevHash;
    private long written;
    private long synced;

    public JsonLinesAuditSink(Path file, SecretBytes macKey, boolean fsync, boolean batched, long maxBytes)
            throws IOException {
        this.file = file.toAbsolutePath();
        this.records = new AuditRecords(macKey);
        this.fsync = fsync;
        this.batched = batched;
        this.maxBytes = maxBytes;
        Files.createDirectories(this.file.getParent());
        resume();
    }

    /** Finds where the chain stands: the last complete line of the newest file. */
    private void resume() throws IOException {
        seq = 0;
        prevHash = AuditRecords.GENESIS;
        List<Path> files = AuditLogFiles.inOrder(file);
        for (int i = files.size() - 1; i >= 0 && seq == 0; i--) {
            String last = lastCompleteLine(files.get(i), i == files.size() - 1 && files.get(i).equals(file));
            if (last != null) {
                AuditRecords.Parsed p = records.parse(last);
                if (p == null) {
                    throw new IOException("audit log " + files.get(i) + " ends in a record that fails verification;"
                            + " run the verifier before appending to it");
                }
                seq = p.seq();
                prevHash = AuditRecords.hash(last);
            }
        }
        channel = openCurrent();
    }

    /**
     * Opens the current file for appending, creating it if needed. A new file's name is made
     * durable at once (the folder is fsync'ed): otherwise a power cut could take the file, and
     * every fsync'ed line in it, away with its name.
     */
    private FileChannel openCurrent() throws IOException {
        boolean created = Files.notExists(file);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        if (created) {
            try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            } catch (IOException e) {
                ch.close();
                throw e;
            }
        }
        return ch;
    }

    /** The last newline-terminated line; a torn tail after it is cut off when {@code truncate}. */
    private static String lastCompleteLine(Path p, boolean truncate) throws IOException {
        byte[] bytes = Files.readAllBytes(p);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
            end--;
        }
        if (truncate && end < bytes.length) {
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                ch.truncate(end);
                ch.force(true);
            }
        }
        if (end == 0) {
            return null;
        }
        int start = end - 1;
        while (start > 0 && bytes[start - 1] != '\n') {
            start--;
        }
        return new String(bytes, start, end - 1 - start, StandardCharsets.UTF_8);
    }

    @Override
    public void onEvent(AuditEvent event) {
        StringBuilder fields = new StringBuilder(512);
        AuditJson.appendFields(fields, event);
        long mine;
        synchronized (this) {
            String line = records.line(seq + 1, prevHash, fields.toString());
            byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
            String hashBefore = prevHash;
            seq++;
            prevHash = AuditRecords.hash(line);
            mine = ++written;
            pending.write(bytes, 0, bytes.length);
            if (batched) {
                return; // written by flush(), after the batch
            }
            try {
                writePending();
            } catch (UncheckedIOException e) {
                // the line is not in the file: the chain goes on from the line before it, so the
                // next record follows without a gap the verifier would report as a removal
                pending.reset();
                seq--;
                prevHash = hashBefore;
                written--;
                throw e;
            }
        }
        if (fsync) {
            syncUpTo(mine);
        }
    }

    /** Writes what is pending (one write call), rotating when the file is full. Holds the monitor. */
    private void writePending() {
        long sizeBefore = -1;
        try {
            sizeBefore = channel.size();
            ByteBuffer buf = ByteBuffer.wrap(pending.toByteArray());
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            pending.reset();
        } catch (IOException e) {
            cutBack(sizeBefore, e);
            throw new UncheckedIOException("cannot append to audit log " + file, e);
        }
        try {
            if (channel.size() >= maxBytes) {
                rotate();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rotate audit log " + file, e);
        }
    }

    /** A write that failed part-way (no space) leaves no torn line in the middle of the log. */
    private void cutBack(long size, IOException failure) {
        try {
            if (size >= 0 && channel.size() > size) {
                channel.truncate(size);
            }
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /** Group commit: one fsync covers every line written before it started. */
    private void syncUpTo(long mine) {
        synchronized (syncLock) {
            if (synced >= mine) {
                return; // another request's fsync already covered this line
            }
            long upTo;
            FileChannel ch;
            synchronized (this) {
                upTo = written;
                ch = channel;
            }
            try {
                ch.force(false);
            } catch (IOException e) {
                if (!ch.isOpen()) {
                    return; // rotated meanwhile: the rotation fsync'ed it
                }
                throw new UncheckedIOException("cannot fsync audit log " + file, e);
            }
            synced = Math.max(synced, upTo);
        }
    }

    private void rotate() throws IOException {
        channel.force(true);
        channel.close();
        Path target = AuditLogFiles.nextRotated(file);
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        channel = openCurrent(); // its folder fsync makes the rename and the new file durable
    }

    /** Writes the pending batch and, with fsync on, makes it durable: the group commit of asynchronous delivery. */
    @Override
    public void flush() {
        try {
            synchronized (this) {
                writePending();
                if (fsync) {
                    channel.force(false);
                }
                synced = written;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fsync audit log " + file, e);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            try {
                writePending();
                channel.force(true);
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close audit log " + file, e);
            }
        }
    }
}
