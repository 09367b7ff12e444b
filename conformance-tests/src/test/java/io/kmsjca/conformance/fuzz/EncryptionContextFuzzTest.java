package io.kmsjca.conformance.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kmsjca.format.EncryptionContext;

/** The canonical encryption-context encoding: only IllegalArgumentException. See {@link FuzzFixtures} for how fuzzing runs. */
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
