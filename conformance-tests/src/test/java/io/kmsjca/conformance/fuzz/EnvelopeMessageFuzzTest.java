package io.kmsjca.conformance.fuzz;

import org.junit.jupiter.api.AfterAll;
import java.util.concurrent.atomic.AtomicLong;
import com.code_intelligence.jazzer.junit.FuzzTest;
import javax.crypto.Cipher;

/** The KMSEnvelope header and body, streamed in two parts: only doFinal's declared exceptions. See {@link FuzzFixtures} for how fuzzing runs. */
class EnvelopeMessageFuzzTest {

    private static final AtomicLong RUNS = new AtomicLong();

    @AfterAll
    static void ranEnough() {
        FuzzFixtures.assertRanEnough("envelopeMessage", RUNS.get());
    }

    @FuzzTest(maxDuration = "8s")
    void envelopeMessage(byte[] input) throws Exception {
        RUNS.incrementAndGet();
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
