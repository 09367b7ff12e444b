package io.kmsjca.conformance.fuzz;

import org.junit.jupiter.api.AfterAll;
import java.util.concurrent.atomic.AtomicLong;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Audit log lines: the verifier reports, it never throws for content. See {@link FuzzFixtures} for how fuzzing runs. */
class AuditLogLineFuzzTest {

    private static final AtomicLong RUNS = new AtomicLong();

    @AfterAll
    static void ranEnough() {
        FuzzFixtures.assertRanEnough("auditLogLine", RUNS.get());
    }

    @FuzzTest(maxDuration = "5s")
    void auditLogLine(byte[] input) throws IOException {
        RUNS.incrementAndGet();
        Path dir = Files.createTempDirectory("fuzz-audit");
        Path log = dir.resolve("audit.jsonl");
        try {
            Files.write(log, input);
            FuzzFixtures.KEYS.auditLogVerifier().verify(log); // a report, whatever the bytes: never an exception
        } finally {
            Files.deleteIfExists(log);
            Files.deleteIfExists(dir);
        }
    }
}
