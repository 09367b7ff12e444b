package io.kmsjca.conformance;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A child JVM that holds a store's writers' lock ({@code NAME.lock}) as a writer in another
 * process does while it changes the store: prints {@code locked} once it holds the lock, and
 * lets go when its standard input ends or gets a line.
 */
public final class LockHolderMain {

    public static void main(String[] args) throws Exception {
        try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = ch.lock()) {
            System.out.println("locked");
            System.out.flush();
            System.in.read();
        }
    }
}
