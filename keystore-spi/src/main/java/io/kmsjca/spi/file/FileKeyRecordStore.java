package io.kmsjca.spi.file;

import io.kmsjca.spi.internal.AtomicFiles;

import io.kmsjca.spi.CorruptStoreException;
import io.kmsjca.spi.KeyRecord;
import io.kmsjca.spi.SnapshotKeyRecordStore;
import io.kmsjca.spi.StaleRecordException;
import io.kmsjca.spi.StoreFullException;

import io.kmsjca.spi.internal.PersistentMap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The embedded default backend: a checkpoint image of the whole store ({@link StoreImage}) in
 * {@code NAME}, and the changes since in an append-only journal beside it
 * ({@link StoreJournal}, {@code NAME.journal}). A change appends one authenticated entry and
 * forces the journal, so it costs the same with 100 keys or 100,000; once the journal is longer
 * than the image, a change also writes a fresh image ({@link AtomicFiles}) and starts an empty
 * journal for it (compaction). The store is the image with its journal replayed.
 *
 * <ul>
 *   <li>Several processes may share the files: every change takes an exclusive lock on
 *       {@code NAME.lock}, reads what others appended since (or the new image, after another
 *       process compacted), checks its compare-and-set against that, and writes. Opening and
 *       re-reading take the lock too, so they never see a half-written entry or a journal
 *       between a compaction's two steps.</li>
 *   <li>A compaction keeps the generation before its change as {@code NAME.prev};
 *       {@link #restorePrevious} goes back to the state before the last change (docs/reliability.md).</li>
 * </ul>
 */
public final class FileKeyRecordStore extends SnapshotKeyRecordStore {

    private final Path file;
    private final StoreWriterLock writers;
    private final Path journalFile;
    private final ImageAuthenticator authenticator;
    /** The image the snapshot was built on, as last read or written (under the lock); null: re-read all. */
    private OnDisk disk;

    /**
     * The files as this store last read or wrote them: the image's tag, size and version, and
     * the journal extending it up to {@code journalEnd} ({@code -1}: no journal extends this
     * image yet; the next change starts one).
     */
    private record OnDisk(byte[] imageTag, long imageBytes, int imageVersion, long journalEnd, byte[] lastTag,
                          long nextSequence) {
        OnDisk appended(long end, byte[] tag) {
            return new OnDisk(imageTag, imageBytes, imageVersion, end, tag, nextSequence + 1);
        }
    }

    private FileKeyRecordStore(Path file, ImageAuthenticator authenticator, Snapshot initial, OnDisk disk) {
        super(initial);
        this.file = file.toAbsolutePath();
        this.writers = StoreWriterLock.of(this.file);
        this.journalFile = StoreJournal.of(this.file);
        this.authenticator = authenticator;
        this.disk = disk;
    }

    /**
     * Opens an existing store; {@code factory} turns its header into the authenticator. The
     * image and its journal are read under the writers' lock; temporary files left by a writer
     * that was killed mid-write are removed first.
     */
    public static FileKeyRecordStore open(Path file, ImageAuthenticator.Factory factory) throws IOException {
        Path absolute = file.toAbsolutePath();
        return StoreWriterLock.of(absolute).runUnconditional(() -> {
            StoreFiles.removeOrphanTemporaryFiles(absolute);
            byte[] image = StoreFiles.read(absolute);
            ImageAuthenticator authenticator = Objects.requireNonNull(factory.forHeader(StoreImage.readHeader(image)));
            Loaded loaded = load(absolute, image, authenticator);
            return new FileKeyRecordStore(absolute, authenticator, loaded.snapshot(), loaded.disk());
        });
    }

    /** A snapshot and the files it was read from. */
    private record Loaded(Snapshot snapshot, OnDisk disk) {
    }

    /** Creates a new store holding only {@code header}; fails if {@code file} exists. */
    public static FileKeyRecordStore create(Path file, byte[] header, ImageAuthenticator authenticator)
            throws IOException {
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString());
        }
        Snapshot empty = new Snapshot(header, Map.of());
        var store = new FileKeyRecordStore(file, authenticator, empty, null);
        store.writers.runUnconditional(() -> {
            if (Files.exists(file)) {
                throw new FileAlreadyExistsException(file.toString()); // another process won the race
            }
            store.compact(null, empty, true);
            return null;
        });
        return store;
    }

    /** The header of the store in {@code file}, read before its authenticator exists. */
    public static byte[] readHeader(Path file) throws IOException {
        return StoreImage.readHeader(StoreFiles.read(file));
    }

    /** Where the generation before the last compaction's change is kept. */
    public static Path previousGeneration(Path file) {
        return StoreFiles.previousGeneration(file);
    }

    /** Where the journal of the store in {@code file} is kept. */
    public static Path journal(Path file) {
        return StoreJournal.of(file.toAbsolutePath());
    }

    /**
     * Goes back to the state before the last change, after checking it opens with
     * {@code factory}: the journal without its last entry; if the journal is damaged, its
     * entries before the damage; if the image is damaged or the journal empty,
     * {@code NAME.prev} (the generation before the last compaction's change) with no journal.
     * What is replaced is kept as {@code NAME.damaged} and {@code NAME.journal.damaged} for
     * inspection. Runs under the writers' lock, as every change does, so a writer in this or
     * another process waits for it (and re-reads the restored files) instead of overwriting them
     * with a change based on the damaged ones.
     *
     * @throws CorruptStoreException the previous generation does not open either
     */
    public static void restorePrevious(Path file, ImageAuthenticator.Factory factory) throws IOException {
        Path absolute = file.toAbsolutePath();
        StoreWriterLock.of(absolute).runUnconditional(() -> {
            StoreRestore.restore(absolute, factory);
            return null;
        });
    }

    /** The file this store lives in. */
    public Path file() {
        return file;
    }

    @Override
    protected <T> T exclusively(IoSupplier<T> change) throws IOException, StaleRecordException {
        return writers.run(change::get);
    }

    // ------------------------------------------------------------------ reading (under the lock)

    /**
     * The store an image and its journal hold. A journal that extends another image is obsolete
     * if this image already holds every change in it (a compaction stopped between writing the
     * image and starting the new journal): it is ignored, and the next change replaces it. If
     * the image lacks any of its changes, the journal was put back from an older generation, or
     * the image was: {@link CorruptStoreException}.
     */
    private static Loaded load(Path file, byte[] image, ImageAuthenticator authenticator) throws IOException {
        Snapshot base = snapshotOf(StoreImage.decode(image, authenticator));
        byte[] imageTag = StoreImage.tagOf(image);
        int version = StoreImage.version(image);
        Path journal = StoreJournal.of(file);
        if (!Files.exists(journal)) {
            return new Loaded(base, new OnDisk(imageTag, image.length, version, -1, null, 1));
        }
        StoreJournal.Contents contents = StoreJournal.read(StoreFiles.readJournal(journal), authenticator, false);
        if (Arrays.equals(contents.imageTag(), imageTag)) {
            return new Loaded(apply(base, contents.changes()),
                    new OnDisk(imageTag, image.length, version, contents.end(), contents.lastTag(), contents.nextSequence()));
        }
        Map<String, KeyRecord> last = new HashMap<>();
        Set<String> deleted = new HashSet<>();
        for (StoreJournal.Change c : contents.changes()) {
            if (c.stored() == null) {
                last.remove(c.keyId());
                deleted.add(c.keyId());
            } else {
                last.put(c.keyId(), c.stored());
                deleted.remove(c.keyId());
            }
        }
        boolean contained = deleted.stream().noneMatch(base.records()::containsKey)
                && last.entrySet().stream().allMatch(e -> e.getValue().equals(base.records().get(e.getKey())));
        if (!contained) {
            throw new CorruptStoreException("key store journal " + journal + " extends another image and holds changes "
                    + "this image lacks (an older journal or image put back)");
        }
        return new Loaded(base, new OnDisk(imageTag, image.length, version, -1, null, 1));
    }

    /** {@code base} with {@code changes} applied, each checked against the revision it follows. */
    private static Snapshot apply(Snapshot base, List<StoreJournal.Change> changes) throws CorruptStoreException {
        Snapshot s = base;
        for (StoreJournal.Change c : changes) {
            KeyRecord stored = s.records().get(c.keyId());
            long storedRevision = stored == null ? 0 : stored.revision();
            if (c.stored() != null) {
                if (storedRevision != c.revision() - 1) {
                    throw new CorruptStoreException("key store journal writes key " + c.keyId() + " at revision "
                            + c.revision() + " over revision " + storedRevision);
                }
                s = s.with(c.stored());
            } else {
                if (storedRevision != c.revision()) {
                    throw new CorruptStoreException("key store journal removes key " + c.keyId() + " at revision "
                            + c.revision() + ", stored at " + storedRevision);
                }
                s = s.without(c.keyId());
            }
        }
        return s;
    }

    /**
     * What other processes wrote since this one last read or wrote: the entries appended to the
     * journal since (a read of the new bytes only), or, if the image changed (another process
     * compacted or restored), the whole image and journal again.
     */
    @Override
    protected Snapshot refresh(Snapshot current) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        OnDisk known = disk;
        if (known == null || !imageUnchanged(known)) {
            return reloadAll();
        }
        if (!Files.exists(journalFile)) {
            if (known.journalEnd() > StoreJournal.HEADER_BYTES) {
                return reloadAll(); // entries this store read are gone: a restore
            }
            disk = new OnDisk(known.imageTag(), known.imageBytes(), known.imageVersion(), -1, null, 1);
            return null;
        }
        if (known.journalEnd() < 0) {
            return reloadAll(); // a journal appeared for this image
        }
        try (FileChannel ch = FileChannel.open(journalFile, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < known.journalEnd() || size > StoreJournal.MAX_JOURNAL_BYTES) {
                return reloadAll();
            }
            byte[] header = StoreFiles.readAt(ch, 0, StoreJournal.HEADER_BYTES);
            byte[] lastTag = StoreFiles.readAt(ch, known.journalEnd() - StoreJournal.TAG, StoreJournal.TAG);
            if (!Arrays.equals(StoreJournal.imageTagOf(header), known.imageTag()) || !Arrays.equals(lastTag, known.lastTag())) {
                return reloadAll(); // another journal: a restore, or a compaction to an equal image
            }
            if (size == known.journalEnd()) {
                return null;
            }
            byte[] tail = StoreFiles.readAt(ch, known.journalEnd(), (int) (size - known.journalEnd()));
            StoreJournal.Contents added = StoreJournal.readEntries(tail, 0, known.imageTag(), known.lastTag(),
                    known.nextSequence(), authenticator, false);
            if (added.changes().isEmpty()) {
                return null; // a torn tail only: a writer died mid-append
            }
            Snapshot next = apply(current, added.changes());
            disk = new OnDisk(known.imageTag(), known.imageBytes(), known.imageVersion(),
                    known.journalEnd() + added.end(), added.lastTag(), added.nextSequence());
            return next;
        }
    }

    /** Whether the image on disk is still the one {@code known} describes: same size, same tag. */
    private boolean imageUnchanged(OnDisk known) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            return size == known.imageBytes() && size >= StoreJournal.TAG
                    && Arrays.equals(StoreFiles.readAt(ch, size - StoreJournal.TAG, StoreJournal.TAG), known.imageTag());
        }
    }

    private Snapshot reloadAll() throws IOException {
        Loaded loaded = load(file, StoreFiles.read(file), authenticator);
        disk = loaded.disk();
        return loaded.snapshot();
    }

    // ------------------------------------------------------------------ writing (under the lock)

    @Override
    protected void persist(Snapshot next) throws IOException {
        throw new UnsupportedOperationException("every change names what it changes");
    }

    /**
     * Appends the change to the journal and forces it. The change also compacts when it is a new
     * header, when the image is a version-1 image (which readers of before the journal read
     * alone: it is replaced by a version-2 image first) or when the journal has grown past the
     * image.
     */
    @Override
    protected void persist(Snapshot current, Snapshot next, String changedKeyId) throws IOException {
        OnDisk known = disk;
        if (known == null) {
            throw new IOException("key store " + file + " was not re-read after a failed write");
        }
        try {
            if (changedKeyId == null || known.imageVersion() != StoreImage.JOURNALED_VERSION) {
                compact(current, next, true);
                return;
            }
            KeyRecord stored = next.records().get(changedKeyId);
            StoreJournal.Change change = stored != null ? StoreJournal.Change.put(stored)
                    : StoreJournal.Change.delete(changedKeyId, current.records().get(changedKeyId).revision());
            append(known, change);
            if (disk.journalEnd() - StoreJournal.HEADER_BYTES > disk.imageBytes()) {
                compactAfterCommit(current, next);
            }
        } catch (StoreFullException e) {
            throw new StoreFullException("cannot write key store " + file + ": " + e.getMessage());
        }
    }

    /** Appends one entry (starting a journal for the image if none extends it) and forces it. */
    private void append(OnDisk known, StoreJournal.Change change) throws IOException {
        if (known.journalEnd() < 0) {
            byte[] header = StoreJournal.header(known.imageTag(), authenticator);
            byte[] lastTag = Arrays.copyOfRange(header, StoreJournal.HEADER_BYTES - StoreJournal.TAG, StoreJournal.HEADER_BYTES);
            byte[] entry = StoreJournal.entry(1, lastTag, change, authenticator);
            try {
                AtomicFiles.replace(journalFile, out -> {
                    out.write(header);
                    out.write(entry);
                });
            } catch (IOException e) {
                disk = null; // a failed folder fsync may have left the new journal: read the files again
                throw failure(e);
            }
            disk = new OnDisk(known.imageTag(), known.imageBytes(), known.imageVersion(), header.length + entry.length,
                    Arrays.copyOfRange(entry, entry.length - StoreJournal.TAG, entry.length), 2);
            return;
        }
        byte[] entry = StoreJournal.entry(known.nextSequence(), known.lastTag(), change, authenticator);
        try (FileChannel ch = FileChannel.open(journalFile, StandardOpenOption.WRITE)) {
            try {
                ByteBuffer buf = ByteBuffer.wrap(entry);
                long at = known.journalEnd();
                while (buf.hasRemaining()) {
                    at += ch.write(buf, at);
                }
                if (ch.size() > at) {
                    ch.truncate(at); // the torn tail of a writer that died mid-append
                }
                ch.force(false);
            } catch (IOException e) {
                undoAppend(ch, known.journalEnd(), e);
                throw failure(e);
            }
        }
        disk = known.appended(known.journalEnd() + entry.length, Arrays.copyOfRange(entry, entry.length - StoreJournal.TAG, entry.length));
    }

    /**
     * A failed append may have left the entry in the journal (a force that failed after the
     * write): it is cut off again, so the file, this process and the others agree the change did
     * not happen. If even that fails, the next call reads everything again.
     */
    private void undoAppend(FileChannel ch, long end, IOException failure) {
        try {
            ch.truncate(end);
            ch.force(false);
        } catch (IOException e) {
            failure.addSuppressed(e);
            disk = null;
        }
    }

    private IOException failure(IOException e) {
        return new IOException("cannot write key store " + file + " (" + e + ")", e);
    }

    /**
     * Compacts once the change is already durable in the journal: a failure here fails nothing
     * (the journal holds the change); the files are read again before the next change, which
     * compacts again.
     */
    private void compactAfterCommit(Snapshot current, Snapshot next) {
        try {
            compact(current, next, false);
        } catch (IOException e) {
            disk = null;
        }
    }

    /**
     * Writes {@code next} as a fresh image and starts an empty journal for it, keeping
     * {@code current} as {@code NAME.prev}. {@code undoOnFailure}: the change is not in the
     * journal, so a new image left visible by a failed folder fsync is put back. Each step is atomic, and every crash point leaves a
     * store that opens as {@code current} or {@code next}: before the image's rename, the old
     * image and journal; after it, the new image, with the old journal ignored as obsolete (every
     * change in it is in the new image) until the new one replaces it.
     */
    private void compact(Snapshot current, Snapshot next, boolean undoOnFailure) throws IOException {
        byte[] image = new StoreImage(next.header(), new ArrayList<>(next.records().values()))
                .encode(authenticator, StoreImage.JOURNALED_VERSION);
        byte[] imageTag = StoreImage.tagOf(image);
        OnDisk known = disk;
        boolean obsoleteJournal = (known == null || known.journalEnd() < 0) && Files.exists(journalFile);
        try {
            if (obsoleteJournal) {
                // its changes are in the current image, not necessarily in the next one
                Files.delete(journalFile);
                AtomicFiles.fsyncDirectory(file.getParent());
            }
            if (current != null) {
                AtomicFiles.replace(previousGeneration(file), previousOf(current, next));
            }
            AtomicFiles.replace(file, image);
        } catch (IOException e) {
            disk = null; // read again before the next change
            IOException failure = failure(e);
            if (undoOnFailure) {
                undoVisibleWrite(current, image, failure);
            }
            throw failure;
        }
        disk = new OnDisk(imageTag, image.length, StoreImage.JOURNALED_VERSION, -1, null, 1);
        byte[] header = StoreJournal.header(imageTag, authenticator);
        try {
            AtomicFiles.replace(journalFile, header);
        } catch (IOException e) {
            return; // the image holds the change; the next change starts the journal
        }
        disk = new OnDisk(imageTag, image.length, StoreImage.JOURNALED_VERSION, header.length,
                Arrays.copyOfRange(header, header.length - StoreJournal.TAG, header.length), 1);
    }

    /**
     * What {@code NAME.prev} keeps of {@code current}: a self-contained (version 1) image, which
     * opens alone and in releases of before the journal; its records under the next header, so
     * after a header change (a new store password) no file of this store opens with the old
     * password once the change returned.
     */
    private byte[] previousOf(Snapshot current, Snapshot next) throws StoreFullException {
        return new StoreImage(next.header(), new ArrayList<>(current.records().values())).encode(authenticator, StoreImage.VERSION);
    }

    /**
     * A write whose rename happened but whose folder fsync failed left the new image in the
     * folder although the change failed: the last state goes back (as a fresh image, the journal
     * it made obsolete with it), so that the file, this process and the others agree the change
     * did not happen (a power cut may still keep either).
     */
    private void undoVisibleWrite(Snapshot current, byte[] image, IOException failure) {
        try {
            if (Files.exists(file) && Arrays.equals(StoreFiles.read(file), image)) {
                if (current == null) {
                    Files.deleteIfExists(file);
                } else {
                    AtomicFiles.replace(file, new StoreImage(current.header(), new ArrayList<>(current.records().values()))
                            .encode(authenticator, StoreImage.JOURNALED_VERSION));
                }
            }
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private static Snapshot snapshotOf(StoreImage decoded) {
        Map<String, KeyRecord> records = new HashMap<>(decoded.records().size() * 2);
        for (KeyRecord r : decoded.records()) {
            records.put(r.keyId(), r);
        }
        return new Snapshot(decoded.header(), PersistentMap.copyOf(records));
    }
}
