package io.kmsjca.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.codegen.docgen.manpage.ManPageGenerator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes the generated files of the {@code kms} distribution archive (cli's pom runs it at
 * prepare-package): the bash/zsh completion script from {@link AutoComplete}, and a man page per
 * command, written as AsciiDoc by picocli's {@link ManPageGenerator} and turned into troff by
 * {@link ManPageTroff}. Everything comes from the same picocli model as {@code kms --help}.
 *
 * <p>Arguments: the output folder, the version to print in the pages, and the build's
 * {@code project.build.outputTimestamp}, whose day dates the pages (so that two builds make the same files).
 */
public final class DistributionFiles {

    private DistributionFiles() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: DistributionFiles OUTPUT_DIR VERSION OUTPUT_TIMESTAMP");
        }
        Path out = Path.of(args[0]);
        String date = day(args[2]);
        CommandLine kms = KmsCommand.build();
        writeCompletion(kms, out.resolve("completion/kms"));
        forManPages(kms.getCommandSpec(), "kms-jca " + args[1]);
        Path adoc = emptied(out.resolve("adoc"));
        if (ManPageGenerator.generateManPage(adoc.toFile(), null, new boolean[0], true, kms.getCommandSpec()) != 0) {
            throw new IOException("picocli's ManPageGenerator failed");
        }
        Path man1 = emptied(out.resolve("man/man1"));
        List<Path> pages;
        try (Stream<Path> files = Files.list(adoc)) {
            pages = files.filter(f -> f.toString().endsWith(".adoc")).sorted().toList();
        }
        for (Path page : pages) {
            String name = page.getFileName().toString().replaceFirst("\\.adoc$", ".1");
            Files.writeString(man1.resolve(name), ManPageTroff.convert(Files.readAllLines(page, StandardCharsets.UTF_8), date),
                    StandardCharsets.UTF_8);
        }
    }

    /** The folder, created or emptied: a command removed since the last build leaves no page behind. */
    private static Path emptied(Path folder) throws IOException {
        Files.createDirectories(folder);
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        return folder;
    }

    /** The day (YYYY-MM-DD) of an outputTimestamp, ISO-8601 or seconds since the epoch as Maven allows. */
    static String day(String outputTimestamp) {
        boolean seconds = !outputTimestamp.isEmpty() && outputTimestamp.chars().allMatch(Character::isDigit);
        return (seconds ? Instant.ofEpochSecond(Long.parseLong(outputTimestamp)).toString() : outputTimestamp).substring(0, 10);
    }

    private static void writeCompletion(CommandLine kms, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, AutoComplete.bash("kms", kms), StandardCharsets.UTF_8);
    }

    /**
     * Readies the model for pages: a version without the JVM's (the pages must not depend on the
     * JDK that built them), and a footer heading, which picocli needs to print a footer: the
     * footer's first line ("Exit codes:", "Example:") becomes the heading.
     */
    private static void forManPages(CommandSpec spec, String version) {
        spec.versionProvider(() -> new String[] {version});
        UsageMessageSpec usage = spec.usageMessage();
        List<String> footer = new ArrayList<>(Arrays.asList(usage.footer()));
        while (!footer.isEmpty() && footer.get(0).isBlank()) {
            footer.remove(0);
        }
        if (usage.footerHeading().isEmpty() && !footer.isEmpty()) {
            String first = footer.remove(0).trim();
            usage.footerHeading(first.endsWith(":") ? first.substring(0, first.length() - 1) : first);
            usage.footer(footer.toArray(String[]::new));
        }
        spec.subcommands().values().forEach(sub -> forManPages(sub.getCommandSpec(), version));
    }
}
