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
 * </pre>
 * The first record of a log has {@code prev} of 64 zeros. The MAC key is derived from a
 * provider-owned key of the store, so only a holder of the store password can verify or forge.
 * The last line of every write carries a MAC; the lines before it in the same write need none:
 * the MAC covers their hashes through the chain ({@code prev}), so one MAC per batch
 * authenticates the batch (audit log format 2; format 1 MACed every line, and reads the same).
 */
public final class AuditRecords {

    public static final String GENESIS = "0".repeat(64);
    private static final String MAC_FIELD = ",\"mac\":\"";
    private static final int MAC_SUFFIX = MAC_FIELD.length() + 64 + 2; // ,"mac":"HEX"}
    private static final Pattern PREFIX = Pattern.compile("^\\{\"seq\":(\\d{1,19}),\"prev\":\"([0-9a-f]{64})\",");

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

    /** Whether {@code line} has a MAC field (which then must verify): the last line of a write. */
    static boolean claimsMac(String line) {
        return line.contains(MAC_FIELD);
    }

    /**
     * A parsed record, or null if {@code line} is none or its MAC fails. A line that ends in a
     * MAC field is {@linkplain Parsed#authenticated authenticated} once its MAC holds; one
     * without (a record of a write whose last line carries the MAC) is returned as claimed, and
     * is authenticated only by a later line's MAC.
     */
    public Parsed parse(String line) {
        int at = line.lastIndexOf(MAC_FIELD);
        if (at < 0) { // no string the writer writes holds this unescaped: only a MAC field does
            Parsed claim = line.endsWith("}") ? claimed(line) : null;
            return claim == null ? null : new Parsed(claim.seq(), claim.prev(), false);
        }
        if (!line.endsWith("\"}") || line.length() - at != MAC_SUFFIX) {
            return null;
        }
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
        return m.find() ? new Parsed(Long.parseLong(m.group(1)), m.group(2), true) : null;
    }

    /**
     * A record's number and previous hash; {@code authenticated} when its own MAC held (else a
     * later line's MAC must).
     */
    public record Parsed(long seq, String prev, boolean authenticated) {
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
            return m.find() ? new Parsed(Long.parseLong(m.group(1)), m.group(2), false) : null;
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
