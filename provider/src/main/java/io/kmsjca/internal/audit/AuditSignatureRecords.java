package io.kmsjca.internal.audit;

import io.kmsjca.audit.AuditLogVerifier.Problem;
import io.kmsjca.audit.AuditVerificationKey;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The signature record of the audit log (docs/FORMAT.md, "Audit log"): a record of the hash chain
 * like any other (sequence number, previous hash, MAC) whose fields sign, with the store's Ed25519
 * key, the chain id, the number and hash of the record before it, the time and why it was written:
 * <pre>
 *   {"seq":N,"prev":H,"record":"signature","chain":C,"signedSeq":N-1,"signedHash":H,"time":T,
 *    "reason":"count|time|rotate|close","signer":FINGERPRINT,"signature":BASE64,"mac":M}
 * </pre>
 * The signature covers every record before it through the hash chain, so whoever holds the
 * public key alone can check them.
 */
public final class AuditSignatureRecords {

    /** Why a signature record was written. */
    public static final Pattern REASONS = Pattern.compile("count|time|rotate|close");
    private static final String MESSAGE_HEADER = "kms-jca audit log signature v1\n";
    private static final Pattern CLAIM = Pattern.compile(
            "^\\{\"seq\":\\d{1,19},\"prev\":\"[0-9a-f]{64}\",\"record\":\"signature\"");
    private static final Pattern RECORD = Pattern.compile("^\\{\"seq\":(\\d{1,19}),\"prev\":\"([0-9a-f]{64})\","
            + "\"record\":\"signature\",\"chain\":\"([0-9a-f]{64})\",\"signedSeq\":(\\d{1,19}),\"signedHash\":\"([0-9a-f]{64})\","
            + "\"time\":\"([0-9A-Za-z:.+-]{1,40})\",\"reason\":\"(count|time|rotate|close)\",\"signer\":\"([0-9a-f]{64})\","
            + "\"signature\":\"([A-Za-z0-9+/]{86}==)\",\"mac\":\"[0-9a-f]{64}\"}$");

    private AuditSignatureRecords() {
    }

    /** A signature record's fields, as read. */
    public record Parsed(long seq, String prev, String chain, long signedSeq, String signedHash, String time,
                         String reason, String signer, byte[] signature) {
    }

    /** A signature record that does not hold: which problem, and what was found. */
    public record Failure(Problem problem, String detail) {
    }

    /** Whether {@code line} claims to be a signature record (well formed or not). */
    public static boolean claims(String line) {
        return CLAIM.matcher(line).find();
    }

    /**
     * The signature record {@code line}, or null if it is none or is not well formed (check
     * {@link #claims} first to tell the two apart).
     */
    public static Parsed parse(String line) {
        Matcher m = RECORD.matcher(line);
        if (!m.matches()) {
            return null;
        }
        try {
            return new Parsed(Long.parseLong(m.group(1)), m.group(2), m.group(3), Long.parseLong(m.group(4)), m.group(5),
                    m.group(6), m.group(7), m.group(8), Base64.getDecoder().decode(m.group(9)));
        } catch (IllegalArgumentException tooLargeOrNotBase64) {
            return null;
        }
    }

    /** The fields of a signature record, between {@code "prev":H,} and {@code ,"mac"}. */
    static String fields(String chain, long signedSeq, String signedHash, String time, String reason, String signer,
                         byte[] signature) {
        return "\"record\":\"signature\",\"chain\":\"" + chain + "\",\"signedSeq\":" + signedSeq + ",\"signedHash\":\""
                + signedHash + "\",\"time\":\"" + time + "\",\"reason\":\"" + reason + "\",\"signer\":\"" + signer
                + "\",\"signature\":\"" + Base64.getEncoder().encodeToString(signature) + "\"";
    }

    /** The bytes the store's key signs: ASCII lines naming the chain, the record signed, the time and the reason. */
    static byte[] message(String chain, long signedSeq, String signedHash, String time, String reason) {
        return (MESSAGE_HEADER + "chain " + chain + "\nseq " + signedSeq + "\nhash " + signedHash + "\ntime " + time
                + "\nreason " + reason + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Checks a signature record found at its place in the chain.
     *
     * @param p     the record
     * @param chain the log's chain id (SHA-256 of its first line)
     * @param key   the key that must have signed it
     * @return null if the record holds, else the problem
     */
    public static Failure check(Parsed p, String chain, AuditVerificationKey key) {
        if (p.signedSeq() != p.seq() - 1 || !p.signedHash().equals(p.prev())) {
            return new Failure(Problem.ALTERED, "signature record " + p.seq() + " names record " + p.signedSeq()
                    + ", not the record before it");
        }
        if (!p.chain().equals(chain)) {
            return new Failure(Problem.ALTERED, "signature record " + p.seq() + " signs another log (chain "
                    + p.chain().substring(0, 16) + "..., this log's is " + chain.substring(0, 16) + "...)");
        }
        if (!p.signer().equals(key.fingerprint())) {
            return new Failure(Problem.WRONG_SIGNER, "signature record " + p.seq() + " was signed by another key (fingerprint "
                    + p.signer() + "), not the verification key (" + key.fingerprint() + ")");
        }
        if (!key.verify(message(p.chain(), p.signedSeq(), p.signedHash(), p.time(), p.reason()), p.signature())) {
            return new Failure(Problem.FORGED, "signature record " + p.seq() + " does not verify under the verification key "
                    + key.fingerprint() + ": forged, or its fields were altered");
        }
        return null;
    }

    /**
     * Checks {@code line}, record {@code seq} of the chain {@code chain}, if it claims to be a
     * signature record: well formed, and signed by {@code key} over the record before it.
     *
     * @return null if it is no signature record or holds, else the problem
     */
    static Failure checkLine(String line, long seq, String chain, AuditVerificationKey key) {
        Parsed p = parse(line);
        return p == null ? new Failure(Problem.ALTERED, "signature record " + seq + " is not well formed") : check(p, chain, key);
    }
}
