package io.kmsjca.internal.audit;

import io.kmsjca.internal.crypto.Primitives;
import io.kmsjca.internal.crypto.SecretBytes;

import javax.crypto.Mac;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tamper-evident line format of the audit log (docs/audit.md, docs/FORMAT.md):
 * <pre>
 *   {"seq":N,"prev":"SHA-256 of the previous line, hex",EVENT FIELDS,"mac":"HMAC-SHA256 of everything before ,"mac", hex"}
 *   {"seq":N,"prev":"SHA-256 of the previous line, hex",EVENT FIELDS}
 *   {"seq":N,"prev":"...","record":"write","lines":K,"mac":"..."}
 * </pre>
 * The first record of a log has {@code prev} of 64 zeros. The MAC key is derived from a
 * provider-owned key of the store, so only a holder of the store password can verify or forge.
 * A write of one record is one line with its MAC (audit log format 1). A write of K > 1 records
 * (audit log format 2) starts with a MACed write record announcing them; the K lines follow,
 * only the last with a MAC, which covers the ones before it through the chain ({@code prev}):
 * two MACs per batch instead of one per event, and no line without a MAC that a write did not
 * announce.
 */
public final class AuditRecords {

    public static final String GENESIS = "0".repeat(64);
    private static final String MAC_FIELD = ",\"mac\":\"";
    private static final int MAC_SUFFIX = MAC_FIELD.length() + 64 + 2; // ,"mac":"HEX"}
    private static final Pattern PREFIX = Pattern.compile("^\\{\"seq\":(\\d{1,19}),\"prev\":\"([0-9a-f]{64})\",");
    private static final Pattern WRITE = Pattern.compile(
            "^\\{\"seq\":\\d{1,19},\"prev\":\"[0-9a-f]{64}\",\"record\":\"write\",\"lines\":([1-9]\\d{0,8}),\"mac\":\"");
    /** The largest write a write record may announce. */
    static final int MAX_WRITE_LINES = 1_000_000;

    private static final byte[] SEQ = "{\"seq\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PREV = ",\"prev\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MAC = MAC_FIELD.getBytes(StandardCharsets.US_ASCII);

    private final Mac mac;
    private final MessageDigest sha = sha256(); // the writer's, under this object's monitor
    private final byte[] tag = new byte[32];
    private final byte[] digest = new byte[32];

    public AuditRecords(SecretBytes macKey) {
        this.mac = Primitives.mac("HmacSHA256");
        try {
            mac.init(macKey);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Appends record {@code seq}'s complete line and a newline to {@code out}:
     * <pre>{"seq":SEQ,"prev":"PREV",FIELDS,"mac":"HMAC-SHA256 of everything before ,"mac", hex"}</pre>
     * or, without {@code withMac}, the same line ending in {@code FIELDS}}: built, MACed and
     * hashed in {@code out}, no String made.
     *
     * @param prev   the previous line's hash as 64 lowercase hex digits (ASCII); overwritten with
     *               this line's hash (without its newline), the next record's {@code prev}
     * @param fields the event's fields as UTF-8, {@code length} bytes from {@code offset}
     */
    synchronized void appendLine(LineBuffer out, long seq, byte[] prev, byte[] fields, int offset, int length,
                                 boolean withMac) {
        int start = out.size();
        out.bytes(SEQ).number(seq).bytes(PREV).bytes(prev).ascii('"').ascii(',')
                .bytes(fields, offset, length);
        if (withMac) {
            mac.update(out.array(), start, out.size() - start);
            try {
                mac.doFinal(tag, 0);
            } catch (javax.crypto.ShortBufferException e) {
                throw new IllegalStateException(e);
            }
            out.bytes(MAC).hex(tag, 0, tag.length).ascii('"');
        }
        out.ascii('}');
        sha.update(out.array(), start, out.size() - start);
        try {
            sha.digest(digest, 0, digest.length);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
        LineBuffer.hex(digest, prev);
        out.ascii('\n');
    }


    /**
     * A parsed record, or null if {@code line} is none or its MAC fails. A line that
     * {@linkplain #carriesMac carries a MAC} is {@linkplain Parsed#authenticated authenticated}
     * once its MAC holds; one without (a record inside an announced write) is returned as
     * claimed, and only a later line's MAC authenticates it.
     */
    public Parsed parse(String line) {
        if (!carriesMac(line)) {
            Parsed claim = line.endsWith("}") ? claimed(line) : null;
            return claim == null ? null : new Parsed(claim.seq(), claim.prev(), false, 0);
        }
        int at = line.length() - MAC_SUFFIX;
        String body = line.substring(0, at);
        for (int i = at + MAC_FIELD.length(); i < line.length() - 2; i++) {
            char c = line.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return null; // the writer writes lower case: a line it did not write byte for byte is not its record
            }
        }
        byte[] claimed = HexFormat.of().parseHex(line, at + MAC_FIELD.length(), at + MAC_FIELD.length() + 64);
        if (!MessageDigest.isEqual(claimed, mac(body))) {
            return null;
        }
        Matcher m = PREFIX.matcher(body);
        if (!m.find()) {
            return null;
        }
        Matcher write = WRITE.matcher(line);
        int announces = write.find() ? Integer.parseInt(write.group(1)) : 0;
        if (announces > MAX_WRITE_LINES) {
            return null;
        }
        return new Parsed(Long.parseLong(m.group(1)), m.group(2), true, announces);
    }

    /**
     * A record's number and previous hash; {@code authenticated} when its own MAC held (else a
     * later line's MAC must); {@code announces}: for a write record, the lines of the write that
     * follow it (else 0).
     */
    public record Parsed(long seq, String prev, boolean authenticated, int announces) {
    }

    /**
     * Whether {@code line} ends in a MAC field: the one place that tells. Only the end counts: a
     * caller's encryption-context key {@code mac} puts {@code ,"mac":"} inside an event, which
     * always ends in its {@code destinationKeyVersion} number.
     */
    static boolean carriesMac(String line) {
        int at = line.length() - MAC_SUFFIX;
        return at > 0 && line.endsWith("\"}") && line.startsWith(MAC_FIELD, at);
    }

    /** The fields of the record that starts a write of {@code lines} records. */
    static byte[] writeFields(int lines) {
        return ("\"record\":\"write\",\"lines\":" + lines).getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether {@code line} is an event record (not a write's or a signature record), unverified. */
    public static boolean isEvent(String line) {
        Matcher m = PREFIX.matcher(line);
        return m.find() && line.startsWith("\"eventId\"", m.end());
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
            return m.find() ? new Parsed(Long.parseLong(m.group(1)), m.group(2), false, 0) : null;
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
