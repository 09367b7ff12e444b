package io.kmsjca.internal.crypto;

import java.security.InvalidKeyException;
import java.security.MessageDigest;

/**
 * EMSA-PSS encoding (RFC 8017 section 9.1.1) of a digest, as AWS KMS signs: MGF1 with the
 * digest's own hash, trailer field 0xBC. The caller applies the private key to the encoded
 * message with the JDK's raw RSA, whose blinding parameters are kept per key; JDK 17 has no
 * {@code NONEwithRSASSA-PSS} to sign a digest with.
 */
final class EmsaPss {

    private static final int ZEROS = 8; // M' = (0x)00 00 00 00 00 00 00 00 || mHash || salt

    private EmsaPss() {
    }

    /**
     * The encoded message {@code EM} for a key of {@code modulusBits}: {@code emBits = modulusBits - 1},
     * so {@code EM} is {@code ceil(emBits / 8)} bytes with its top bit clear, below the modulus.
     *
     * @param hash  the digest's hash, used for {@code H} and MGF1 (reset before and after use)
     * @param mHash the digest signed, as long as {@code hash}'s output
     * @param salt  a new random salt each signature
     * @throws InvalidKeyException      a key too short for the hash and salt (none of the key specs here is)
     * @throws IllegalArgumentException a digest of another length (the caller computed it)
     */
    static byte[] encode(MessageDigest hash, byte[] mHash, byte[] salt, int modulusBits) throws InvalidKeyException {
        int hLen = hash.getDigestLength();
        int sLen = salt.length;
        int emBits = modulusBits - 1;
        int emLen = (emBits + 7) / 8;
        if (mHash.length != hLen) {
            throw new IllegalArgumentException("a " + hash.getAlgorithm() + " digest is " + hLen + " bytes, got " + mHash.length);
        }
        if (emLen < hLen + sLen + 2) { // step 3
            throw new InvalidKeyException("a " + modulusBits + "-bit RSA key is too short for PSS with "
                    + hash.getAlgorithm() + " and a " + sLen + "-byte salt");
        }
        hash.reset();
        hash.update(new byte[ZEROS]); // steps 5 and 6: H = Hash(M')
        hash.update(mHash);
        hash.update(salt);
        byte[] h = hash.digest();
        int dbLen = emLen - hLen - 1;
        byte[] em = new byte[emLen];
        em[dbLen - sLen - 1] = 0x01; // steps 7 and 8: DB = PS (zeros) || 0x01 || salt
        System.arraycopy(salt, 0, em, dbLen - sLen, sLen);
        mgf1Xor(hash, h, em, dbLen); // steps 9 and 10: maskedDB = DB xor MGF1(H, dbLen)
        em[0] &= (byte) (0xFF >>> (8 * emLen - emBits)); // step 11: the leftmost 8 * emLen - emBits bits cleared
        System.arraycopy(h, 0, em, dbLen, hLen); // step 12: EM = maskedDB || H || 0xBC
        em[emLen - 1] = (byte) 0xBC;
        return em;
    }

    /** XORs MGF1(seed, len) (RFC 8017 appendix B.2.1) into {@code out[0, len)}. */
    private static void mgf1Xor(MessageDigest hash, byte[] seed, byte[] out, int len) {
        byte[] counter = new byte[4];
        for (int done = 0, i = 0; done < len; i++) {
            counter[0] = (byte) (i >>> 24);
            counter[1] = (byte) (i >>> 16);
            counter[2] = (byte) (i >>> 8);
            counter[3] = (byte) i;
            hash.update(seed);
            hash.update(counter);
            byte[] block = hash.digest();
            for (int j = 0; j < block.length && done < len; j++, done++) {
                out[done] ^= block[j];
            }
        }
    }
}
