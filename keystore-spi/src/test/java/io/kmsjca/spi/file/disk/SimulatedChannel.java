package io.kmsjca.spi.file.disk;

import io.kmsjca.spi.file.disk.SimulatedDisk.Op;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

/**
 * A channel of the simulated disk: reads and writes go to the real file (the page cache);
 * {@link #force} makes the inode's bytes durable, or, on a folder, its list of names.
 */
final class SimulatedChannel extends FileChannel {

    private final SimulatedDisk disk;
    private final FileChannel real;
    private final FileChannel reader;
    private final SimulatedDisk.Inode inode;
    private final Path file;
    private final boolean directory;

    /** {@code reader} and {@code inode} are null for a read-only channel or a folder. */
    SimulatedChannel(SimulatedDisk disk, FileChannel real, FileChannel reader, SimulatedDisk.Inode inode, Path file,
                     boolean directory) {
        this.disk = disk;
        this.directory = directory;
        this.real = real;
        this.reader = reader;
        this.inode = inode;
        this.file = file;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return real.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return real.read(dsts, offset, length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        try {
            disk.check(Op.WRITE, file);
        } catch (SimulatedDisk.DiskFull full) {
            ByteBuffer half = src.slice().limit(src.remaining() / 2);
            real.write(half);
            src.position(src.position() + half.position());
            disk.step(Op.WRITE, file);
            throw full;
        }
        int n = real.write(src);
        disk.step(Op.WRITE, file);
        return n;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        disk.check(Op.WRITE, file);
        long n = real.write(srcs, offset, length);
        disk.step(Op.WRITE, file);
        return n;
    }

    @Override
    public long position() throws IOException {
        return real.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        real.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return real.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        disk.check(Op.TRUNCATE, file);
        real.truncate(size);
        disk.step(Op.TRUNCATE, file);
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        if (directory) {
            disk.check(Op.FORCE_DIRECTORY, file);
            real.force(metaData);
            disk.directoryForced(file);
            return;
        }
        disk.check(Op.FORCE, file);
        real.force(metaData);
        if (inode != null) {
            disk.forced(inode, readAll(), file);
        }
    }

    private byte[] readAll() throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(reader.size()));
        while (buf.hasRemaining() && reader.read(buf, buf.position()) >= 0) {
            // positional reads until the whole file is in
        }
        return buf.array();
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return real.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        disk.check(Op.WRITE, file);
        long n = real.transferFrom(src, position, count);
        disk.step(Op.WRITE, file);
        return n;
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return real.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        disk.check(Op.WRITE, file);
        int n = real.write(src, position);
        disk.step(Op.WRITE, file);
        return n;
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) {
        throw new UnsupportedOperationException("memory-mapped files are not simulated");
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return real.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return real.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        try {
            real.close();
        } finally {
            if (reader != null) {
                reader.close();
            }
        }
    }
}
