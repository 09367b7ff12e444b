package io.kmsjca.conformance;

import io.kmsjca.audit.AuditLogVerifier.Report;
import io.kmsjca.audit.PublicKeyAuditLogVerifier;
import io.kmsjca.internal.audit.AuditLogSigner;
import io.kmsjca.internal.audit.AuditSigningKey;
import io.kmsjca.internal.audit.ChainedLogVerifier;
import io.kmsjca.internal.audit.JsonLinesAuditSink;
import io.kmsjca.internal.crypto.SecretBytes;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Both audit log verifiers check a log four times larger than the heap of the JVM that runs them
 * (a child JVM with {@code -Xmx16m} and a 64 MiB log): they read a line at a time and keep the
 * chain's position, not the lines. An earlier verifier read every line first and ran out of heap
 * on the hour-long soak's log (docs/reliability.md).
 */
class AuditLogVerifierMemoryTest {

    private static final long LOG_BYTES = 64L << 20;
    private static final String HEAP = "-Xmx16m";

    @TempDir
    static Path dir;
    private static Path log;
    private static long records;

    @BeforeAll
    static void writeALogLargerThanTheHeap() throws Exception {
        log = dir.resolve("audit.jsonl");
        JsonLinesAuditSink sink = new JsonLinesAuditSink(log, Verify.MAC, false, false, 8L << 20,
                new AuditLogSigner(AuditSigningKey.fromSeed(Verify.SEED.clone()), 1000, Duration.ofHours(1), Clock.systemUTC()));
        String padding = "p".repeat(700);
        long written = 0;
        for (int i = 0; written < LOG_BYTES; i++) {
            sink.onEvent(new AuditEvent(new UUID(1, i), Instant.parse("2026-03-01T10:00:00Z"), AuditOperation.ENCRYPT,
                    "k", 1, "k" + i, "alice", "os-user", AuditOutcome.SUCCESS, null, null, Map.of("pad", padding), "req",
                    "inst", "host", null, 0));
            if (i % 10_000 == 0) {
                written = size();
            }
        }
        sink.close();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                try (Stream<String> lines = Files.lines(f)) {
                    records += lines.count(); // the events, and the signature records between them
                }
            }
        }
    }

    private static long size() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.mapToLong(p -> p.toFile().length()).sum();
        }
    }

    @Test
    void theStoreVerifier_checksALogFourTimesItsHeap() throws Exception {
        ChildJvm.Result r = ChildJvm.java(List.of(HEAP), Verify.class, "mac", log.toString());
        assertEquals(0, r.exitCode(), r.all());
        assertTrue(r.stdout().contains("intact " + records + ":"), r.all());
    }

    @Test
    void thePublicKeyVerifier_checksALogFourTimesItsHeap() throws Exception {
        ChildJvm.Result r = ChildJvm.java(List.of(HEAP), Verify.class, "public", log.toString());
        assertEquals(0, r.exitCode(), r.all());
        assertTrue(r.stdout().contains("intact " + records + ":"), r.all());
    }

    /** The child: verifies the log with the MAC key or the public key, prints "intact N" and exits 0, or exits 3. */
    static final class Verify {
        static final SecretBytes MAC = new SecretBytes(new byte[32], "HmacSHA256");
        static final byte[] SEED = new byte[32];

        public static void main(String[] args) throws Exception {
            Path log = Path.of(args[1]);
            Report report = args[0].equals("mac")
                    ? new ChainedLogVerifier(MAC).verify(log)
                    : new PublicKeyAuditLogVerifier(AuditSigningKey.fromSeed(SEED.clone()).verificationKey()).verify(log);
            System.out.println((report.intact() ? "intact " : "broken ") + report.records() + ": " + report.detail());
            System.exit(report.intact() ? 0 : 3);
        }
    }
}
