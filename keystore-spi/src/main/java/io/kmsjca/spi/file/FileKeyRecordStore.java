package io.kmsjca.spi.file;

import io.kmsjca.spi.internal.AtomicFiles;

import io.kmsjca.spi.CorruptStoreException;
import io.kmsjca.spi.KeyRecord;
import io.kmsjca.spi.SnapshotKeyRecordStore;
import io.kmsjca.spi.StaleRecordException;
import io.kmsjca.spi.StoreFullException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The embedded default backend: the whole store in one authenticated file
 * ({@link StoreImage}), replaced atomically on every change ({@link AtomicFiles}), so the file
 * on disk is always the last change that returned, or the one before it.
 *
 * <ul>
 *   <li>Several processes may share the file: every change takes an exclusive lock on
 *       {@code NAME.lock}, re-reads what others wrote, checks its compare-and-set against that,
 *       and writes. Readers never lock: a rename is atomic, so they see whole snapshots.</li>
 *   <li>The generation before each change is kept as {@code NAME.prev}; {@link #restorePrevious}
 *       puts it back when the current file was damaged outside kms-jca.</li>
 * </ul>
 */
public final class FileKeyRecordStore extends SnapshotKeyRecordStore {

    private final Path file;
    private final Path lockFile;
    private final ImageAuthenticator authenticator;
    private byte[] lastImage;

    private FileKeyRecordStore(Path file, ImageAuthenticator authenticator, Snapshot initial, byte[] image) {
        super(initial);
        this.file = file.toAbsolutePath();
        this.lockFile = lockFileOf(this.file);
        this.authenticator = authenticator;
        this.lastImage = image;
    }

    /**
     * Opens an existing store; {@code factory} turns its header into the authenticator. Temporary
     * files left by a writer that was killed mid-write are removed first, under the lock.
     */
    public static FileKeyRecordStore open(Path file, ImageAuthenticator.Factory factory) throws IOException {
        byte[] image = read(file);
        ImageAuthenticator authenticator = Objects.requireNonNull(factory.forHeader(StoreImage.readHeader(image)));
        var store = new FileKeyRecordStore(file, authenticator, snapshotOf(StoreImage.decode(image, authenticator)), image);
        try {
            store.exclusively(() -> {
                store.removeOrphanTemporaryFiles();
                return null;
            });
        } catch (StaleRecordException e) {
            throw new IllegalStateException(e);
        }
        return store;
    }

    /** Removes {@code .NAME.*.tmp} files: never renamed, so never part of the store. Under the lock only. */
    private void removeOrphanTemporaryFiles() throws IOException {
        String prefix = "." + file.getFileName() + ".";
        try (var files = Files.list(file.getParent())) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String n = p.getFileName().toString();
                if (n.startsWith(prefix) && n.endsWith(".tmp")) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Creates a new store holding only {@code header}; fails if {@code file} exists. */
    public static FileKeyRecordStore create(Path file, byte[] header, ImageAuthenticator authenticator)
            throws IOException {
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString());
        }
        var store = new FileKeyRecordStore(file, authenticator, new Snapshot(header, Map.of()), null);
        try {
            store.exclusively(() -> {
                if (Files.exists(file)) {
                    throw new FileAlreadyExistsException(file.toString()); // another process won the race
                }
                store.persist(new Snapshot(header, Map.of()));
                return null;
            });
        } catch (StaleRecordException e) {
            throw new IllegalStateException(e);
        }
        return store;
    }

    /** The header of the store in {@code file}, read before its authenticator exists. */
    public static byte[] readHeader(Path file) throws IOException {
        return StoreImage.readHeader(read(file));
    }

    /** Where the generation before the last change is kept. */
    public static Path previousGeneration(Path file) {
        return file.toAbsolutePath().resolveSibling(file.getFileName() + ".prev");
    }

    /**
     * Replaces a damaged store file with the previous generation, after checking that the
     * previous generation opens with {@code factory}. The damaged file is kept as
     * {@code NAME.damaged} for inspection. Runs under the writers' lock, as every change does, so
     * a writer in this or another process waits for it (and re-reads the restored file) instead
     * of overwriting it with a change based on the damaged generation.
     *
     * @throws CorruptStoreException the previous generation does not open either
     */
    public static void restorePrevious(Path file, ImageAuthenticator.Factory factory) throws IOException {
        Path absolute = file.toAbsolutePath();
        try {
            withWriterLock(lockFileOf(absolute), () -> {
                Path prev = previousGeneration(absolute);
                byte[] image = read(prev);
                StoreImage.decode(image, Objects.requireNonNull(factory.forHeader(StoreImage.readHeader(image))));
                if (Files.exists(absolute)) {
                    Files.copy(absolute, absolute.resolveSibling(absolute.getFileName() + ".damaged"),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                AtomicFiles.replace(absolute, image);
                return null;
            });
        } catch (StaleRecordException e) {
            throw new IllegalStateException(e); // a restore compares nothing
        }
    }

    /** The file this store lives in. */
    public Path file() {
        return file;
    }

    /** File locks are held per JVM: stores of this JVM on one file also queue on this lock first. */
    private static final java.util.concurrent.ConcurrentHashMap<Path, java.util.concurrent.locks.ReentrantLock> IN_PROCESS =
            new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    protected <T> T exclusively(IoSupplier<T> change) throws IOException, StaleRecordException {
        return withWriterLock(lockFile, change);
    }

    private static Path lockFileOf(Path absoluteFile) {
        return absoluteFile.resolveSibling(absoluteFile.getFileName() + ".lock");
    }

    /** The writers' lock of one store: this JVM's lock on the path first, then the file lock other processes see. */
    private static <T> T withWriterLock(Path lockFile, IoSupplier<T> change) throws IOException, StaleRecordException {
        var local = IN_PROCESS.computeIfAbsent(lockFile, p -> new java.util.concurrent.locks.ReentrantLock());
        local.lock();
        try (FileChannel ch = openLockFile(lockFile); FileLock lock = ch.lock()) {
            return change.get();
        } finally {
            local.unlock();
        }
    }

    private static FileChannel openLockFile(Path lockFile) throws IOException {
        try {
            return FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new IOException("cannot lock key store: lock file " + lockFile + " (" + e + ")", e);
        }
    }

    /** What other processes wrote since this one last read or wrote the file. */
    @Override
    protected Snapshot refresh(Snapshot current) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        byte[] image = read(file);
        if (Arrays.equals(image, lastImage)) {
            return null;
        }
        lastImage = image;
        return snapshotOf(StoreImage.decode(image, authenticator));
    }

    @Override
    protected void persist(Snapshot next) throws IOException {
        byte[] image;
        try {
            image = new StoreImage(next.header(), new ArrayList<>(next.records().values())).encode(authenticator);
        } catch (StoreFullException e) {
            throw new StoreFullException("cannot write key store " + file + ": " + e.getMessage());
        }
        try {
            if (lastImage != null) {
                AtomicFiles.replace(previousGeneration(file), previousOf(lastImage, next.header()));
            }
            AtomicFiles.replace(file, image);
        } catch (IOException e) {
            IOException failure = new IOException("cannot write key store " + file + " (" + e + ")", e);
            undoVisibleWrite(image, failure);
            throw failure;
        }
        lastImage = image;
    }

    /**
     * What {@code NAME.prev} keeps of {@code last}: the generation itself, except after a header
     * change (a new store password). Then its records go under the new header, so no file of
     * this store opens with the old password once the change returned.
     */
    private byte[] previousOf(byte[] last, byte[] nextHeader) throws IOException {
        if (Arrays.equals(StoreImage.readHeader(last), nextHeader)) {
            return last;
        }
        return new StoreImage(nextHeader, StoreImage.decode(last, authenticator).records()).encode(authenticator);
    }

    /**
     * A write whose rename happened but whose folder fsync failed left the new generation in the
     * folder although the change failed: the last generation goes back, so that the file, this
     * process and the others agree the change did not happen (a power cut may still keep either).
     */
    private void undoVisibleWrite(byte[] image, IOException failure) {
        try {
            if (Files.exists(file) && Arrays.equals(read(file), image)) {
                if (lastImage == null) {
                    Files.deleteIfExists(file);
                } else {
                    AtomicFiles.replace(file, lastImage);
                }
            }
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private static Snapshot snapshotOf(StoreImage decoded) {
        var records = new HashMap<String, KeyRecord>();
        decoded.records().forEach(r -> records.put(r.keyId(), r));
        return new Snapshot(decoded.header(), records);
    }

    /**
     * Reads one whole generation: size and bytes come from one open channel, which keeps the file
     * it opened even if a writer renames a newer generation over it meanwhile.
     */
    private static byte[] read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            StoreImage.checkSize(size);
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) size);
            while (buf.hasRemaining()) {
                if (ch.read(buf) < 0) {
                    throw new CorruptStoreException("key store ended before its " + size + " bytes were read");
                }
            }
            return buf.array();
        }
    }
}
