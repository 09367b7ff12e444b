package io.kmsjca.internal.crypto;

import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import java.security.InvalidKeyException;
import java.util.Arrays;

/**
 * HKDF (RFC 5869) over the JDK's HMAC, whose SHA-2 intrinsics make it several times faster than
 * a pure-Java HMAC. Expand takes a Mac already keyed with the PRK so a caller that derives many
 * keys from one PRK keys it once.
 */
public final class Hkdf {

    private Hkdf() {
    }

    /** RFC 5869 §2.2: PRK = HMAC(salt, IKM); an empty salt means HashLen zero bytes. */
    public static byte[] extract(String macAlgorithm, byte[] salt, byte[] ikm) throws InvalidKeyException {
        Mac mac = Primitives.mac(macAlgorithm);
        byte[] s = salt == null || salt.length == 0 ? new byte[mac.getMacLength()] : salt;
        SecretBytes key = new SecretBytes(s, macAlgorithm);
        try {
            mac.init(key);
            return mac.doFinal(ikm);
        } finally {
            key.destroy();
        }
    }

    /**
     * RFC 5869 §2.3: OKM = T(1) | T(2) | ..., T(i) = HMAC(PRK, T(i-1) | info | i).
     *
     * @param prkMac a Mac keyed with the PRK; left reset
     * @throws IllegalArgumentException {@code length} is over 255 × HashLen (§2.3) or negative
     */
    public static byte[] expand(Mac prkMac, byte[] info, int length) {
        int hashLen = prkMac.getMacLength();
        if (length < 0 || length > 255 * hashLen) {
            throw new IllegalArgumentException("HKDF output length " + length + " exceeds 255 * " + hashLen);
        }
        byte[] okm = new byte[length];
        byte[] t = new byte[hashLen];
        try {
            int done = 0;
            for (int i = 1; done < length; i++) {
                if (i > 1) {
                    prkMac.update(t);
                }
                prkMac.update(info);
                prkMac.update((byte) i);
                prkMac.doFinal(t, 0);
                int n = Math.min(hashLen, length - done);
                System.arraycopy(t, 0, okm, done, n);
                done += n;
            }
            return okm;
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e); // t is exactly HashLen long
        } finally {
            Arrays.fill(t, (byte) 0);
        }
    }

    /** Extract then expand. */
    public static byte[] derive(String macAlgorithm, byte[] salt, byte[] ikm, byte[] info, int length)
            throws InvalidKeyException {
        byte[] prk = extract(macAlgorithm, salt, ikm);
        SecretBytes key = new SecretBytes(prk, macAlgorithm);
        Arrays.fill(prk, (byte) 0);
        try {
            Mac mac = Primitives.mac(macAlgorithm);
            mac.init(key);
            return expand(mac, info, length);
        } finally {
            key.destroy();
        }
    }
}
