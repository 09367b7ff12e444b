package io.kmsjca.internal.crypto;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Arrays;

/**
 * C2SP chunked encryption (https://c2sp.org/chunked-encryption, "Cobblestone"): a message of any
 * length as 16 KiB AES-GCM chunks under a key, base nonce and key commitment derived per message
 * with HKDF-Expand-SHA-512. Streaming in constant memory both ways; a chunk's plaintext is
 * released only after its tag verified; truncation, extension and reordering are detected.
 */
public final class ChunkedAead {

    /** "The message is split into chunks of 16 KiB" (spec: Message chunking). */
    public static final int CHUNK = 16 * 1024;
    public static final int TAG = 16;
    public static final int NONCE = 12;
    public static final int SALT = 24;
    public static final int COMMITMENT = 32;
    /** Salt and commitment: the 56 bytes before the first chunk. */
    public static final int HEADER = SALT + COMMITMENT;
    /**
     * Bytes of a message number, after the commitment, when several messages share one derivation
     * (KMSEnvelope version 4, {@link #numberedNonce}): not part of C2SP.
     */
    public static final int NUMBER = 4;
    public static final int SEALED_CHUNK = CHUNK + TAG;
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] LABEL = "c2sp.org/chunked-encryption@v1+".getBytes(StandardCharsets.US_ASCII);

    /** An instantiation: the AEAD by its IANA name and its key size; HKDF with SHA-512 for both. */
    public enum Suite {
        /** Cobblestone-256. */
        AES_256_GCM("AEAD_AES_256_GCM", 32),
        /** Cobblestone-128. */
        AES_128_GCM("AEAD_AES_128_GCM", 16);

        final String aeadName;
        final int keyBytes;

        Suite(String aeadName, int keyBytes) {
            this.aeadName = aeadName;
            this.keyBytes = keyBytes;
        }

        public int keyBytes() {
            return keyBytes;
        }
    }

    /**
     * One direction of a message body pushed in pieces, as a cipher streams it: the chunks alone,
     * or the chunks and a signature footer ({@link SignedBody}).
     */
    public interface Body {
        /** Processes what completes; returns the bytes written to {@code out}. */
        int update(byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException;

        /** Processes the last input of the message; returns the bytes written to {@code out}. */
        int doFinal(byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException;

        /** What update and doFinal write together for {@code len} more bytes, at most. */
        int finalOutputSize(int len);

        /** Wipes the chunk key. */
        void destroy();
    }

    /** The per-message key, base nonce and commitment (spec: Key derivation). */
    public record Material(byte[] key, byte[] baseNonce, byte[] commitment) {
        void wipe() {
            Arrays.fill(key, (byte) 0);
        }
    }

    private ChunkedAead() {
    }

    /**
     * key || base nonce || commitment = HKDF-Expand-SHA-512(prk = input key,
     * info = "c2sp.org/chunked-encryption@v1+" || aead || 0x00 || salt || context).
     *
     * @throws InvalidKeyException the input key is not the AEAD's key size
     */
    public static Material derive(Suite suite, byte[] inputKey, byte[] salt, byte[] context) throws InvalidKeyException {
        return derive(suite, inputKey, salt, context, Primitives.mac("HmacSHA512"));
    }

    /** {@link #derive(Suite, byte[], byte[], byte[])} with the caller's HmacSHA512 instance. */
    public static Material derive(Suite suite, byte[] inputKey, byte[] salt, byte[] context, Mac mac)
            throws InvalidKeyException {
        if (inputKey.length != suite.keyBytes) {
            throw new InvalidKeyException(suite.aeadName + " needs a " + suite.keyBytes + "-byte input key, got "
                    + inputKey.length);
        }
        if (salt.length != SALT) {
            throw new IllegalArgumentException("salt must be " + SALT + " bytes");
        }
        byte[] name = suite.aeadName.getBytes(StandardCharsets.US_ASCII);
        byte[] info = new byte[LABEL.length + name.length + 1 + SALT + context.length];
        System.arraycopy(LABEL, 0, info, 0, LABEL.length);
        System.arraycopy(name, 0, info, LABEL.length, name.length);
        System.arraycopy(salt, 0, info, LABEL.length + name.length + 1, SALT);
        System.arraycopy(context, 0, info, LABEL.length + name.length + 1 + SALT, context.length);
        SecretBytes prk = new SecretBytes(inputKey, "HmacSHA512");
        byte[] okm = null;
        try {
            mac.init(prk);
            okm = Hkdf.expand(mac, info, suite.keyBytes + NONCE + COMMITMENT);
            return new Material(Arrays.copyOf(okm, suite.keyBytes),
                    Arrays.copyOfRange(okm, suite.keyBytes, suite.keyBytes + NONCE),
                    Arrays.copyOfRange(okm, suite.keyBytes + NONCE, okm.length));
        } finally {
            prk.destroy();
            if (okm != null) {
                Arrays.fill(okm, (byte) 0);
            }
        }
    }

    /**
     * The base nonce of message {@code number} of several that share one derivation (one data
     * key, salt and context: KMSEnvelope version 4): the derived base nonce with the number, big
     * endian, XORed into its first four bytes. A chunk index (below 2^38) XORs into the last five
     * only, so no two (number, index) pairs make one nonce, and each message is a C2SP message in
     * raw mode (spec: Appendix) under the shared key and a base nonce of its own.
     */
    public static byte[] numberedNonce(byte[] baseNonce, int number) {
        byte[] number4 = new byte[NUMBER];
        putNumber(number4, 0, number);
        byte[] nonce = baseNonce.clone();
        for (int i = 0; i < NUMBER; i++) {
            nonce[i] ^= number4[i];
        }
        return nonce;
    }

    /** Writes message number {@code number} at {@code off}, big endian. */
    public static void putNumber(byte[] out, int off, int number) {
        for (int i = 0; i < NUMBER; i++) {
            out[off + i] = (byte) (number >>> (8 * (NUMBER - 1 - i)));
        }
    }

    /** The message number written at {@code off} (big endian, unsigned: any 32 bits select a nonce). */
    static int number(byte[] b, int off) {
        return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | b[off + 3] & 0xFF;
    }

    /** The bytes before the first chunk: salt and commitment, and the message number if {@code numbered}. */
    public static int headerLength(boolean numbered) {
        return HEADER + (numbered ? NUMBER : 0);
    }

    /** Encrypts a message pushed in pieces; output is the chunks (the caller writes the 56-byte header first). */
    public static final class Encryptor extends ChunkSequence implements Body {

        /** Raw mode: a key and base nonce used for exactly one message (spec: Appendix). */
        public Encryptor(byte[] key, byte[] baseNonce) {
            this(Primitives.aesGcm(), key, baseNonce);
        }

        /** The same with the caller's AES/GCM cipher, reused from message to message. */
        public Encryptor(Cipher gcm, byte[] key, byte[] baseNonce) {
            super(gcm, key, baseNonce, CHUNK);
        }

        /** Exactly what {@link #update} returns for {@code len} more bytes. */
        public int updateOutputSize(int len) {
            return (int) Math.min(Integer.MAX_VALUE, (long) (buffered + len) / CHUNK * SEALED_CHUNK);
        }

        /** Exactly what {@link #update} and {@link #doFinal} return together for {@code len} more bytes. */
        public int finalOutputSize(int len) {
            return (int) Math.min(Integer.MAX_VALUE, (long) updateOutputSize(len) + (buffered + len) % CHUNK + TAG);
        }

        /** Encrypts every chunk that fills; returns the bytes written to {@code out}. */
        public int update(byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException {
            return feed(in, off, len, out, outOff);
        }

        /** Encrypts the final, short (possibly empty) chunk. */
        public int doFinal(byte[] out, int outOff) throws GeneralSecurityException {
            return doFinal(EMPTY, 0, 0, out, outOff);
        }

        /** Encrypts the last input of the message and its final chunk; returns the bytes written. */
        public int doFinal(byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException {
            try {
                return feedFinal(in, off, len, out, outOff);
            } finally {
                if (buffer != null) {
                    // all of it: past the final chunk's bytes it still holds an earlier chunk's plaintext
                    Arrays.fill(buffer, (byte) 0);
                }
                buffered = 0;
                destroy();
            }
        }

        @Override
        int process(byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException {
            return seal(in, off, len, out, outOff);
        }

        @Override
        int processFinal(byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException {
            return seal(in, off, len, out, outOff);
        }

        private int seal(byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException {
            init(Cipher.ENCRYPT_MODE);
            index++;
            try {
                return gcm.doFinal(in, off, len, out, outOff);
            } catch (ShortBufferException e) {
                throw new IllegalStateException("output buffer sized by updateOutputSize was too small", e);
            }
        }
    }

    /**
     * Decrypts a message pushed in pieces. A full-size sealed chunk is decrypted and released as
     * soon as it is complete (it cannot be the final one); {@link #doFinal} requires a valid short
     * final chunk. After any failure every call fails again.
     */
    public static final class Decryptor extends ChunkSequence implements Body {
        private GeneralSecurityException failure;

        /** Raw mode: the key and base nonce of one message. */
        public Decryptor(byte[] key, byte[] baseNonce) {
            this(Primitives.aesGcm(), key, baseNonce);
        }

        /** The same with the caller's AES/GCM cipher, reused from message to message. */
        public Decryptor(Cipher gcm, byte[] key, byte[] baseNonce) {
            super(gcm, key, baseNonce, SEALED_CHUNK);
        }

        /**
         * Checks a message's 56-byte header (salt, commitment) against {@code inputKey} and
         * {@code context}, then decrypts its chunks.
         *
         * @throws AEADBadTagException the commitment does not match: wrong key, wrong context, or
         *                             an altered salt or commitment
         */
        public static Decryptor forMessage(Suite suite, byte[] inputKey, byte[] context, byte[] header, int off)
                throws GeneralSecurityException {
            return forMessage(suite, inputKey, context, header, off, Primitives.aesGcm(), Primitives.mac("HmacSHA512"));
        }

        /** The same with the caller's cipher and HmacSHA512, reused from message to message. */
        public static Decryptor forMessage(Suite suite, byte[] inputKey, byte[] context, byte[] header, int off,
                                           Cipher gcm, Mac sha512) throws GeneralSecurityException {
            return forMessage(suite, inputKey, context, header, off, false, gcm, sha512);
        }

        /**
         * The same for a message whose header may also carry a message number after the
         * commitment ({@code numbered}: {@link #headerLength} bytes at {@code off}).
         */
        public static Decryptor forMessage(Suite suite, byte[] inputKey, byte[] context, byte[] header, int off,
                                           boolean numbered, Cipher gcm, Mac sha512) throws GeneralSecurityException {
            Material m = derive(suite, inputKey, Arrays.copyOfRange(header, off, off + SALT), context, sha512);
            try {
                if (!ConstantTime.equals(m.commitment(), 0, header, off + SALT, COMMITMENT)) {
                    throw new AEADBadTagException("key commitment does not match: wrong key or context, or altered header");
                }
                return new Decryptor(gcm, m.key(),
                        numbered ? numberedNonce(m.baseNonce(), number(header, off + HEADER)) : m.baseNonce());
            } finally {
                m.wipe();
            }
        }

        /** Exactly the plaintext {@link #update} releases for {@code len} more bytes, if they authenticate. */
        public int updateOutputSize(int len) {
            return (int) Math.min(Integer.MAX_VALUE, (long) (buffered + len) / SEALED_CHUNK * CHUNK);
        }

        /**
         * Exactly what {@link #update} and {@link #doFinal} release together for {@code len} more
         * bytes if the message authenticates, and never less than they write when it does not: a
         * final chunk shorter than its tag releases nothing.
         */
        public int finalOutputSize(int len) {
            long total = (long) buffered + len;
            long last = total % SEALED_CHUNK;
            return (int) Math.min(Integer.MAX_VALUE, total / SEALED_CHUNK * CHUNK + Math.max(0, last - TAG));
        }

        /** Releases the plaintext of every chunk completed and authenticated by this input. */
        public int update(byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException {
            checkNotFailed();
            return feed(in, off, len, out, outOff);
        }

        /**
         * Decrypts the final chunk, which must be short: its sealed length is 16 .. 16 KiB + 15
         * (spec: Implementation notes). Anything else is a truncated message.
         */
        public int doFinal(byte[] out, int outOff) throws GeneralSecurityException {
            return doFinal(EMPTY, 0, 0, out, outOff);
        }

        /** Decrypts the last input of the message, which must end with its short final chunk. */
        public int doFinal(byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException {
            checkNotFailed();
            int n = feedFinal(in, off, len, out, outOff);
            buffered = 0;
            destroy();
            return n;
        }

        @Override
        int process(byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException {
            return open(in, off, len, out, outOff);
        }

        @Override
        int processFinal(byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException {
            if (len < TAG) {
                throw fail(new AEADBadTagException("message is truncated: its final chunk is missing"));
            }
            return open(in, off, len, out, outOff);
        }

        private int open(byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException {
            try {
                init(Cipher.DECRYPT_MODE);
                index++;
                return gcm.doFinal(in, off, len, out, outOff);
            } catch (ShortBufferException e) {
                throw new IllegalStateException("output buffer sized by updateOutputSize was too small", e);
            } catch (AEADBadTagException e) {
                throw fail(new AEADBadTagException("chunk " + (index - 1) + " does not authenticate: the message was "
                        + "altered, reordered, truncated or extended"));
            } catch (GeneralSecurityException e) {
                throw fail(e);
            }
        }

        private GeneralSecurityException fail(GeneralSecurityException e) {
            failure = e;
            destroy();
            return e;
        }

        private void checkNotFailed() throws GeneralSecurityException {
            if (failure != null) {
                var again = new AEADBadTagException("message failed to decrypt earlier: " + failure.getMessage());
                again.initCause(failure);
                throw again;
            }
        }
    }
}
