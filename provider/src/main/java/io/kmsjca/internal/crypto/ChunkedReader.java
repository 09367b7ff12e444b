package io.kmsjca.internal.crypto;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * Random access into a C2SP chunked-encryption message stored in a channel: plaintext index
 * {@code i} is in chunk {@code i / 16 KiB}, at ciphertext offset {@code 56 + k * (16 KiB + 16)}
 * (spec: Implementation notes). Only the chunks a read touches are decrypted, each authenticated
 * before any of its bytes are returned. The message length is authenticated by decrypting the
 * final chunk before any read reaches the end, so a truncated message cannot pass for a shorter one.
 */
public final class ChunkedReader {

    private final SeekableByteChannel channel;
    private final long chunksStart;
    private final long sealedLength;
    private final SecretBytes key;
    private final byte[] baseNonce;
    private final Cipher gcm = Primitives.aesGcm();
    private final byte[] nonce = new byte[ChunkedAead.NONCE];
    private final byte[] sealed = new byte[ChunkedAead.SEALED_CHUNK];
    private final byte[] plain = new byte[ChunkedAead.CHUNK];
    private long plainIndex = -1;
    private int plainLength;
    private long size = -1;

    private ChunkedReader(SeekableByteChannel channel, long chunksStart, long sealedLength, byte[] key, byte[] baseNonce) {
        this.channel = channel;
        this.chunksStart = chunksStart;
        this.sealedLength = sealedLength;
        this.key = new SecretBytes(key, "AES");
        this.baseNonce = baseNonce.clone();
    }

    /**
     * Opens the message that starts at {@code offset} of {@code channel} and runs to its end,
     * checking its commitment first.
     *
     * @throws AEADBadTagException the commitment does not match (wrong key or context, altered header)
     */
    public static ChunkedReader open(ChunkedAead.Suite suite, byte[] inputKey, byte[] context,
                                     SeekableByteChannel channel, long offset) throws IOException, GeneralSecurityException {
        return open(suite, inputKey, context, channel, offset, channel.size());
    }

    /** The same for a message that ends at {@code end}, before a footer that is not part of it. */
    public static ChunkedReader open(ChunkedAead.Suite suite, byte[] inputKey, byte[] context,
                                     SeekableByteChannel channel, long offset, long end)
            throws IOException, GeneralSecurityException {
        return open(suite, inputKey, context, channel, offset, end, false);
    }

    /**
     * The same for a message whose header may carry a message number after its commitment
     * ({@code numbered}: {@link ChunkedAead#numberedNonce}).
     */
    public static ChunkedReader open(ChunkedAead.Suite suite, byte[] inputKey, byte[] context,
                                     SeekableByteChannel channel, long offset, long end, boolean numbered)
            throws IOException, GeneralSecurityException {
        long total = end - offset;
        int length = ChunkedAead.headerLength(numbered);
        if (total < length) {
            throw new AEADBadTagException("message is truncated: shorter than its " + length + "-byte header");
        }
        byte[] header = new byte[length];
        readFully(channel, offset, header, length);
        ChunkedAead.Material m = ChunkedAead.derive(suite, inputKey, Arrays.copyOf(header, ChunkedAead.SALT), context);
        try {
            if (!ConstantTime.equals(m.commitment(), 0, header, ChunkedAead.SALT, ChunkedAead.COMMITMENT)) {
                throw new AEADBadTagException("key commitment does not match: wrong key or context, or altered header");
            }
            byte[] baseNonce = numbered ? ChunkedAead.numberedNonce(m.baseNonce(), ChunkedAead.number(header, ChunkedAead.HEADER))
                    : m.baseNonce();
            return new ChunkedReader(channel, offset + length, total - length, m.key(), baseNonce);
        } finally {
            m.wipe();
        }
    }

    /** Raw mode over the chunks alone, from {@code offset} to the end of the channel. */
    public static ChunkedReader openRaw(byte[] key, byte[] baseNonce, SeekableByteChannel channel, long offset)
            throws IOException {
        return new ChunkedReader(channel, offset, channel.size() - offset, key, baseNonce);
    }

    /**
     * The plaintext length, authenticated: the final chunk is decrypted at the index the
     * ciphertext length implies.
     *
     * @throws AEADBadTagException the length is not one a message can have, or the final chunk
     *                             does not authenticate
     */
    public long size() throws IOException, GeneralSecurityException {
        if (size < 0) {
            long last = sealedLength / ChunkedAead.SEALED_CHUNK;
            long rem = sealedLength % ChunkedAead.SEALED_CHUNK;
            if (rem < ChunkedAead.TAG) {
                throw new AEADBadTagException("message is truncated: its ciphertext length is not that of any message");
            }
            load(last);
            size = last * ChunkedAead.CHUNK + plainLength;
        }
        return size;
    }

    /**
     * Reads up to {@code len} plaintext bytes at {@code position} into {@code dst}.
     *
     * @return the number of bytes read (0 only when {@code len} is 0), or -1 at the (authenticated) end
     */
    public int read(long position, byte[] dst, int off, int len) throws IOException, GeneralSecurityException {
        if (position < 0) {
            throw new IllegalArgumentException("negative position");
        }
        if (len == 0) {
            return 0; // nothing asked, so nothing read: not the end, which -1 would say
        }
        long index = position / ChunkedAead.CHUNK;
        int within = (int) (position % ChunkedAead.CHUNK);
        long fullChunks = sealedLength / ChunkedAead.SEALED_CHUNK;
        if (index >= fullChunks && position >= size()) {
            return -1;
        }
        load(index);
        int n = Math.min(len, plainLength - within);
        if (n <= 0) {
            return -1;
        }
        System.arraycopy(plain, within, dst, off, n);
        return n;
    }

    private void load(long index) throws IOException, GeneralSecurityException {
        if (index == plainIndex) {
            return;
        }
        long start = index * ChunkedAead.SEALED_CHUNK;
        int len = (int) Math.min(ChunkedAead.SEALED_CHUNK, sealedLength - start);
        if (len < ChunkedAead.TAG) {
            throw new AEADBadTagException("message is truncated at chunk " + index);
        }
        readFully(channel, chunksStart + start, sealed, len);
        ChunkSequence.chunkNonce(baseNonce, index, nonce);
        plainIndex = -1;
        gcm.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(ChunkedAead.TAG * 8, nonce));
        try {
            plainLength = gcm.doFinal(sealed, 0, len, plain, 0);
        } catch (AEADBadTagException e) {
            throw new AEADBadTagException("chunk " + index + " does not authenticate: the message was altered, "
                    + "reordered, truncated or extended");
        }
        plainIndex = index;
    }

    private static void readFully(SeekableByteChannel channel, long position, byte[] into, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(into, 0, len);
        channel.position(position);
        while (buf.hasRemaining()) {
            if (channel.read(buf) < 0) {
                throw new EOFException("ciphertext ended early");
            }
        }
    }

    /** Wipes the chunk key and the cached plaintext. */
    public void destroy() {
        key.destroy();
        Arrays.fill(plain, (byte) 0);
        plainIndex = -1;
    }
}
