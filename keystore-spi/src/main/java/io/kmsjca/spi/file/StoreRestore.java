package io.kmsjca.spi.file;

import io.kmsjca.spi.CorruptStoreException;
import io.kmsjca.spi.internal.AtomicFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Objects;

/**
 * Going back to a file store's state before its last change ({@link FileKeyRecordStore#restorePrevious},
 * which holds the writers' lock around it): the journal without its last entry or its damage, or
 * else {@code NAME.prev}; what is replaced is kept as {@code NAME.damaged} and
 * {@code NAME.journal.damaged}.
 */
final class StoreRestore {

    private StoreRestore() {
    }

    /** Restores the store in {@code file} (an absolute path); the caller holds the writers' lock. */
    static void restore(Path file, ImageAuthenticator.Factory factory) throws IOException {
        if (!dropLastJournalEntry(file, factory)) {
            restorePreviousImage(file, factory);
        }
    }

    /** The journal cut before its last entry, or before its damage; false if that is not what restoring means here. */
    private static boolean dropLastJournalEntry(Path file, ImageAuthenticator.Factory factory) throws IOException {
        Path journal = StoreJournal.of(file);
        if (!Files.exists(journal)) {
            return false;
        }
        byte[] image;
        ImageAuthenticator authenticator;
        try {
            image = StoreFiles.read(file);
            authenticator = Objects.requireNonNull(factory.forHeader(StoreImage.readHeader(image)));
            StoreImage.decode(image, authenticator);
        } catch (IOException damagedImage) {
            return false; // NAME.prev, if it opens
        }
        byte[] bytes = StoreFiles.readJournal(journal);
        StoreJournal.Contents contents;
        try {
            contents = StoreJournal.read(bytes, authenticator, true);
        } catch (CorruptStoreException damagedHeader) {
            moveAside(journal); // the image alone: before every change the journal held
            return true;
        }
        if (!Arrays.equals(contents.imageTag(), StoreImage.tagOf(image))) {
            moveAside(journal); // another generation's journal: the image alone
            return true;
        }
        long keep;
        if (contents.damaged()) {
            keep = contents.end();
        } else if (!contents.changes().isEmpty()) {
            keep = lastEntryStart(bytes, contents);
        } else {
            return false;
        }
        Files.copy(journal, damagedCopy(journal), StandardCopyOption.REPLACE_EXISTING);
        AtomicFiles.replace(journal, Arrays.copyOf(bytes, (int) keep));
        return true;
    }

    /** Where the last whole entry of {@code contents} starts. */
    private static long lastEntryStart(byte[] journal, StoreJournal.Contents contents) throws CorruptStoreException {
        long start = StoreJournal.HEADER_BYTES;
        long previous = start;
        while (start < contents.end()) {
            previous = start;
            start += StoreJournal.LENGTH + ByteBuffer.wrap(journal, (int) start, 4).getInt() + StoreJournal.TAG;
        }
        return previous;
    }

    private static void restorePreviousImage(Path file, ImageAuthenticator.Factory factory) throws IOException {
        byte[] image = StoreFiles.read(StoreFiles.previousGeneration(file));
        StoreImage.decode(image, Objects.requireNonNull(factory.forHeader(StoreImage.readHeader(image))));
        Path journal = StoreJournal.of(file);
        if (Files.exists(journal)) {
            moveAside(journal); // first: the damaged image's journal must not meet the restored image
        }
        if (Files.exists(file)) {
            Files.copy(file, damagedCopy(file), StandardCopyOption.REPLACE_EXISTING);
        }
        AtomicFiles.replace(file, image);
    }

    private static Path damagedCopy(Path p) {
        return p.resolveSibling(p.getFileName() + ".damaged");
    }

    /** Renames {@code p} to {@code p.damaged}, durably. */
    private static void moveAside(Path p) throws IOException {
        Files.move(p, damagedCopy(p), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.fsyncDirectory(p.toAbsolutePath().getParent());
    }
}
