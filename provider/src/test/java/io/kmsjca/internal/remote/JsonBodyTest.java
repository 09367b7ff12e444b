package io.kmsjca.internal.remote;

import io.kmsjca.internal.json.StrictJson;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Request bodies read back by the strict JSON reader the server uses: every escape, every member kind. */
class JsonBodyTest {

    @Test
    void everyMemberKind_readsBackAsWritten() throws Exception {
        String awkward = "quote\" backslash\\ newline\n tab\t nul\u0000 e\u0301 \u00e9 \u20ac \uD83D\uDD11 end";
        Map<String, String> context = new LinkedHashMap<>();
        context.put("k\"1", awkward);
        context.put("\uD83D\uDD11", "");
        byte[] plaintext = {0, 1, 2, (byte) 0xFF, 0x7F};
        byte[] body = new JsonBody().string("KeyId", "alias/orders").blob("Plaintext", new byte[]{9, 0, 1, 2, (byte) 0xFF, 0x7F, 9}, 1, 5)
                .map("EncryptionContext", context).number("NumberOfBytes", 32).bool("Flag", true)
                .strings("TagKeys", List.of("a", awkward)).tags("Tags", Map.of("t", "v"))
                .constraints("Constraints", Map.of("x", "y"), Map.of()).map("Empty", Map.of()).string("Absent", null)
                .toBytes();
        Object parsed = StrictJson.parse(new String(body, StandardCharsets.UTF_8), 1 << 16, 8);
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("KeyId", "alias/orders");
        expected.put("Plaintext", Base64.getEncoder().encodeToString(plaintext));
        expected.put("EncryptionContext", context);
        expected.put("NumberOfBytes", new StrictJson.Num("32"));
        expected.put("Flag", true);
        expected.put("TagKeys", List.of("a", awkward));
        expected.put("Tags", List.of(Map.of("TagKey", "t", "TagValue", "v")));
        expected.put("Constraints", Map.of("EncryptionContextEquals", Map.of("x", "y")));
        assertEquals(expected, parsed);
    }
}
