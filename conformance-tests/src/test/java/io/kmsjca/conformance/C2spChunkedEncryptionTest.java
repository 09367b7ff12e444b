package io.kmsjca.conformance;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.kmsjca.internal.crypto.ChunkedAead;
import io.kmsjca.internal.crypto.ChunkedReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.InflaterInputStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every C2SP chunked-encryption vector (Cobblestone-256 and -128), applied as
 * c2sp_chunked_encryption.md describes: one-shot and streaming decryption (PartialPlaintext:
 * never beyond the valid prefix, and failing again after a failure), random access including
 * length authentication (ValidFinalChunk), and raw-mode re-encryption.
 */
class C2spChunkedEncryptionTest {

    private static final List<Object[]> FILES = List.of(
            new Object[] {"c2sp_chunked_encryption_aes_256_gcm_test.json", ChunkedAead.Suite.AES_256_GCM},
            new Object[] {"c2sp_chunked_encryption_aes_128_gcm_test.json", ChunkedAead.Suite.AES_128_GCM});

    record Vector(ChunkedAead.Suite suite, int tcId, JsonObject t) {
        boolean valid() {
            return t.get("result").getAsString().equals("valid");
        }

        boolean flag(String f) {
            for (JsonElement e : t.getAsJsonArray("flags")) {
                if (e.getAsString().equals(f)) {
                    return true;
                }
            }
            return false;
        }

        byte[] hex(String field) {
            return HexFormat.of().parseHex(t.get(field).getAsString());
        }

        byte[] ct() {
            try (InputStream in = new InflaterInputStream(new java.io.ByteArrayInputStream(hex("ct")))) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        long msgLength() {
            return t.get("msgLength").getAsLong();
        }

        String sha512() {
            return t.get("msgSha512").getAsString();
        }

        @Override
        public String toString() {
            return suite + " tc" + tcId + " " + t.get("result").getAsString() + " " + t.getAsJsonArray("flags")
                    + " " + t.get("comment").getAsString();
        }
    }

    static Stream<Arguments> vectors() {
        List<Arguments> all = new ArrayList<>();
        for (Object[] f : FILES) {
            for (JsonElement g : Vectors.wycheproof((String) f[0]).getAsJsonArray("testGroups")) {
                for (JsonElement t : g.getAsJsonObject().getAsJsonArray("tests")) {
                    JsonObject o = t.getAsJsonObject();
                    all.add(Arguments.of(new Vector((ChunkedAead.Suite) f[1], o.get("tcId").getAsInt(), o)));
                }
            }
        }
        return all.stream();
    }

    @Test
    void everyVectorOfBothFiles_isRun() {
        int declared = FILES.stream().mapToInt(f -> Vectors.wycheproof((String) f[0]).get("numberOfTests").getAsInt()).sum();
        assertEquals(declared, vectors().count());
    }

    private static String sha512(byte[] b, int len) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-512");
        md.update(b, 0, len);
        return HexFormat.of().formatHex(md.digest());
    }

    /** Streams {@code ct} through a decryptor in uneven pieces; returns the plaintext, or throws. */
    private static int stream(Vector v, byte[] ct, ByteArrayOutputStream produced, boolean keepGoingAfterFailure)
            throws Exception {
        ChunkedAead.Decryptor d = ChunkedAead.Decryptor.forMessage(v.suite, v.hex("key"), v.hex("ctx"), ct, 0);
        int off = ChunkedAead.HEADER;
        int[] pieces = {1, 7000, 16400, 33000, 5};
        int p = 0;
        byte[] out = new byte[70_000];
        try {
            while (off < ct.length) {
                int n = Math.min(pieces[p++ % pieces.length], ct.length - off);
                produced.write(out, 0, d.update(ct, off, n, out, 0));
                off += n;
            }
            produced.write(out, 0, d.doFinal(out, 0));
            return produced.size();
        } catch (GeneralSecurityException e) {
            if (keepGoingAfterFailure) {
                assertThrows(GeneralSecurityException.class, () -> d.update(new byte[1], 0, 1, out, 0), "keeps failing");
                assertThrows(GeneralSecurityException.class, () -> d.doFinal(out, 0), "keeps failing");
            }
            throw e;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void streamingDecryption(Vector v) throws Exception {
        byte[] ct = v.ct();
        if (v.flag("InvalidKeySize")) {
            assertThrows(InvalidKeyException.class, () -> ChunkedAead.derive(v.suite, v.hex("key"), new byte[24], new byte[0]));
            return;
        }
        if (ct.length < ChunkedAead.HEADER) {
            assertFalse(v.valid());
            assertTrue(v.flag("HeaderFailure") || v.flag("Truncation"), v.toString());
            return;
        }
        var produced = new ByteArrayOutputStream();
        if (v.valid()) {
            stream(v, ct, produced, false);
            assertEquals(v.msgLength(), produced.size());
            assertEquals(v.sha512(), sha512(produced.toByteArray(), produced.size()));
        } else {
            assertThrows(GeneralSecurityException.class, () -> stream(v, ct, produced, true));
            long prefix = v.flag("PartialPlaintext") ? v.msgLength() : 0;
            assertTrue(produced.size() <= prefix, "released " + produced.size() + " bytes beyond the valid prefix of " + prefix);
            if (produced.size() == prefix && prefix > 0) {
                assertEquals(v.sha512(), sha512(produced.toByteArray(), produced.size()), "the released prefix is the valid one");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void randomAccessDecryption(Vector v) throws Exception {
        if (v.flag("InvalidKeySize")) {
            return; // covered by streamingDecryption: the key is refused before any access
        }
        byte[] ct = v.ct();
        var channel = new InMemoryChannel(ct);
        ChunkedReader reader;
        try {
            reader = ChunkedReader.open(v.suite, v.hex("key"), v.hex("ctx"), channel, 0);
        } catch (GeneralSecurityException e) {
            assertFalse(v.valid(), v + ": " + e);
            return;
        }
        if (v.valid()) {
            assertEquals(v.msgLength(), reader.size(), "length authenticated through the final chunk");
            byte[] all = new byte[(int) v.msgLength()];
            int done = 0;
            // backwards, one chunk at a time: every chunk is reachable on its own
            for (long start = (v.msgLength() - 1) / ChunkedAead.CHUNK * ChunkedAead.CHUNK; start >= 0 && v.msgLength() > 0;
                 start -= ChunkedAead.CHUNK) {
                int n = reader.read(start, all, (int) start, (int) Math.min(ChunkedAead.CHUNK, v.msgLength() - start));
                done += n;
            }
            assertEquals(v.msgLength(), done);
            assertEquals(v.sha512(), sha512(all, all.length));
            assertEquals(-1, reader.read(v.msgLength(), new byte[1], 0, 1));
        } else {
            if (v.flag("ValidFinalChunk")) {
                reader.size(); // may succeed: the error is elsewhere; reading everything must not
            } else {
                assertThrows(GeneralSecurityException.class, reader::size, "length authentication must fail");
            }
            assertThrows(GeneralSecurityException.class, () -> {
                byte[] buf = new byte[ChunkedAead.CHUNK];
                long pos = 0;
                int n;
                while ((n = reader.read(pos, buf, 0, buf.length)) >= 0) {
                    pos += n;
                }
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void rawModeReEncryption(Vector v) throws Exception {
        if (v.flag("HeaderFailure") || !v.valid()) {
            return; // raw mode applies to valid vectors without a header failure
        }
        byte[] ct = v.ct();
        byte[] body = Arrays.copyOfRange(ct, ChunkedAead.HEADER, ct.length);
        var dec = new ChunkedAead.Decryptor(v.hex("aeadKey"), v.hex("baseNonce"));
        byte[] msg = new byte[(int) v.msgLength() + ChunkedAead.CHUNK];
        int n = dec.update(body, 0, body.length, msg, 0);
        n += dec.doFinal(msg, n);
        assertEquals(v.sha512(), sha512(msg, n));

        var enc = new ChunkedAead.Encryptor(v.hex("aeadKey"), v.hex("baseNonce"));
        byte[] again = new byte[enc.finalOutputSize(n)];
        int m = enc.update(msg, 0, n, again, 0);
        m += enc.doFinal(again, m);
        assertArrayEquals(body, Arrays.copyOf(again, m), "raw encryption is deterministic and matches the vector");
    }
}
