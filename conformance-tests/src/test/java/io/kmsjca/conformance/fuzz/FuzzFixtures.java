package io.kmsjca.conformance.fuzz;

import io.kmsjca.crypto.Argon2Params;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KeyStores;
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
 * and run as regression tests in every build.
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

    private FuzzFixtures() {
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
