package io.kmsjca.spi.file.disk;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.Set;

/** The file system of a {@link SimulatedDisk}: the default one, with every path wrapped. */
final class SimulatedFileSystem extends FileSystem {

    final SimulatedDisk disk;
    final FileSystem real;
    private final SimulatedFileSystemProvider provider;

    SimulatedFileSystem(SimulatedDisk disk) {
        this.disk = disk;
        this.real = java.nio.file.FileSystems.getDefault();
        this.provider = new SimulatedFileSystemProvider(this);
    }

    Path wrap(Path real) {
        return real == null ? null : new SimulatedPath(this, real);
    }

    @Override
    public FileSystemProvider provider() {
        return provider;
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public String getSeparator() {
        return real.getSeparator();
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        return () -> java.util.stream.StreamSupport.stream(real.getRootDirectories().spliterator(), false)
                .map(this::wrap).iterator();
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return real.getFileStores();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return real.supportedFileAttributeViews();
    }

    @Override
    public Path getPath(String first, String... more) {
        return wrap(real.getPath(first, more));
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        PathMatcher m = real.getPathMatcher(syntaxAndPattern);
        return p -> m.matches(((SimulatedPath) p).real);
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        return real.getUserPrincipalLookupService();
    }

    @Override
    public WatchService newWatchService() {
        throw new UnsupportedOperationException("not simulated");
    }
}
