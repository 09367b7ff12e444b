package io.kmsjca.internal.crypto;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.AEADBadTagException;
import java.io.ByteArrayOutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Signature;
import java.security.SignatureException;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A signed body (chunks, then a P-384 signature footer) written by {@link SignedBody.Signing} and
 * read back by {@link SignedBody.Verifying} in pieces smaller and larger than the footer, and by
 * {@link SignedBody#verify} from a channel; an altered or short footer is refused.
 */
class SignedBodyTest {

    private static final byte[] KEY = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static final byte[] BASE_NONCE = HexFormat.of().parseHex("a0a1a2a3a4a5a6a7a8a9aaab");
    private static final byte[] HEADER = "a header the signature covers".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final KeyPair PAIR = EcdsaP384.generate(KmsRandom.generator());
    /** Pieces shorter than the footer, about its length, and longer than a chunk. */
    private static final int[] PIECES = {1, 95, 97, 5000, 16400, 2, 40_000};

    @TempDir
    Path dir;

    private static byte[] message(int length) {
        byte[] m = new byte[length];
        for (int i = 0; i < length; i++) {
            m[i] = (byte) (i * 31 + 7);
        }
        return m;
    }

    /** The body of {@code message}, its first {@code split} bytes given to update and the rest to doFinal. */
    private static byte[] sign(byte[] message, int split) throws Exception {
        Signature signer = EcdsaP384.signer(PAIR.getPrivate(), KmsRandom.generator());
        signer.update(HEADER);
        var body = new SignedBody.Signing(new ChunkedAead.Encryptor(KEY, BASE_NONCE), signer);
        byte[] out = new byte[body.finalOutputSize(message.length)];
        int n = body.update(message, 0, split, out, 0);
        n += body.doFinal(message, split, message.length - split, out, n);
        assertEquals(out.length, n);
        return out;
    }

    private static SignedBody.Verifying verifying() throws Exception {
        Signature verifier = EcdsaP384.verifier(EcdsaP384.encode(PAIR));
        verifier.update(HEADER);
        return new SignedBody.Verifying(new ChunkedAead.Decryptor(KEY, BASE_NONCE), verifier);
    }

    /** The body read in PIECES starting at piece {@code first}; what update and doFinal release. */
    private static byte[] read(byte[] body, int first) throws Exception {
        var v = verifying();
        var plain = new ByteArrayOutputStream();
        byte[] out = new byte[body.length];
        int off = 0;
        for (int p = first; body.length - off > PIECES[p % PIECES.length]; p++) {
            int len = PIECES[p % PIECES.length];
            plain.write(out, 0, v.update(body, off, len, out, 0));
            off += len;
        }
        int last = body.length - off;
        int bound = v.finalOutputSize(last);
        int n = v.doFinal(body, off, last, out, 0);
        assertTrue(n <= bound, n + " > finalOutputSize " + bound);
        plain.write(out, 0, n);
        return plain.toByteArray();
    }

    @Test
    void aSignedBody_readInPiecesOfEverySize_givesTheMessage() throws Exception {
        for (int length : new int[] {0, 1, 200, ChunkedAead.CHUNK, 2 * ChunkedAead.CHUNK + 333}) {
            byte[] message = message(length);
            byte[] body = sign(message, length - length / 4); // update completes chunks when there are any
            assertEquals(length + (length / ChunkedAead.CHUNK + 1) * ChunkedAead.TAG + SignedBody.FOOTER, body.length);
            for (int first = 0; first < PIECES.length; first++) {
                assertArrayEquals(message, read(body, first), "length " + length + ", pieces from " + first);
            }
            var whole = verifying();
            byte[] out = new byte[body.length];
            assertEquals(length, whole.finalOutputSize(body.length));
            assertEquals(length, whole.doFinal(body, 0, body.length, out, 0));
            assertArrayEquals(message, Arrays.copyOf(out, length));
        }
    }

    @Test
    void aChangedByte_anywhere_isRefused_asABadTagCausedByTheSignature() throws Exception {
        byte[] body = sign(message(ChunkedAead.CHUNK + 50), 7);
        for (int i : new int[] {0, ChunkedAead.SEALED_CHUNK + 3, body.length - SignedBody.FOOTER - 1,
                body.length - SignedBody.FOOTER, body.length - 1}) {
            byte[] altered = body.clone();
            altered[i] ^= 1;
            for (int first = 0; first < PIECES.length; first++) {
                int f = first;
                var e = assertThrows(AEADBadTagException.class, () -> read(altered, f), "byte " + i);
                if (i >= ChunkedAead.SEALED_CHUNK) { // chunk 0 is released, as it authenticates, before the footer is read
                    assertInstanceOf(SignatureException.class, e.getCause(), e.getMessage());
                }
            }
        }
    }

    @Test
    void aBodyShorterThanTheFooter_isRefused_whetherGivenInPiecesOrWhole() throws Exception {
        byte[] body = sign(message(10), 0);
        byte[] footerOnly = Arrays.copyOfRange(body, body.length - SignedBody.FOOTER + 1, body.length);
        var e = assertThrows(AEADBadTagException.class, () -> verifying().doFinal(footerOnly, 0, footerOnly.length,
                new byte[200], 0));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        var v = verifying();
        assertEquals(0, v.update(footerOnly, 0, 50, new byte[200], 0));
        assertThrows(AEADBadTagException.class, () -> v.doFinal(new byte[200], 0, 0, new byte[200], 0));
        assertThrows(AEADBadTagException.class, () -> verifying().doFinal(new byte[0], 0, 0, new byte[200], 0));
    }

    @Test
    void verify_fromAChannel_checksTheFooter_andSaysWhereTheChunksEnd() throws Exception {
        byte[] body = sign(message(2 * ChunkedAead.CHUNK + 9), 5);
        Path file = Files.write(dir.resolve("body"), body);
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            Signature verifier = EcdsaP384.verifier(EcdsaP384.encode(PAIR));
            verifier.update(HEADER);
            assertEquals(body.length - SignedBody.FOOTER, SignedBody.verify(verifier, channel, 0));
        }
        for (int i : new int[] {0, ChunkedAead.SEALED_CHUNK + 1, body.length - 1}) {
            byte[] altered = body.clone();
            altered[i] ^= 1;
            try (SeekableByteChannel channel = Files.newByteChannel(Files.write(dir.resolve("altered"), altered))) {
                Signature verifier = EcdsaP384.verifier(EcdsaP384.encode(PAIR));
                verifier.update(HEADER);
                var e = assertThrows(AEADBadTagException.class, () -> SignedBody.verify(verifier, channel, 0));
                assertInstanceOf(SignatureException.class, e.getCause());
            }
        }
        byte[] short_ = Arrays.copyOf(body, SignedBody.FOOTER - 1);
        try (SeekableByteChannel channel = Files.newByteChannel(Files.write(dir.resolve("short"), short_))) {
            assertThrows(AEADBadTagException.class, () -> SignedBody.verify(EcdsaP384.verifier(EcdsaP384.encode(PAIR)), channel, 0));
        }
    }
}
