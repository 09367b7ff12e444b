package io.kmsjca.internal.service;

import io.kmsjca.audit.KmsAuditContext;
import io.kmsjca.internal.crypto.Primitives;
import io.kmsjca.internal.crypto.SecretBytes;
import io.kmsjca.internal.sigv4.SigV4;
import io.kmsjca.keys.AccessDenial;
import io.kmsjca.keys.AccessKeyInfo;
import io.kmsjca.keys.AccessKeySigner;
import io.kmsjca.keys.KeyAccessDeniedException;

import javax.crypto.Mac;
import java.security.InvalidKeyException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * One access key as a server uses it: signs a request's string to sign with the key's secret, and
 * makes requests as its principal. The secret (its 40-character text, which SigV4 signs with) is
 * held in a {@link SecretBytes}, wiped when the key is deleted or the service closes, and never
 * returned. The signing key of the last (date, region, service) is kept, since a server signs
 * many requests of one day, region and service; a new one replaces and wipes it.
 */
final class StoredAccessKey implements AccessKeySigner {

    /** SigV4 dates are {@code yyyyMMdd}; regions and services are short lower-case names. */
    private static final Pattern DATE = Pattern.compile("[0-9]{8}");
    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,64}");
    /** A string to sign is about 150 bytes: the algorithm, a date, the scope and a hash. */
    static final int MAX_STRING_TO_SIGN = 1024;
    /** The longest source kept in an audit event's principal source. */
    static final int MAX_SOURCE_CHARS = 128;

    private record SigningKey(String date, String region, String service, SecretBytes key) {
        boolean isFor(String d, String r, String s) {
            return date.equals(d) && region.equals(r) && service.equals(s);
        }
    }

    private final AccessKeyInfo info;
    private final long slotRevision;
    private final SecretBytes secret;
    private final AccessKeys keys;
    private volatile SigningKey last;

    /** Copies {@code secretText}; the caller wipes its own. */
    StoredAccessKey(AccessKeyInfo info, long slotRevision, byte[] secretText, AccessKeys keys) {
        this.info = info;
        this.slotRevision = slotRevision;
        this.secret = new SecretBytes(secretText, "AWS4-HMAC-SHA256");
        this.keys = keys;
    }

    @Override
    public AccessKeyInfo info() {
        return info;
    }

    long slotRevision() {
        return slotRevision;
    }

    @Override
    public byte[] signature(String date, String region, String service, byte[] stringToSign) {
        if (date == null || !DATE.matcher(date).matches()) {
            throw new IllegalArgumentException("a SigV4 date is 8 digits (yyyyMMdd)");
        }
        if (region == null || !NAME.matcher(region).matches() || service == null || !NAME.matcher(service).matches()) {
            throw new IllegalArgumentException("a SigV4 region and service are 1 to 64 of a-z, 0-9 and '-'");
        }
        if (stringToSign == null || stringToSign.length > MAX_STRING_TO_SIGN) {
            throw new IllegalArgumentException("a string to sign is given, of at most " + MAX_STRING_TO_SIGN + " bytes");
        }
        SigningKey k = last;
        if (k == null || !k.isFor(date, region, service)) {
            k = new SigningKey(date, region, service, signingKey(date, region, service));
            SigningKey replaced = last;
            last = k;
            if (replaced != null) {
                replaced.key().destroy();
            }
        }
        try {
            return hmac(k.key(), stringToSign);
        } catch (IllegalStateException replacedMeanwhile) {
            // another thread replaced and wiped it between our read and our use: derive our own
            SecretBytes own = signingKey(date, region, service);
            try {
                return hmac(own, stringToSign);
            } finally {
                own.destroy();
            }
        }
    }

    private SecretBytes signingKey(String date, String region, String service) {
        byte[] text;
        try {
            text = secret.getEncoded();
        } catch (IllegalStateException wiped) {
            throw new IllegalStateException("access key " + info.accessKeyId() + " was deleted or its store closed");
        }
        byte[] signing = SigV4.signingKey(text, date, region, service);
        Arrays.fill(text, (byte) 0);
        try {
            return new SecretBytes(signing, "HmacSHA256");
        } finally {
            Arrays.fill(signing, (byte) 0);
        }
    }

    private static byte[] hmac(SecretBytes key, byte[] data) {
        Mac mac = Primitives.mac("HmacSHA256");
        try {
            mac.init(key); // the JDK's HMAC wipes the copy it takes
        } catch (InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
        return mac.doFinal(data);
    }

    @Override
    public KmsAuditContext.Scope actAs(String source) throws KeyAccessDeniedException {
        if (!keys.isLive(this)) {
            throw new KeyAccessDeniedException(new AccessDenial(info.principal(), "kms:UseAccessKey", null, null,
                    AccessDenial.DELETED_ACCESS_KEY));
        }
        return keys.callers().actAs(CredentialIdentity.ofAccessKey(info.principal(), info.administrator(),
                "access-key " + info.accessKeyId() + " from " + printable(source)));
    }

    /** The caller's source as an audit event may carry it: bounded, no control characters. */
    static String printable(String source) {
        if (source == null || source.isEmpty()) {
            return "unknown";
        }
        StringBuilder sb = new StringBuilder(Math.min(source.length(), MAX_SOURCE_CHARS));
        for (int i = 0; i < source.length() && sb.length() < MAX_SOURCE_CHARS; i++) {
            char c = source.charAt(i);
            sb.append(Character.isISOControl(c) || Character.isSurrogate(c) ? '?' : c);
        }
        return sb.toString();
    }

    /** The key was deleted, or its service closed: nothing signs with it again. */
    void wipe() {
        secret.destroy();
        SigningKey k = last;
        if (k != null) {
            k.key().destroy();
        }
    }

    @Override
    public String toString() {
        return "AccessKey[" + info.accessKeyId() + ", principal=" + info.principal() + ", administrator="
                + info.administrator() + "]";
    }
}
