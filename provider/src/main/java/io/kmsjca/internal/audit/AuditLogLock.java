package io.kmsjca.internal.audit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Excludes every other writer of one audit log while a batch is appended: other JVMs (an
 * application and the CLI on one configuration) through an OS lock on a sidecar file
 * {@code NAME.lock}, which is never rotated or renamed; other sinks of this JVM (two key
 * services on one store) through a lock shared by the JVM, because an OS file lock is held by
 * the whole JVM and cannot exclude its own threads.
 */
public final class AuditLogLock implements AutoCloseable {

    private static final ConcurrentHashMap<Path, ReentrantLock> IN_THIS_JVM = new ConcurrentHashMap<>();

    private final Path lockFile;
    private final ReentrantLock jvmLock;
    private FileChannel channel;

    /** Released by {@link #close()}. */
    public interface Held extends AutoCloseable {
        @Override
        void close() throws IOException;
    }

    public AuditLogLock(Path log) throws IOException {
        this.lockFile = log.resolveSibling(log.getFileName() + ".lock");
        this.channel = openLockFile();
        this.jvmLock = IN_THIS_JVM.computeIfAbsent(lockFile.toRealPath(), p -> new ReentrantLock());
    }

    private FileChannel openLockFile() throws IOException {
        return OwnerOnlyFiles.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE));
    }

    /** Waits until this writer alone may append. */
    public Held acquire() throws IOException {
        jvmLock.lock();
        try {
            if (!channel.isOpen()) {
                channel = openLockFile(); // an interrupt during an earlier wait closed it
            }
            FileLock lock = channel.lock();
            return () -> {
                try {
                    lock.release();
                } finally {
                    jvmLock.unlock();
                }
            };
        } catch (IOException | RuntimeException | Error e) {
            jvmLock.unlock();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
