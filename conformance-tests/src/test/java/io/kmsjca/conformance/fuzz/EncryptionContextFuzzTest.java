package io.kmsjca.conformance.fuzz;

import org.junit.jupiter.api.Tag;
import io.kmsjca.conformance.Tags;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kmsjca.format.EncryptionContext;

/** The canonical encryption-context encoding: only IllegalArgumentException. See {@link FuzzFixtures} for how fuzzing runs. */
@Tag(Tags.SAME_ON_EVERY_JDK)
class EncryptionContextFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void encryptionContextEncoding(byte[] input) {
        try {
            EncryptionContext.decode(input);
        } catch (IllegalArgumentException expected) {
            // declared
        }
    }
}
