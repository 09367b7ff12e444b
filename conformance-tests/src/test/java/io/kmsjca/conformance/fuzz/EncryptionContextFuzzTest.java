package io.kmsjca.conformance.fuzz;

import org.junit.jupiter.api.AfterAll;
import java.util.concurrent.atomic.AtomicLong;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kmsjca.internal.format.EncryptionContext;

/** The canonical encryption-context encoding: only IllegalArgumentException. See {@link FuzzFixtures} for how fuzzing runs. */
class EncryptionContextFuzzTest {

    private static final AtomicLong RUNS = new AtomicLong();

    @AfterAll
    static void ranEnough() {
        FuzzFixtures.assertRanEnough("encryptionContextEncoding", RUNS.get());
    }

    @FuzzTest(maxDuration = "5s")
    void encryptionContextEncoding(byte[] input) {
        RUNS.incrementAndGet();
        EncryptionContext context;
        try {
            context = EncryptionContext.decode(input);
        } catch (IllegalArgumentException expected) {
            return; // declared
        }
        // canonical: a context that decodes re-encodes to the same bytes, so one AAD means one context
        FuzzFixtures.assertReEncodes(input, context.encoded());
    }
}
