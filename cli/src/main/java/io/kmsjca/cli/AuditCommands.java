package io.kmsjca.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.kmsjca.audit.AuditLogVerifier;
import io.kmsjca.keys.KeyService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/** {@code kms audit tail} and {@code kms audit verify}: reading the audit log kms-jca writes beside the store. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Read and verify the audit log.",
        footer = {"", "Examples:", "  kms audit tail --lines 20 --output table", "  kms audit verify"})
final class AuditCommands {

    private static final List<String> COLUMNS = List.of("time", "operation", "outcome", "keyId", "keyVersion", "alias",
            "principal", "errorMessage");
    private static final long POLL_MILLIS = 200;

    @Command(mixinStandardHelpOptions = true, name = "tail", description = "The last records of the audit log (JSON Lines as written; text and table "
            + "show the main fields). Needs no password.",
            footer = {"", "Example:", "  kms audit tail --lines 5 --output text", "  kms audit tail --follow"})
    void tail(@Mixin Common common,
              @Option(names = {"-n", "--lines"}, defaultValue = "10", description = "How many records (default 10).") int lines,
              @Option(names = {"-f", "--follow"}, description = "Keep printing records as they are written, until interrupted.")
              boolean follow) throws IOException, InterruptedException {
        if (lines < 0) {
            throw new CliException(ExitCode.USAGE, "--lines must be 0 or more");
        }
        Path log = common.auditLogFile();
        if (Files.notExists(log) && !follow) {
            throw new CliException(ExitCode.FILE, "no audit log at " + log + " (nothing was recorded yet, or pass --audit-log)");
        }
        long position = 0;
        Deque<String> last = new ArrayDeque<>();
        if (Files.exists(log)) {
            byte[] all = Files.readAllBytes(log);
            int end = completeLength(all, all.length);
            for (String line : new String(all, 0, end, StandardCharsets.UTF_8).split("\n")) {
                if (!line.isEmpty()) {
                    last.addLast(line);
                    if (last.size() > lines) {
                        last.removeFirst();
                    }
                }
            }
            position = end;
        }
        print(common, List.copyOf(last));
        if (follow) {
            // on standard error, so the records on standard output stay clean: tells a person (and a
            // script waiting for it) that every record from here on will be printed
            common.err().println("kms: following " + log + " (interrupt to stop)");
            common.err().flush();
        }
        while (follow) {
            Thread.sleep(POLL_MILLIS);
            long size = Files.exists(log) ? Files.size(log) : 0;
            if (size < position) {
                position = 0; // rotated: the new current file starts empty
            }
            if (size > position) {
                byte[] fresh;
                try (InputStream in = Files.newInputStream(log)) {
                    in.skipNBytes(position);
                    fresh = in.readNBytes((int) Math.min(size - position, 1 << 24));
                }
                int end = completeLength(fresh, fresh.length);
                position += end;
                print(common, Arrays.stream(new String(fresh, 0, end, StandardCharsets.UTF_8).split("\n"))
                        .filter(l -> !l.isEmpty()).toList());
            }
        }
    }

    /** The length up to and including the last newline: a line being written is not printed half. */
    private static int completeLength(byte[] bytes, int len) {
        int end = len;
        while (end > 0 && bytes[end - 1] != '\n') {
            end--;
        }
        return end;
    }

    private static void print(Common common, List<String> records) {
        PrintWriter out = common.out();
        if (common.output == Output.Format.json) {
            records.forEach(out::println);
            out.flush();
            return;
        }
        List<Shapes.Result> rows = records.stream().map(AuditCommands::columns).toList();
        if (common.output == Output.Format.table) {
            Output.print(out, common.output, null, "audit", Map.of("Records", rows));
        } else {
            rows.forEach(r -> Output.print(out, common.output, null, "audit", r));
        }
    }

    private static Shapes.Result columns(String line) {
        Shapes.Result row = Shapes.result();
        try {
            JsonObject record = JsonParser.parseString(line).getAsJsonObject();
            for (String c : COLUMNS) {
                JsonElement v = record.get(c);
                row.with(c, v == null || v.isJsonNull() ? "-" : v.getAsString());
            }
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException e) {
            row.with("time", "-").with("operation", "(not an audit record: run 'kms audit verify')");
        }
        return row;
    }

    @Command(mixinStandardHelpOptions = true, name = "verify", description = "Check every record's HMAC and the hash chain of the whole log (rotated files "
            + "included), and that the log still reaches the checkpoint the store keeps: exit 0 when intact, 6 with the "
            + "first altered, removed, inserted or reordered record, or a log cut before its checkpoint.",
            footer = {"", "Example:", "  kms audit verify --output text"})
    void verify(@Mixin Common common) throws IOException {
        Path log = common.auditLogFile();
        if (Files.notExists(log)) {
            throw new CliException(ExitCode.FILE, "no audit log at " + log + " (pass --audit-log)");
        }
        AuditLogVerifier.Report report;
        try (KeyService keys = common.openStore()) {
            report = keys.auditLogVerifier().verify(log);
        }
        common.print(Shapes.result().with("Intact", report.intact()).with("Records", report.records())
                .with("LastSequenceNumber", report.lastSeq())
                .with("Problem", report.problem() == null ? null : report.problem().name())
                .with("File", report.file() == null ? null : report.file().toString())
                .with("Line", report.problem() == null ? null : report.line())
                .with("Detail", report.detail()).with("TornTail", report.tornTail()));
        if (!report.intact()) {
            throw new CliException(ExitCode.AUDIT_TAMPERED, (report.problem() == AuditLogVerifier.Problem.TRUNCATED
                    ? "the audit log was cut: " : "the audit log was altered: ") + report.detail());
        }
    }
}
