package io.kmsjca.provider;

import io.kmsjca.provider.KmsEncryptionContextSpec;
import io.kmsjca.provider.KmsEnvelopeSpec;

import io.kmsjca.internal.crypto.ChunkedAead;
import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.internal.engine.CachedDataKeys;
import io.kmsjca.internal.engine.EnvelopeEngine;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.KmsKeyRing;

import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.ShortBufferException;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.Key;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;

/**
 * {@code Cipher "KMSEnvelope"}: a message of any size in constant memory, with a data key per
 * message wrapped under one master key ({@link KmsKeyHandle}) or several ({@link KmsKeyRing}).
 * {@code update} returns plaintext as each 16 KiB chunk authenticates, so
 * {@code CipherInputStream} and {@code CipherOutputStream} stream it. A failure found during
 * {@code update} (which may throw no checked exception) stops all further output and is thrown
 * by {@code doFinal}: no byte past the last authenticated chunk is ever released. A signed message
 * ({@link KmsEnvelopeSpec#signed()}) ends with the sender's signature; its final chunk comes out
 * of {@code doFinal} only after the signature verified.
 */
final class KmsEnvelopeCipherSpi extends KmsCipherSpi {

    private final EnvelopeEngine engine = new EnvelopeEngine();
    private int mode;
    private KmsKeyRing ring;
    private EncryptionContext context;
    private CachedDataKeys cache;
    /** Encryption: sign the message. Decryption: require a signed message. */
    private boolean signed;

    private EnvelopeEngine.Sealing sealing;
    private int prefixSent;

    private byte[] head = new byte[512];
    private int headLen;
    private ChunkedAead.Body body;
    private GeneralSecurityException failure;

    /** An upper bound of what update or doFinal returns for {@code len} more input bytes. */
    public KmsEnvelopeCipherSpi() {
        super("KMSEnvelope");
    }

    @Override
    protected int engineGetOutputSize(int len) {
        long bound;
        if (mode == Cipher.ENCRYPT_MODE) {
            bound = sealing == null ? EnvelopeEngine.messageLength(context, ring.encryptionKeys().size(), signed, cache != null, len)
                    : (long) sealing.prefix().length - prefixSent + sealing.body().finalOutputSize(len);
        } else {
            bound = body == null ? (long) headLen + len : body.finalOutputSize(len);
        }
        return (int) Math.min(Integer.MAX_VALUE, bound);
    }

    @Override
    protected void engineInit(int opmode, Key key, AlgorithmParameterSpec params, SecureRandom rnd)
            throws InvalidKeyException, InvalidAlgorithmParameterException {
        if (opmode != Cipher.ENCRYPT_MODE && opmode != Cipher.DECRYPT_MODE) {
            throw new InvalidParameterException("KMSEnvelope encrypts and decrypts messages; wrap keys with KMSWrap");
        }
        KmsKeyRing keys = key instanceof KmsKeyHandle h ? KmsKeyRing.of(h) : key instanceof KmsKeyRing r ? r : null;
        if (keys == null) {
            throw new InvalidKeyException("KMSEnvelope needs a KMS master-key handle or a KmsKeyRing, not "
                    + (key == null ? "null" : key.getClass().getName()));
        }
        EncryptionContext ctx;
        CachedDataKeys dataKeyCache = null;
        boolean sign = false;
        if (params == null) {
            ctx = opmode == Cipher.ENCRYPT_MODE ? EncryptionContext.EMPTY : null;
        } else if (params instanceof KmsEnvelopeSpec spec) {
            ctx = spec.context();
            dataKeyCache = spec.cache() == null ? null : CachedDataKeys.of(spec.cache());
            sign = spec.signs();
        } else if (params instanceof KmsEncryptionContextSpec spec) {
            ctx = spec.encoded();
        } else {
            throw new InvalidAlgorithmParameterException("KMSEnvelope takes a KmsEnvelopeSpec or KmsEncryptionContextSpec, not "
                    + params.getClass().getName());
        }
        if (opmode == Cipher.ENCRYPT_MODE) {
            engine.checkUsable(keys, ctx, dataKeyCache, sign);
        }
        this.mode = opmode;
        this.ring = keys;
        this.context = ctx;
        this.cache = dataKeyCache;
        this.signed = sign;
        reset();
    }

    @Override
    protected byte[] engineUpdate(byte[] in, int off, int len) {
        int taken = takeHeaderFirst(in, off, len);
        byte[] out = new byte[engineGetOutputSize(len - taken)];
        try {
            return exactly(out, engineUpdate(in, off + taken, len - taken, out, 0));
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e); // sized by engineGetOutputSize
        }
    }

    /**
     * Before an allocating call decrypts, reads the header out of the input: then the output
     * size is exact (the chunk layout gives it) and the result needs no second copy.
     *
     * @return the input bytes taken
     */
    private int takeHeaderFirst(byte[] in, int off, int len) {
        if (mode != Cipher.DECRYPT_MODE || body != null || failure != null || len <= 0) {
            return 0;
        }
        try {
            return takeHeader(in, off, len);
        } catch (GeneralSecurityException e) {
            fail(e);
            return len;
        }
    }

    /** {@code out} when it was sized exactly, as it is unless a message fails: no second copy (else the original is wiped). */
    private static byte[] exactly(byte[] out, int length) {
        if (length == out.length) {
            return out;
        }
        byte[] result = Arrays.copyOf(out, length);
        Arrays.fill(out, (byte) 0);
        return result;
    }

    @Override
    protected int engineUpdate(byte[] in, int off, int len, byte[] out, int outOff) throws ShortBufferException {
        requireInitialized();
        if (out.length - outOff < engineGetOutputSize(len)) {
            throw new ShortBufferException("output needs " + engineGetOutputSize(len) + " bytes");
        }
        return mode == Cipher.ENCRYPT_MODE ? encrypt(in, off, len, out, outOff, false)
                : decrypt(in, off, len, out, outOff, false);
    }

    @Override
    protected byte[] engineDoFinal(byte[] in, int off, int len) throws IllegalBlockSizeException, BadPaddingException {
        int taken = takeHeaderFirst(in, off, len);
        byte[] out = new byte[engineGetOutputSize(len - taken)];
        try {
            return exactly(out, engineDoFinal(in, off + taken, len - taken, out, 0));
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected int engineDoFinal(byte[] in, int off, int len, byte[] out, int outOff)
            throws ShortBufferException, IllegalBlockSizeException, BadPaddingException {
        requireInitialized();
        if (out.length - outOff < engineGetOutputSize(len)) {
            throw new ShortBufferException("output needs " + engineGetOutputSize(len) + " bytes");
        }
        try {
            if (mode == Cipher.ENCRYPT_MODE) {
                return encrypt(in, off, len, out, outOff, true);
            }
            int n = decrypt(in, off, len, out, outOff, true);
            if (failure == null && body == null) {
                fail(new AEADBadTagException("message is truncated: it ends inside its header"));
            }
            if (failure != null) {
                throw failure;
            }
            return n;
        } catch (IllegalBlockSizeException | BadPaddingException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            var wrapped = new BadPaddingException("cannot decrypt: " + e.getMessage());
            wrapped.initCause(e);
            throw wrapped;
        } finally {
            reset();
        }
    }

    /**
     * The prefix once, then chunks; {@code last} also seals the final chunk. Copy-safe, as the JCA
     * requires: when the output overlaps the input in one array, the input is copied first (and
     * the copy wiped), since the prefix and each sealed chunk are longer than what they replace.
     */
    private int encrypt(byte[] in, int off, int len, byte[] out, int outOff, boolean last) {
        if (in == out && len > 0 && outOff < off + len && off < outOff + engineGetOutputSize(len)) {
            byte[] copy = Arrays.copyOfRange(in, off, off + len);
            try {
                return encrypt(copy, 0, len, out, outOff, last);
            } finally {
                Arrays.fill(copy, (byte) 0);
            }
        }
        try {
            if (sealing == null) {
                sealing = engine.seal(ring, context, cache, signed);
                prefixSent = 0;
            }
            sealing.refuseIfCheckpointed();
            byte[] prefix = sealing.prefix();
            int n = prefix.length - prefixSent;
            System.arraycopy(prefix, prefixSent, out, outOff, n);
            prefixSent = prefix.length;
            sealing.countBytes(len);
            ChunkedAead.Body chunks = sealing.body();
            return n + (last ? chunks.doFinal(in, off, len, out, outOff + n) : chunks.update(in, off, len, out, outOff + n));
        } catch (GeneralSecurityException e) {
            // a recipient key became unusable after init; update declares no checked exception for it
            throw new ProviderException("cannot encrypt: " + e.getMessage(), e);
        }
    }

    /**
     * Header first (bounded, parsed as soon as complete), then chunks; {@code last} also opens
     * the final chunk. A failure stops all output.
     */
    private int decrypt(byte[] in, int off, int len, byte[] out, int outOff, boolean last) {
        if (failure != null) {
            return 0;
        }
        if (in == out && outOff > off && outOff < off + len) {
            // output ahead of the input in one array: a chunk's plaintext would land on input not yet read
            return decrypt(Arrays.copyOfRange(in, off, off + len), 0, len, out, outOff, last);
        }
        int written = outOff; // the end of what this call may have written, wiped if it fails
        try {
            if (body == null) {
                // copy only the header's bytes; the chunks after it are decrypted from the input in place
                int taken = takeHeader(in, off, len);
                if (body == null) {
                    return 0;
                }
                off += taken;
                len -= taken;
            }
            // chunks buffered by earlier calls included, never past what the caller's output was sized for
            int bound = body.finalOutputSize(len); // what update writes, at most, too
            written = outOff + Math.max(0, Math.min(bound, out.length - outOff));
            return last ? body.doFinal(in, off, len, out, outOff) : body.update(in, off, len, out, outOff);
        } catch (GeneralSecurityException e) {
            // a call that fails returns nothing: chunks it opened before the failing one are wiped from
            // the output too, as the JDK's GCM wipes its output
            Arrays.fill(out, outOff, written, (byte) 0);
            fail(e);
            return 0;
        }
    }

    /**
     * Moves header bytes from the input into {@code head}, no more than the header (and the
     * 56-byte chunk header) needs, and opens the body once they are all there.
     *
     * @return how many input bytes were taken
     */
    private int takeHeader(byte[] in, int off, int len) throws GeneralSecurityException {
        int taken = 0;
        while (taken < len && body == null) {
            int n = Math.min(EnvelopeEngine.prefixMissing(head, headLen), len - taken);
            if (head.length < headLen + n) {
                head = Arrays.copyOf(head, Math.max(head.length * 2, headLen + n));
            }
            System.arraycopy(in, off + taken, head, headLen, n);
            headLen += n;
            taken += n;
            if (EnvelopeEngine.prefixMissing(head, headLen) == 0) {
                body = engine.open(head, headLen, ring, context, signed);
                Arrays.fill(head, 0, headLen, (byte) 0);
                headLen = 0;
            }
        }
        return taken;
    }

    private void fail(GeneralSecurityException e) {
        failure = e;
        if (body != null) {
            body.destroy();
        }
    }

    private void requireInitialized() {
        if (mode == 0) {
            throw new IllegalStateException("Cipher not initialized");
        }
    }

    /** After each message: a new message gets a new data key and salt, or the cache's key and its next number. */
    private void reset() {
        if (sealing != null) {
            sealing.body().destroy();
        }
        sealing = null;
        prefixSent = 0;
        if (body != null) {
            body.destroy();
        }
        body = null;
        Arrays.fill(head, 0, headLen, (byte) 0);
        headLen = 0;
        failure = null;
    }
}
