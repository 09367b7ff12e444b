package io.kmsjca.internal.audit;

import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

class AuditJsonTest {

    @Test
    void stringsAreEscapedPerRfc8259() {
        assertEquals("\"plain\"", AuditJson.string("plain"));
        assertEquals("\"a\\\"b\\\\c\\nd\\u0001\\u2028\"",
                AuditJson.string("a\"b\\c\nd\u0001\u2028"));
    }

    @Test
    void anEvent_isOneLineOfJson_withNullsAndTheContext() {
        var e = new AuditEvent(new UUID(1, 2), Instant.parse("2026-01-01T00:00:00Z"), AuditOperation.UNWRAP_KEY,
                "k", 3, null, "alice", "run-as", AuditOutcome.FAILED, "javax.crypto.AEADBadTagException",
                "tag \"mismatch\"\nsecond line", Map.of("tenant", "hmac-sha256:00"), "req", "inst", "host", null, 0);
        String json = AuditJson.toJson(e);
        assertFalse(json.contains("\n"), "one event, one line");
        assertTrue(json.contains("\"alias\":null"), json);
        assertTrue(json.contains("\"errorMessage\":\"tag \\\"mismatch\\\"\\nsecond line\""), json);
        assertTrue(json.contains("\"encryptionContext\":{\"tenant\":\"hmac-sha256:00\"}"), json);
        assertTrue(json.startsWith("{\"eventId\":\"00000000-0000-0001-0000-000000000002\""), json);
    }

    @Test
    void theTime_isWrittenExactlyAsInstantToStringWritesIt() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        java.util.List<Instant> cases = new java.util.ArrayList<>(java.util.List.of(Instant.EPOCH,
                Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-12-31T23:59:59.999999999Z"),
                Instant.parse("2026-03-01T10:00:00.120Z"), Instant.parse("2026-03-01T10:00:00.000120Z"),
                Instant.parse("2026-03-01T10:00:00.000000120Z"), Instant.parse("0000-01-01T00:00:00Z"),
                Instant.parse("9999-12-31T23:59:59.5Z"), Instant.parse("+10000-01-01T00:00:00Z"),
                Instant.parse("-0001-12-31T23:59:59Z"), Instant.MIN, Instant.MAX));
        for (int i = 0; i < 10_000; i++) {
            long second = random.nextLong(-62_167_219_200L, 253_402_300_800L); // years 0000 to 9999
            int nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            cases.add(Instant.ofEpochSecond(second, nano));
        }
        for (Instant t : cases) {
            assertEquals(t.toString(), AuditJson.instant(t));
        }
    }

    @Test
    void aWrite_isLinesChainedBySha256_andOnlyItsLastLineCarriesTheHmac() throws Exception {
        byte[] key = new byte[32];
        key[0] = 7;
        AuditRecords records = new AuditRecords(new io.kmsjca.internal.crypto.SecretBytes(key, "HmacSHA256"));
        LineBuffer out = new LineBuffer(16);
        byte[] fields = "\"eventId\":\"\u00e9\u4e2d\"".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] prev = AuditRecords.GENESIS.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        records.appendLine(out, 42, prev, fields, 0, fields.length, false);
        String hash42 = new String(prev, java.nio.charset.StandardCharsets.US_ASCII);
        records.appendLine(out, 43, prev, fields, 0, fields.length, true);
        String hash43 = new String(prev, java.nio.charset.StandardCharsets.US_ASCII);

        String utf8Fields = new String(fields, java.nio.charset.StandardCharsets.UTF_8);
        String line42 = "{\"seq\":42,\"prev\":\"" + AuditRecords.GENESIS + "\"," + utf8Fields + "}";
        String body43 = "{\"seq\":43,\"prev\":\"" + hash42 + "\"," + utf8Fields;
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
        String line43 = body43 + ",\"mac\":\"" + java.util.HexFormat.of().formatHex(
                mac.doFinal(body43.getBytes(java.nio.charset.StandardCharsets.UTF_8))) + "\"}";
        String[] written = out.utf8(0, out.size()).split("\n", -1);
        assertEquals(3, written.length);
        assertEquals(line42, written[0]);
        assertEquals(line43, written[1]);
        assertEquals("", written[2]);
        assertEquals(sha256Hex(line42), hash42);
        assertEquals(sha256Hex(line43), hash43);
        assertEquals(new AuditRecords.Parsed(42, AuditRecords.GENESIS, false, 0), records.parse(written[0]));
        assertEquals(new AuditRecords.Parsed(43, hash42, true, 0), records.parse(written[1]));
        int hex = written[1].length() - 66; // the 64 hex digits, then "}
        assertNull(records.parse(written[1].substring(0, hex) + written[1].substring(hex).toUpperCase()),
                "a MAC in upper case is not the writer's");
        assertNull(records.parse(written[1].substring(0, hex) + "00" + written[1].substring(hex + 2)), "a wrong MAC");
        assertFalse(records.parse(written[1].substring(0, hex + 1) + "\"}").authenticated(),
                "a cut MAC field is no MAC: a write's last line without one is ALTERED (AuditLogFormat2Test)");
    }

    private static String sha256Hex(String line) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(line.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void anEventWrittenAsBytes_isItsJsonInUtf8_exactlyAsTheStringRulesWriteIt() {
        String odd = "caf\u00e9 \"q\" \\ \u0007 \u2028 \uD83D\uDE00 \uD800 end"; // escapes, 2- and 4-byte UTF-8, a lone surrogate
        var e = new AuditEvent(new UUID(1, 2), Instant.parse("2026-01-01T00:00:00.5Z"), AuditOperation.UNWRAP_KEY,
                odd, 3, "alias/" + odd, odd, "run-as", AuditOutcome.FAILED, "X", odd, Map.of(odd, odd, "b", "plain"),
                "req", "inst", "host", null, 0);
        LineBuffer out = new LineBuffer(8);
        new AuditJson().writeFields(out, e);
        String json = out.utf8(0, out.size());
        String quoted = AuditJson.string(odd);
        assertEquals("\"caf\u00e9 \\\"q\\\" \\\\ \\u0007 \\u2028 \uD83D\uDE00 ? end\"", quoted,
                "a lone surrogate is '?' as String.getBytes makes it");
        assertTrue(json.contains("\"keyId\":" + quoted + ",\"keyVersion\":3,"), json);
        assertTrue(json.contains("\"encryptionContext\":{\"b\":\"plain\"," + quoted + ":" + quoted + "}"), json);
        assertTrue(json.contains("\"time\":\"2026-01-01T00:00:00.500Z\""), json);
        assertEquals("{" + json + "}", AuditJson.toJson(e));
    }

    @Test
    void oneEncoderForManyEvents_writesEachAsAFreshOneWould_whateverItRemembers() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        String[] choices = {"a", "b", new String("a"), "caf\u00e9", "q\"uote", null};
        AuditJson encoder = new AuditJson();
        for (int i = 0; i < 2_000; i++) {
            var e = new AuditEvent(new UUID(random.nextLong(), random.nextLong()),
                    Instant.ofEpochSecond(1_780_000_000L + random.nextInt(3), random.nextInt(4) * 250_000_000),
                    AuditOperation.values()[random.nextInt(AuditOperation.values().length)],
                    pick(random, choices), random.nextInt(3), pick(random, choices),
                    java.util.Objects.requireNonNullElse(pick(random, choices), "p"), i % 2 == 0 ? "run-as" : "os-user",
                    AuditOutcome.SUCCESS, null, null, Map.of("k", "v" + random.nextInt(2)), "req" + i,
                    java.util.Objects.requireNonNullElse(pick(random, choices), "inst"),
                    java.util.Objects.requireNonNullElse(pick(random, choices), "host"), pick(random, choices), 0);
            LineBuffer out = new LineBuffer(64).ascii('{');
            encoder.writeFields(out, e);
            assertEquals(AuditJson.toJson(e), out.ascii('}').utf8(0, out.size()), "event " + i);
        }
        for (Instant far : new Instant[] {Instant.MAX, Instant.MIN, Instant.parse("+10000-01-01T00:00:00.5Z")}) {
            LineBuffer out = new LineBuffer(64);
            encoder.writeFields(out, new AuditEvent(new UUID(1, 1), far, AuditOperation.ENCRYPT, null, 0, null, "p", "s",
                    AuditOutcome.SUCCESS, null, null, Map.of(), "r", "i", "h", null, 0));
            assertTrue(out.utf8(0, out.size()).contains("\"time\":\"" + far + "\""), far.toString());
        }
                var ids = new UUID(0x0123456789abcdefL, 0xfedcba9876543210L);
        assertTrue(AuditJson.toJson(new AuditEvent(ids, Instant.EPOCH, AuditOperation.ENCRYPT, null, 0, null, "p", "s",
                AuditOutcome.SUCCESS, null, null, Map.of(), "r", "i", "h", null, 0)).contains("\"eventId\":\"" + ids + "\""));
    }

    private static String pick(java.util.SplittableRandom random, String[] choices) {
        return choices[random.nextInt(choices.length)];
    }

    @Test
    void aStringLongerThanTheCap_isCutAndSaysSo_neverSplittingACharacter() {
        String huge = "a".repeat(AuditJson.MAX_STRING_CHARS - 1) + "\uD83D\uDE00" + "b".repeat(1 << 20);
        String json = AuditJson.string(huge);
        assertEquals("\"" + "a".repeat(AuditJson.MAX_STRING_CHARS - 1) + "...[truncated: " + huge.length() + " characters]\"",
                json, "the emoji would straddle the cut: it goes whole");
        String exact = "c".repeat(AuditJson.MAX_STRING_CHARS);
        assertEquals("\"" + exact + "\"", AuditJson.string(exact));
    }

    /** Every field of an event is in its line, under its name, with its value: read back by a JSON parser. */
    @Test
    void everyFieldOfAnEvent_isInItsLine_underItsName() throws Exception {
        var e = new AuditEvent(new UUID(1, 2), Instant.parse("2026-01-01T00:00:00.123Z"), AuditOperation.RE_ENCRYPT,
                "key-1", 3, "alias/orders", "alice", "run-as", AuditOutcome.DENIED, "io.kmsjca.keys.KeyStateException",
                "disabled", Map.of("tenant", "t-9"), "req-7", "inst-5", "host-4", "key-2", 6, 0);
        for (boolean reused : new boolean[] {false, true}) { // a fresh encoder, and one that remembers the fields
            AuditJson encoder = new AuditJson();
            LineBuffer out = new LineBuffer(16).ascii('{');
            encoder.writeFields(out, e);
            if (reused) {
                out = new LineBuffer(16).ascii('{');
                encoder.writeFields(out, e);
            }
            String line = out.ascii('}').utf8(0, out.size());
            @SuppressWarnings("unchecked")
            Map<String, Object> read = (Map<String, Object>) io.kmsjca.internal.json.StrictJson.parse(line, 1 << 16, 4);
            Map<String, Object> expected = new java.util.LinkedHashMap<>();
            expected.put("eventId", e.eventId().toString());
            expected.put("time", "2026-01-01T00:00:00.123Z");
            expected.put("operation", "RE_ENCRYPT");
            expected.put("keyId", "key-1");
            expected.put("keyVersion", "3");
            expected.put("alias", "alias/orders");
            expected.put("principal", "alice");
            expected.put("principalSource", "run-as");
            expected.put("outcome", "DENIED");
            expected.put("errorClass", "io.kmsjca.keys.KeyStateException");
            expected.put("errorMessage", "disabled");
            expected.put("encryptionContext", "{tenant=t-9}");
            expected.put("requestId", "req-7");
            expected.put("providerInstance", "inst-5");
            expected.put("host", "host-4");
            expected.put("destinationKeyId", "key-2");
            expected.put("destinationKeyVersion", "6");
            Map<String, String> actual = new java.util.LinkedHashMap<>();
            read.forEach((k, v) -> actual.put(k, String.valueOf(v)));
            assertEquals(expected, actual, line);
        }
    }
}
