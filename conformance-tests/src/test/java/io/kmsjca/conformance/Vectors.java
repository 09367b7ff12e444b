package io.kmsjca.conformance;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * Reads the shared Wycheproof and C2SP vectors in place, from {@code ../shared/testvectors}
 * beside the repository (the build passes the folder as {@code kms.testvectors}).
 */
final class Vectors {

    private Vectors() {
    }

    static Path dir() {
        String configured = System.getProperty("kms.testvectors");
        if (configured != null && Files.isDirectory(Path.of(configured))) {
            return Path.of(configured);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolveSibling("shared").resolve("testvectors");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("test vectors not found: expected ../shared/testvectors beside the repository");
    }

    static JsonObject wycheproof(String file) {
        try {
            return JsonParser.parseString(Files.readString(dir().resolve("wycheproof").resolve(file))).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] hex(JsonObject o, String field) {
        return HexFormat.of().parseHex(o.get(field).getAsString());
    }
}
