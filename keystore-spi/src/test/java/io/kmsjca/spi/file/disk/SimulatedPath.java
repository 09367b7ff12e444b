package io.kmsjca.spi.file.disk;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;

/** A path of a {@link SimulatedDisk}: a real path, wrapped so that every use goes through the disk. */
final class SimulatedPath implements Path {

    final SimulatedFileSystem fs;
    final Path real;

    SimulatedPath(SimulatedFileSystem fs, Path real) {
        this.fs = fs;
        this.real = real;
    }

    private Path wrap(Path p) {
        return fs.wrap(p);
    }

    static Path unwrap(Path p) {
        if (p instanceof SimulatedPath s) {
            return s.real;
        }
        throw new ProviderMismatchException("not a path of the simulated disk: " + p);
    }

    /** The absolute, normalized real path: the key of the disk's model. */
    static Path realAbsolute(Path p) {
        return unwrap(p).toAbsolutePath().normalize();
    }

    @Override
    public FileSystem getFileSystem() {
        return fs;
    }

    @Override
    public boolean isAbsolute() {
        return real.isAbsolute();
    }

    @Override
    public Path getRoot() {
        return wrap(real.getRoot());
    }

    @Override
    public Path getFileName() {
        return wrap(real.getFileName());
    }

    @Override
    public Path getParent() {
        return wrap(real.getParent());
    }

    @Override
    public int getNameCount() {
        return real.getNameCount();
    }

    @Override
    public Path getName(int index) {
        return wrap(real.getName(index));
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
        return wrap(real.subpath(beginIndex, endIndex));
    }

    @Override
    public boolean startsWith(Path other) {
        return other instanceof SimulatedPath s && real.startsWith(s.real);
    }

    @Override
    public boolean endsWith(Path other) {
        return other instanceof SimulatedPath s && real.endsWith(s.real);
    }

    @Override
    public Path normalize() {
        return wrap(real.normalize());
    }

    @Override
    public Path resolve(Path other) {
        return wrap(real.resolve(unwrap(other)));
    }

    @Override
    public Path resolve(String other) {
        return wrap(real.resolve(other));
    }

    @Override
    public Path relativize(Path other) {
        return wrap(real.relativize(unwrap(other)));
    }

    @Override
    public URI toUri() {
        return URI.create("simdisk://" + real.toUri().getPath());
    }

    @Override
    public Path toAbsolutePath() {
        return wrap(real.toAbsolutePath());
    }

    @Override
    public Path toRealPath(LinkOption... options) throws IOException {
        return wrap(real.toRealPath(options));
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
        throw new UnsupportedOperationException("not simulated");
    }

    @Override
    public int compareTo(Path other) {
        return real.compareTo(unwrap(other));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SimulatedPath s && s.fs == fs && s.real.equals(real);
    }

    @Override
    public int hashCode() {
        return real.hashCode();
    }

    @Override
    public String toString() {
        return real.toString();
    }
}
