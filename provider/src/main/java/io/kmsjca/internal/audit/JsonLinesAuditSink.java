package io.kmsjca.internal.audit;

import io.kmsjca.internal.audit.AuditCheckpoints;
import io.kmsjca.internal.audit.AuditJson;
import io.kmsjca.internal.audit.AuditLogCheckpointer;
import io.kmsjca.internal.audit.AuditLogFiles;
import io.kmsjca.internal.audit.AuditLogLock;
import io.kmsjca.internal.audit.AuditLogTail;
import io.kmsjca.internal.audit.AuditRecords;
import io.kmsjca.internal.audit.OwnerOnlyFiles;

import io.kmsjca.internal.crypto.SecretBytes;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The built-in audit log: one JSON object per line, each carrying a sequence number, the hash of
 * the line before it and an HMAC ({@link AuditRecords}), so {@link AuditLogVerifier} finds any
 * record altered, removed, inserted or reordered.
 *
 * <ul>
 *   <li>Synchronous delivery ({@code batched} false): each line is written before the request
 *       returns; with {@code fsync} on it is on disk, and one fsync covers every line written by
 *       concurrent requests since the last one ({@link GroupCommit}).</li>
 *   <li>Asynchronous delivery ({@code batched} true): events collect in memory and {@link #flush()},
 *       called after each batch, writes them in one write and one fsync.</li>
 *   <li>Several writers (other JVMs, other key services of this JVM) share one log and one chain:
 *       each batch is appended under {@link AuditLogLock}, and a writer that finds the file changed
 *       since its own last write re-reads the last line and continues its sequence number and
 *       hash. Lines are numbered and chained only then, under the lock. Each line names its
 *       writer ({@code providerInstance}).</li>
 *   <li>Rotation: past {@code maxBytes} the file is fsync'ed and renamed to {@code NAME.000001},
 *       {@code .000002}, ... atomically, so each record lives in exactly one file; the chain goes on.</li>
 *   <li>Restart: the sink continues the chain from the last complete line; a torn last line left by
 *       a crash (never acknowledged) is cut off first.</li>
 *   <li>Checkpoints: {@link #checkpoint} keeps the last record's number and hash in the key store, so
 *       records cut from the end are found; the key service calls it periodically and at close.</li>
 *   <li>Signatures: with an {@link AuditLogSigner}, a signature record ({@link AuditSignatureRecords})
 *       follows every {@code N} records of this writer and ends each file before it is rotated; the
 *       key service adds one when the time has come ({@link #signIfDue}) and at close
 *       ({@link #signAtClose}). Under asynchronous delivery they are appended with the batch, on
 *       the audit thread; under synchronous delivery a request never signs: the one that finds a
 *       signature due hands it to a background thread ({@link AuditLogSigner#backgroundThread()}),
 *       which appends it after whatever was written by then. Only the signature before a rotation
 *       is made by the writer that rotates (once per file).</li>
 * </ul>
 * New files are created owner-only ({@link OwnerOnlyFiles}).
 */
public final class JsonLinesAuditSink implements AuditListener {

    private final Path file;
    private final AuditRecords records;
    private final boolean fsync;
    private final boolean batched;
    private final long maxBytes;
    private final AuditLogLock lock;
    private final AuditLogCheckpointer checkpoints;
    private final LineBuffer pending = new LineBuffer(64 * 1024); // events' fields, numbered and chained when written
    private int[] pendingEnds = new int[256]; // where each pending event's fields end in pending
    private int pendingCount;
    private final AuditJson json = new AuditJson(); // the audit thread's (batched), under the monitor
    private final LineBuffer out = new LineBuffer(64 * 1024); // the lines of one write
    private final GroupCommit groupCommit = new GroupCommit(new DurableLog());
    private FileChannel channel;
    private Object channelFile; // the file key of what channel has open: another writer may have rotated it away
    private long knownSize = -1; // the size after this writer's last write; any other size means another writer wrote
    private long seq;
    private final byte[] prev = AuditRecords.GENESIS.getBytes(StandardCharsets.US_ASCII); // the last line's hash, hex
    private String chainId; // SHA-256 of record 1: names this log in the store's checkpoints
    private volatile long written; // lines appended by this writer (read by the group commit without the monitor)
    private long forcedThrough; // this writer's lines made durable by a force outside the group commit (rotation, flush, ...)
    private long rereads; // how often the tail was read again: a checkpoint vouched for holds only within one generation
    private final AuditLogSigner signer; // null: this writer appends no signature records
    private long unsigned; // records this writer appended since its last signature record
    private boolean tailSigned = true; // whether the log ends in a signature record (or is empty)
    private final Executor signingThread; // where a due signature is made when requests write: null, inline
    private boolean signQueued; // a signature was handed to signingThread and not made yet
    private boolean closed;

    /** A writer that appends no signature records: only the store's MAC and checkpoints protect the log. */
    public JsonLinesAuditSink(Path file, SecretBytes macKey, boolean fsync, boolean batched, long maxBytes)
            throws IOException {
        this(file, macKey, fsync, batched, maxBytes, null);
    }

    /**
     * A writer that signs the log's hash chain with {@code signer} (null: none), which every
     * holder of its public key can check without any secret.
     */
    public JsonLinesAuditSink(Path file, SecretBytes macKey, boolean fsync, boolean batched, long maxBytes,
                              AuditLogSigner signer) throws IOException {
        this(file, macKey, fsync, batched, maxBytes, signer, null);
    }

    /**
     * As above; {@code signingThread}, if not null, makes the signatures that fall due while
     * requests write (synchronous delivery), so that no request signs.
     */
    public JsonLinesAuditSink(Path file, SecretBytes macKey, boolean fsync, boolean batched, long maxBytes,
                              AuditLogSigner signer, Executor signingThread) throws IOException {
        this.signer = signer;
        this.signingThread = signingThread;
        this.file = file.toAbsolutePath();
        this.records = new AuditRecords(macKey);
        this.fsync = fsync;
        this.batched = batched;
        this.maxBytes = maxBytes;
        Files.createDirectories(this.file.getParent());
        this.lock = new AuditLogLock(this.file);
        this.checkpoints = new AuditLogCheckpointer(this.file, new CheckedLog());
        synchronized (this) {
            try (AuditLogLock.Held held = lock.acquire()) {
                catchUp(true);
            }
        }
    }

    /**
     * Finds where the chain stands now, under the lock: opens the current file again if another
     * writer rotated it away, and re-reads the last complete line if the file is not as this
     * writer left it. A torn last line (a writer that crashed mid-write) is cut off first.
     *
     * @param thorough whether to check that the path still names the open file even when its size
     *                 is as this writer left it
     */
    private void catchUp(boolean thorough) throws IOException {
        if (channel == null || !channel.isOpen()) {
            reopen();
        }
        long size = channel.size();
        // A writer rotates only the file it has just appended to, under the lock, so a file another
        // writer rotated away has grown since this writer's last write: an unchanged size needs no
        // stat of the path (one system call less per event). Checkpoints look anyway, in case the
        // file was moved or deleted from outside.
        if (size == knownSize && !thorough) {
            return;
        }
        if (!stillCurrent()) {
            reopen();
            size = channel.size();
        }
        if (size == knownSize) {
            return; // nobody else wrote since this writer's last batch: the common case, no read
        }
        size = AuditLogTail.cutTornTail(channel, size);
        size = AuditLogTail.cutUnfinishedWrite(channel, size, records, file);
        String last = AuditLogTail.lastLine(channel, size);
        List<Path> files = AuditLogFiles.inOrder(file);
        for (int i = files.size() - 2; last == null && i >= 0; i--) {
            last = AuditLogTail.lastLine(files.get(i)); // the current file is empty: the chain ends in a rotated one
        }
        rereads++; // what the checkpointer checked before may have been cut since
        tailSigned = last == null || AuditSignatureRecords.claims(last);
        if (last == null) {
            seq = 0;
            setPrev(AuditRecords.GENESIS);
            chainId = null;
        } else {
            AuditRecords.Parsed p = records.parse(last);
            if (p == null || !p.authenticated()) {
                throw new IOException("audit log " + file + " ends in a record that fails verification;"
                        + " run the verifier before appending to it");
            }
            seq = p.seq();
            setPrev(AuditRecords.hash(last));
            chainId = chainIdOf(AuditLogTail.firstLine(files.get(0)), files.get(0), last);
        }
        knownSize = size;
    }

    /**
     * The log's chain id: the hash of record 1, the first line of {@code oldest}; or, once a
     * retention job deleted the files that held it (docs/audit.md), the chain a signature record
     * names (the log's last line, or the last line of its oldest file left, which ends in the
     * signature of its rotation), its MAC checked; else the one this writer knew, else none: no
     * checkpoint or signature is made under a chain the writer cannot name.
     */
    private String chainIdOf(String first, Path oldest, String last) throws IOException {
        if (first != null && AuditRecords.seqOf(first) == 1) {
            return AuditRecords.hash(first);
        }
        String named = signedChain(last);
        if (named == null) {
            named = signedChain(AuditLogTail.lastLine(oldest));
        }
        return named != null ? named : chainId;
    }

    /** The chain a signature record names, or null if {@code line} is none or fails its MAC. */
    private String signedChain(String line) {
        if (line == null || !AuditSignatureRecords.claims(line)) {
            return null;
        }
        AuditRecords.Parsed record = records.parse(line);
        AuditSignatureRecords.Parsed signature = record != null && record.authenticated()
                ? AuditSignatureRecords.parse(line) : null;
        return signature == null ? null : signature.chain();
    }

    private boolean stillCurrent() throws IOException {
        try {
            Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            return key != null && key.equals(channelFile);
        } catch (NoSuchFileException rotatedAway) {
            return false;
        }
    }

    private void reopen() throws IOException {
        if (channel != null && channel.isOpen()) {
            if (fsync) {
                force(channel, false); // lines of this writer not yet covered by a group commit
            }
            channel.close();
        }
        channel = AuditLogFiles.openCurrent(file);
        channelFile = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        knownSize = -1;
    }

    private void setPrev(String hash) {
        System.arraycopy(hash.getBytes(StandardCharsets.US_ASCII), 0, prev, 0, prev.length);
    }

    private String prevHash() {
        return new String(prev, StandardCharsets.US_ASCII);
    }

    @Override
    public void onEvent(AuditEvent event) {
        if (batched) {
            synchronized (this) {
                if (pendingCount == AuditRecords.MAX_WRITE_LINES) { // the most one write may announce
                    writePending();
                }
                json.writeFields(pending, event);
                if (pendingCount == pendingEnds.length) {
                    pendingEnds = java.util.Arrays.copyOf(pendingEnds, pendingCount * 2);
                }
                pendingEnds[pendingCount++] = pending.size();
            }
            return; // written by flush(), after the batch
        }
        LineBuffer fields = new LineBuffer(512);
        new AuditJson().writeFields(fields, event); // outside the monitor: requests format in parallel
        long mine;
        synchronized (this) {
            writeBatch(fields, new int[] {fields.size()}, 1);
            mine = written;
        }
        if (fsync) {
            try {
                groupCommit.awaitDurable(mine);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot fsync audit log " + file, e);
            }
        }
    }

    /**
     * Numbers, chains and appends a batch of {@code count} events' fields (each ending at
     * {@code ends[i]} in {@code fields}) under the log's lock, in one write call, rotating when the
     * file is full: a batch of several starts with a MACed record announcing them, and only its
     * last event carries a MAC again (audit log format 2). Holds the monitor.
     */
    private void writeBatch(LineBuffer fields, int[] ends, int count) {
        try (AuditLogLock.Held held = lock.acquire()) {
            catchUp(false);
            out.clear();
            if (count > 1) { // a write of several records starts by announcing them, under a MAC
                byte[] announce = AuditRecords.writeFields(count);
                chain(announce, 0, announce.length, true);
            }
            for (int i = 0, from = 0; i < count; from = ends[i], i++) {
                chain(fields.array(), from, ends[i] - from, i == count - 1);
                unsigned++;
            }
            tailSigned = false;
            if (signer != null && chainId != null) {
                // a file about to be rotated ends in a signature, so each rotated file is signed to its end
                String reason = knownSize + out.size() >= maxBytes ? "rotate" : signer.due(unsigned, true);
                if ("rotate".equals(reason) || reason != null && signingThread == null) {
                    sign(reason);
                } else if (reason != null) {
                    handOver();
                }
            }
            append();
            written += count;
            if (knownSize >= maxBytes) {
                rotate();
            }
        } catch (IOException e) {
            knownSize = -1;
            throw new UncheckedIOException("cannot append to audit log " + file, e);
        }
    }

    /** Numbers and chains one record and adds its line to {@code out}; the last line of a write carries the MAC. */
    private void chain(byte[] fields, int offset, int length, boolean withMac) {
        records.appendLine(out, seq + 1, prev, fields, offset, length, withMac);
        if (seq == 0) {
            chainId = prevHash();
        }
        seq++;
    }

    /** Adds a signature record over the chain as it stands to {@code out}: the last line of the write, MACed. */
    private void sign(String reason) {
        byte[] fields = signer.fields(chainId, seq, prevHash(), reason).getBytes(StandardCharsets.US_ASCII);
        chain(fields, 0, fields.length, true);
        unsigned = 0;
        tailSigned = true;
    }

    /** Has the background thread make the signature now due, unless it was handed one already. Holds the monitor. */
    private void handOver() {
        if (signQueued) {
            return;
        }
        signQueued = true;
        try {
            signingThread.execute(this::signHandedOver);
        } catch (RejectedExecutionException e) {
            signQueued = false; // the next batch, maintenance or close signs instead
        }
    }

    private void signHandedOver() {
        synchronized (this) {
            signQueued = false;
        }
        try {
            signIfDue();
        } catch (RuntimeException e) {
            // maintenance and close sign what is left; the log stays verifiable with the store meanwhile
            System.getLogger("io.kmsjca.audit").log(System.Logger.Level.WARNING,
                    "kms-jca could not sign the audit log: " + e.getMessage());
        }
    }

    /** Appends the lines in {@code out} at the end of the file as this writer knows it. Under the lock. */
    private void append() throws IOException {
        ByteBuffer buf = out.written();
        long at = knownSize;
        knownSize = -1; // until the write completed: a failed write leaves the tail to be read again
        while (buf.hasRemaining()) {
            at += channel.write(buf, at);
        }
        knownSize = at;
    }

    /**
     * Appends a signature record if one is due by time (the log ends in unsigned records and the
     * signing interval has passed): the key service's maintenance calls this, so a quiet log's
     * last records are signed too. Does nothing without a signer.
     */
    public void signIfDue() {
        signNow(null);
    }

    /** Appends a signature record (reason "close") unless the log already ends in one. */
    public void signAtClose() {
        signNow("close");
    }

    private void signNow(String forced) {
        if (signer == null) {
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            try (AuditLogLock.Held held = lock.acquire()) {
                catchUp(false);
                if (seq == 0 || chainId == null || tailSigned) {
                    return;
                }
                String reason = forced != null ? forced : signer.due(unsigned, true);
                if (reason == null) {
                    return;
                }
                out.clear();
                sign(reason);
                append();
                if (fsync) {
                    forceCurrent();
                }
                if (knownSize >= maxBytes) {
                    rotate();
                }
            } catch (IOException e) {
                knownSize = -1;
                throw new UncheckedIOException("cannot sign audit log " + file, e);
            }
        }
    }

    /**
     * Forces this writer's file, reopening it first if an interrupt closed the channel (a thread
     * interrupted in a call on a {@code FileChannel} closes it, and forces nothing). Holds the monitor.
     */
    private void forceCurrent() throws IOException {
        if (channel == null || !channel.isOpen()) {
            reopen();
        }
        force(channel, false);
    }

    /**
     * Every force of this writer's file but the group commit's own: records how far it made this
     * writer's lines durable, or, if the disk failed, has the group commit fail the requests whose
     * lines it had to cover (a later fsync that succeeds does not vouch for them). A channel closed
     * by an interrupt forced nothing and lost nothing. Holds the monitor.
     */
    private void force(FileChannel ch, boolean metaData) throws IOException {
        try {
            ch.force(metaData);
            forcedThrough = written;
        } catch (ClosedChannelException closed) {
            throw closed;
        } catch (IOException failed) {
            groupCommit.failed(written);
            throw failed;
        }
    }

    /** This writer's log as the group commit forces it. */
    private final class DurableLog implements GroupCommit.Log {
        @Override
        public long written() {
            return written;
        }

        @Override
        public long forceWritten() throws IOException {
            long upTo;
            FileChannel ch;
            synchronized (JsonLinesAuditSink.this) {
                upTo = written;
                ch = channel;
            }
            try {
                ch.force(false); // outside the monitor: requests write their lines meanwhile
                return upTo;
            } catch (ClosedByInterruptException thisThread) {
                throw thisThread; // the group commit clears the interrupt and forces again
            } catch (ClosedChannelException closed) {
                // closed by a rotation or a reopen, which forced it first, or by another thread's
                // interrupt, which forced nothing: then the file is forced again through a new channel
                synchronized (JsonLinesAuditSink.this) {
                    if (forcedThrough < upTo) {
                        forceCurrent();
                    }
                    return upTo;
                }
            }
        }
    }

    /** The number the next rotated file takes, once known (0: look it up). Guarded by the log's lock. */
    private int nextRotation;

    /**
     * Under the lock: the full file becomes NAME.00000N and a new, empty one takes its place. The
     * next number is kept, so a rotation does not list a folder of thousands of rotated files; it
     * is looked up again when that file exists (another writer of the log rotated meanwhile), as
     * a rename must never replace a rotated file.
     */
    private void rotate() throws IOException {
        force(channel, true);
        channel.close();
        Path target = nextRotation > 0 ? AuditLogFiles.rotated(file, nextRotation) : null;
        if (target == null || Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            target = AuditLogFiles.nextRotated(file);
        }
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        nextRotation = AuditLogFiles.number(target) + 1;
        reopen(); // creates the new current file and fsyncs the folder: the rename is durable with it
        knownSize = channel.size();
    }

    /** Writes the pending events as one write (dropped if it fails: the delivery counts the failure). Holds the monitor. */
    private void writePending() {
        try {
            if (pendingCount > 0) {
                writeBatch(pending, pendingEnds, pendingCount);
            }
        } finally {
            pending.clear();
            pendingCount = 0;
        }
    }

    /** Writes the pending batch and, with fsync on, makes it durable: the group commit of asynchronous delivery. */
    @Override
    public void flush() {
        synchronized (this) {
            try {
                writePending();
                if (fsync) {
                    forceCurrent();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot fsync audit log " + file, e);
            }
        }
    }

    /**
     * Keeps the number and hash of the log's last record in the store, once the log is on disk up
     * to it, so that a log later found shorter is reported as cut. The checkpoint moves forward
     * only if the record the store's current checkpoint names is still in the log; if it is not,
     * the log was cut, and the checkpoint stays where it is ({@link AuditLogCheckpointer}).
     *
     * <p>The store is called holding neither this sink's monitor nor the log's lock: a key change
     * holds the store's lock while it records its event here, so the opposite order could deadlock.
     *
     * @throws AuditLogCutException the log no longer holds the store's checkpoint (reported once
     *                              per checkpoint; later calls return quietly)
     * @throws IOException          the log or the store could not be read or written
     */
    public void checkpoint(AuditCheckpoints store) throws IOException {
        checkpoints.checkpoint(store);
    }

    /** The log as the checkpointer reads it: where the chain stands, on disk, and a record's hash by number. */
    private final class CheckedLog implements AuditLogCheckpointer.Log {
        @Override
        public AuditLogCheckpointer.Position position() throws IOException {
            synchronized (JsonLinesAuditSink.this) {
                try (AuditLogLock.Held held = lock.acquire()) {
                    catchUp(true);
                    if (seq == 0 || chainId == null) {
                        return null;
                    }
                    forceCurrent(); // the store never vouches for a record that is not on disk
                    return new AuditLogCheckpointer.Position(chainId, new AuditCheckpoints.Checkpoint(seq, prevHash()), rereads);
                }
            }
        }

        @Override
        public String hashOf(long recordSeq) throws IOException {
            synchronized (JsonLinesAuditSink.this) {
                try (AuditLogLock.Held held = lock.acquire()) { // no rotation while the files are read
                    List<Path> files = AuditLogFiles.inOrder(file);
                    for (int i = files.size() - 1; i >= 0; i--) {
                        String line = AuditLogTail.record(files.get(i), recordSeq);
                        if (line != null) {
                            return AuditRecords.hash(line);
                        }
                    }
                    return null;
                }
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            try {
                flush();
                signAtClose();
                closed = true;
                if (!channel.isOpen()) {
                    reopen(); // an interrupt closed it: the file is still there to be forced
                }
                force(channel, true);
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close audit log " + file, e);
            } finally {
                try {
                    lock.close();
                } catch (IOException e) {
                    System.getLogger("io.kmsjca.audit").log(System.Logger.Level.WARNING,
                            "kms-jca could not close the lock of audit log " + file + ": " + e.getMessage());
                }
            }
        }
    }
}
