package io.kmsjca.internal.crypto;

import javax.crypto.AEADBadTagException;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;

/**
 * ECDSA over NIST P-384 with SHA-384 (the AWS Encryption SDK's signing suites use the same), as
 * a signed message needs it: a key pair per message, the public key as a fixed 97-byte SEC 1
 * uncompressed point, and signatures in the fixed 96-byte IEEE P1363 form (r || s), so that a
 * signature footer has a fixed length and a streaming reader knows where the body ends.
 */
public final class EcdsaP384 {

    /** 0x04 || x (48) || y (48): SEC 1 section 2.3.3, uncompressed. */
    public static final int PUBLIC_KEY_BYTES = 97;
    /** r (48) || s (48). */
    public static final int SIGNATURE_BYTES = 96;
    private static final int FIELD = 48;
    private static final String ALGORITHM = "SHA384withECDSAinP1363Format";
    private static final ECParameterSpec P384;

    static {
        try {
            AlgorithmParameters p = Primitives.ec() != null ? AlgorithmParameters.getInstance("EC", Primitives.ec())
                    : AlgorithmParameters.getInstance("EC");
            p.init(new ECGenParameterSpec("secp384r1"));
            P384 = p.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private EcdsaP384() {
    }

    /** A new key pair, its private key drawn from {@code random}. */
    public static KeyPair generate(SecureRandom random) {
        try {
            return generator(random).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot generate P-384 keys", e);
        }
    }

    private static KeyPairGenerator generator(SecureRandom random) throws GeneralSecurityException {
        KeyPairGenerator g = Primitives.ec() != null ? KeyPairGenerator.getInstance("EC", Primitives.ec())
                : KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp384r1"), random);
        return g;
    }

    /** The public key of {@code pair} as 97 bytes. */
    public static byte[] encode(KeyPair pair) {
        ECPoint w = ((ECPublicKey) pair.getPublic()).getW();
        byte[] out = new byte[PUBLIC_KEY_BYTES];
        out[0] = 0x04;
        fixed(w.getAffineX(), out, 1);
        fixed(w.getAffineY(), out, 1 + FIELD);
        return out;
    }

    /** A Signature ready to sign with {@code key}; ECDSA's nonce is drawn from {@code random}. */
    public static Signature signer(PrivateKey key, SecureRandom random) throws InvalidKeyException {
        Signature s = Primitives.signature(ALGORITHM);
        s.initSign(key, random);
        return s;
    }

    /**
     * A Signature ready to verify under the encoded public key.
     *
     * @throws AEADBadTagException the bytes are not a P-384 point: they were not written by a sender
     */
    public static Signature verifier(byte[] encoded) throws AEADBadTagException {
        try {
            if (encoded.length != PUBLIC_KEY_BYTES || encoded[0] != 0x04) {
                throw new InvalidKeyException("not an uncompressed point");
            }
            BigInteger x = new BigInteger(1, Arrays.copyOfRange(encoded, 1, 1 + FIELD));
            BigInteger y = new BigInteger(1, Arrays.copyOfRange(encoded, 1 + FIELD, PUBLIC_KEY_BYTES));
            KeyFactory f = Primitives.ec() != null ? KeyFactory.getInstance("EC", Primitives.ec()) : KeyFactory.getInstance("EC");
            Signature s = Primitives.signature(ALGORITHM);
            s.initVerify(f.generatePublic(new ECPublicKeySpec(new ECPoint(x, y), P384)));
            return s;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            var bad = new AEADBadTagException("the message's verification key is not a P-384 public key");
            bad.initCause(e);
            throw bad;
        }
    }

    /** {@code v} as exactly 48 big-endian bytes at {@code out[off]}. */
    private static void fixed(BigInteger v, byte[] out, int off) {
        byte[] b = v.toByteArray();
        int n = Math.min(b.length, FIELD);
        System.arraycopy(b, b.length - n, out, off + FIELD - n, n);
    }
}
