package io.kmsjca.spi.file;

import io.kmsjca.spi.CorruptStoreException;
import io.kmsjca.spi.KeyRecord;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The byte layout of {@code NAME.journal}, the append-only file of changes since the image
 * {@code NAME} was written (docs/FORMAT.md, "Key store journal"). All integers big-endian:
 * <pre>
 *   header:  magic "KMSJCAJL" (8) | version 0x01 (1) | image tag (32) | header tag (32)
 *            header tag = MAC("KMSJCAJL" | 0x01 | image tag)
 *   entry:   body length u32 | ~body length u32 | body | entry tag (32)
 *            body = sequence u64 (1, 2, ...) | op u8 (1 put, 2 delete) | id length u16 | id (ASCII)
 *                   | revision u64 | put only: sealed length u32 | sealed
 *            entry tag = MAC("KMSJCAJE" | tag before it (the header's, or the previous entry's)
 *                        | body length u32 | ~body length u32 | body)
 * </pre>
 * The MAC is the store's {@link ImageAuthenticator}; the three magics keep image, header and
 * entry tags apart. Each entry's tag covers the one before it, and the header's covers the
 * image's tag, so an entry removed, reordered, replayed from another journal, or a journal put
 * beside another image, fails authentication.
 *
 * <p>An entry is written with one write and then forced; a crash mid-append leaves a <em>torn
 * tail</em>: bytes after the last whole entry that do not make a whole entry (too short for
 * their length, or all zero). That change never returned, so it is ignored. Anything else that
 * does not authenticate is {@link CorruptStoreException}. The length is written twice (the
 * second time inverted), so a damaged length is refused rather than taken for a torn tail that
 * would hide the entries after it.
 */
final class StoreJournal {

    static final byte[] MAGIC = "KMSJCAJL".getBytes(StandardCharsets.US_ASCII);
    static final byte[] ENTRY_MAGIC = "KMSJCAJE".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int TAG = ImageAuthenticator.TAG_BYTES;
    /** Bytes of the header. */
    static final int HEADER_BYTES = MAGIC.length + 1 + TAG + TAG;
    /** Bytes of an entry's length field: the length and its complement. */
    static final int LENGTH = 8;
    private static final int OP_PUT = 1;
    private static final int OP_DELETE = 2;
    private static final int MIN_BODY = 8 + 1 + 2 + 1 + 8;
    /** The longest body: a put of the longest id and the largest sealed record. */
    static final int MAX_BODY = 8 + 1 + 2 + KeyRecord.MAX_KEY_ID_LENGTH + 8 + 4 + KeyRecord.MAX_SEALED_BYTES;
    /**
     * The longest journal read: a journal is compacted once it passes its image's size, so it
     * is never much longer than the largest image.
     */
    static final long MAX_JOURNAL_BYTES = (long) StoreImage.MAX_IMAGE_BYTES + HEADER_BYTES + 2L * (LENGTH + MAX_BODY + TAG);

    private StoreJournal() {
    }

    /** Where the journal of the store in {@code file} lives. */
    static Path of(Path file) {
        return file.resolveSibling(file.getFileName() + ".journal");
    }

    /** One change: {@code stored} written, or (null) the record of {@code keyId} at {@code revision} removed. */
    record Change(String keyId, long revision, KeyRecord stored) {
        static Change put(KeyRecord r) {
            return new Change(r.keyId(), r.revision(), r);
        }

        static Change delete(String keyId, long revision) {
            return new Change(keyId, revision, null);
        }
    }

    /**
     * What a journal holds: the image it extends, its whole authentic entries, where the last of
     * them ends, and that entry's tag (the header's if none).
     *
     * @param damaged only when read leniently: bytes after {@code end} failed authentication
     */
    record Contents(byte[] imageTag, List<Change> changes, long end, byte[] lastTag, long nextSequence,
                    boolean tornTail, boolean damaged) {
    }

    /** A new journal extending the image whose tag is {@code imageTag}: its header alone. */
    static byte[] header(byte[] imageTag, ImageAuthenticator authenticator) {
        byte[] header = new byte[HEADER_BYTES];
        System.arraycopy(MAGIC, 0, header, 0, MAGIC.length);
        header[MAGIC.length] = VERSION;
        System.arraycopy(imageTag, 0, header, MAGIC.length + 1, TAG);
        byte[] tag = tag(authenticator, header, 0, MAGIC.length + 1 + TAG);
        System.arraycopy(tag, 0, header, MAGIC.length + 1 + TAG, TAG);
        return header;
    }

    /** The bytes of entry number {@code sequence}, chained to {@code previousTag}; its tag is its last 32 bytes. */
    static byte[] entry(long sequence, byte[] previousTag, Change change, ImageAuthenticator authenticator) {
        byte[] id = change.keyId().getBytes(StandardCharsets.US_ASCII);
        byte[] sealed = change.stored() == null ? null : change.stored().sealed();
        int bodyLength = 8 + 1 + 2 + id.length + 8 + (sealed == null ? 0 : 4 + sealed.length);
        ByteBuffer out = ByteBuffer.allocate(LENGTH + bodyLength + TAG);
        out.putInt(bodyLength).putInt(~bodyLength).putLong(sequence).put((byte) (sealed == null ? OP_DELETE : OP_PUT))
                .putShort((short) id.length).put(id).putLong(change.revision());
        if (sealed != null) {
            out.putInt(sealed.length).put(sealed);
        }
        byte[] bytes = out.array();
        out.put(entryTag(authenticator, previousTag, bytes, 0, LENGTH + bodyLength));
        return bytes;
    }

    private static byte[] entryTag(ImageAuthenticator authenticator, byte[] previousTag, byte[] data, int offset, int length) {
        byte[] input = new byte[ENTRY_MAGIC.length + TAG + length];
        System.arraycopy(ENTRY_MAGIC, 0, input, 0, ENTRY_MAGIC.length);
        System.arraycopy(previousTag, 0, input, ENTRY_MAGIC.length, TAG);
        System.arraycopy(data, offset, input, ENTRY_MAGIC.length + TAG, length);
        return tag(authenticator, input, 0, input.length);
    }

    private static byte[] tag(ImageAuthenticator authenticator, byte[] data, int offset, int length) {
        byte[] tag = authenticator.tag(data, offset, length);
        if (tag.length != TAG) {
            throw new IllegalStateException("authenticator returned " + tag.length + " bytes");
        }
        return tag;
    }

    /** The header's tag, after checking it: the tag the first entry chains to. */
    static byte[] checkHeader(byte[] journal, ImageAuthenticator authenticator) throws CorruptStoreException {
        if (journal.length < HEADER_BYTES || !Arrays.equals(journal, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new CorruptStoreException("key store journal is truncated or not a journal");
        }
        if ((journal[MAGIC.length] & 0xFF) != VERSION) {
            throw new CorruptStoreException("unsupported key store journal version " + (journal[MAGIC.length] & 0xFF));
        }
        byte[] expected = tag(authenticator, journal, 0, MAGIC.length + 1 + TAG);
        byte[] actual = Arrays.copyOfRange(journal, MAGIC.length + 1 + TAG, HEADER_BYTES);
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new CorruptStoreException("key store journal failed authentication (another store's, or altered)");
        }
        return actual;
    }

    /** The tag of the image a journal extends (not checked: {@link #read} checks it). */
    static byte[] imageTagOf(byte[] journalHeader) {
        return Arrays.copyOfRange(journalHeader, MAGIC.length + 1, MAGIC.length + 1 + TAG);
    }

    /**
     * Reads a whole journal.
     *
     * @param lenient stop at the first entry that does not authenticate, reporting it as
     *                {@link Contents#damaged}, instead of throwing (what a restore keeps)
     * @throws CorruptStoreException the header, or (not lenient) an entry before the tail, does not authenticate
     */
    static Contents read(byte[] journal, ImageAuthenticator authenticator, boolean lenient) throws CorruptStoreException {
        byte[] headerTag = checkHeader(journal, authenticator);
        return readEntries(journal, HEADER_BYTES, imageTagOf(journal), headerTag, 1, authenticator, lenient);
    }

    /**
     * Reads the entries in {@code bytes[from, length)}, the first numbered {@code sequence} and
     * chained to {@code previousTag}; positions in the result count from the start of {@code bytes}.
     */
    static Contents readEntries(byte[] bytes, int from, byte[] imageTag, byte[] previousTag, long sequence,
                                ImageAuthenticator authenticator, boolean lenient) throws CorruptStoreException {
        List<Change> changes = new ArrayList<>();
        int at = from;
        byte[] last = previousTag;
        long next = sequence;
        while (at < bytes.length) {
            int remaining = bytes.length - at;
            if (remaining < LENGTH || allZero(bytes, at)) {
                return new Contents(imageTag, changes, at, last, next, true, false);
            }
            ByteBuffer lengths = ByteBuffer.wrap(bytes, at, LENGTH);
            int bodyLength = lengths.getInt();
            boolean validLength = lengths.getInt() == ~bodyLength && bodyLength >= MIN_BODY && bodyLength <= MAX_BODY;
            if (validLength && (long) LENGTH + bodyLength + TAG > remaining) {
                return new Contents(imageTag, changes, at, last, next, true, false); // not all written: never returned
            }
            try {
                if (!validLength) {
                    throw new CorruptStoreException("key store journal entry " + next + " has a damaged length "
                            + Integer.toUnsignedString(bodyLength) + ", out of range");
                }
                byte[] expected = entryTag(authenticator, last, bytes, at, LENGTH + bodyLength);
                byte[] actual = Arrays.copyOfRange(bytes, at + LENGTH + bodyLength, at + LENGTH + bodyLength + TAG);
                if (!MessageDigest.isEqual(expected, actual)) {
                    throw new CorruptStoreException("key store journal entry " + next
                            + " failed authentication (altered, reordered, removed before it, or from another journal)");
                }
                changes.add(parseBody(ByteBuffer.wrap(bytes, at + LENGTH, bodyLength).slice(), next));
            } catch (CorruptStoreException e) {
                if (lenient) {
                    return new Contents(imageTag, changes, at, last, next, false, true);
                }
                throw e;
            }
            last = Arrays.copyOfRange(bytes, at + LENGTH + bodyLength, at + LENGTH + bodyLength + TAG);
            at += LENGTH + bodyLength + TAG;
            next++;
        }
        return new Contents(imageTag, changes, at, last, next, false, false);
    }

    private static boolean allZero(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static Change parseBody(ByteBuffer body, long expectedSequence) throws CorruptStoreException {
        try {
            long sequence = body.getLong();
            if (sequence != expectedSequence) {
                throw new CorruptStoreException("key store journal entry " + sequence + " where " + expectedSequence + " belongs");
            }
            int op = body.get() & 0xFF;
            int idLength = body.getShort() & 0xFFFF;
            if (idLength < 1 || idLength > KeyRecord.MAX_KEY_ID_LENGTH || idLength > body.remaining()) {
                throw new CorruptStoreException("key store journal: key id length " + idLength + " out of range");
            }
            byte[] id = new byte[idLength];
            body.get(id);
            String keyId = new String(id, StandardCharsets.US_ASCII);
            long revision = body.getLong();
            Change change;
            if (op == OP_DELETE) {
                change = Change.delete(new KeyRecord(keyId, revision, new byte[1]).keyId(), revision);
            } else if (op == OP_PUT) {
                int sealedLength = body.getInt();
                if (sealedLength < 1 || sealedLength > KeyRecord.MAX_SEALED_BYTES || sealedLength > body.remaining()) {
                    throw new CorruptStoreException("key store journal: sealed length " + sealedLength + " out of range");
                }
                byte[] sealed = new byte[sealedLength];
                body.get(sealed);
                change = Change.put(new KeyRecord(keyId, revision, sealed));
            } else {
                throw new CorruptStoreException("key store journal: unknown operation " + op);
            }
            if (body.hasRemaining()) {
                throw new CorruptStoreException("key store journal entry " + sequence + " has " + body.remaining() + " extra bytes");
            }
            return change;
        } catch (java.nio.BufferUnderflowException e) {
            throw new CorruptStoreException("key store journal entry is truncated", e);
        } catch (IllegalArgumentException e) {
            throw new CorruptStoreException("key store journal holds an invalid record: " + e.getMessage(), e);
        }
    }
}
