package io.kmsjca.conformance.fuzz;

import org.junit.jupiter.api.Tag;
import io.kmsjca.conformance.Tags;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kmsjca.format.RootKeyHeader;

/** The root key header, whose KDF bounds are checked here: only IllegalArgumentException. See {@link FuzzFixtures} for how fuzzing runs. */
@Tag(Tags.SAME_ON_EVERY_JDK)
class RootKeyHeaderFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void rootKeyHeader(byte[] input) {
        try {
            RootKeyHeader.decode(input);
        } catch (IllegalArgumentException expected) {
            // declared: bounds are checked here, before any derivation
        }
    }
}
