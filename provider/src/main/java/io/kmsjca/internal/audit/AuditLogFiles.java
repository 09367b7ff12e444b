package io.kmsjca.internal.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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

    public static List<Path> inOrder(Path current) throws IOException {
        Path dir = current.toAbsolutePath().getParent();
        String name = current.getFileName().toString();
        Pattern rotated = Pattern.compile(Pattern.quote(name) + "\\.(\\d{6})");
        List<Path> files = new ArrayList<>();
        try (Stream<Path> all = Files.list(dir)) {
            all.filter(p -> rotated.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .forEach(files::add);
        }
        if (Files.exists(current)) {
            files.add(current.toAbsolutePath());
        }
        return files;
    }

    /** The name the current file gets when it is rotated away. */
    public static Path nextRotated(Path current) throws IOException {
        List<Path> files = inOrder(current);
        int next = 1;
        for (Path p : files) {
            Matcher m = Pattern.compile(".*\\.(\\d{6})").matcher(p.getFileName().toString());
            if (m.matches()) {
                next = Math.max(next, Integer.parseInt(m.group(1)) + 1);
            }
        }
        return current.resolveSibling(current.getFileName() + String.format(".%06d", next));
    }
}
