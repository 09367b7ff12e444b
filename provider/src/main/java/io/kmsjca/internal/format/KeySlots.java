package io.kmsjca.internal.format;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The key store header as a list of credentials ({@link KeySlot}s): version 1 is one password
 * slot ({@link RootKeyHeader}, written by every store made before credentials and still written
 * until a credential is added); version 2 is a list of up to {@link #MAX_SLOTS} slots
 * (docs/FORMAT.md, "Root key header"). Layout of version 2, big-endian:
 * <pre>
 *   0 4 magic "KMSR" | 4 1 version 0x02 | 5 1 slot count N (1..32) | N slots
 * </pre>
 */
public record KeySlots(int version, List<KeySlot> slots) {

    public static final int MAX_SLOTS = 32;
    static final byte[] MAGIC = {'K', 'M', 'S', 'R'};
    static final int VERSION_1 = 1;
    static final int VERSION_2 = 2;

    public KeySlots {
        slots = List.copyOf(slots);
        if (slots.isEmpty() || slots.size() > MAX_SLOTS) {
            throw new IllegalArgumentException("a key store header has 1 to " + MAX_SLOTS + " credentials");
        }
        if (version == VERSION_1 && (slots.size() != 1 || slots.get(0).kind() != KeySlot.Kind.V1_PASSWORD)) {
            throw new IllegalArgumentException("a version-1 header is one password slot");
        }
        if (version != VERSION_1 && version != VERSION_2) {
            throw new IllegalArgumentException("root key header version " + version);
        }
        if (slots.stream().map(KeySlot::principal).distinct().count() != slots.size()) {
            throw new IllegalArgumentException("two credentials of one key store name the same principal");
        }
    }

    /** The slot naming {@code principal}, if any. */
    public Optional<KeySlot> find(String principal) {
        return slots.stream().filter(s -> s.principal().equals(principal)).findFirst();
    }

    /** These slots and {@code slot}: always a version-2 header. */
    public KeySlots with(KeySlot slot) {
        List<KeySlot> next = new ArrayList<>(slots);
        next.add(slot);
        return new KeySlots(VERSION_2, next);
    }

    /** These slots with the one naming {@code principal} replaced by {@code slot} (same version if both are v1 slots). */
    public KeySlots replacing(String principal, KeySlot slot) {
        List<KeySlot> next = new ArrayList<>(slots);
        next.replaceAll(s -> s.principal().equals(principal) ? slot : s);
        boolean v1 = version == VERSION_1 && slot.kind() == KeySlot.Kind.V1_PASSWORD;
        return new KeySlots(v1 ? VERSION_1 : VERSION_2, next);
    }

    /** These slots without the one naming {@code principal}. */
    public KeySlots without(String principal) {
        List<KeySlot> next = new ArrayList<>(slots);
        next.removeIf(s -> s.principal().equals(principal));
        return new KeySlots(VERSION_2, next);
    }

    public byte[] encode() {
        if (version == VERSION_1) {
            KeySlot only = slots.get(0);
            return new RootKeyHeader(only.kdf(), only.salt(), only.nonce(), only.wrappedRootKey()).encode();
        }
        int length = 6;
        for (KeySlot s : slots) {
            length += s.encodedLength();
        }
        ByteBuffer out = ByteBuffer.allocate(length).put(MAGIC).put((byte) VERSION_2).put((byte) slots.size());
        for (KeySlot s : slots) {
            s.encode(out);
        }
        return out.array();
    }

    /**
     * Parses a version-1 or version-2 header, bounding every count and length before use.
     *
     * @throws IllegalArgumentException anything else, or a header with bytes left over
     */
    public static KeySlots decode(byte[] bytes) {
        if (bytes.length < 6) {
            throw new IllegalArgumentException("root key header is " + bytes.length + " bytes");
        }
        if (bytes[4] == VERSION_1) {
            return new KeySlots(VERSION_1, List.of(KeySlot.ofV1(RootKeyHeader.decode(bytes))));
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        byte[] magic = new byte[4];
        in.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new IllegalArgumentException("not a kms-jca root key header (bad magic)");
        }
        int version = in.get() & 0xFF;
        if (version != VERSION_2) {
            throw new IllegalArgumentException("unsupported root key header version " + version);
        }
        int count = in.get() & 0xFF;
        if (count < 1 || count > MAX_SLOTS) {
            throw new IllegalArgumentException("root key header with " + count + " credentials");
        }
        List<KeySlot> slots = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                slots.add(KeySlot.decode(in));
            }
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("root key header is truncated");
        }
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("root key header has " + in.remaining() + " bytes after its credentials");
        }
        return new KeySlots(VERSION_2, slots);
    }

    /** Whether this is a version-1 header (a store that has never had a credential added). */
    public boolean isVersion1() {
        return version == VERSION_1;
    }

    static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("key slot principal is not UTF-8");
        }
    }
}
