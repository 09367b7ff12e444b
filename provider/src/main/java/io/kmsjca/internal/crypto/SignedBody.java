package io.kmsjca.internal.crypto;

import javax.crypto.AEADBadTagException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.SignatureException;

/**
 * The body of a signed message: its C2SP chunks, then a footer of {@link #FOOTER} bytes, the
 * sender's signature over every byte of the message before the footer (the caller feeds the
 * header into the Signature first). The footer has a fixed length because C2SP chunks carry no
 * end marker: a reader can only tell the final chunk by where the input ends, so it holds the
 * last {@link #FOOTER} bytes back from the chunks at all times.
 */
public final class SignedBody {

    public static final int FOOTER = EcdsaP384.SIGNATURE_BYTES;

    private SignedBody() {
    }

    /**
     * Verifies the footer of a signed message stored in {@code channel}: the bytes from {@code from}
     * to the footer go through {@code verifier}, which has already seen those before {@code from}.
     *
     * @return where the footer starts: the end of the chunks
     * @throws AEADBadTagException the footer is missing or does not verify (cause: a {@link SignatureException})
     */
    public static long verify(Signature verifier, SeekableByteChannel channel, long from)
            throws IOException, GeneralSecurityException {
        long end = channel.size() - FOOTER;
        if (end < from) {
            throw refusal("the message is truncated: its signature footer is missing or short");
        }
        ByteBuffer buf = ByteBuffer.allocate(ChunkedAead.SEALED_CHUNK);
        channel.position(from);
        for (long left = end - from; left > 0; ) {
            buf.clear().limit((int) Math.min(buf.capacity(), left));
            int n = channel.read(buf);
            if (n < 0) {
                throw new EOFException("ciphertext ended early");
            }
            verifier.update(buf.array(), 0, n);
            left -= n;
        }
        byte[] footer = new byte[FOOTER];
        ByteBuffer f = ByteBuffer.wrap(footer);
        while (f.hasRemaining()) {
            if (channel.read(f) < 0) {
                throw new EOFException("ciphertext ended early");
            }
        }
        check(verifier, footer);
        return end;
    }

    private static void check(Signature verifier, byte[] footer) throws AEADBadTagException {
        boolean valid;
        try {
            valid = verifier.verify(footer);
        } catch (SignatureException e) {
            throw refusal(e.getMessage());
        }
        if (!valid) {
            throw refusal("the signature does not verify: the message was altered, or written by a recipient");
        }
    }

    private static AEADBadTagException refusal(String why) {
        var e = new AEADBadTagException("KMSEnvelope signature footer refused: " + why);
        e.initCause(new SignatureException(why));
        return e;
    }

    /** Encrypts the chunks, signs each as it is written, and appends the signature. */
    public static final class Signing implements ChunkedAead.Body {
        private final ChunkedAead.Encryptor chunks;
        private final Signature signer;

        /** @param signer initialized to sign, already fed every message byte before the chunks */
        public Signing(ChunkedAead.Encryptor chunks, Signature signer) {
            this.chunks = chunks;
            this.signer = signer;
        }

        @Override
        public int update(byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException {
            int n = chunks.update(in, off, len, out, outOff);
            signer.update(out, outOff, n);
            return n;
        }

        @Override
        public int doFinal(byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException {
            int n = chunks.doFinal(in, off, len, out, outOff);
            signer.update(out, outOff, n);
            return n + signer.sign(out, outOff + n, FOOTER);
        }

        @Override
        public int finalOutputSize(int len) {
            return (int) Math.min(Integer.MAX_VALUE, (long) chunks.finalOutputSize(len) + FOOTER);
        }

        @Override
        public void destroy() {
            chunks.destroy();
        }
    }

    /**
     * Decrypts the chunks while it verifies them, and releases the final chunk only once the
     * footer verified: doFinal checks the signature over all the ciphertext before it decrypts
     * anything of its own input. Chunks completed by update before then are released as they
     * authenticate under the data key, as in an unsigned message.
     */
    public static final class Verifying implements ChunkedAead.Body {
        private final ChunkedAead.Decryptor chunks;
        private final Signature verifier;
        /** The last input bytes, which may be the footer: never given to the chunks before doFinal. */
        private final byte[] tail = new byte[FOOTER];
        private int tailLen;

        /** @param verifier initialized to verify, already fed every message byte before the chunks */
        public Verifying(ChunkedAead.Decryptor chunks, Signature verifier) {
            this.chunks = chunks;
            this.verifier = verifier;
        }

        @Override
        public int update(byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException {
            int release = tailLen + len - FOOTER; // bytes that can no longer be part of the footer
            if (release <= 0) {
                System.arraycopy(in, off, tail, tailLen, len);
                tailLen += len;
                return 0;
            }
            int fromTail = Math.min(tailLen, release);
            int fromIn = release - fromTail;
            int n = 0;
            if (fromTail > 0) {
                verifier.update(tail, 0, fromTail);
                n = chunks.update(tail, 0, fromTail, out, outOff);
                System.arraycopy(tail, fromTail, tail, 0, tailLen - fromTail);
                tailLen -= fromTail;
            }
            verifier.update(in, off, fromIn);
            n += chunks.update(in, off, fromIn, out, outOff + n);
            System.arraycopy(in, off + fromIn, tail, tailLen, len - fromIn);
            tailLen += len - fromIn;
            return n;
        }

        /**
         * Verifies the footer, the last {@link #FOOTER} bytes of the message, against everything
         * before it; only then decrypts the rest of the chunks and the final one.
         *
         * @throws AEADBadTagException the footer is missing, short or does not verify; its cause
         *                             is a {@link SignatureException}
         */
        @Override
        public int doFinal(byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException {
            if (len == 0) {
                in = new byte[0]; // Cipher.doFinal() passes no array
                off = 0;
            }
            if (tailLen + len < FOOTER) {
                throw refused("the message is truncated: its signature footer is missing or short");
            }
            int body = tailLen + len - FOOTER;
            int fromTail = Math.min(tailLen, body);
            int fromIn = body - fromTail;
            byte[] footer = new byte[FOOTER];
            System.arraycopy(tail, fromTail, footer, 0, tailLen - fromTail);
            System.arraycopy(in, off + fromIn, footer, tailLen - fromTail, len - fromIn);
            verifier.update(tail, 0, fromTail);
            verifier.update(in, off, fromIn);
            try {
                check(verifier, footer);
            } catch (AEADBadTagException e) {
                chunks.destroy();
                throw e;
            }
            int n = chunks.update(tail, 0, fromTail, out, outOff);
            tailLen = 0;
            return n + chunks.doFinal(in, off, fromIn, out, outOff + n);
        }

        @Override
        public int finalOutputSize(int len) {
            return chunks.finalOutputSize(Math.max(0, tailLen + len - FOOTER));
        }

        @Override
        public void destroy() {
            chunks.destroy();
        }

        private AEADBadTagException refused(String why) {
            chunks.destroy();
            return refusal(why);
        }
    }
}
