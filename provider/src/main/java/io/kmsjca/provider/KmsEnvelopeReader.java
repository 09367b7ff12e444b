package io.kmsjca.provider;

import io.kmsjca.internal.crypto.ChunkedReader;
import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.internal.engine.EnvelopeEngine;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.KmsKeyRing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.util.Arrays;
import java.util.Map;

/**
 * Random access into a KMSEnvelope message: a read-only {@link SeekableByteChannel} of its
 * plaintext over a channel of its ciphertext (a {@code FileChannel}, say). A read decrypts only
 * the 16 KiB chunks it touches, each authenticated first; {@link #size()} authenticates the
 * length by decrypting the final chunk, and reading up to the end does the same, so a truncated
 * message never looks complete. Failures are {@code IOException}s whose cause is the
 * {@code GeneralSecurityException}. A signed message is verified whole when it is opened: one
 * pass over the ciphertext, after which reads rely on the channel not changing.
 *
 * <pre>{@code
 * try (var plain = KmsEnvelopeReader.open(FileChannel.open(path), masterKey, Map.of("file", "x"))) {
 *     plain.position(1_000_000_000L).read(buffer);
 * }
 * }</pre>
 */
public final class KmsEnvelopeReader implements SeekableByteChannel {

    private final SeekableByteChannel ciphertext;
    private final ChunkedReader reader;
    private long position;
    private boolean open = true;

    private KmsEnvelopeReader(SeekableByteChannel ciphertext, ChunkedReader reader) {
        this.ciphertext = ciphertext;
        this.reader = reader;
    }

    /**
     * Opens the message in {@code ciphertext} with a master-key handle or a {@link KmsKeyRing}.
     *
     * @param expectedContext the encryption context the message must carry, or null to accept its own
     * @throws GeneralSecurityException the message is not one this key opens, or its header or
     *                                  context does not authenticate
     */
    public static KmsEnvelopeReader open(SeekableByteChannel ciphertext, Key key, Map<String, String> expectedContext)
            throws IOException, GeneralSecurityException {
        return open(ciphertext, key, expectedContext == null ? null : EncryptionContext.of(expectedContext), false);
    }

    /**
     * The same with the spec a decrypting {@code Cipher "KMSEnvelope"} takes: its context must be
     * the message's, and with {@link KmsEnvelopeSpec#signed()} an unsigned message is refused
     * ({@code AEADBadTagException}, audited), since any recipient of one could have written it.
     * A data-key cache in the spec plays no part in reading. A null spec, as for the cipher,
     * accepts the message's own context and reads signed and unsigned messages alike.
     */
    public static KmsEnvelopeReader open(SeekableByteChannel ciphertext, Key key, KmsEnvelopeSpec spec)
            throws IOException, GeneralSecurityException {
        return spec == null ? open(ciphertext, key, null, false) : open(ciphertext, key, spec.context(), spec.signs());
    }

    private static KmsEnvelopeReader open(SeekableByteChannel ciphertext, Key key, EncryptionContext expected,
                                          boolean requireSigned) throws IOException, GeneralSecurityException {
        KmsKeyRing ring = key instanceof KmsKeyHandle h ? KmsKeyRing.of(h) : key instanceof KmsKeyRing r ? r : null;
        if (ring == null) {
            throw new InvalidKeyException("KMSEnvelope needs a KMS master-key handle or a KmsKeyRing");
        }
        return new KmsEnvelopeReader(ciphertext, new EnvelopeEngine().openForReading(ciphertext, ring, expected,
                requireSigned));
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        byte[] tmp = new byte[Math.min(dst.remaining(), EnvelopeEngine.CHUNK)];
        try {
            int n = reader.read(position, tmp, 0, tmp.length);
            if (n > 0) {
                dst.put(tmp, 0, n);
                position += n;
            }
            return n;
        } catch (GeneralSecurityException e) {
            throw new IOException("KMSEnvelope message does not authenticate: " + e.getMessage(), e);
        } finally {
            Arrays.fill(tmp, (byte) 0);
        }
    }

    /** The plaintext length, authenticated through the final chunk. */
    @Override
    public long size() throws IOException {
        ensureOpen();
        try {
            return reader.size();
        } catch (GeneralSecurityException e) {
            throw new IOException("KMSEnvelope message length does not authenticate: " + e.getMessage(), e);
        }
    }

    @Override
    public long position() throws IOException {
        ensureOpen();
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        ensureOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position");
        }
        position = newPosition;
        return this;
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public SeekableByteChannel truncate(long size) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Wipes the chunk key and closes the ciphertext channel. */
    @Override
    public void close() throws IOException {
        if (open) {
            open = false;
            reader.destroy();
            ciphertext.close();
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
