package io.kmsjca.conformance.fuzz;

import org.junit.jupiter.api.AfterAll;
import java.util.concurrent.atomic.AtomicLong;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kmsjca.internal.service.KeyStores;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/** The key store image, raw and as mutations of a valid one: only IOException. See {@link FuzzFixtures} for how fuzzing runs. */
class KeyStoreImageFuzzTest {

    private static final AtomicLong RUNS = new AtomicLong();

    @AfterAll
    static void ranEnough() {
        FuzzFixtures.assertRanEnough("keyStoreImage", RUNS.get());
    }

    @FuzzTest(maxDuration = "8s")
    void keyStoreImage(byte[] input) throws Exception {
        RUNS.incrementAndGet();
        // mutate a valid image where the fuzzer says, so the parser is reached past the tag check too
        byte[] image = input.length > 0 && input[0] == 0 ? FuzzFixtures.mutate(FuzzFixtures.STORE_IMAGE, input) : input;
        try {
            KeyStores.read(new ByteArrayInputStream(image), "pw".toCharArray(), FuzzFixtures.OPTIONS);
        } catch (IOException expected) {
            // CorruptStoreException, or a wrong password
        }
    }
}
