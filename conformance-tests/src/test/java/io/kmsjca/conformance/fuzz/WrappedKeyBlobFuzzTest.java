package io.kmsjca.conformance.fuzz;

import org.junit.jupiter.api.AfterAll;
import java.util.concurrent.atomic.AtomicLong;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.security.InvalidKeyException;
import javax.crypto.Cipher;

/** The KMSWrap blob parser, through unwrap and decrypt: only their declared exceptions. See {@link FuzzFixtures} for how fuzzing runs. */
class WrappedKeyBlobFuzzTest {

    private static final AtomicLong RUNS = new AtomicLong();

    @AfterAll
    static void ranEnough() {
        FuzzFixtures.assertRanEnough("wrappedKeyBlob", RUNS.get());
    }

    @FuzzTest(maxDuration = "8s")
    void wrappedKeyBlob(byte[] input) throws Exception {
        RUNS.incrementAndGet();
        Cipher c = Cipher.getInstance("KMSWrap", FuzzFixtures.PROVIDER);
        c.init(Cipher.UNWRAP_MODE, FuzzFixtures.KEY);
        try {
            c.unwrap(input, "AES", Cipher.SECRET_KEY);
        } catch (InvalidKeyException expected) {
            // the one exception unwrap declares for bad input
        }
        c.init(Cipher.DECRYPT_MODE, FuzzFixtures.KEY);
        try {
            c.doFinal(input);
        } catch (javax.crypto.IllegalBlockSizeException | javax.crypto.BadPaddingException expected) {
            // doFinal's declared exceptions (AEADBadTagException is a BadPaddingException)
        }
    }
}
