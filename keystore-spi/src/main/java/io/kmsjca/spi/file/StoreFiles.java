package io.kmsjca.spi.file;

import io.kmsjca.spi.CorruptStoreException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where a file store's files are, reading them whole, each size bounded before it is read, and
 * removing what a killed writer left.
 */
final class StoreFiles {

    private StoreFiles() {
    }

    /** Where the generation before the last compaction's change is kept: {@code NAME.prev}. */
    static Path previousGeneration(Path file) {
        return file.toAbsolutePath().resolveSibling(file.getFileName() + ".prev");
    }

    /** Removes {@code .NAME.*.tmp} files: never renamed, so never part of the store. Under the writers' lock only. */
    static void removeOrphanTemporaryFiles(Path file) throws IOException {
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

    /**
     * Reads one whole image: size and bytes come from one open channel, which keeps the file it
     * opened even if a writer renames a newer generation over it meanwhile.
     */
    static byte[] read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            StoreImage.checkSize(size);
            return readAt(ch, 0, (int) size);
        }
    }

    static byte[] readJournal(Path journal) throws IOException {
        try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > StoreJournal.MAX_JOURNAL_BYTES) {
                throw new CorruptStoreException("key store journal is " + size + " bytes, more than the "
                        + StoreJournal.MAX_JOURNAL_BYTES + " allowed");
            }
            return readAt(ch, 0, (int) size);
        }
    }

    static byte[] readAt(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        long at = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, at);
            if (n < 0) {
                throw new CorruptStoreException("key store file ended before its " + (position + length) + " bytes were read");
            }
            at += n;
        }
        return buf.array();
    }
}
