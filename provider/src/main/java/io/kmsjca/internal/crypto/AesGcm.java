package io.kmsjca.internal.crypto;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.util.Arrays;

/**
 * AES-256-GCM with a 96-bit nonce and a 128-bit tag, the one parameter set kms-jca uses, over
 * the JDK's cipher. For rare operations (sealing records and the root key); the wrap hot path
 * keeps its own cipher instance. {@link #open} reads the sealed form nonce (12) | ciphertext |
 * tag (16) of version 1 key records.
 */
public final class AesGcm {

    public static final int KEY_BYTES = 32;
    public static final int NONCE_BYTES = 12;
    public static final int TAG_BYTES = 16;

    private AesGcm() {
    }

    /** Opens nonce | ciphertext | tag; any failure is an {@link AEADBadTagException}. */
    public static byte[] open(SecretBytes key, byte[] aad, byte[] sealed) throws GeneralSecurityException {
        if (sealed.length < NONCE_BYTES + TAG_BYTES) {
            throw new AEADBadTagException("sealed data is " + sealed.length + " bytes, shorter than nonce and tag");
        }
        return decrypt(key, Arrays.copyOf(sealed, NONCE_BYTES), aad,
                Arrays.copyOfRange(sealed, NONCE_BYTES, sealed.length));
    }

    /** Ciphertext | tag of {@code plaintext} under {@code key} and {@code nonce}. */
    public static byte[] encrypt(SecretBytes key, byte[] nonce, byte[] aad, byte[] plaintext)
            throws GeneralSecurityException {
        Cipher c = init(Cipher.ENCRYPT_MODE, key, nonce);
        c.updateAAD(aad);
        return c.doFinal(plaintext);
    }

    /** Plaintext of ciphertext | tag; a wrong key, nonce, AAD or tag is an {@link AEADBadTagException}. */
    public static byte[] decrypt(SecretBytes key, byte[] nonce, byte[] aad, byte[] ciphertextAndTag)
            throws GeneralSecurityException {
        if (ciphertextAndTag.length < TAG_BYTES) {
            throw new AEADBadTagException("ciphertext is shorter than the tag");
        }
        Cipher c = init(Cipher.DECRYPT_MODE, key, nonce);
        c.updateAAD(aad);
        return c.doFinal(ciphertextAndTag);
    }

    private static Cipher init(int mode, SecretBytes key, byte[] nonce) throws GeneralSecurityException {
        if (key.length() != KEY_BYTES) {
            throw new InvalidKeyException("AES-256-GCM needs a 32-byte key, got " + key.length());
        }
        if (nonce.length != NONCE_BYTES) {
            throw new InvalidAlgorithmParameterException("AES-256-GCM here takes a 12-byte nonce, got " + nonce.length);
        }
        Cipher c = Primitives.aesGcm();
        c.init(mode, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
        return c;
    }
}
