package io.kmsjca.internal.audit;

import io.kmsjca.audit.AuditOptions;
import io.kmsjca.internal.service.LifecycleFixture;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kmsjca.audit.AuditLogVerifier.Report;
import io.kmsjca.internal.crypto.SecretBytes;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rotated audit files: numbered past six digits in the right order, and a writer that keeps the
 * next number never renames over a file another writer rotated meanwhile.
 */
class AuditLogRotationTest {

    @TempDir
    Path dir;

    @Test
    void rotatedFilesAreOrderedByNumberPastSixDigits() throws Exception {
        Path log = dir.resolve("audit.jsonl");
        for (String n : List.of("999998", "1000000", "999999", "000001")) {
            Files.writeString(dir.resolve("audit.jsonl." + n), n);
        }
        Files.writeString(log, "current");
        List<String> names = AuditLogFiles.inOrder(log).stream().map(p -> p.getFileName().toString()).toList();
        assertEquals(List.of("audit.jsonl.000001", "audit.jsonl.999998", "audit.jsonl.999999", "audit.jsonl.1000000",
                "audit.jsonl"), names);
        assertEquals(dir.resolve("audit.jsonl.1000001"), AuditLogFiles.nextRotated(log));
        assertEquals(1_000_000, AuditLogFiles.number(dir.resolve("audit.jsonl.1000000")));
        assertEquals(0, AuditLogFiles.number(log));
    }

    private final SecretBytes mac = new SecretBytes(new byte[32], "HmacSHA256");

    private static AuditEvent event(int i) {
        return new AuditEvent(new java.util.UUID(1, i), java.time.Instant.parse("2026-03-01T10:00:00Z"),
                AuditOperation.ENCRYPT, "k", 1, "k" + i, "alice", "os-user", AuditOutcome.SUCCESS, null, null,
                java.util.Map.of(), "req", "inst", "host", null, 0);
    }

    @Test
    void aWriterWhoseFileAnotherWriterRotatedAway_writesOnInTheNewCurrentFile() throws Exception {
        Path log = dir.resolve("audit.jsonl");
        JsonLinesAuditSink rotating = new JsonLinesAuditSink(log, mac, false, false, 2048);
        JsonLinesAuditSink other = new JsonLinesAuditSink(log, mac, false, false, 1 << 20);
        Path first = AuditLogFiles.rotated(log, 1);
        int n = 0;
        while (!Files.exists(first)) {
            rotating.onEvent(event(n++));
        }
        byte[] rotated = Files.readAllBytes(first);
        other.onEvent(event(n++));
        rotating.close();
        other.close();
        assertArrayEquals(rotated, Files.readAllBytes(first), "a rotated file is never written again");
        assertEquals(1, Files.readAllLines(log, StandardCharsets.UTF_8).size());
        Report report = new ChainedLogVerifier(mac).verify(log);
        assertTrue(report.intact(), report.detail());
        assertEquals(n, report.records());
    }

    @Test
    void aRotationNeverReplacesAFileAnotherWriterRotatedMeanwhile() throws Exception {
        Path log = dir.resolve("audit.jsonl");
        KeyServiceOptions options = KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests())
                .withMaintenanceInterval(Duration.ZERO)
                .withAudit(AuditOptions.DEFAULTS.withListeners(false, List.of(), false).withFile(log, false, 4096));
        try (KeyService keys = KeyStores.openFile(dir.resolve("keys.kms"), LifecycleFixture.PASSWORD, options)) {
            for (int i = 0; AuditLogFiles.inOrder(log).size() < 3; i++) { // two rotations: the writer knows its next number
                keys.createKey("k" + i, "");
            }
            int next = AuditLogFiles.number(AuditLogFiles.nextRotated(log));
            Path taken = AuditLogFiles.rotated(log, next);
            Files.writeString(taken, "another writer's rotated file\n"); // as if another process rotated first
            int before = AuditLogFiles.inOrder(log).size();
            for (int i = 0; AuditLogFiles.inOrder(log).size() == before; i++) {
                keys.createKey("m" + i, "");
            }
            assertEquals("another writer's rotated file\n", Files.readString(taken), "never renamed over");
            assertTrue(Files.exists(AuditLogFiles.rotated(log, next + 1)), "the rotation took the next free number");
        }
    }
}
