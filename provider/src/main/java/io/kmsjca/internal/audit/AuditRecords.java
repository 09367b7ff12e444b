package io.kmsjca.internal.audit;

import io.kmsjca.internal.crypto.Primitives;
import io.kmsjca.internal.crypto.SecretBytes;

import javax.crypto.Mac;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tamper-evident line format of the audit log (docs/audit.md):
 * <pre>
 *   {"seq":N,"prev":"SHA-256 of the previous line, hex",EVENT FIELDS,"mac":"HMAC-SHA256 of everything before ,"mac", hex"}
 * </pre>
 * The first record of a log has {@code prev} of 64 zeros. The MAC key is derived from a
 * provider-owned key of the store, so only a holder of the store password can verify or forge.
 */
public final class AuditRecords {

    public static final String GENESIS = "0".repeat(64);
    private static final String MAC_FIELD = ",\"mac\":\"";
    private static final Pattern PREFIX = Pattern.compile("^\\{\"seq\":(\\d{1,19}),\"prev\":\"([0-9a-f]{64})\",");

    private final Mac mac;
    private final MessageDigest sha = sha256(); // the writer's, under this object's monitor
    private byte[] line = new byte[1024]; // the line being built by appendLine

    public AuditRecords(SecretBytes macKey) {
        this.mac = Primitives.mac("HmacSHA256");
        try {
            mac.init(macKey);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Appends the complete line for {@code eventJsonFields} and a newline to {@code out}:
     * <pre>{"seq":SEQ,"prev":"PREV",FIELDS,"mac":"HMAC-SHA256 of everything before ,"mac", hex"}</pre>
     * built in one reused buffer, MACed and hashed from it, without a String of the line.
     *
     * @return the line's hash (hex SHA-256 of the line without its newline), the next record's {@code prev}
     */
    public synchronized String appendLine(ByteArrayOutputStream out, long seq, String prev, String eventJsonFields) {
        byte[] fields = eventJsonFields.getBytes(StandardCharsets.UTF_8);
        int n = ascii(0, "{\"seq\":");
        n = ascii(n, Long.toString(seq));
        n = ascii(n, ",\"prev\":\"");
        n = ascii(n, prev);
        n = ascii(n, "\",");
        n = bytes(n, fields);
        mac.update(line, 0, n);
        byte[] tag = mac.doFinal();
        n = ascii(n, MAC_FIELD);
        n = ascii(n, HexFormat.of().formatHex(tag));
        n = ascii(n, "\"}");
        sha.update(line, 0, n);
        String hash = HexFormat.of().formatHex(sha.digest());
        n = ascii(n, "\n");
        out.write(line, 0, n);
        return hash;
    }

    private int ascii(int at, String s) {
        int end = at + s.length();
        room(end);
        for (int i = 0; i < s.length(); i++) {
            line[at + i] = (byte) s.charAt(i);
        }
        return end;
    }

    private int bytes(int at, byte[] b) {
        room(at + b.length);
        System.arraycopy(b, 0, line, at, b.length);
        return at + b.length;
    }

    private void room(int length) {
        if (length > line.length) {
            line = Arrays.copyOf(line, Math.max(length, line.length * 2));
        }
    }

    /** A parsed line whose MAC checked out, or null if it does not. */
    public Parsed parse(String line) {
        int at = line.lastIndexOf(MAC_FIELD);
        if (at < 0 || !line.endsWith("\"}") || line.length() - at != MAC_FIELD.length() + 64 + 2) {
            return null;
        }
        String body = line.substring(0, at);
        for (int i = at + MAC_FIELD.length(); i < line.length() - 2; i++) {
            char c = line.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return null; // the writer writes lower case: a line it did not write byte for byte is not its record
            }
        }
        byte[] claimed;
        try {
            claimed = HexFormat.of().parseHex(line, at + MAC_FIELD.length(), at + MAC_FIELD.length() + 64);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (!MessageDigest.isEqual(claimed, mac(body))) {
            return null;
        }
        Matcher m = PREFIX.matcher(body);
        return m.find() ? new Parsed(Long.parseLong(m.group(1)), m.group(2)) : null;
    }

    public record Parsed(long seq, String prev) {
    }

    /** The sequence number a line claims, unverified (to find a record quickly), or -1 if it names none. */
    static long seqOf(String line) {
        Parsed claim = claimed(line);
        return claim == null ? -1 : claim.seq();
    }

    /** What a line claims to be, unverified: its {@code seq} and {@code prev}, or null if it names none. */
    static Parsed claimed(String line) {
        Matcher m = PREFIX.matcher(line);
        try {
            return m.find() ? new Parsed(Long.parseLong(m.group(1)), m.group(2)) : null;
        } catch (NumberFormatException tooLarge) {
            return null;
        }
    }


    public static String hash(String line) {
        return HexFormat.of().formatHex(sha256().digest(line.getBytes(StandardCharsets.UTF_8)));
    }

    /** A new SHA-256 digest: the hash that chains the records. */
    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private synchronized byte[] mac(String body) {
        return mac.doFinal(body.getBytes(StandardCharsets.UTF_8));
    }
}
