package io.kmsjca.conformance.fuzz;

import org.junit.jupiter.api.AfterAll;
import java.util.concurrent.atomic.AtomicLong;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kmsjca.internal.format.RootKeyHeader;

/** The root key header, whose KDF bounds are checked here: only IllegalArgumentException. See {@link FuzzFixtures} for how fuzzing runs. */
class RootKeyHeaderFuzzTest {

    private static final AtomicLong RUNS = new AtomicLong();

    @AfterAll
    static void ranEnough() {
        FuzzFixtures.assertRanEnough("rootKeyHeader", RUNS.get());
    }

    @FuzzTest(maxDuration = "5s")
    void rootKeyHeader(byte[] input) {
        RUNS.incrementAndGet();
        RootKeyHeader header;
        try {
            header = RootKeyHeader.decode(input);
        } catch (IllegalArgumentException expected) {
            return; // declared: bounds are checked here, before any derivation
        }
        // one encoding per header: what decodes re-encodes to the same bytes, or two inputs would mean one header
        FuzzFixtures.assertReEncodes(input, header.encode());
    }
}
