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
        assertEquals("\"plain\"", AuditJson.string(new StringBuilder(), "plain").toString());
        assertEquals("\"a\\\"b\\\\c\\nd\\u0001\\u2028\"",
                AuditJson.string(new StringBuilder(), "a\"b\\c\nd\u0001\u2028").toString());
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
            assertEquals(t.toString(), AuditJson.instant(new StringBuilder(), t).toString());
        }
    }

    @Test
    void aRecordLine_isTheBodyItsHmacAndANewline_andItsHashIsTheLinesSha256() throws Exception {
        byte[] key = new byte[32];
        key[0] = 7;
        AuditRecords records = new AuditRecords(new io.kmsjca.internal.crypto.SecretBytes(key, "HmacSHA256"));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        String fields = "\"eventId\":\"\u00e9\u4e2d\"";
        String hash = records.appendLine(out, 42, AuditRecords.GENESIS, fields);
        records.appendLine(out, 43, hash, fields); // the reused buffer starts clean

        String body = "{\"seq\":42,\"prev\":\"" + AuditRecords.GENESIS + "\"," + fields;
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
        String line = body + ",\"mac\":\"" + java.util.HexFormat.of().formatHex(
                mac.doFinal(body.getBytes(java.nio.charset.StandardCharsets.UTF_8))) + "\"}";
        String[] written = out.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n", -1);
        assertEquals(3, written.length);
        assertEquals(line, written[0]);
        assertEquals("", written[2]);
        assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(line.getBytes(java.nio.charset.StandardCharsets.UTF_8))), hash);
        assertEquals(new AuditRecords.Parsed(43, hash), records.parse(written[1]));
        int hex = written[1].length() - 66; // the 64 hex digits, then "}
        assertNull(records.parse(written[1].substring(0, hex) + written[1].substring(hex).toUpperCase()),
                "a MAC in upper case is not the writer's");
    }

    @Test
    void aStringLongerThanTheCap_isCutAndSaysSo_neverSplittingACharacter() {
        String huge = "a".repeat(AuditJson.MAX_STRING_CHARS - 1) + "\uD83D\uDE00" + "b".repeat(1 << 20);
        String json = AuditJson.string(new StringBuilder(), huge).toString();
        assertEquals("\"" + "a".repeat(AuditJson.MAX_STRING_CHARS - 1) + "...[truncated: " + huge.length() + " characters]\"",
                json, "the emoji would straddle the cut: it goes whole");
        String exact = "c".repeat(AuditJson.MAX_STRING_CHARS);
        assertEquals("\"" + exact + "\"", AuditJson.string(new StringBuilder(), exact).toString());
    }
}
