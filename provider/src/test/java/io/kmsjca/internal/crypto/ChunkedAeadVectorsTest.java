package io.kmsjca.internal.crypto;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.InflaterInputStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The C2SP chunked-encryption vectors (Wycheproof, vendored under
 * {@code src/test/resources/testvectors/wycheproof}, Apache-2.0) run in the provider itself, so
 * that its mutation runs see them: the key derivation (key, base nonce, commitment), decryption
 * of a message given whole and in uneven pieces, random access with length authentication, and
 * raw-mode encryption of a message given whole. conformance-tests runs the same files through the
 * public paths too (C2spChunkedEncryptionTest).
 */
class ChunkedAeadVectorsTest {

    private static final List<Object[]> FILES = List.of(
            new Object[] {"c2sp_chunked_encryption_aes_256_gcm_test.json", ChunkedAead.Suite.AES_256_GCM},
            new Object[] {"c2sp_chunked_encryption_aes_128_gcm_test.json", ChunkedAead.Suite.AES_128_GCM});

    record Vector(ChunkedAead.Suite suite, Map<?, ?> t) {
        boolean valid() {
            return "valid".equals(t.get("result"));
        }

        boolean flag(String f) {
            return ((List<?>) t.get("flags")).contains(f);
        }

        byte[] hex(String field) {
            return HexFormat.of().parseHex((String) t.get(field));
        }

        byte[] ct() {
            try (InputStream in = new InflaterInputStream(new java.io.ByteArrayInputStream(hex("ct")))) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        long msgLength() {
            return Long.parseLong(t.get("msgLength").toString());
        }

        String sha512() {
            return (String) t.get("msgSha512");
        }

        @Override
        public String toString() {
            return suite + " tc" + t.get("tcId") + " " + t.get("result") + " " + t.get("flags") + " " + t.get("comment");
        }
    }


    static Stream<Vector> vectors() {
        List<Vector> all = new ArrayList<>();
        for (Object[] f : FILES) {
            for (Object g : (List<?>) WycheproofFiles.read((String) f[0]).get("testGroups")) {
                for (Object t : (List<?>) ((Map<?, ?>) g).get("tests")) {
                    all.add(new Vector((ChunkedAead.Suite) f[1], (Map<?, ?>) t));
                }
            }
        }
        return all.stream();
    }

    static Stream<Vector> validVectors() {
        return vectors().filter(Vector::valid);
    }

    @TempDir
    Path dir;

    @Test
    void everyVectorOfBothFiles_isRun() {
        int declared = FILES.stream().mapToInt(f -> Integer.parseInt(WycheproofFiles.read((String) f[0]).get("numberOfTests").toString())).sum();
        assertEquals(declared, vectors().count());
        assertTrue(vectors().anyMatch(v -> v.valid() && v.msgLength() > 2 * ChunkedAead.CHUNK), "messages of many chunks");
    }

    private static String sha512(byte[] b, int len) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-512");
        md.update(b, 0, len);
        return HexFormat.of().formatHex(md.digest());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validVectors")
    void derive_givesTheVectorsKeyBaseNonceAndCommitment(Vector v) throws Exception {
        byte[] ct = v.ct();
        ChunkedAead.Material m = ChunkedAead.derive(v.suite, v.hex("key"), Arrays.copyOf(ct, ChunkedAead.SALT), v.hex("ctx"));
        assertArrayEquals(v.hex("aeadKey"), m.key());
        assertArrayEquals(v.hex("baseNonce"), m.baseNonce());
        assertArrayEquals(Arrays.copyOfRange(ct, ChunkedAead.SALT, ChunkedAead.HEADER), m.commitment());
    }

    /** The whole body in one doFinal (the message given whole is processed in place), and in uneven pieces. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void decryption_givenWhole_orInPieces_releasesTheMessage_orFails(Vector v) throws Exception {
        byte[] ct = v.ct();
        if (v.flag("InvalidKeySize")) {
            assertThrows(InvalidKeyException.class, () -> ChunkedAead.derive(v.suite, v.hex("key"), new byte[24], new byte[0]));
            return;
        }
        if (ct.length < ChunkedAead.HEADER) {
            assertFalse(v.valid(), v.toString());
            return;
        }
        byte[] out = new byte[ct.length];
        if (v.valid()) {
            var whole = ChunkedAead.Decryptor.forMessage(v.suite, v.hex("key"), v.hex("ctx"), ct, 0);
            int n = whole.doFinal(ct, ChunkedAead.HEADER, ct.length - ChunkedAead.HEADER, out, 0);
            assertEquals(v.msgLength(), n);
            assertEquals(v.sha512(), sha512(out, n));
            var produced = new ByteArrayOutputStream();
            pieces(v, ct, produced);
            assertEquals(v.sha512(), sha512(produced.toByteArray(), produced.size()));
        } else {
            assertThrows(GeneralSecurityException.class, () -> ChunkedAead.Decryptor.forMessage(v.suite, v.hex("key"),
                    v.hex("ctx"), ct, 0).doFinal(ct, ChunkedAead.HEADER, ct.length - ChunkedAead.HEADER, out, 0));
            var produced = new ByteArrayOutputStream();
            assertThrows(GeneralSecurityException.class, () -> pieces(v, ct, produced));
            assertTrue(produced.size() <= (v.flag("PartialPlaintext") ? v.msgLength() : 0), "released beyond the valid prefix");
        }
    }

    private static void pieces(Vector v, byte[] ct, ByteArrayOutputStream produced) throws Exception {
        var d = ChunkedAead.Decryptor.forMessage(v.suite, v.hex("key"), v.hex("ctx"), ct, 0);
        int[] pieces = {1, 7000, 16400, 33000, 5};
        byte[] out = new byte[70_000];
        int p = 0;
        for (int off = ChunkedAead.HEADER; off < ct.length; ) {
            int n = Math.min(pieces[p++ % pieces.length], ct.length - off);
            produced.write(out, 0, d.update(ct, off, n, out, 0));
            off += n;
        }
        produced.write(out, 0, d.doFinal(out, 0));
    }

    /** Every chunk read on its own, backwards, from one byte past its start; the end read as -1. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void randomAccess_authenticatesTheLength_andReadsEveryChunk(Vector v) throws Exception {
        if (v.flag("InvalidKeySize")) {
            return;
        }
        Path file = Files.write(dir.resolve("message"), v.ct());
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            ChunkedReader reader;
            try {
                reader = ChunkedReader.open(v.suite, v.hex("key"), v.hex("ctx"), channel, 0);
            } catch (GeneralSecurityException e) {
                assertFalse(v.valid(), v + ": " + e);
                return;
            }
            if (!v.valid()) {
                if (!v.flag("ValidFinalChunk")) {
                    assertThrows(GeneralSecurityException.class, reader::size, "length authentication must fail");
                }
                assertThrows(GeneralSecurityException.class, () -> {
                    byte[] buf = new byte[ChunkedAead.CHUNK];
                    long pos = 0;
                    for (int n; (n = reader.read(pos, buf, 0, buf.length)) >= 0; ) {
                        pos += n;
                    }
                });
                return;
            }
            long length = v.msgLength();
            assertEquals(length, reader.size(), "length authenticated through the final chunk");
            byte[] all = new byte[(int) length];
            for (long start = (length - 1) / ChunkedAead.CHUNK * ChunkedAead.CHUNK; start >= 0 && length > 0;
                 start -= ChunkedAead.CHUNK) {
                int len = (int) Math.min(ChunkedAead.CHUNK, length - start);
                if (len > 1) {
                    assertEquals(len - 1, reader.read(start + 1, all, (int) start + 1, len));
                }
                assertEquals(len, reader.read(start, all, (int) start, len));
            }
            assertEquals(v.sha512(), sha512(all, all.length));
            assertEquals(-1, reader.read(length, new byte[1], 0, 1));
            assertEquals(-1, reader.read(length + ChunkedAead.CHUNK, new byte[1], 0, 1));
        }
    }

    /** The message given whole to doFinal is encrypted in place, chunk by chunk, to the vector's bytes. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("validVectors")
    void rawEncryption_ofTheMessageGivenWhole_isTheVectorsBody(Vector v) throws Exception {
        byte[] ct = v.ct();
        byte[] body = Arrays.copyOfRange(ct, ChunkedAead.HEADER, ct.length);
        var dec = new ChunkedAead.Decryptor(v.hex("aeadKey"), v.hex("baseNonce"));
        assertEquals(v.msgLength(), dec.finalOutputSize(body.length));
        byte[] msg = new byte[(int) v.msgLength()];
        assertEquals(msg.length, dec.doFinal(body, 0, body.length, msg, 0));

        var enc = new ChunkedAead.Encryptor(v.hex("aeadKey"), v.hex("baseNonce"));
        assertEquals(body.length, enc.finalOutputSize(msg.length));
        byte[] again = new byte[body.length];
        assertEquals(body.length, enc.doFinal(msg, 0, msg.length, again, 0));
        assertArrayEquals(body, again);
    }
}
