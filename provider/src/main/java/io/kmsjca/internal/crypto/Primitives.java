package io.kmsjca.internal.crypto;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.NoSuchPaddingException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;

/**
 * Where every JDK primitive instance comes from. AES-GCM and HMAC are taken from the JDK's
 * SunJCE when it is there (HotSpot intrinsics), whatever providers the application installed
 * ahead of it; ECDSA comes from SunEC the same way. Callers hold the instances they get: no
 * lookup happens on a hot path.
 */
public final class Primitives {

    private static final Provider SUN_JCE = Security.getProvider("SunJCE");
    private static final Provider SUN_EC = Security.getProvider("SunEC");

    private Primitives() {
    }

    /** A new AES/GCM/NoPadding cipher. */
    public static Cipher aesGcm() {
        try {
            return SUN_JCE != null ? Cipher.getInstance("AES/GCM/NoPadding", SUN_JCE)
                    : Cipher.getInstance("AES/GCM/NoPadding");
        } catch (NoSuchAlgorithmException | NoSuchPaddingException e) {
            throw new IllegalStateException("this JDK has no AES/GCM/NoPadding", e);
        }
    }

    /** A new Mac for {@code algorithm} (HmacSHA256, HmacSHA512). */
    public static Mac mac(String algorithm) {
        try {
            return SUN_JCE != null ? Mac.getInstance(algorithm, SUN_JCE) : Mac.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no " + algorithm, e);
        }
    }

    /** A new MessageDigest for {@code algorithm} (SHA-256, SHA-512), from the JDK's SUN provider when it is there. */
    public static MessageDigest digest(String algorithm) {
        Provider sun = AsymmetricProviders.sun();
        try {
            return sun != null ? MessageDigest.getInstance(algorithm, sun) : MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no " + algorithm, e);
        }
    }

    /** A new Signature for {@code algorithm} (SHA384withECDSAinP1363Format). */
    public static Signature signature(String algorithm) {
        try {
            return SUN_EC != null ? Signature.getInstance(algorithm, SUN_EC) : Signature.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no " + algorithm, e);
        }
    }

    /** A new KeyFactory for {@code algorithm} (Ed25519), from SunEC when it is there. */
    public static KeyFactory keyFactory(String algorithm) {
        try {
            return SUN_EC != null ? KeyFactory.getInstance(algorithm, SUN_EC) : KeyFactory.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no " + algorithm, e);
        }
    }

    /** A new EC KeyPairGenerator and KeyFactory provider: SunEC when present. */
    static Provider ec() {
        return SUN_EC;
    }
}
