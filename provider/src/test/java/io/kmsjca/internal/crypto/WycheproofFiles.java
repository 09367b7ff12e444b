package io.kmsjca.internal.crypto;

import io.kmsjca.internal.json.StrictJson;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Wycheproof vector files vendored in {@code src/test/resources/testvectors/wycheproof}
 * (Apache-2.0, testvectors/README.md), read from the test class path, never from outside the
 * repository; each parsed once per test JVM.
 */
public final class WycheproofFiles {

    private static final Map<String, Map<?, ?>> PARSED = new ConcurrentHashMap<>();

    private WycheproofFiles() {
    }

    /** The file's JSON object; a file missing from the class path fails the test that asked. */
    public static Map<?, ?> read(String name) {
        return PARSED.computeIfAbsent(name, n -> {
            try (InputStream in = WycheproofFiles.class.getResourceAsStream("/testvectors/wycheproof/" + n)) {
                if (in == null) {
                    throw new IOException("test vector file not found on the test class path: " + n);
                }
                return (Map<?, ?>) StrictJson.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), 1 << 20, 16);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (Exception e) {
                throw new IllegalStateException(n, e);
            }
        });
    }
}
