package io.kmsjca.internal.crypto;

import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.spec.GCMParameterSpec;
import java.security.GeneralSecurityException;

import static io.kmsjca.internal.crypto.ChunkedAead.NONCE;
import static io.kmsjca.internal.crypto.ChunkedAead.TAG;

/**
 * The chunk framing of C2SP chunked encryption shared by both directions of {@link ChunkedAead}:
 * input collected into whole units (a plaintext chunk when encrypting, a sealed chunk when
 * decrypting), the final short unit, and the nonce schedule (base nonce XOR chunk index, at most
 * 2^38 chunks) over one JDK AES-GCM cipher. What a unit becomes is the direction's business.
 */
public abstract class ChunkSequence {
    /** "the message MUST NOT exceed 2^38 chunks" (spec: Message chunking). */
    static final long MAX_CHUNKS = 1L << 38;
    private static final byte[] EMPTY = new byte[0];

    final Cipher gcm;
    final SecretBytes key;
    final byte[] baseNonce;
    final byte[] nonce = new byte[NONCE];
    /** One whole unit of input: a plaintext chunk when encrypting, a sealed chunk when decrypting. */
    final int unit;
    /** Input collected towards a unit; allocated only when input arrives in pieces. */
    byte[] buffer;
    int buffered;
    long index;

    ChunkSequence(Cipher gcm, byte[] key, byte[] baseNonce, int unit) {
        this.gcm = gcm;
        this.unit = unit;
        this.key = new SecretBytes(key, "AES");
        this.baseNonce = baseNonce.clone();
        if (baseNonce.length != NONCE) {
            throw new IllegalArgumentException("base nonce must be 12 bytes");
        }
    }

    /** Encrypts or decrypts one whole unit, which is never the final one. */
    abstract int process(byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException;

    /** Encrypts or decrypts the final, short unit. */
    abstract int processFinal(byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException;

    /**
     * Collects input into whole units and processes each as it completes. A unit that arrives
     * whole in the input is processed in place, without a copy. A full unit is never the
     * final chunk: the final chunk is always short (spec: Message chunking).
     */
    final int feed(byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException {
        int written = 0;
        while (len > 0) {
            int n = Math.min(len, unit - buffered);
            if (buffered == 0 && n == unit) {
                written += process(in, off, unit, out, outOff + written);
            } else {
                if (buffer == null) {
                    buffer = new byte[unit];
                }
                System.arraycopy(in, off, buffer, buffered, n);
                buffered += n;
                if (buffered == unit) {
                    written += process(buffer, 0, unit, out, outOff + written);
                    buffered = 0;
                }
            }
            off += n;
            len -= n;
        }
        return written;
    }

    /**
     * The last input of the message: its whole units, then the final unit. When nothing is
     * buffered the final unit is processed in place too, so a message given whole is never copied.
     */
    final int feedFinal(byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException {
        if (len == 0) {
            in = EMPTY; // Cipher.doFinal() passes no array
            off = 0;
        }
        if (buffered > 0) {
            int n = feed(in, off, len, out, outOff);
            return n + processFinal(buffer, 0, buffered, out, outOff + n);
        }
        int whole = len / unit * unit;
        int n = feed(in, off, whole, out, outOff);
        return n + processFinal(in, off + whole, len - whole, out, outOff + n);
    }

    void init(int mode) throws GeneralSecurityException {
        if (index >= MAX_CHUNKS) {
            throw new IllegalBlockSizeException("message exceeds 2^38 chunks (4 PiB)");
        }
        chunkNonce(baseNonce, index, nonce);
        gcm.init(mode, key, new GCMParameterSpec(TAG * 8, nonce));
    }

    /** Wipes the chunk key. */
    public void destroy() {
        key.destroy();
    }

    /** Nonce of chunk {@code index}: the base nonce XOR the index, big-endian (spec: AEAD usage). */
    static void chunkNonce(byte[] baseNonce, long index, byte[] out) {
        System.arraycopy(baseNonce, 0, out, 0, NONCE);
        for (int i = 0; i < 8; i++) {
            out[NONCE - 1 - i] ^= (byte) (index >>> (8 * i));
        }
    }
}
