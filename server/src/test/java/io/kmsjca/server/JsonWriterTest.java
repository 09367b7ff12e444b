package io.kmsjca.server;

import io.kmsjca.internal.json.StrictJson;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Responses as the AWS JSON protocol writes them, read back by the strict reader. */
class JsonWriterTest {

    @Test
    void stringsAreEscapedSoTheStrictReaderReadsThemBack() throws Exception {
        String nasty = "quote\" backslash\\ newline\n tab\t nul\u0000 bell\u0007 line\u2028 emoji\uD83D\uDE00";
        String json = JsonWriter.write(Shapes.map("message", nasty));
        assertEquals(Map.of("message", nasty), StrictJson.parse(json, 10_000, 4));
    }

    @Test
    void nullMembersAreLeftOutAndTimesAreEpochSeconds() {
        assertEquals("{\"a\":1,\"c\":[true,\"x\"],\"t\":1700000000.123,\"u\":1700000000}",
                JsonWriter.write(Shapes.map("a", 1, "b", null, "c", List.of(true, "x"),
                        "t", Instant.ofEpochSecond(1_700_000_000L, 123_000_000), "u", Instant.ofEpochSecond(1_700_000_000L))));
    }
}
