package io.kmsjca.spi.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Whole-file replacement that a crash cannot tear: the old file or the new one, never a mix. */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    /** What goes into the new file, written to a stream; a failure leaves the target as it was. */
    @FunctionalInterface
    public interface Content<E extends Exception> {
        void writeTo(OutputStream out) throws IOException, E;
    }

    /** Replaces {@code target} with {@code bytes}, as {@link #replace(Path, Content)}. */
    public static void replace(Path target, byte[] bytes) throws IOException {
        replace(target, out -> out.write(bytes));
    }

    /**
     * Replaces {@code target} with what {@code content} writes: a temporary file in the same
     * folder (readable by its owner only), written and fsync'ed, renamed over the target, then
     * the folder fsync'ed so the rename survives a power cut. If {@code content} throws, the
     * temporary file is deleted and the target is untouched.
     */
    public static <E extends Exception> void replace(Path target, Content<E> content) throws IOException, E {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path temp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = Channels.newOutputStream(ch);
                content.writeTo(out);
                out.flush();
                ch.force(true);
            }
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (Exception e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup); // the first failure is the one to report
            }
            throw e;
        }
        fsyncDirectory(dir);
    }

    /** Forces {@code dir}'s list of names: what makes a create, rename or delete survive a power cut. */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a directory; the rename is then as durable as they allow.
            if (!System.getProperty("os.name", "").startsWith("Windows")) {
                throw e;
            }
        }
    }
}
