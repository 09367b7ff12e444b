package io.kmsjca.internal.audit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files of one audit log: {@code NAME.000001}, {@code NAME.000002}, ... (rotated, oldest
 * first) and {@code NAME} (current). The hash chain runs across them in that order.
 */
public final class AuditLogFiles {

    private AuditLogFiles() {
    }

    /** The number of a rotated file's name: six digits, more past 999,999. */
    private static final Pattern NUMBER = Pattern.compile(".*\\.(\\d{6,9})");

    public static List<Path> inOrder(Path current) throws IOException {
        Path dir = current.toAbsolutePath().getParent();
        String name = current.getFileName().toString();
        Pattern rotated = Pattern.compile(Pattern.quote(name) + "\\.(\\d{6,9})");
        List<Path> files = new ArrayList<>();
        try (Stream<Path> all = Files.list(dir)) {
            all.filter(p -> rotated.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparingInt(AuditLogFiles::number)) // by number: 1000000 after 999999
                    .forEach(files::add);
        }
        if (Files.exists(current)) {
            files.add(current.toAbsolutePath());
        }
        return files;
    }

    /**
     * The name the current file gets when it is rotated away: one past the highest rotated file.
     * Lists the folder: a writer calls it once, then {@link #rotated} with the number it keeps.
     */
    public static Path nextRotated(Path current) throws IOException {
        int next = 1;
        for (Path p : inOrder(current)) {
            next = Math.max(next, number(p) + 1);
        }
        return rotated(current, next);
    }

    /** The rotated file of number {@code n}: {@code NAME.00000n}. */
    public static Path rotated(Path current, int n) {
        return current.resolveSibling(current.getFileName() + String.format(".%06d", n));
    }

    /** The number of a rotated file ({@code NAME.000042}: 42), or 0 for the current file. */
    public static int number(Path file) {
        Matcher m = NUMBER.matcher(file.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static final Set<StandardOpenOption> APPEND_OPTIONS = Set.of(StandardOpenOption.CREATE,
            StandardOpenOption.READ, StandardOpenOption.WRITE);

    /**
     * Opens the current log file to append to (owner-only if it is created) and fsyncs its folder,
     * so that the file's name is durable before a line is written to it: otherwise a power cut
     * could take the file, and every fsync'ed line in it, away with its name (and, after a
     * rotation, the rename too). Done at every open, not only when the file was created: the
     * writer that rotated it (in this JVM or another) may have been interrupted before its own
     * folder fsync. Opens are rare (a writer's start, a rotation, a file rotated away).
     */
    public static FileChannel openCurrent(Path current) throws IOException {
        FileChannel channel = OwnerOnlyFiles.open(current, APPEND_OPTIONS);
        try (FileChannel dir = FileChannel.open(current.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return channel;
    }
}
