package io.kmsjca.spi.file.disk;

import io.kmsjca.spi.file.disk.SimulatedDisk.Op;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import static io.kmsjca.spi.file.disk.SimulatedPath.realAbsolute;
import static io.kmsjca.spi.file.disk.SimulatedPath.unwrap;

/** Every operation of the simulated file system: done on the real file, then told to the disk model. */
final class SimulatedFileSystemProvider extends FileSystemProvider {

    private final SimulatedFileSystem fs;
    private final FileSystemProvider real;

    SimulatedFileSystemProvider(SimulatedFileSystem fs) {
        this.fs = fs;
        this.real = fs.real.provider();
    }

    private SimulatedDisk disk() {
        return fs.disk;
    }

    @Override
    public String getScheme() {
        return "simdisk";
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        return fs;
    }

    @Override
    public Path getPath(URI uri) {
        throw new UnsupportedOperationException();
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        return newFileChannel(path, options, attrs);
    }

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        Path file = realAbsolute(path);
        if (Files.isDirectory(file)) {
            return new SimulatedChannel(disk(), FileChannel.open(file, options, attrs), null, null, file, true);
        }
        boolean writes = options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
        boolean creates = writes && (options.contains(StandardOpenOption.CREATE_NEW)
                || (options.contains(StandardOpenOption.CREATE) && Files.notExists(file)));
        if (creates) {
            disk().check(Op.CREATE, file);
        }
        long sizeBefore = Files.exists(file) ? Files.size(file) : 0;
        FileChannel channel = FileChannel.open(file, options, attrs);
        if (!writes) {
            return new SimulatedChannel(disk(), channel, null, null, file, false);
        }
        SimulatedDisk.Inode inode = creates ? disk().created(file) : disk().inode(file);
        if (options.contains(StandardOpenOption.TRUNCATE_EXISTING) && sizeBefore > 0) {
            disk().step(Op.TRUNCATE, file);
        }
        // force() reads the bytes it makes durable through a second descriptor: the file may be
        // renamed or opened append-only meanwhile
        return new SimulatedChannel(disk(), channel, FileChannel.open(file, StandardOpenOption.READ), inode, file, false);
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        DirectoryStream<Path> entries = Files.newDirectoryStream(unwrap(dir), p -> filter.accept(fs.wrap(p)));
        return new DirectoryStream<>() {
            @Override
            public Iterator<Path> iterator() {
                Iterator<Path> it = entries.iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Path next() {
                        return fs.wrap(it.next());
                    }
                };
            }

            @Override
            public void close() throws IOException {
                entries.close();
            }
        };
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        Path d = realAbsolute(dir);
        if (!Files.exists(d)) {
            disk().check(Op.CREATE_DIRECTORY, d);
        }
        Files.createDirectory(d, attrs);
        disk().directoryCreated(d);
    }

    @Override
    public void delete(Path path) throws IOException {
        Path p = realAbsolute(path);
        disk().check(Op.DELETE, p);
        Files.delete(p);
        disk().deleted(p);
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        Path to = realAbsolute(target);
        disk().check(Op.COPY, to);
        Files.copy(realAbsolute(source), to, options);
        disk().copied(to);
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        Path from = realAbsolute(source);
        Path to = realAbsolute(target);
        disk().check(Op.MOVE, to);
        Files.move(from, to, options);
        disk().moved(from, to);
    }

    @Override
    public boolean isSameFile(Path path, Path path2) throws IOException {
        return Files.isSameFile(unwrap(path), unwrap(path2));
    }

    @Override
    public boolean isHidden(Path path) throws IOException {
        return Files.isHidden(unwrap(path));
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
        return Files.getFileStore(unwrap(path));
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        real.checkAccess(unwrap(path), modes);
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        return real.getFileAttributeView(unwrap(path), type, options);
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        return real.readAttributes(unwrap(path), type, options);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        return real.readAttributes(unwrap(path), attributes, options);
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        real.setAttribute(unwrap(path), attribute, value, options);
    }
}
