package io.kmsjca.internal.crypto;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.*;

/** What the C2SP vectors do not show: message numbers, the nonce schedule's bytes, and what destroy ends. */
class ChunkedAeadTest {

    private static final byte[] KEY = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static final byte[] BASE_NONCE = HexFormat.of().parseHex("a0a1a2a3a4a5a6a7a8a9aaab");

    @TempDir
    Path dir;

    @Test
    void messageNumber_readsBackAsWritten_everyByte_unsigned() {
        for (int number : new int[] {0, 1, 0x01020304, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff}) {
            byte[] b = new byte[3 + ChunkedAead.NUMBER];
            ChunkedAead.putNumber(b, 3, number);
            assertEquals(number, ChunkedAead.number(b, 3), Integer.toHexString(number));
        }
        byte[] b = new byte[ChunkedAead.NUMBER];
        ChunkedAead.putNumber(b, 0, 0x01020304);
        assertArrayEquals(new byte[] {1, 2, 3, 4}, b, "big endian");
    }

    /** C2SP (AEAD usage): the nonce of chunk i is the base nonce XOR i as 12 big-endian bytes. */
    @Test
    void chunkNonce_isTheBaseNonceXorTheIndex_bigEndian_uptoTheLastChunk() {
        byte[] out = new byte[ChunkedAead.NONCE];
        ChunkSequence.chunkNonce(new byte[ChunkedAead.NONCE], ChunkSequence.MAX_CHUNKS - 1, out);
        assertArrayEquals(HexFormat.of().parseHex("00000000000000" + "3fffffffff"), out);
        ChunkSequence.chunkNonce(BASE_NONCE, 0x0102, out);
        assertArrayEquals(HexFormat.of().parseHex("a0a1a2a3a4a5a6a7a8a9aba9"), out);
        ChunkSequence.chunkNonce(BASE_NONCE, 0, out);
        assertArrayEquals(BASE_NONCE, out);
    }

    /** A numbered message's base nonce differs in the first four bytes only, where no chunk index reaches. */
    @Test
    void numberedNonce_xorsTheNumberIntoTheFirstFourBytes() {
        assertArrayEquals(HexFormat.of().parseHex("a1a3a2a7a4a5a6a7a8a9aaab"), ChunkedAead.numberedNonce(BASE_NONCE, 0x01020004));
        assertArrayEquals(BASE_NONCE, ChunkedAead.numberedNonce(BASE_NONCE, 0));
    }

    /** After doFinal the chunk key is wiped: more input cannot become a chunk after the final one. */
    @Test
    void encryptor_afterDoFinal_refusesMoreChunks_itsKeyIsWiped() throws Exception {
        var enc = new ChunkedAead.Encryptor(KEY, BASE_NONCE);
        byte[] out = new byte[3 * ChunkedAead.SEALED_CHUNK];
        enc.doFinal(new byte[10], 0, 10, out, 0);
        assertTrue(enc.key.isDestroyed());
        assertThrows(IllegalStateException.class, () -> enc.update(new byte[ChunkedAead.CHUNK], 0, ChunkedAead.CHUNK, out, 0));
    }

    @Test
    void decryptor_afterDoFinal_refusesMoreChunks_itsKeyIsWiped() throws Exception {
        byte[] sealed = seal(new byte[5]);
        var dec = new ChunkedAead.Decryptor(KEY, BASE_NONCE);
        byte[] out = new byte[ChunkedAead.CHUNK];
        assertEquals(5, dec.doFinal(sealed, 0, sealed.length, out, 0));
        assertThrows(IllegalStateException.class,
                () -> dec.update(new byte[ChunkedAead.SEALED_CHUNK], 0, ChunkedAead.SEALED_CHUNK, out, 0));
    }

    /** After a chunk failed, every later call fails as it did, and the chunk key is wiped at once. */
    @Test
    void decryptor_afterAFailure_failsAgain_andHasWipedItsKey() throws Exception {
        byte[] sealed = seal(new byte[ChunkedAead.CHUNK + 20]);
        sealed[3] ^= 1;
        var dec = new ChunkedAead.Decryptor(KEY, BASE_NONCE);
        byte[] out = new byte[2 * ChunkedAead.CHUNK];
        assertThrows(javax.crypto.AEADBadTagException.class, () -> dec.update(sealed, 0, ChunkedAead.SEALED_CHUNK, out, 0));
        assertTrue(dec.key.isDestroyed());
        var again = assertThrows(javax.crypto.AEADBadTagException.class,
                () -> dec.doFinal(sealed, ChunkedAead.SEALED_CHUNK, sealed.length - ChunkedAead.SEALED_CHUNK, out, 0));
        assertTrue(again.getMessage().contains("failed to decrypt earlier"), again.getMessage());
        var onUpdate = assertThrows(javax.crypto.AEADBadTagException.class,
                () -> dec.update(sealed, ChunkedAead.SEALED_CHUNK, 20, out, 0));
        assertTrue(onUpdate.getMessage().contains("failed to decrypt earlier"), onUpdate.getMessage());
    }

    /** C2SP (Message chunking): at most 2^38 chunks; the chunk after the last one is refused, its nonce never used. */
    @Test
    void encryptor_chunkNumber2To38_isRefused_theOneBeforeIsSealed() throws Exception {
        var enc = new ChunkedAead.Encryptor(KEY, BASE_NONCE);
        enc.index = ChunkSequence.MAX_CHUNKS - 1;
        byte[] out = new byte[2 * ChunkedAead.SEALED_CHUNK];
        assertEquals(ChunkedAead.SEALED_CHUNK, enc.update(new byte[ChunkedAead.CHUNK], 0, ChunkedAead.CHUNK, out, 0));
        assertThrows(javax.crypto.IllegalBlockSizeException.class, () -> enc.doFinal(out, 0));
    }

    /** Plaintext collected towards a chunk is wiped when the message ends. */
    @Test
    void encryptor_doFinal_wipesThePlaintextItBuffered() throws Exception {
        var enc = new ChunkedAead.Encryptor(KEY, BASE_NONCE);
        byte[] message = new byte[ChunkedAead.CHUNK + 300];
        Arrays.fill(message, (byte) 0x5a);
        byte[] out = new byte[enc.finalOutputSize(message.length)];
        int n = enc.update(message, 0, 100, out, 0);
        n += enc.update(message, 100, ChunkedAead.CHUNK, out, n);
        assertEquals(ChunkedAead.SEALED_CHUNK, n);
        assertEquals(out.length, n + enc.doFinal(message, 100 + ChunkedAead.CHUNK, 200, out, n));
        assertArrayEquals(new byte[ChunkedAead.CHUNK], enc.buffer);
    }

    /** A read of no bytes before the end reads nothing: 0, as a channel answers, not -1, which says the end. */
    @Test
    void reader_aReadOfNoBytes_beforeTheEnd_isZero_notTheEnd() throws Exception {
        byte[] message = new byte[ChunkedAead.CHUNK + 100];
        Arrays.fill(message, (byte) 7);
        try (SeekableByteChannel channel = Files.newByteChannel(Files.write(dir.resolve("m"), seal(message)))) {
            ChunkedReader reader = ChunkedReader.openRaw(KEY, BASE_NONCE, channel, 0);
            assertEquals(message.length, reader.size());
            assertEquals(0, reader.read(0, new byte[0], 0, 0));
            assertEquals(0, reader.read(ChunkedAead.CHUNK + 50, new byte[1], 1, 0));
            assertEquals(1, reader.read(ChunkedAead.CHUNK + 50, new byte[1], 0, 1));
            assertEquals(-1, reader.read(message.length, new byte[1], 0, 1));
        }
    }

    /** Raw mode from an offset: the chunks run from there to the end of the channel. */
    @Test
    void reader_rawFromAnOffset_readsTheChunksAfterIt() throws Exception {
        byte[] message = new byte[ChunkedAead.CHUNK + 100];
        Arrays.fill(message, (byte) 9);
        byte[] sealed = seal(message);
        byte[] file = new byte[7 + sealed.length];
        System.arraycopy(sealed, 0, file, 7, sealed.length);
        try (SeekableByteChannel channel = Files.newByteChannel(Files.write(dir.resolve("m"), file))) {
            ChunkedReader reader = ChunkedReader.openRaw(KEY, BASE_NONCE, channel, 7);
            assertEquals(message.length, reader.size());
            byte[] back = new byte[message.length];
            assertEquals(ChunkedAead.CHUNK, reader.read(0, back, 0, back.length));
            assertEquals(100, reader.read(ChunkedAead.CHUNK, back, ChunkedAead.CHUNK, 100));
            assertArrayEquals(message, back);
        }
    }

    /** After destroy the chunk key is wiped: no chunk decrypts, not even the one read last. */
    @Test
    void reader_afterDestroy_decryptsNothing() throws Exception {
        try (SeekableByteChannel channel = Files.newByteChannel(Files.write(dir.resolve("m"),
                seal(new byte[ChunkedAead.CHUNK + 100])))) {
            ChunkedReader reader = ChunkedReader.openRaw(KEY, BASE_NONCE, channel, 0);
            byte[] buf = new byte[ChunkedAead.CHUNK];
            assertEquals(ChunkedAead.CHUNK, reader.read(0, buf, 0, buf.length));
            reader.destroy();
            assertThrows(IllegalStateException.class, () -> reader.read(0, buf, 0, buf.length));
            assertThrows(IllegalStateException.class, () -> reader.read(ChunkedAead.CHUNK, buf, 0, buf.length));
        }
    }

    private static byte[] seal(byte[] message) throws Exception {
        var enc = new ChunkedAead.Encryptor(KEY, BASE_NONCE);
        byte[] out = new byte[enc.finalOutputSize(message.length)];
        assertEquals(out.length, enc.doFinal(message, 0, message.length, out, 0));
        return out;
    }
}
