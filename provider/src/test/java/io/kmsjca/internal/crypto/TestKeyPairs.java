package io.kmsjca.internal.crypto;

import io.kmsjca.keys.KeySpec;

import java.security.KeyPair;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;

/** One key pair per asymmetric spec, generated once per test JVM (RSA-4096 takes about a second). */
final class TestKeyPairs {

    private static final Map<KeySpec, KeyPair> PAIRS = new EnumMap<>(KeySpec.class);

    private TestKeyPairs() {
    }

    static synchronized KeyPair of(KeySpec spec) {
        return PAIRS.computeIfAbsent(spec, KeyPairs::generate);
    }

    static Stream<KeySpec> asymmetricSpecs() {
        return Arrays.stream(KeySpec.values()).filter(KeySpec::isAsymmetric);
    }
}
