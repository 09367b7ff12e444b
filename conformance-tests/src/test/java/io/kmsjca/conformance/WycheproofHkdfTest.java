package io.kmsjca.conformance;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.kmsjca.internal.crypto.Hkdf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Wycheproof HKDF-SHA-256 and HKDF-SHA-512 (every vector) through kms-jca's {@link Hkdf}. */
class WycheproofHkdfTest {

    private static final List<String[]> FILES = List.of(
            new String[] {"hkdf_sha256_test.json", "HmacSHA256"},
            new String[] {"hkdf_sha512_test.json", "HmacSHA512"});

    record Vector(String mac, int tcId, JsonObject test) {
        @Override
        public String toString() {
            return mac + " tc" + tcId + " " + test.get("result").getAsString();
        }
    }

    static Stream<Arguments> vectors() {
        List<Arguments> all = new ArrayList<>();
        for (String[] f : FILES) {
            for (JsonElement g : Vectors.wycheproof(f[0]).getAsJsonArray("testGroups")) {
                for (JsonElement t : g.getAsJsonObject().getAsJsonArray("tests")) {
                    JsonObject test = t.getAsJsonObject();
                    all.add(Arguments.of(new Vector(f[1], test.get("tcId").getAsInt(), test)));
                }
            }
        }
        return all.stream();
    }

    @Test
    void everyVectorOfBothFiles_isRun() {
        int declared = FILES.stream().mapToInt(f -> Vectors.wycheproof(f[0]).get("numberOfTests").getAsInt()).sum();
        assertEquals(declared, vectors().count());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void hkdf(Vector v) throws Exception {
        byte[] ikm = Vectors.hex(v.test, "ikm");
        byte[] salt = Vectors.hex(v.test, "salt");
        byte[] info = Vectors.hex(v.test, "info");
        int size = v.test.get("size").getAsInt();
        if (v.test.get("result").getAsString().equals("valid")) {
            assertArrayEquals(Vectors.hex(v.test, "okm"), Hkdf.derive(v.mac, salt, ikm, info, size));
        } else {
            assertThrows(IllegalArgumentException.class, () -> Hkdf.derive(v.mac, salt, ikm, info, size));
        }
    }
}
