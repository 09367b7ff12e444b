package io.kmsjca.internal.audit;

import io.kmsjca.spi.audit.AuditEvent;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/** One audit event as a JSON object (docs/audit.md shows one), fields in a fixed order. */
public final class AuditJson {

    /** The longest string a record holds whole. */
    static final int MAX_STRING_CHARS = 4096;
    private static final long YEAR_0 = -62_167_219_200L; // 0000-01-01T00:00:00Z
    private static final long YEAR_10000 = 253_402_300_800L;
    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    private AuditJson() {
    }

    public static String toJson(AuditEvent e) {
        StringBuilder sb = new StringBuilder(512).append('{');
        appendFields(sb, e);
        return sb.append('}').toString();
    }

    /** The event's fields, without braces, for a caller that adds fields of its own around them. */
    public static void appendFields(StringBuilder sb, AuditEvent e) {
        field(sb, "eventId", e.eventId().toString()).append(',');
        instant(sb.append("\"time\":\""), e.time()).append("\",");
        field(sb, "operation", e.operation().name()).append(',');
        field(sb, "keyId", e.keyId()).append(',');
        sb.append("\"keyVersion\":").append(e.keyVersion()).append(',');
        field(sb, "alias", e.alias()).append(',');
        field(sb, "principal", e.principal()).append(',');
        field(sb, "principalSource", e.principalSource()).append(',');
        field(sb, "outcome", e.outcome().name()).append(',');
        field(sb, "errorClass", e.errorClass()).append(',');
        field(sb, "errorMessage", e.errorMessage()).append(',');
        sb.append("\"encryptionContext\":{");
        boolean first = true;
        for (Map.Entry<String, String> c : e.encryptionContext().entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            field(sb, c.getKey(), c.getValue());
        }
        sb.append("},");
        field(sb, "requestId", e.requestId()).append(',');
        field(sb, "providerInstance", e.providerInstance()).append(',');
        field(sb, "host", e.host()).append(',');
        field(sb, "destinationKeyId", e.destinationKeyId()).append(',');
        sb.append("\"destinationKeyVersion\":").append(e.destinationKeyVersion());
    }

    /**
     * {@code time} exactly as {@link Instant#toString()} writes it (ISO-8601, UTC, the fraction in
     * 0, 3, 6 or 9 digits), without the formatter's cost: a record's most expensive field.
     */
    static StringBuilder instant(StringBuilder sb, Instant time) {
        if (time.getEpochSecond() < YEAR_0 || time.getEpochSecond() >= YEAR_10000) {
            return sb.append(time); // the formatter's sign and width rules
        }
        LocalDateTime t = LocalDateTime.ofEpochSecond(time.getEpochSecond(), 0, ZoneOffset.UTC);
        digits(sb, t.getYear(), 4).append('-');
        digits(sb, t.getMonthValue(), 2).append('-');
        digits(sb, t.getDayOfMonth(), 2).append('T');
        digits(sb, t.getHour(), 2).append(':');
        digits(sb, t.getMinute(), 2).append(':');
        digits(sb, t.getSecond(), 2);
        int nano = time.getNano();
        if (nano != 0) {
            sb.append('.');
            if (nano % 1_000_000 == 0) {
                digits(sb, nano / 1_000_000, 3);
            } else if (nano % 1000 == 0) {
                digits(sb, nano / 1000, 6);
            } else {
                digits(sb, nano, 9);
            }
        }
        return sb.append('Z');
    }

    private static StringBuilder digits(StringBuilder sb, int value, int width) {
        for (int div = POWERS_OF_TEN[width - 1]; div > 0; div /= 10) {
            sb.append((char) ('0' + value / div % 10));
        }
        return sb;
    }

    private static StringBuilder field(StringBuilder sb, String name, String value) {
        string(sb, name).append(':');
        return value == null ? sb.append("null") : string(sb, value);
    }

    /**
     * A JSON string (RFC 8259 §7): quotes, backslashes and control characters escaped; a string
     * longer than {@link #MAX_STRING_CHARS} (a caller's key name in an error message can be any
     * length) is cut there and says so, so a record stays far below the line length the verifiers
     * read (1 MiB): at most 20 such fields of 6 bytes a character escaped, and the bounded context.
     */
    static StringBuilder string(StringBuilder sb, String s) {
        if (s.length() > MAX_STRING_CHARS) {
            int cut = Character.isHighSurrogate(s.charAt(MAX_STRING_CHARS - 1)) ? MAX_STRING_CHARS - 1 : MAX_STRING_CHARS;
            s = s.substring(0, cut) + "...[truncated: " + s.length() + " characters]";
        }
        sb.append('"');
        if (plain(s)) {
            return sb.append(s).append('"'); // the common case: ids, names, enum values
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }

    private static boolean plain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || c == 0x2028 || c == 0x2029) {
                return false;
            }
        }
        return true;
    }
}
