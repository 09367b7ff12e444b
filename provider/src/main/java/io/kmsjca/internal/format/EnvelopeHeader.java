package io.kmsjca.internal.format;

import javax.crypto.BadPaddingException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The header of a KMSEnvelope message, version 1, 2, 3 or 4 (docs/FORMAT.md, "Envelope message").
 * Big-endian:
 * <pre>
 *   magic "KMSE" (4) | version 0x03 | suite 0x01 (Cobblestone-256: AES-256-GCM, HKDF-SHA-512, 16 KiB chunks)
 *                    | version 0x02 | suite 0x02 (the same body, signed with ECDSA P-384 SHA-384)
 *                    | version 0x04 | suite 0x01 (version 3 for a cached data key: a message number follows the commitment)
 *                    | version 0x01 | suite 0x01 (read only: version 3 with a header tag)
 *   context length u16 (0..8192) | encryption context (canonical encoding)
 *   wrapped data key count u8 (1..10)
 *   per data key: length u16 (117..4213) | KMSWrap blob of the 32-byte data key, under one master key
 *   version 2 only: the sender's verification key (97), a P-384 point, SEC 1 uncompressed
 *   versions 1 and 2 only: header tag (32), HMAC-SHA256 of every header byte before it, under a
 *   key derived from the data key
 * </pre>
 * A version 2 message ends with a 96-byte signature footer after its last chunk.
 * The body that follows is C2SP chunked encryption with the data key as input key and the
 * header as context ({@link #chunkContextIsDigest}: version 3 gives SHA-256 of the header), so
 * the body's key commitment also binds the header: version 3 needs no tag of its own.
 * Every length is checked against its cap before anything is allocated; the whole header is at
 * most 64 KiB.
 */
public final class EnvelopeHeader {

    public static final byte[] MAGIC = {'K', 'M', 'S', 'E'};
    /** An unsigned message: the body's key commitment authenticates the header. */
    public static final int VERSION = 3;
    /**
     * An unsigned message of a cached data key: version 3, whose body shares its derivation with
     * the other messages of that key and carries a message number after the commitment.
     */
    public static final int VERSION_NUMBERED = 4;
    /** An unsigned message with a header tag: read, no longer written (version 3 replaced it). */
    public static final int VERSION_TAGGED = 1;
    public static final int SUITE_COBBLESTONE_256 = 1;
    /** A signed message: a verification key in the header, a signature footer after the body. */
    public static final int VERSION_SIGNED = 2;
    public static final int SUITE_COBBLESTONE_256_ECDSA_P384 = 2;
    public static final int VERIFICATION_KEY_BYTES = 97;
    public static final int MAX_WRAPPED_KEYS = 10;
    public static final int MAX_HEADER_BYTES = 64 * 1024;
    public static final int TAG_BYTES = 32;
    private static final int FIXED = 4 + 1 + 1 + 2;

    private final byte[] context;
    private final List<byte[]> wrappedKeys;
    private final byte[] verificationKey;
    private final int tagOffset;
    private final byte[] bytes;

    private EnvelopeHeader(byte[] context, List<byte[]> wrappedKeys, byte[] verificationKey, byte[] bytes) {
        this.context = context;
        this.wrappedKeys = wrappedKeys;
        this.verificationKey = verificationKey;
        this.bytes = bytes;
        this.tagOffset = hasTag(bytes[4]) ? bytes.length - TAG_BYTES : -1;
    }

    /** The whole header of a new unsigned (version 3) message. */
    public static byte[] body(EncryptionContext context, List<byte[]> wrappedKeys) {
        return body(context, wrappedKeys, null);
    }

    /** The whole header of a new unsigned message: version 4 if {@code numbered} (a cached data key), else 3. */
    public static byte[] body(EncryptionContext context, List<byte[]> wrappedKeys, boolean numbered) {
        byte[] header = body(context, wrappedKeys, null);
        if (numbered) {
            header[4] = VERSION_NUMBERED;
        }
        return header;
    }

    /**
     * The header bytes before the tag of a signed (version 2) message, to which the caller appends
     * the tag; or the whole header of a version 3 message when {@code verificationKey} is null.
     *
     * @param verificationKey the sender's 97-byte public key
     */
    public static byte[] body(EncryptionContext context, List<byte[]> wrappedKeys, byte[] verificationKey) {
        boolean signed = verificationKey != null;
        if (signed && verificationKey.length != VERIFICATION_KEY_BYTES) {
            throw new IllegalArgumentException("a verification key is " + VERIFICATION_KEY_BYTES + " bytes");
        }
        if (wrappedKeys.isEmpty() || wrappedKeys.size() > MAX_WRAPPED_KEYS) {
            throw new IllegalArgumentException("a message holds 1.." + MAX_WRAPPED_KEYS + " wrapped data keys, not "
                    + wrappedKeys.size());
        }
        var out = new ByteArrayOutputStream();
        out.writeBytes(MAGIC);
        out.write(signed ? VERSION_SIGNED : VERSION);
        out.write(signed ? SUITE_COBBLESTONE_256_ECDSA_P384 : SUITE_COBBLESTONE_256);
        byte[] ctx = context.encoded();
        out.write(ctx.length >>> 8);
        out.write(ctx.length);
        out.writeBytes(ctx);
        out.write(wrappedKeys.size());
        for (byte[] blob : wrappedKeys) {
            out.write(blob.length >>> 8);
            out.write(blob.length);
            out.writeBytes(blob);
        }
        if (signed) {
            out.writeBytes(verificationKey);
        }
        if (out.size() + (signed ? TAG_BYTES : 0) > MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("envelope header exceeds " + MAX_HEADER_BYTES + " bytes");
        }
        return out.toByteArray();
    }

    /**
     * How long the header at the start of {@code buf[0, len)} is, reading only as far as needed.
     *
     * @return the header length, or -1 if more bytes are needed to know it; known once its last
     *         length field is read, so it may exceed {@code len}: the caller checks it has them all
     * @throws BadPaddingException not a KMSEnvelope message, or a length beyond its cap
     */
    public static int length(byte[] buf, int len) throws BadPaddingException {
        int[] scan = scan(buf, len);
        return scan[1] == 1 ? scan[0] : -1;
    }

    /**
     * How many bytes {@code buf} must hold before parsing can go further: the header length once
     * it is known, else the end of the next length field. A streaming reader copies exactly
     * this many, never bytes of the body.
     */
    public static int needed(byte[] buf, int len) throws BadPaddingException {
        return scan(buf, len)[0];
    }

    /** {bytes needed or header length, 1 if that is the header length}. */
    private static int[] scan(byte[] buf, int len) throws BadPaddingException {
        if (len < FIXED) {
            return new int[] {FIXED, 0};
        }
        if (!Arrays.equals(buf, 0, 4, MAGIC, 0, 4)) {
            throw new BadPaddingException("not a KMSEnvelope message (bad magic)");
        }
        boolean signed = buf[4] == VERSION_SIGNED;
        if (buf[4] != VERSION && buf[4] != VERSION_NUMBERED && buf[4] != VERSION_TAGGED && !signed) {
            throw new BadPaddingException("unsupported KMSEnvelope version " + (buf[4] & 0xFF));
        }
        int trailer = (signed ? VERIFICATION_KEY_BYTES : 0) + (hasTag(buf[4]) ? TAG_BYTES : 0);
        // each version has its one suite so far: a reader never guesses which layout a suite implies
        if (buf[5] != (signed ? SUITE_COBBLESTONE_256_ECDSA_P384 : SUITE_COBBLESTONE_256)) {
            throw new BadPaddingException("unsupported KMSEnvelope suite " + (buf[5] & 0xFF) + " in version "
                    + (buf[4] & 0xFF));
        }
        int ctxLen = u16(buf, 6);
        if (ctxLen < 2 || ctxLen > EncryptionContext.MAX_ENCODED_BYTES) {
            throw new BadPaddingException("KMSEnvelope context length " + ctxLen + " out of range");
        }
        int pos = FIXED + ctxLen;
        if (len < pos + 1) {
            return new int[] {pos + 1, 0};
        }
        int count = buf[pos] & 0xFF;
        if (count < 1 || count > MAX_WRAPPED_KEYS) {
            throw new BadPaddingException("KMSEnvelope names " + count + " wrapped data keys, not 1.." + MAX_WRAPPED_KEYS);
        }
        pos++;
        for (int i = 0; i < count; i++) {
            if (len < pos + 2) {
                return new int[] {pos + 2, 0};
            }
            int w = u16(buf, pos);
            if (w < WrappedKeyBlob.OVERHEAD || w > WrappedKeyBlob.MAX_BLOB_BYTES) {
                throw new BadPaddingException("KMSEnvelope wrapped data key of " + w + " bytes is out of range");
            }
            pos += 2 + w;
            if (pos + trailer > MAX_HEADER_BYTES) {
                throw new BadPaddingException("KMSEnvelope header exceeds " + MAX_HEADER_BYTES + " bytes");
            }
        }
        return new int[] {pos + trailer, 1};
    }

    /** Parses a complete header of {@code length(buf, len)} bytes. */
    public static EnvelopeHeader parse(byte[] buf, int headerLength) throws BadPaddingException {
        if (headerLength > buf.length || length(buf, headerLength) != headerLength) {
            throw new BadPaddingException("KMSEnvelope header is malformed");
        }
        ByteBuffer in = ByteBuffer.wrap(buf, 0, headerLength);
        in.position(6);
        byte[] ctx = new byte[u16(buf, 6)];
        in.position(FIXED);
        in.get(ctx);
        int count = in.get() & 0xFF;
        List<byte[]> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] blob = new byte[in.getShort() & 0xFFFF];
            in.get(blob);
            keys.add(blob);
        }
        byte[] verificationKey = null;
        if (buf[4] == VERSION_SIGNED) {
            verificationKey = new byte[VERIFICATION_KEY_BYTES];
            in.get(verificationKey);
        }
        return new EnvelopeHeader(ctx, List.copyOf(keys), verificationKey, Arrays.copyOf(buf, headerLength));
    }

    /** The canonical encryption-context encoding stored in the header. */
    public byte[] contextEncoding() {
        return context.clone();
    }

    public List<byte[]> wrappedKeys() {
        return wrappedKeys.stream().map(byte[]::clone).toList();
    }

    /** Whether the message is signed (version 2): it then ends with a signature footer. */
    public boolean signed() {
        return verificationKey != null;
    }

    /** The sender's 97-byte verification key of a signed message; null for an unsigned one. */
    public byte[] verificationKey() {
        return verificationKey == null ? null : verificationKey.clone();
    }

    /** All header bytes, tag included. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Whether the header ends with a tag of its own (versions 1 and 2). */
    public boolean tagged() {
        return tagOffset >= 0;
    }

    /** The header bytes the tag covers; -1 for an untagged (version 3) header. */
    public int tagOffset() {
        return tagOffset;
    }

    /**
     * Whether the body's C2SP context is the SHA-256 of the whole header (version 3), rather than
     * the header itself (versions 1 and 2). A digest of 32 bytes keeps the body's HKDF-SHA-512
     * input short: three SHA-512 compressions fewer per message for one recipient, about two more
     * for each further recipient.
     */
    public static boolean chunkContextIsDigest(byte[] header) {
        return !hasTag(header[4]);
    }

    /**
     * Whether the body after the header carries a message number (version 4): the chunk header is
     * then {@code ChunkedAead.headerLength(true)} bytes, not 56.
     */
    public static boolean numbered(byte[] header) {
        return header[4] == VERSION_NUMBERED;
    }

    /** Whether this header's body carries a message number (version 4). */
    public boolean numbered() {
        return numbered(bytes);
    }

    /** The one rule for what version 3 changed: versions 1 and 2 end with a header tag, and take the header as context. */
    private static boolean hasTag(byte version) {
        return version != VERSION && version != VERSION_NUMBERED;
    }

    public int length() {
        return bytes.length;
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }
}
