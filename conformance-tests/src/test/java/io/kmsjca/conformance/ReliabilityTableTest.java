package io.kmsjca.conformance;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.*;

/**
 * docs/reliability.md's table of guarantees names, for each, the tests that fail without it
 * ({@code `Class#method`} or {@code `Class`}). This test reads the table and checks that every
 * class it names is a test class of some module ({@code src/test/java}) and that every method it
 * names is declared in that class, so the table cannot keep naming a test that was renamed or
 * removed (issue #15).
 */
class ReliabilityTableTest {

    static final String TABLE_HEADING = "## Every guarantee, the test that fails without it, and the figure";
    private static final Pattern REFERENCE = Pattern.compile("`([A-Z][A-Za-z0-9]*)(?:#([A-Za-z_][A-Za-z0-9_]*))?`");

    @Test
    void everyTestTheTableNames_existsWithThatMethod() throws IOException {
        Path root = projectRoot();
        List<List<String>> rows = tableRows(Files.readString(root.resolve("docs/reliability.md"), UTF_8));
        assertTrue(rows.size() >= 40, "the table lists every guarantee, found " + rows.size() + " rows");
        Map<String, List<Path>> testClasses = testClasses(root);
        List<String> problems = new ArrayList<>();
        int references = 0;
        for (List<String> row : rows) {
            Matcher m = REFERENCE.matcher(row.get(1));
            int inRow = 0;
            while (m.find()) {
                inRow++;
                problems.addAll(check(m.group(1), m.group(2), testClasses));
            }
            if (inRow == 0) {
                problems.add("a guarantee without a test: " + row.get(0));
            }
            references += inRow;
        }
        assertEquals(List.of(), problems);
        assertTrue(references >= rows.size(), references + " references checked");
    }

    @Test
    void aRenamedTestOrMethod_isReported() {
        Map<String, List<Path>> testClasses = testClasses(projectRoot());
        assertEquals(List.of(), check("ReliabilityTableTest", "everyTestTheTableNames_existsWithThatMethod", testClasses));
        assertEquals(List.of("no test class NoSuchTest under any module's src/test/java"),
                check("NoSuchTest", null, testClasses));
        assertEquals(1, check("ReliabilityTableTest", "noSuchMethod", testClasses).size());
        assertEquals(2, tableRows(TABLE_HEADING + "\n\n| a | b | c |\n|---|---|---|\n| g1 | `X#y` | 1 |\n| g2 | `Z` | |\n\n"
                + "## Next\n| not | in | it |\n").size());
    }

    /** What is wrong with one reference: nothing, a missing class or a method its class does not declare. */
    static List<String> check(String className, String method, Map<String, List<Path>> testClasses) {
        List<Path> files = testClasses.get(className);
        if (files == null) {
            return List.of("no test class " + className + " under any module's src/test/java");
        }
        if (method == null) {
            return List.of();
        }
        Pattern declared = Pattern.compile("\\b" + Pattern.quote(method) + "\\s*\\(");
        for (Path file : files) {
            try {
                if (declared.matcher(Files.readString(file, UTF_8)).find()) {
                    return List.of();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return List.of("no method " + method + " in " + files);
    }

    /** The rows (cells, trimmed) of the table under {@link #TABLE_HEADING}, without its header and rule. */
    static List<List<String>> tableRows(String markdown) {
        int at = markdown.indexOf(TABLE_HEADING + "\n");
        assertTrue(at >= 0, "docs/reliability.md has the section \"" + TABLE_HEADING + "\"");
        List<List<String>> rows = new ArrayList<>();
        boolean inTable = false;
        for (String line : markdown.substring(at + TABLE_HEADING.length() + 1).split("\n")) {
            if (line.startsWith("|")) {
                inTable = true;
                List<String> cells = new ArrayList<>();
                for (String cell : line.substring(1).split("\\|", -1)) {
                    cells.add(cell.trim());
                }
                rows.add(cells);
            } else if (inTable || line.startsWith("#")) {
                break;
            }
        }
        assertTrue(rows.size() >= 2, "the section holds a table");
        return rows.subList(2, rows.size());
    }

    /** Every {@code src/test/java/**}{@code /Name.java} of the project by simple class name. */
    static Map<String, List<Path>> testClasses(Path root) {
        Map<String, List<Path>> byName = new HashMap<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path sources : modules.map(m -> m.resolve("src/test/java")).filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.walk(sources)) {
                    files.filter(p -> p.toString().endsWith(".java"))
                            .forEach(p -> byName.computeIfAbsent(p.getFileName().toString().replaceFirst("\\.java$", ""),
                                    k -> new ArrayList<>()).add(p));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return byName;
    }

    /** The folder holding docs/reliability.md: the project root, above this module's folder. */
    static Path projectRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docs/reliability.md")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new AssertionError("no docs/reliability.md above " + Path.of("").toAbsolutePath());
    }
}
