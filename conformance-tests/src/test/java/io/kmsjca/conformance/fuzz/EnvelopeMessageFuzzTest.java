package io.kmsjca.conformance.fuzz;

import org.junit.jupiter.api.Tag;
import io.kmsjca.conformance.Tags;
import com.code_intelligence.jazzer.junit.FuzzTest;
import javax.crypto.Cipher;

/** The KMSEnvelope header and body, streamed in two parts: only doFinal's declared exceptions. See {@link FuzzFixtures} for how fuzzing runs. */
@Tag(Tags.SAME_ON_EVERY_JDK)
class EnvelopeMessageFuzzTest {

    @FuzzTest(maxDuration = "8s")
    void envelopeMessage(byte[] input) throws Exception {
        Cipher c = Cipher.getInstance("KMSEnvelope", FuzzFixtures.PROVIDER);
        c.init(Cipher.DECRYPT_MODE, FuzzFixtures.KEY);
        try {
            int half = input.length / 2;
            c.update(input, 0, half);
            c.doFinal(input, half, input.length - half);
        } catch (javax.crypto.IllegalBlockSizeException | javax.crypto.BadPaddingException expected) {
            // declared
        }
    }
}
