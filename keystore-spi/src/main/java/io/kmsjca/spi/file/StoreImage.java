package io.kmsjca.spi.file;

import io.kmsjca.spi.CorruptStoreException;
import io.kmsjca.spi.KeyRecord;
import io.kmsjca.spi.KeyRecordStore;
import io.kmsjca.spi.StoreFullException;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;

/**
 * The byte layout of a whole key store: the live file of the file backend and the stream of
 * {@code KeyStore.store}. Layout (docs/FORMAT.md, "Key store image"), all integers big-endian:
 * <pre>
 *   magic "KMSJCAKS" (8) | version (1): 0x01 self-contained, 0x02 live file (NAME.journal may extend it)
 *   header length u32 | header (the sealed root key; opaque here)
 *   record count u32
 *   per record: id length u16 | id (ASCII) | revision u64 | sealed length u32 | sealed
 *   tag (32): ImageAuthenticator over every byte before it
 * </pre>
 * Every length is checked against its cap before anything is allocated, and the tag is checked
 * before any record is parsed.
 */
public record StoreImage(byte[] header, List<KeyRecord> records) {

    static final byte[] MAGIC = "KMSJCAKS".getBytes(StandardCharsets.US_ASCII);
    /** A self-contained image: a stream of {@code KeyStore.store}, or a live file of before the journal. */
    static final int VERSION = 1;
    /** A live file's image, which {@link StoreJournal} may extend; older readers refuse it. */
    static final int JOURNALED_VERSION = 2;
    /** The largest image read or written: far above 100,000 keys. */
    public static final int MAX_IMAGE_BYTES = 256 << 20;
    /** The most records one image holds. */
    public static final int MAX_RECORDS = 1_000_000;

    public StoreImage {
        header = header.clone();
        records = List.copyOf(records);
    }

    @Override
    public byte[] header() {
        return header.clone();
    }

    /**
     * The image's bytes, tagged by {@code authenticator}.
     *
     * @throws StoreFullException the image would pass {@link #MAX_RECORDS} or {@link #MAX_IMAGE_BYTES}:
     *                            it would not open again, so it is never written
     */
    public byte[] encode(ImageAuthenticator authenticator) throws StoreFullException {
        return encode(authenticator, VERSION);
    }

    /** The image's bytes as format {@code version} ({@link #VERSION} or {@link #JOURNALED_VERSION}). */
    byte[] encode(ImageAuthenticator authenticator, int version) throws StoreFullException {
        if (records.size() > MAX_RECORDS) {
            throw new StoreFullException("key store would hold " + records.size() + " records, more than the "
                    + MAX_RECORDS + " allowed");
        }
        try {
            var bytes = new ByteArrayOutputStream(64 + header.length + records.size() * 256);
            var out = new DataOutputStream(bytes);
            out.write(MAGIC);
            out.writeByte(version);
            out.writeInt(header.length);
            out.write(header);
            out.writeInt(records.size());
            for (KeyRecord r : records) {
                byte[] id = r.keyId().getBytes(StandardCharsets.US_ASCII);
                byte[] sealed = r.sealed();
                out.writeShort(id.length);
                out.write(id);
                out.writeLong(r.revision());
                out.writeInt(sealed.length);
                out.write(sealed);
            }
            byte[] body = bytes.toByteArray();
            byte[] tag = authenticator.tag(body, 0, body.length);
            if (tag.length != ImageAuthenticator.TAG_BYTES) {
                throw new IllegalStateException("authenticator returned " + tag.length + " bytes");
            }
            out.write(tag);
            if (bytes.size() > MAX_IMAGE_BYTES) {
                throw new StoreFullException("key store image would be " + bytes.size() + " bytes, more than the "
                        + MAX_IMAGE_BYTES + " allowed");
            }
            return bytes.toByteArray();
        } catch (StoreFullException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
    }

    /** The header alone, read before the key that checks the tag is known. */
    public static byte[] readHeader(byte[] image) throws CorruptStoreException {
        try {
            ByteBuffer in = ByteBuffer.wrap(image);
            // the magic first: a foreign file is named as such, not as a truncated store
            if (image.length >= MAGIC.length && !Arrays.equals(image, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                throw new CorruptStoreException("not a kms-jca key store (bad magic)");
            }
            checkSize(image.length);
            in.position(MAGIC.length);
            int version = in.get() & 0xFF;
            if (version != VERSION && version != JOURNALED_VERSION) {
                throw new CorruptStoreException("unsupported key store format version " + version);
            }
            int headerLength = in.getInt();
            if (headerLength < 1 || headerLength > KeyRecordStore.MAX_HEADER_BYTES
                    || headerLength > in.remaining() - 4 - ImageAuthenticator.TAG_BYTES) {
                throw new CorruptStoreException("key store header length " + headerLength + " out of range");
            }
            byte[] header = new byte[headerLength];
            in.get(header);
            return header;
        } catch (BufferUnderflowException e) {
            throw new CorruptStoreException("key store is truncated", e);
        }
    }

    /** The format version of an image whose header {@link #readHeader} accepted. */
    static int version(byte[] image) {
        return image[MAGIC.length] & 0xFF;
    }

    /** The tag that ends {@code image}: what a journal names the image it extends by. */
    static byte[] tagOf(byte[] image) {
        return Arrays.copyOfRange(image, image.length - ImageAuthenticator.TAG_BYTES, image.length);
    }

    /** Parses and authenticates a whole image. */
    public static StoreImage decode(byte[] image, ImageAuthenticator authenticator) throws CorruptStoreException {
        byte[] header = readHeader(image);
        int bodyLength = image.length - ImageAuthenticator.TAG_BYTES;
        byte[] expected = authenticator.tag(image, 0, bodyLength);
        byte[] actual = Arrays.copyOfRange(image, bodyLength, image.length);
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new CorruptStoreException("key store failed authentication (tampered, truncated or torn)");
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(image, 0, bodyLength);
            in.position(MAGIC.length + 1 + 4 + header.length);
            int count = in.getInt();
            if (count < 0 || count > MAX_RECORDS) {
                throw new CorruptStoreException("record count " + Integer.toUnsignedString(count) + " out of range");
            }
            List<KeyRecord> records = new ArrayList<>(Math.min(count, 1024));
            var seen = new HashSet<String>();
            for (int i = 0; i < count; i++) {
                byte[] id = new byte[boundedLength(in, in.getShort() & 0xFFFF, KeyRecord.MAX_KEY_ID_LENGTH, "key id")];
                in.get(id);
                long revision = in.getLong();
                byte[] sealed = new byte[boundedLength(in, in.getInt(), KeyRecord.MAX_SEALED_BYTES, "sealed record")];
                in.get(sealed);
                KeyRecord record = new KeyRecord(new String(id, StandardCharsets.US_ASCII), revision, sealed);
                if (!seen.add(record.keyId())) {
                    throw new CorruptStoreException("key store lists key " + record.keyId() + " twice");
                }
                records.add(record);
            }
            if (in.hasRemaining()) {
                throw new CorruptStoreException("key store has " + in.remaining() + " bytes after its last record");
            }
            return new StoreImage(header, records);
        } catch (BufferUnderflowException e) {
            throw new CorruptStoreException("key store is truncated", e);
        } catch (IllegalArgumentException e) {
            throw new CorruptStoreException("key store holds an invalid record: " + e.getMessage(), e);
        }
    }

    private static int boundedLength(ByteBuffer in, int length, int max, String what) throws CorruptStoreException {
        if (length < 0 || length > max || length > in.remaining()) {
            throw new CorruptStoreException(what + " length " + Integer.toUnsignedString(length) + " out of range");
        }
        return length;
    }

    static void checkSize(long size) throws CorruptStoreException {
        if (size > MAX_IMAGE_BYTES) {
            throw new CorruptStoreException("key store is " + size + " bytes, more than the " + MAX_IMAGE_BYTES + " allowed");
        }
        if (size < MAGIC.length + 1 + 4 + 1 + 4 + ImageAuthenticator.TAG_BYTES) {
            throw new CorruptStoreException("key store is truncated (" + size + " bytes)");
        }
    }
}
