package io.kmsjca.spi.file;

import io.kmsjca.spi.StaleRecordException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The writers' lock of one file store: this JVM's lock on the path first, then the file lock on
 * {@code NAME.lock} that other processes see. Every change, open and restore runs under it.
 */
final class StoreWriterLock {

    /** A change made under the lock. */
    interface Change<T> {
        T run() throws IOException, StaleRecordException;
    }

    /** File locks are held per JVM: stores of this JVM on one file also queue on this lock first. */
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final Path lockFile;

    private StoreWriterLock(Path lockFile) {
        this.lockFile = lockFile;
    }

    /** The lock of the store in {@code absoluteFile}. */
    static StoreWriterLock of(Path absoluteFile) {
        return new StoreWriterLock(absoluteFile.resolveSibling(absoluteFile.getFileName() + ".lock"));
    }

    /** Runs {@code change} holding both locks; waits for other writers of this JVM and of others. */
    <T> T run(Change<T> change) throws IOException, StaleRecordException {
        var local = IN_PROCESS.computeIfAbsent(lockFile, p -> new ReentrantLock());
        local.lock();
        try (FileChannel ch = open(); FileLock lock = ch.lock()) {
            return change.run();
        } finally {
            local.unlock();
        }
    }

    /** {@link #run} for a change that compares nothing, so never finds a record stale. */
    <T> T runUnconditional(Change<T> change) throws IOException {
        try {
            return run(change);
        } catch (StaleRecordException e) {
            throw new IllegalStateException(e);
        }
    }

    private FileChannel open() throws IOException {
        try {
            return FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new IOException("cannot lock key store: lock file " + lockFile + " (" + e + ")", e);
        }
    }
}
