package io.kmsjca.conformance.fuzz;

import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsProvider;

import java.time.Duration;

/**
 * What the fuzz tests share: a store with one key, and a valid store image to mutate.
 *
 * <p>Jazzer fuzzes one test per JVM, so each parser has its own class; the build runs them in a
 * separate surefire execution with {@code JAZZER_FUZZ=1}, a new JVM per class, the
 * {@code maxDuration} of each, and instrumentation of {@code io.kmsjca.**}. Longer runs:
 * {@code JAZZER_FUZZ=1 mvn -pl conformance-tests test -Dtest=KeyStoreImageFuzzTest
 * -Djazzer.max_duration=10m}. Crashers are saved under {@code src/test/resources/io/kmsjca/conformance/fuzz}
 * and replayed, with every other saved input, in the default test run of every build (Jazzer's
 * regression mode). A fuzzing run asserts that each target ran at least {@link #MIN_FUZZ_RUNS}
 * times, so a target that stopped early or barely ran fails instead of passing.
 */
final class FuzzFixtures {

    static final KmsProvider PROVIDER = new KmsProvider();
    static final KeyServiceOptions OPTIONS = KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests())
            .withMaintenanceInterval(Duration.ZERO);
    static final KeyService KEYS = KeyStores.newInMemory(OPTIONS);
    static final KmsKeyHandle KEY;
    static final byte[] STORE_IMAGE;

    static {
        try {
            KEY = KEYS.createKey("fuzz", "");
            var out = new java.io.ByteArrayOutputStream();
            KeyStores.write(KEYS, out, "pw".toCharArray());
            STORE_IMAGE = out.toByteArray();
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Executions each target must reach in a fuzzing run. Far under what any target makes (3,800 to
     * 500,000 on an idle 2-core machine, about 1,000 with the machine fully loaded), so it never
     * fails for a slow machine, only for a target that stopped fuzzing or never started.
     */
    static final long MIN_FUZZ_RUNS = 100;

    private FuzzFixtures() {
    }

    /** Whether this JVM fuzzes (JAZZER_FUZZ set) rather than replaying the saved inputs. */
    static boolean fuzzing() {
        String mode = System.getenv("JAZZER_FUZZ");
        return mode != null && !mode.isEmpty() && !mode.equals("0");
    }

    /** Reports a target's executions, and fails a fuzzing run that made fewer than the floor. */
    static void assertRanEnough(String target, long runs) {
        System.out.println("fuzz target " + target + ": " + runs + " executions" + (fuzzing() ? "" : " (saved inputs replayed)"));
        if (fuzzing() && runs < MIN_FUZZ_RUNS) {
            throw new AssertionError("fuzz target " + target + " ran " + runs + " times, under the floor of " + MIN_FUZZ_RUNS);
        }
        if (runs == 0) {
            throw new AssertionError("fuzz target " + target + " never ran");
        }
    }

    /** A decoded input must encode back to exactly its bytes (one encoding per value). */
    static void assertReEncodes(byte[] input, byte[] reEncoded) {
        if (!java.util.Arrays.equals(input, reEncoded)) {
            throw new AssertionError("an input decoded, but re-encodes to other bytes (" + input.length + " in, "
                    + reEncoded.length + " out)");
        }
    }

    /** A valid input with bytes flipped where the fuzzer says, so parsers are reached past their first checks. */
    static byte[] mutate(byte[] valid, byte[] input) {
        byte[] copy = valid.clone();
        for (int i = 1; i + 2 < input.length; i += 3) {
            int at = ((input[i] & 0xFF) << 8 | (input[i + 1] & 0xFF)) % copy.length;
            copy[at] ^= input[i + 2];
        }
        return copy;
    }
}
