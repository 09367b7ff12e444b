package io.kmsjca.conformance;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Reads the Wycheproof and C2SP vectors the tests use, vendored under
 * {@code src/test/resources/testvectors} with their licence (Apache-2.0): the tests of a clone of
 * this repository read nothing outside it.
 */
final class Vectors {

    private Vectors() {
    }

    static JsonObject wycheproof(String file) {
        try {
            return JsonParser.parseString(resource("wycheproof/" + file)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = Vectors.class.getResourceAsStream("/testvectors/" + name)) {
            if (in == null) {
                throw new IOException("test vector file not found on the test class path: testvectors/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static byte[] hex(JsonObject o, String field) {
        return HexFormat.of().parseHex(o.get(field).getAsString());
    }
}
