package io.kmsjca.benchmarks;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/**
 * The floor every benchmark measures kms-jca against: the JDK's AES-256-GCM under one long-lived
 * key, one {@code Cipher} per direction reused as its documentation recommends, and a fresh
 * counter nonce for every encryption (GCM refuses a repeated one). One definition, so every
 * benchmark's baseline does the same work. Not thread-safe: one per benchmark state.
 */
final class JdkGcm {

    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final Cipher encryptor;
    private final Cipher decryptor;
    private final byte[] nonce = new byte[12];
    private long counter;

    /** Under a new random key. */
    JdkGcm() throws GeneralSecurityException {
        this(randomKey());
    }

    /** Under {@code key} (32 bytes), for a benchmark that gives the same key to other systems. */
    JdkGcm(byte[] key) throws GeneralSecurityException {
        this.key = new SecretKeySpec(key, "AES");
        this.encryptor = Cipher.getInstance("AES/GCM/NoPadding");
        this.decryptor = Cipher.getInstance("AES/GCM/NoPadding");
    }

    static byte[] randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    /** Ciphertext and tag of {@code plaintext} under the next nonce, with {@code aad} (or none). */
    byte[] encrypt(byte[] plaintext, byte[] aad) throws GeneralSecurityException {
        return next(aad).doFinal(plaintext);
    }

    /** The same into {@code out}; returns the bytes written. */
    int encrypt(byte[] plaintext, byte[] aad, byte[] out) throws GeneralSecurityException {
        return next(aad).doFinal(plaintext, 0, plaintext.length, out, 0);
    }

    /** The nonce of the last encryption; valid until the next one (copy it to keep it). */
    byte[] nonce() {
        return nonce;
    }

    byte[] decrypt(byte[] nonce, byte[] ciphertext, byte[] aad) throws GeneralSecurityException {
        return start(decryptor, Cipher.DECRYPT_MODE, nonce, aad).doFinal(ciphertext);
    }

    int decrypt(byte[] nonce, byte[] ciphertext, byte[] aad, byte[] out) throws GeneralSecurityException {
        return start(decryptor, Cipher.DECRYPT_MODE, nonce, aad).doFinal(ciphertext, 0, ciphertext.length, out, 0);
    }

    /**
     * {@code plaintext} as GCM messages of {@code chunk} bytes each (the last one shorter, possibly
     * empty), each under its own nonce and {@code Cipher.init}, as a chunked format must: no key
     * derivation, no header, so the floor any such format on the JDK's GCM can reach. Returns the
     * bytes written; the nonces are the counter's next values.
     */
    int encryptChunked(byte[] plaintext, int chunk, byte[] out) throws GeneralSecurityException {
        int written = 0;
        for (int off = 0; ; off += chunk) {
            int n = Math.min(chunk, plaintext.length - off);
            written += next(null).doFinal(plaintext, off, n, out, written);
            if (n < chunk) {
                return written;
            }
        }
    }

    /** Decrypts what {@link #encryptChunked} wrote with the nonces after {@code firstCounter}; returns the bytes written. */
    int decryptChunked(long firstCounter, byte[] ciphertext, int length, int chunk, byte[] out) throws GeneralSecurityException {
        byte[] iv = new byte[12];
        int written = 0;
        int sealed = chunk + TAG_BITS / 8;
        for (int off = 0; off < length; off += sealed) {
            ByteBuffer.wrap(iv).putLong(4, ++firstCounter);
            written += start(decryptor, Cipher.DECRYPT_MODE, iv, null).doFinal(ciphertext, off, Math.min(sealed, length - off),
                    out, written);
        }
        return written;
    }

    /** The counter of the last encryption's nonce. */
    long counter() {
        return counter;
    }

    private Cipher next(byte[] aad) throws GeneralSecurityException {
        ByteBuffer.wrap(nonce).putLong(4, ++counter);
        return start(encryptor, Cipher.ENCRYPT_MODE, nonce, aad);
    }

    private Cipher start(Cipher c, int mode, byte[] iv, byte[] aad) throws GeneralSecurityException {
        c.init(mode, key, new GCMParameterSpec(TAG_BITS, iv));
        if (aad != null) {
            c.updateAAD(aad);
        }
        return c;
    }
}
