package io.kmsjca.internal.audit;

import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * One audit event as a JSON object (docs/audit.md shows one), fields in a fixed order, written as
 * UTF-8 straight into a {@link LineBuffer}: the audit log's writer makes no String of an event.
 *
 * <p>An instance remembers the encoded bytes of the strings that repeat from event to event (key
 * id, alias, principal, host, ...) and the date and time to the second, so a writer that encodes
 * one event after another copies them rather than encodes them again. Not thread-safe: one per
 * writer thread.
 */
public final class AuditJson {

    /** The longest string a record holds whole. */
    static final int MAX_STRING_CHARS = 4096;
    private static final long YEAR_0 = -62_167_219_200L; // 0000-01-01T00:00:00Z
    private static final long YEAR_10000 = 253_402_300_800L;

    // the fixed parts of an event, as bytes once
    private static final byte[] EVENT_ID = bytes("\"eventId\":\"");
    private static final byte[] TIME = bytes("\",\"time\":\"");
    private static final byte[] OPERATION = bytes("\",\"operation\":");
    private static final byte[] KEY_ID = bytes(",\"keyId\":");
    private static final byte[] KEY_VERSION = bytes(",\"keyVersion\":");
    private static final byte[] ALIAS = bytes(",\"alias\":");
    private static final byte[] PRINCIPAL = bytes(",\"principal\":");
    private static final byte[] PRINCIPAL_SOURCE = bytes(",\"principalSource\":");
    private static final byte[] OUTCOME = bytes(",\"outcome\":");
    private static final byte[] ERROR_CLASS = bytes(",\"errorClass\":");
    private static final byte[] ERROR_MESSAGE = bytes(",\"errorMessage\":");
    private static final byte[] CONTEXT = bytes(",\"encryptionContext\":{");
    private static final byte[] REQUEST_ID = bytes(",\"requestId\":");
    private static final byte[] PROVIDER_INSTANCE = bytes(",\"providerInstance\":");
    private static final byte[] HOST = bytes(",\"host\":");
    private static final byte[] DESTINATION_KEY_ID = bytes(",\"destinationKeyId\":");
    private static final byte[] DESTINATION_KEY_VERSION = bytes(",\"destinationKeyVersion\":");
    private static final byte[] NULL = bytes("null");
    private static final byte[][] OPERATIONS = quotedNames(AuditOperation.values());
    private static final byte[][] OUTCOMES = quotedNames(AuditOutcome.values());

    // the strings that repeat from event to event, one slot per field, and their encoded bytes
    private static final int KEY = 0;
    private static final int ALIAS_SLOT = 1;
    private static final int PRINCIPAL_SLOT = 2;
    private static final int SOURCE = 3;
    private static final int ERROR = 4;
    private static final int INSTANCE = 5;
    private static final int HOST_SLOT = 6;
    private static final int DESTINATION = 7;
    private static final int SLOTS = 8;
    private final String[] recentText = new String[SLOTS];
    private final byte[][] recentBytes = new byte[SLOTS][];
    private long second = Long.MIN_VALUE; // the second whose date and time are in secondText
    private final LineBuffer secondText = new LineBuffer(19);

    /** An encoder with nothing remembered yet. */
    public AuditJson() {
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[][] quotedNames(Enum<?>[] constants) {
        byte[][] names = new byte[constants.length][];
        for (Enum<?> c : constants) {
            names[c.ordinal()] = bytes("\"" + c.name() + "\"");
        }
        return names;
    }

    /** The event as one JSON object. */
    public static String toJson(AuditEvent e) {
        LineBuffer out = new LineBuffer(512).ascii('{');
        new AuditJson().writeFields(out, e);
        out.ascii('}');
        return out.utf8(0, out.size());
    }

    /** The event's fields, without braces, for a caller that adds fields of its own around them. */
    void writeFields(LineBuffer out, AuditEvent e) {
        uuid(out.bytes(EVENT_ID), e.eventId());
        time(out.bytes(TIME), e.time());
        out.bytes(OPERATION).bytes(OPERATIONS[e.operation().ordinal()]);
        recent(out.bytes(KEY_ID), KEY, e.keyId());
        out.bytes(KEY_VERSION).number(e.keyVersion());
        recent(out.bytes(ALIAS), ALIAS_SLOT, e.alias());
        recent(out.bytes(PRINCIPAL), PRINCIPAL_SLOT, e.principal());
        recent(out.bytes(PRINCIPAL_SOURCE), SOURCE, e.principalSource());
        out.bytes(OUTCOME).bytes(OUTCOMES[e.outcome().ordinal()]);
        recent(out.bytes(ERROR_CLASS), ERROR, e.errorClass());
        value(out.bytes(ERROR_MESSAGE), e.errorMessage());
        out.bytes(CONTEXT);
        boolean first = true;
        for (Map.Entry<String, String> c : e.encryptionContext().entrySet()) {
            if (!first) {
                out.ascii(',');
            }
            first = false;
            string(out, c.getKey());
            value(out.ascii(':'), c.getValue());
        }
        out.ascii('}');
        value(out.bytes(REQUEST_ID), e.requestId());
        recent(out.bytes(PROVIDER_INSTANCE), INSTANCE, e.providerInstance());
        recent(out.bytes(HOST), HOST_SLOT, e.host());
        recent(out.bytes(DESTINATION_KEY_ID), DESTINATION, e.destinationKeyId());
        out.bytes(DESTINATION_KEY_VERSION).number(e.destinationKeyVersion());
    }

    /** A string the last event of this encoder likely had too: its bytes are copied when it did. */
    private void recent(LineBuffer out, int slot, String s) {
        if (s == null) {
            out.bytes(NULL);
            return;
        }
        if (s != recentText[slot] && !s.equals(recentText[slot])) {
            LineBuffer encoded = new LineBuffer(s.length() + 2);
            string(encoded, s);
            recentBytes[slot] = java.util.Arrays.copyOf(encoded.array(), encoded.size());
            recentText[slot] = s;
        }
        out.bytes(recentBytes[slot]);
    }

    /** A UUID as {@link java.util.UUID#toString()} writes it, straight from its two longs. */
    private static void uuid(LineBuffer out, java.util.UUID id) {
        long hi = id.getMostSignificantBits();
        long lo = id.getLeastSignificantBits();
        out.hexDigits(hi >>> 32, 8).ascii('-').hexDigits(hi >>> 16, 4).ascii('-').hexDigits(hi, 4).ascii('-')
                .hexDigits(lo >>> 48, 4).ascii('-').hexDigits(lo, 12);
    }

    /** {@link #instant}, with the date and time to the second remembered from the last event. */
    private void time(LineBuffer out, Instant t) {
        long s = t.getEpochSecond();
        if (s < YEAR_0 || s >= YEAR_10000) {
            instant(out, t);
            return;
        }
        if (s != second) {
            secondText.clear();
            instant(secondText, Instant.ofEpochSecond(s));
            second = s;
        }
        out.bytes(secondText.array(), 0, secondText.size() - 1); // without its Z
        fraction(out, t.getNano());
    }

    /** {@code time} as a String, exactly as {@link Instant#toString()} writes it (tests compare the two). */
    static String instant(Instant time) {
        LineBuffer out = new LineBuffer(32);
        instant(out, time);
        return out.utf8(0, out.size());
    }

    /**
     * {@code time} exactly as {@link Instant#toString()} writes it (ISO-8601, UTC, the fraction in
     * 0, 3, 6 or 9 digits), without the formatter's cost: a record's most expensive field.
     */
    static LineBuffer instant(LineBuffer out, Instant time) {
        if (time.getEpochSecond() < YEAR_0 || time.getEpochSecond() >= YEAR_10000) {
            return out.ascii(time.toString()); // the formatter's sign and width rules
        }
        LocalDateTime t = LocalDateTime.ofEpochSecond(time.getEpochSecond(), 0, ZoneOffset.UTC);
        out.digits(t.getYear(), 4).ascii('-').digits(t.getMonthValue(), 2).ascii('-').digits(t.getDayOfMonth(), 2)
                .ascii('T').digits(t.getHour(), 2).ascii(':').digits(t.getMinute(), 2).ascii(':').digits(t.getSecond(), 2);
        return fraction(out, time.getNano());
    }

    /** The fraction of a second as {@link Instant#toString()} writes it (0, 3, 6 or 9 digits), and the Z. */
    private static LineBuffer fraction(LineBuffer out, int nano) {
        if (nano != 0) {
            out.ascii('.');
            if (nano % 1_000_000 == 0) {
                out.digits(nano / 1_000_000, 3);
            } else if (nano % 1000 == 0) {
                out.digits(nano / 1000, 6);
            } else {
                out.digits(nano, 9);
            }
        }
        return out.ascii('Z');
    }

    private static void value(LineBuffer out, String value) {
        if (value == null) {
            out.bytes(NULL);
        } else {
            string(out, value);
        }
    }

    /** {@code s} as a JSON string (tests compare it with the rules below). */
    static String string(String s) {
        LineBuffer out = new LineBuffer(s.length() + 2);
        string(out, s);
        return out.utf8(0, out.size());
    }

    /**
     * A JSON string (RFC 8259 §7) as UTF-8: quotes, backslashes and control characters escaped; a
     * string longer than {@link #MAX_STRING_CHARS} (a caller's key name in an error message can be
     * any length) is cut there and says so, so a record stays far below the line length the
     * verifiers read (1 MiB): at most 20 such fields of 6 bytes a character escaped, and the
     * bounded context. Ids, names and enum values, plain ASCII, are copied as they are; any other
     * string is escaped and encoded (an unpaired surrogate becomes {@code ?}, as
     * {@link String#getBytes} makes it).
     */
    static void string(LineBuffer out, String s) {
        if (s.length() > MAX_STRING_CHARS) {
            int cut = Character.isHighSurrogate(s.charAt(MAX_STRING_CHARS - 1)) ? MAX_STRING_CHARS - 1 : MAX_STRING_CHARS;
            s = s.substring(0, cut) + "...[truncated: " + s.length() + " characters]";
        }
        out.ascii('"');
        // the JDK encodes a string of ASCII with a vector copy: then only the bytes need looking at
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (utf8.length == s.length() && plain(utf8)) {
            out.bytes(utf8);
        } else {
            out.bytes(escaped(s, 0).getBytes(StandardCharsets.UTF_8));
        }
        out.ascii('"');
    }

    /** Whether ASCII bytes need no JSON escape. */
    private static boolean plain(byte[] ascii) {
        for (byte b : ascii) {
            if (b < 0x20 || b == '"' || b == '\\') {
                return false;
            }
        }
        return true;
    }

    private static String escaped(String s, int from) {
        StringBuilder sb = new StringBuilder(s.length() - from + 16);
        for (int i = from; i < s.length(); i++) {
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
        return sb.toString();
    }
}
