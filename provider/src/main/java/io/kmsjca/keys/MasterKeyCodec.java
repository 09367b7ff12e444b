package io.kmsjca.keys;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The plaintext of a sealed key record (docs/FORMAT.md, "Key record payload"). Big-endian:
 * <pre>
 *   version 0x01 | state u8 | manager u8 | created (epoch ms, i64) | deletion date (i64, -1 none)
 *   description (u16 length, UTF-8) | alias count u16, each (u16 length, ASCII)
 *   version count u32, each: number u32 | created i64 | origin u8 | material (32)
 * </pre>
 * Only ever read after the record authenticated; lengths are still bounded.
 */
final class MasterKeyCodec {

    private static final int VERSION = 1;
    static final int MAX_DESCRIPTION_BYTES = 8192;
    static final int MAX_ALIASES = 256;
    static final int MAX_VERSIONS = 20_000;

    private MasterKeyCodec() {
    }

    /** The payload; the caller wipes it after sealing (it holds material). */
    static byte[] encode(MasterKey key) {
        var bytes = new ByteArrayOutputStream(128 + key.versions().size() * 48);
        try (var out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeByte(key.state().ordinal());
            out.writeByte(key.manager().ordinal());
            out.writeLong(key.created().toEpochMilli());
            out.writeLong(key.deletionDate().map(Instant::toEpochMilli).orElse(-1L));
            writeString(out, key.description());
            out.writeShort(key.aliases().size());
            for (String a : key.aliases()) {
                writeString(out, a);
            }
            out.writeInt(key.versions().size());
            for (KeyVersion v : key.versions()) {
                out.writeInt(v.number());
                out.writeLong(v.created().toEpochMilli());
                out.writeByte(v.origin().ordinal());
                byte[] m = v.materialCopy();
                out.write(m);
                Arrays.fill(m, (byte) 0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Parses a payload; {@code payload} is wiped before returning. */
    static MasterKey decode(UUID id, long revision, byte[] payload) {
        try {
            ByteBuffer in = ByteBuffer.wrap(payload);
            int version = in.get() & 0xFF;
            if (version != VERSION) {
                throw new IllegalArgumentException("unsupported key record version " + version);
            }
            KeyState state = pick(KeyState.values(), in.get());
            KeyManagerType manager = pick(KeyManagerType.values(), in.get());
            Instant created = Instant.ofEpochMilli(in.getLong());
            long deletion = in.getLong();
            String description = readString(in, MAX_DESCRIPTION_BYTES);
            int aliasCount = in.getShort() & 0xFFFF;
            bound(aliasCount, MAX_ALIASES, "alias count");
            List<String> aliases = new ArrayList<>(aliasCount);
            for (int i = 0; i < aliasCount; i++) {
                aliases.add(Aliases.normalize(readString(in, Aliases.MAX_LENGTH)));
            }
            int versionCount = in.getInt();
            bound(versionCount, MAX_VERSIONS, "version count");
            List<KeyVersion> versions = new ArrayList<>(versionCount);
            byte[] material = new byte[32];
            for (int i = 0; i < versionCount; i++) {
                int number = in.getInt();
                Instant vCreated = Instant.ofEpochMilli(in.getLong());
                KeyOrigin origin = pick(KeyOrigin.values(), in.get());
                in.get(material);
                versions.add(new KeyVersion(number, vCreated, origin, material));
            }
            Arrays.fill(material, (byte) 0);
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("key record has trailing bytes");
            }
            return new MasterKey(id, revision, description, state, manager, created,
                    deletion < 0 ? null : Instant.ofEpochMilli(deletion), aliases, versions);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("key record is truncated", e);
        } finally {
            Arrays.fill(payload, (byte) 0);
        }
    }

    private static <E> E pick(E[] values, byte b) {
        int i = b & 0xFF;
        if (i >= values.length) {
            throw new IllegalArgumentException("unknown " + values[0].getClass().getSimpleName() + " " + i);
        }
        return values[i];
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeShort(b.length);
        out.write(b);
    }

    private static String readString(ByteBuffer in, int max) {
        int n = in.getShort() & 0xFFFF;
        bound(n, max, "string length");
        byte[] b = new byte[n];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void bound(int n, int max, String what) {
        if (n < 0 || n > max) {
            throw new IllegalArgumentException(what + " " + n + " out of range");
        }
    }
}
