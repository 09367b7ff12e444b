package io.kmsjca.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * docs/cli.md says every example in it is real output of docs/cli-walkthrough.sh. This runs the
 * walkthrough with the real {@code kms.jar} (and the real openssl, jq and xxd it calls) and holds
 * every example of cli.md that shows an exit code to what the walkthrough printed for the same
 * command: the same exit code and the same output, once what differs from run to run is masked
 * (key ids, times, base64 and hex blobs, the folder, table borders and padding, the user's name,
 * and in the audit commands the counts, which follow how many records came before). The
 * walkthrough's output is kept in {@code target/cli-walkthrough.out} to update cli.md from.
 */
@Tag("same-on-every-jdk") // the command layer: run once, on JDK 17 (README, "Supported JDKs")
class CliWalkthroughIT {

    private static final Path WALKTHROUGH = Path.of("../docs/cli-walkthrough.sh");
    private static final Path CLI_MD = Path.of("../docs/cli.md");
    private static final Pattern EXIT = Pattern.compile("^\\[exit (\\d+)]$");
    private static final Pattern CONSOLE = Pattern.compile("```console\n(.*?)```", Pattern.DOTALL);

    /** One command as shown: its first line after {@code $ }, its exit code and what it printed. */
    record Shown(String command, int exit, List<String> output) {
    }

    @TempDir
    Path dir;

    private static String command(boolean fullJit) {
        return Kms.javaCommand(fullJit).stream().map(CliWalkthroughIT::quoted).collect(Collectors.joining(" ")) + " \"$@\"";
    }

    @Test
    void everyExampleOfCliMd_isWhatTheWalkthroughPrints() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path work = Files.createDirectories(dir.resolve("work"));
        Path kms = bin.resolve("kms");
        Files.writeString(kms, "#!/usr/bin/env bash\ncase \" $* \" in\n"
                + Kms.LARGE_RSA.stream().map(spec -> "  *\" " + spec + " \"*) exec " + command(true) + ";;\n").collect(Collectors.joining())
                + "esac\nexec " + command(false) + "\n");
        assertTrue(kms.toFile().setExecutable(true));
        Kms.withStore(work); // the walkthrough's store, with a cheap KDF: its seventy commands each open it
        Path out = Path.of("target/cli-walkthrough.out").toAbsolutePath();
        ProcessBuilder b = new ProcessBuilder("bash", WALKTHROUGH.toAbsolutePath().toString(), work.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        b.environment().keySet().removeIf(k -> k.startsWith("KMS_"));
        b.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        assertEquals(0, b.start().waitFor(), "the walkthrough itself failed: " + out);

        String user = System.getProperty("user.name");
        Map<String, List<Shown>> ran = new LinkedHashMap<>();
        for (Shown s : shown(Files.readString(out))) {
            ran.computeIfAbsent(s.command(), c -> new ArrayList<>()).add(s);
        }
        List<Shown> documented = new ArrayList<>();
        Matcher console = CONSOLE.matcher(Files.readString(CLI_MD));
        while (console.find()) {
            for (String example : console.group(1).split("\n(?=\\$ )")) {
                documented.addAll(shown(example + "\n"));
            }
        }
        assertTrue(documented.size() >= 60, "cli.md's examples were not found: " + documented.size());

        List<String> wrong = new ArrayList<>();
        for (Shown doc : documented) {
            String command = doc.command().replace("\"root\"", "\"" + user + "\"").replace(" root ", " " + user + " ");
            List<Shown> runs = ran.get(command);
            if (runs == null) {
                wrong.add("cli.md shows a command the walkthrough does not run: $ " + doc.command());
                continue;
            }
            List<String> expected = masked(doc, "root");
            if (runs.stream().noneMatch(r -> r.exit() == doc.exit() && masked(r, user).equals(expected))) {
                Shown r = runs.get(0);
                wrong.add("$ " + doc.command() + "\n  cli.md:      [exit " + doc.exit() + "] " + expected
                        + "\n  walkthrough: [exit " + r.exit() + "] " + masked(r, user));
            }
        }
        if (!wrong.isEmpty()) {
            fail(wrong.size() + " of cli.md's " + documented.size() + " examples are not what the walkthrough prints"
                    + " (its output: " + out + "):\n" + String.join("\n", wrong));
        }
    }

    /** The commands in {@code text}, each a {@code $ } line, what follows it, and its {@code [exit N]} line. */
    static List<Shown> shown(String text) {
        List<Shown> all = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            Matcher exit = EXIT.matcher(line);
            if (!exit.matches()) {
                lines.add(line);
                continue;
            }
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith("$ ")) {
                    all.add(new Shown(lines.get(i).substring(2), Integer.parseInt(exit.group(1)),
                            List.copyOf(lines.subList(i + 1, lines.size()))));
                    break;
                }
            }
            lines.clear();
        }
        return all;
    }

    /** What a command printed, with what differs from run to run masked, as lines without padding. */
    static List<String> masked(Shown shown, String user) {
        String s = String.join("\n", shown.output());
        if (!user.equals("root")) {
            s = s.replaceAll("\\b" + Pattern.quote(user) + "\\b", "root");
        }
        s = s.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>")
                .replaceAll("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z", "<time>")
                .replaceAll("[A-Za-z0-9+/]{32,}={0,2}", "<blob>")
                .replaceAll("(/[^\\s/]+)+/(?=keys\\.kms|big)", "<dir>/");
        if (shown.command().contains("kms audit")) {
            s = s.replaceAll("\\d+", "#");
        }
        s = s.replaceAll("[-+]{3,}", "").replaceAll("[ \t|]+", " ");
        return s.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    private static String quoted(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
