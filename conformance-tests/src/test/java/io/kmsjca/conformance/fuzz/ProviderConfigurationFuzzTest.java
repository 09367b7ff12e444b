package io.kmsjca.conformance.fuzz;

import org.junit.jupiter.api.AfterAll;
import java.util.concurrent.atomic.AtomicLong;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kmsjca.provider.KmsProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidParameterException;

/** The provider configuration file: only InvalidParameterException. See {@link FuzzFixtures} for how fuzzing runs. */
class ProviderConfigurationFuzzTest {

    private static final AtomicLong RUNS = new AtomicLong();

    @AfterAll
    static void ranEnough() {
        FuzzFixtures.assertRanEnough("providerConfiguration", RUNS.get());
    }

    @FuzzTest(maxDuration = "5s")
    void providerConfiguration(byte[] input) throws IOException {
        RUNS.incrementAndGet();
        Path conf = Files.createTempFile("fuzz", ".conf");
        try {
            Files.write(conf, input);
            try {
                new KmsProvider().configure(conf.toString());
            } catch (InvalidParameterException expected) {
                // declared by Provider.configure
            }
        } finally {
            Files.deleteIfExists(conf);
        }
    }
}
