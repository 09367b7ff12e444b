package io.kmsjca.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.kmsjca.audit.AuditLogVerifier;
import io.kmsjca.audit.AuditVerificationKey;
import io.kmsjca.audit.PublicKeyAuditLogVerifier;
import io.kmsjca.internal.audit.AuditRecords;
import io.kmsjca.keys.KeyService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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

/**
 * {@code kms audit tail}, {@code kms audit verify} and {@code kms audit public-key}: reading the
 * audit log kms-jca writes beside the store, and verifying it with the store or, as an auditor,
 * with the store's public key alone.
 */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Read and verify the audit log.",
        footer = {"", "Examples:", "  kms audit tail --lines 20 --output table", "  kms audit verify",
                "  kms audit public-key --out audit-key.pem", "  kms audit verify --public-key audit-key.pem keys.kms.audit.jsonl"})
final class AuditCommands {

    private static final List<String> COLUMNS = List.of("time", "operation", "outcome", "keyId", "keyVersion", "alias",
            "principal", "errorMessage");
    private static final long POLL_MILLIS = 200;

    @Command(mixinStandardHelpOptions = true, name = "tail", description = "The last records of the audit log (JSON Lines as written; text and table "
            + "show the main fields). Signature records are left out. Needs no password.",
            footer = {"", "Example:", "  kms audit tail --lines 5 --output text", "  kms audit tail --follow"})
    void tail(@Mixin Common common,
              @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "10", description = "How many records (default 10).") int lines,
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
                if (AuditRecords.isEvent(line)) { // neither a write's nor a signature record
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
                        .filter(AuditRecords::isEvent).toList());
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
            + "included), every signature record, and that the log still reaches the checkpoint the store keeps: exit 0 when "
            + "intact, 6 with the first altered, removed, inserted or reordered record, a forged or foreign signature, or a log "
            + "cut before its checkpoint. With --public-key, an auditor's check: no store and no password, the chain and the "
            + "signatures only (records after the last signature are reported as not signed yet; a log without any "
            + "signature exits 6).",
            footer = {"", "Examples:", "  kms audit verify --output text",
                    "  kms audit verify --public-key audit-key.pem /var/log/kms/keys.kms.audit.jsonl"})
    void verify(@Mixin Common common,
                @Option(names = "--public-key", paramLabel = "FILE", description = "The store's audit log public key (PEM, "
                        + "from 'kms audit public-key'): verify with it alone, without the store.") Path publicKey,
                @Parameters(index = "0", arity = "0..1", paramLabel = "LOG", description = "The audit log (default: "
                        + "--audit-log, $KMS_AUDIT_LOG, or the key store file + .audit.jsonl).") Path logArgument)
            throws IOException {
        Path log = logArgument != null ? logArgument : common.auditLogFile();
        if (Files.notExists(log)) {
            throw new CliException(ExitCode.FILE, "no audit log at " + log + " (pass --audit-log)");
        }
        AuditLogVerifier.Report report;
        if (publicKey != null) {
            report = new PublicKeyAuditLogVerifier(readKey(publicKey)).verify(log);
        } else {
            try (KeyService keys = common.openStore()) {
                report = keys.auditLogVerifier().verify(log);
            }
        }
        common.print(Shapes.result().with("Intact", report.intact()).with("Records", report.records())
                .with("LastSequenceNumber", report.lastSeq())
                .with("Signatures", report.signatures())
                .with("LastSignedSequenceNumber", report.lastSignedSeq())
                .with("UnsignedRecords", report.unsignedRecords())
                .with("Problem", report.problem() == null ? null : report.problem().name())
                .with("File", report.file() == null ? null : report.file().toString())
                .with("Line", report.problem() == null ? null : report.line())
                .with("Detail", report.detail()).with("TornTail", report.tornTail()));
        if (!report.intact()) {
            throw new CliException(ExitCode.AUDIT_TAMPERED, switch (report.problem()) {
                case TRUNCATED -> "the audit log was cut: ";
                case UNSIGNED -> "the audit log is not signed: ";
                case FORGED, WRONG_SIGNER -> "the audit log's signature does not hold: ";
                default -> "the audit log was altered: ";
            } + report.detail());
        }
        if (publicKey != null && report.unsignedRecords() > 0) {
            common.err().println("kms: the last " + report.unsignedRecords() + " records are not signed yet (after record "
                    + report.lastSignedSeq() + "): the public key does not vouch for them");
            common.err().flush();
        }
    }

    private static AuditVerificationKey readKey(Path file) throws IOException {
        if (Files.notExists(file)) {
            throw new CliException(ExitCode.FILE, "no public key at " + file);
        }
        if (Files.size(file) > 16 * 1024) {
            throw new CliException(ExitCode.USAGE, file + " is too large to be a PEM public key");
        }
        try {
            return AuditVerificationKey.fromPem(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException | java.nio.charset.CharacterCodingException e) {
            throw new CliException(ExitCode.USAGE, file + " is not the audit log's public key: " + e.getMessage());
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "public-key", description = "The store's audit log public key "
            + "(Ed25519, PEM 'PUBLIC KEY', X.509 SubjectPublicKeyInfo) and its SHA-256 fingerprint: hand it to auditors, "
            + "who verify the log with 'kms audit verify --public-key FILE' without the store or its password. Not a "
            + "secret; reading it needs the store's password.",
            footer = {"", "Example:", "  kms audit public-key --out audit-key.pem"})
    void publicKey(@Mixin Common common,
                   @Option(names = "--out", paramLabel = "FILE", description = "Write the PEM to FILE (replacing it) instead "
                           + "of printing it.") Path out) throws IOException {
        AuditVerificationKey key;
        try (KeyService keys = common.openStore()) {
            key = keys.auditLogVerificationKey();
        }
        if (out != null) {
            // never through a symbolic link planted at FILE, which would truncate whatever it points to
            Files.writeString(out, key.toPem(), StandardCharsets.US_ASCII, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS);
        }
        common.print(Shapes.result().with("Algorithm", "Ed25519").with("Fingerprint", key.fingerprint())
                .with(out != null ? "File" : "PublicKey", out != null ? out.toString() : key.toPem()));
    }
}
