package io.kmsjca.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The {@code kms} distribution archive that {@code mvn package} builds (target/kms-VERSION.tar.gz),
 * unpacked as a user would: its launcher run through symbolic links, its man pages, its bash
 * completion sourced in a real bash, and its entries' fixed times and owners.
 */
class DistributionArchiveIT {

    static final Path ARCHIVE = Path.of(System.getProperty("kms.dist", "target/kms-dist.tar.gz"));
    static final String NAME = System.getProperty("kms.dist.name", "kms");
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @TempDir
    static Path dir;
    static Path home;

    @BeforeAll
    static void unpack() throws Exception {
        Result tar = run(Map.of(), "tar", "-xzf", ARCHIVE.toAbsolutePath().toString(), "-C", dir.toString());
        assertEquals(0, tar.code, tar.toString());
        home = dir.resolve(NAME);
    }

    @Test
    void archive_holdsTheLauncherTheJarTheLicenceAndAReadme() throws IOException {
        assertTrue(Files.isExecutable(home.resolve("bin/kms")));
        assertTrue(Files.size(home.resolve("lib/kms.jar")) > 1_000_000, "the shaded jar, with its dependencies");
        assertTrue(Files.readString(home.resolve("LICENSE")).contains("Apache License"));
        assertTrue(Files.readString(home.resolve("NOTICE")).contains("kms-jca"));
        String readme = Files.readString(home.resolve("README"));
        assertTrue(readme.contains("tar -xzf " + NAME + ".tar.gz"), "the version filled in:\n" + readme);
    }

    @Test
    void launcher_runsThroughASymlinkChain_withTheJavaOnPath() throws Exception {
        // /tmp/x/path/kms -> /tmp/x/links/kms -> ../NAME/bin/kms: the launcher must find lib/ from the real file
        Path links = Files.createDirectories(dir.resolve("links"));
        Files.createSymbolicLink(links.resolve("kms"), Path.of("..", NAME, "bin", "kms"));
        Path path = Files.createDirectories(dir.resolve("path"));
        Files.createSymbolicLink(path.resolve("kms"), links.resolve("kms"));

        Result version = run(Map.of("PATH", Path.of(JAVA).getParent() + ":/usr/bin:/bin", "JAVA_HOME", ""),
                path.resolve("kms").toString(), "--version");
        assertEquals(0, version.code, version.toString());
        assertTrue(version.out.startsWith("kms-jca "), version.toString());
    }

    @Test
    void launcher_prefersJavaHome_andPassesKmsJavaOpts() throws Exception {
        // a JAVA_HOME whose java notes its arguments, then runs the real one
        Path fakeHome = Files.createDirectories(dir.resolve("jdk/bin")).getParent();
        Path calls = dir.resolve("java-calls");
        Path java = fakeHome.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\necho \"$@\" >> '" + calls + "'\nexec '" + JAVA + "' \"$@\"\n");
        assertTrue(java.toFile().setExecutable(true));
        Path link = Files.createDirectories(dir.resolve("elsewhere")).resolve("kms");
        Files.createSymbolicLink(link, home.resolve("bin/kms"));

        Result help = run(Map.of("JAVA_HOME", fakeHome.toString(), "KMS_JAVA_OPTS", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1"),
                link.toString(), "list-keys", "--help");
        assertEquals(0, help.code, help.toString());
        assertTrue(help.out.startsWith("Usage: kms list-keys"), help.toString());
        assertTrue(help.out.contains("--limit"), help.toString());
        assertEquals("-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar " + home.toRealPath().resolve("lib/kms.jar")
                + " list-keys --help\n", Files.readString(calls));
    }

    @Test
    void manPages_forTheCommandAndEachSubcommand_nameTheirOptions() throws IOException {
        Path man1 = home.resolve("share/man/man1");
        CommandLine kms = KmsCommand.build();
        String top = Files.readString(man1.resolve("kms.1"));
        assertTrue(top.startsWith(".TH \"KMS\" 1 "), top);
        for (String command : kms.getSubcommands().keySet()) {
            assertTrue(top.contains(".TP\n\\fB" + troff(command) + "\\fR\n"), command + " missing from kms.1");
            assertTrue(Files.exists(man1.resolve("kms-" + command + ".1")), "no page for " + command);
        }
        assertTrue(top.contains(".SH \"EXIT CODES\""), top);

        String createKey = Files.readString(man1.resolve("kms-create-key.1"));
        assertTrue(createKey.startsWith(".TH \"KMS\\-CREATE\\-KEY\" 1 "), createKey);
        List<String> terms = terms(createKey);
        for (OptionSpec option : kms.getSubcommands().get("create-key").getCommandSpec().options()) {
            String name = troff(option.longestName());
            assertTrue(terms.stream().anyMatch(t -> t.contains(name)), option.longestName() + " missing from " + terms);
        }
        assertTrue(createKey.contains(".SH \"EXAMPLE"), createKey);
    }

    @Test
    void manPage_rendersWithMan() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/man")), "man is not installed");
        Result page = run(Map.of("MANWIDTH", "100", "MAN_KEEP_FORMATTING", ""), "man", "-l",
                home.resolve("share/man/man1/kms-create-key.1").toString());
        assertEquals(0, page.code, page.toString());
        assertTrue(page.out.contains("kms create-key [-hV]"), page.out);
        assertTrue(page.out.contains("--rotation-period-in-days=DAYS"), page.out);
    }

    @Test
    void bashCompletion_proposesTheSubcommandsForAPrefix() throws Exception {
        // as bash does on TAB: the function that 'complete -p kms' names, with COMP_WORDS and COMP_CWORD set
        String script = "source \"$1\"\n"
                + "fn=$(complete -p kms | sed -E 's/.* -F ([^ ]+) .*/\\1/')\n"
                + "COMP_WORDS=(kms cre); COMP_CWORD=1; COMP_LINE='kms cre'; COMP_POINT=${#COMP_LINE}\n"
                + "\"$fn\" kms cre kms\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        Result bash = run(Map.of(), "bash", "--norc", "--noprofile", "-c", script, "bash",
                home.resolve("share/bash-completion/completions/kms").toString());
        assertEquals(0, bash.code, bash.toString());
        TreeSet<String> expected = new TreeSet<>();
        KmsCommand.build().getSubcommands().keySet().stream().filter(c -> c.startsWith("cre")).forEach(expected::add);
        assertTrue(expected.contains("create-key"));
        assertEquals(expected, new TreeSet<>(Arrays.asList(bash.out.strip().split("\n"))), bash.toString());
    }

    @Test
    void entries_haveTheBuildTimestamp_andRootAsOwner() throws Exception {
        Result list = run(Map.of("TZ", "UTC"), "tar", "--numeric-owner", "--full-time", "-tvzf", ARCHIVE.toAbsolutePath().toString());
        assertEquals(0, list.code, list.toString());
        String when = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC)
                .format(Instant.parse(System.getProperty("kms.outputTimestamp", "2026-12-03T00:00:00Z")));
        List<String> lines = list.out.lines().toList();
        assertTrue(lines.size() > 60, list.out);
        for (String line : lines) {
            assertTrue(line.contains(" 0/0 ") && line.contains(" " + when + " "), line);
        }
    }

    /** The terms of a page's lists: the line after each .TP. */
    private static List<String> terms(String page) {
        List<String> lines = page.lines().toList();
        List<String> terms = new ArrayList<>();
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).equals(".TP")) {
                terms.add(lines.get(i + 1));
            }
        }
        return terms;
    }

    private static String troff(String text) {
        return text.replace("-", "\\-");
    }

    record Result(int code, String out, String err) {
    }

    private static Result run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        Process p = builder.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 120 s");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
