package io.kmsjca.internal.engine;

import io.kmsjca.internal.crypto.ChunkedAead;
import io.kmsjca.internal.format.EnvelopeHeader;
import io.kmsjca.internal.format.WrappedKeyBlob;
import io.kmsjca.internal.service.LifecycleFixture;
import io.kmsjca.keys.DataKeyCache;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.KmsKeyRing;
import io.kmsjca.provider.KmsEncryptionContextSpec;
import io.kmsjca.provider.KmsEnvelopeReader;
import io.kmsjca.provider.KmsEnvelopeSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The KMSEnvelope engine as the JCA cipher and reader drive it: every message gets its own random
 * data key and salt, the cipher's output size is the message's exact length, the prefix is
 * gathered however the bytes arrive, a wrong context is refused before any key is unwrapped, and
 * the body of an unsigned message is bound to the SHA-256 of its header, as docs/FORMAT.md says.
 */
class EnvelopeEngineTest {

    private static final Map<String, String> CTX = Map.of("file", "report.pdf");
    private static final int[] SIZES = {0, 1, 100, ChunkedAead.CHUNK - 1, ChunkedAead.CHUNK, ChunkedAead.CHUNK + 1,
            2 * ChunkedAead.CHUNK + 5};

    @TempDir
    Path dir;
    LifecycleFixture f;
    KmsKeyHandle orders;
    KmsKeyHandle backup;

    @BeforeEach
    void setUp() throws Exception {
        f = new LifecycleFixture(dir);
        orders = f.keys.createKey("orders", "");
        backup = f.keys.createKey("backup", "");
    }

    private static Cipher cipher(int mode, Key key, KmsEnvelopeSpec spec) throws Exception {
        Cipher c = Cipher.getInstance("KMSEnvelope", LifecycleFixture.PROVIDER);
        c.init(mode, key, spec);
        return c;
    }

    private static byte[] plaintext(int n) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) (i * 31 + 7);
        }
        return p;
    }

    private static int headerLength(byte[] message) throws Exception {
        return EnvelopeHeader.length(message, message.length);
    }

    /** The data key of a message, unwrapped from its first wrapped copy with the public KMSWrap cipher. */
    private static byte[] dataKey(byte[] message, KmsKeyHandle key) throws Exception {
        int h = headerLength(message);
        byte[] blob = EnvelopeHeader.parse(message, h).wrappedKeys().get(0);
        Cipher c = Cipher.getInstance("KMSWrap", LifecycleFixture.PROVIDER);
        c.init(Cipher.DECRYPT_MODE, key, new KmsEncryptionContextSpec(CTX));
        return c.doFinal(blob);
    }

    /** Every message draws its own data key and salt from the provider's generator: none is zero, none repeats. */
    @Test
    void everyMessage_hasItsOwnRandomDataKeyAndSalt() throws Exception {
        byte[] a = cipher(Cipher.ENCRYPT_MODE, orders, KmsEnvelopeSpec.withContext(CTX)).doFinal(new byte[10]);
        byte[] b = cipher(Cipher.ENCRYPT_MODE, orders, KmsEnvelopeSpec.withContext(CTX)).doFinal(new byte[10]);

        byte[] keyA = dataKey(a, orders);
        byte[] keyB = dataKey(b, orders);
        assertEquals(32, keyA.length);
        assertFalse(Arrays.equals(new byte[32], keyA), "the data key is not all zeros");
        assertFalse(Arrays.equals(keyA, keyB), "two messages never share a data key");
        byte[] saltA = Arrays.copyOfRange(a, headerLength(a), headerLength(a) + ChunkedAead.SALT);
        byte[] saltB = Arrays.copyOfRange(b, headerLength(b), headerLength(b) + ChunkedAead.SALT);
        assertFalse(Arrays.equals(new byte[ChunkedAead.SALT], saltA), "the salt is not all zeros");
        assertFalse(Arrays.equals(saltA, saltB));
    }

    /**
     * The body's C2SP context is the SHA-256 of the header for versions 3 and 4 (docs/FORMAT.md):
     * its commitment, recomputed from the data key and that digest by anyone, matches the message's.
     */
    @Test
    void theBodyOfAnUnsignedMessage_isCommittedToTheSha256OfItsHeader() throws Exception {
        DataKeyCache cache = new DataKeyCache(10, 1 << 20, Duration.ofMinutes(5), f.clock);
        for (KmsEnvelopeSpec spec : new KmsEnvelopeSpec[] {KmsEnvelopeSpec.withContext(CTX),
                KmsEnvelopeSpec.withContext(CTX).withDataKeyCache(cache)}) {
            byte[] message = cipher(Cipher.ENCRYPT_MODE, orders, spec).doFinal(plaintext(50));
            int h = headerLength(message);
            byte[] salt = Arrays.copyOfRange(message, h, h + ChunkedAead.SALT);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(message, h));

            ChunkedAead.Material m = ChunkedAead.derive(EnvelopeEngine.suite(), dataKey(message, orders), salt, digest);

            assertArrayEquals(m.commitment(), Arrays.copyOfRange(message, h + ChunkedAead.SALT, h + ChunkedAead.HEADER),
                    "version " + message[4]);
        }
    }

    /** {@code getOutputSize} before the first byte is the exact length of the message, one key or two, cached or not. */
    @Test
    void theOutputSizeBeforeEncrypting_isTheMessagesExactLength() throws Exception {
        DataKeyCache cache = new DataKeyCache(1000, 1L << 30, Duration.ofMinutes(5), f.clock);
        for (Key key : new Key[] {orders, KmsKeyRing.of(orders, backup)}) {
            for (KmsEnvelopeSpec spec : new KmsEnvelopeSpec[] {KmsEnvelopeSpec.withContext(CTX),
                    KmsEnvelopeSpec.withContext(Map.of()), KmsEnvelopeSpec.withContext(CTX).withDataKeyCache(cache)}) {
                for (int n : SIZES) {
                    Cipher c = cipher(Cipher.ENCRYPT_MODE, key, spec);
                    int predicted = c.getOutputSize(n);
                    assertEquals(c.doFinal(plaintext(n)).length, predicted, n + " bytes to " + key);
                }
            }
        }
    }

    /** The cipher takes the prefix as it comes, a byte at a time or with body bytes after it, and never loses a body byte. */
    @Test
    void aMessageDecryptsInPiecesOfAnySize() throws Exception {
        DataKeyCache cache = new DataKeyCache(10, 1 << 20, Duration.ofMinutes(5), f.clock);
        byte[] plain = plaintext(ChunkedAead.CHUNK + 300);
        for (KmsEnvelopeSpec spec : new KmsEnvelopeSpec[] {KmsEnvelopeSpec.withContext(CTX),
                KmsEnvelopeSpec.withContext(CTX).withDataKeyCache(cache)}) {
            byte[] message = cipher(Cipher.ENCRYPT_MODE, KmsKeyRing.of(orders, backup), spec).doFinal(plain);
            for (int piece : new int[] {1, 13, 200, 4099, message.length}) {
                Cipher d = cipher(Cipher.DECRYPT_MODE, backup, KmsEnvelopeSpec.withContext(CTX));
                var out = new ByteArrayOutputStream();
                for (int off = 0; off < message.length; off += piece) {
                    byte[] got = d.update(message, off, Math.min(piece, message.length - off));
                    if (got != null) {
                        out.writeBytes(got);
                    }
                }
                out.writeBytes(d.doFinal());
                assertArrayEquals(plain, out.toByteArray(), "pieces of " + piece + ", version " + message[4]);
            }
        }
    }

    /**
     * The cipher asks for the header a field at a time and never takes a body byte with it: a
     * message to the most recipients a header holds, whose header is long, decrypts from one
     * call as from pieces.
     */
    @Test
    void aMessageToTheMostRecipients_decryptsFromOneCall() throws Exception {
        KmsKeyHandle[] keys = new KmsKeyHandle[EnvelopeHeader.MAX_WRAPPED_KEYS];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = f.keys.createKey("r" + i, "");
        }
        byte[] plain = plaintext(3000);
        byte[] message = cipher(Cipher.ENCRYPT_MODE, KmsKeyRing.of(keys), KmsEnvelopeSpec.withContext(Map.of()))
                .doFinal(plain);

        for (KmsKeyHandle reader : new KmsKeyHandle[] {keys[0], keys[keys.length - 1]}) {
            Cipher d = cipher(Cipher.DECRYPT_MODE, reader, KmsEnvelopeSpec.withContext(Map.of()));
            var out = new ByteArrayOutputStream();
            byte[] got = d.update(message);
            if (got != null) {
                out.writeBytes(got);
            }
            out.writeBytes(d.doFinal());
            assertArrayEquals(plain, out.toByteArray());
            assertArrayEquals(plain, cipher(Cipher.DECRYPT_MODE, reader, KmsEnvelopeSpec.withContext(Map.of()))
                    .doFinal(message));
        }
    }

    /** The engine opens a prefix only when it is whole: one byte short is refused, not read past its end. */
    @Test
    void openingAnIncompletePrefix_isRefused() throws Exception {
        byte[] message = cipher(Cipher.ENCRYPT_MODE, orders, KmsEnvelopeSpec.withContext(CTX)).doFinal(plaintext(10));
        int prefix = headerLength(message) + ChunkedAead.HEADER;
        assertEquals(0, EnvelopeEngine.prefixMissing(message, prefix));
        assertEquals(1, EnvelopeEngine.prefixMissing(message, prefix - 1));
        EnvelopeEngine engine = new EnvelopeEngine();
        KmsKeyRing ring = KmsKeyRing.of(orders);

        assertThrows(IllegalArgumentException.class, () -> engine.open(message, prefix - 1, ring, null, false));
        assertThrows(IllegalArgumentException.class, () -> engine.open(message, headerLength(message), ring, null, false));
        engine.open(message, prefix, ring, null, false).destroy();
    }

    /** A context other than the message's is refused as such, naming the keys the message's context has. */
    @Test
    void anotherContext_isRefusedBeforeTheDataKeyIsUnwrapped() throws Exception {
        byte[] message = cipher(Cipher.ENCRYPT_MODE, orders, KmsEnvelopeSpec.withContext(CTX)).doFinal(plaintext(10));
        f.audit.clear();

        var e = assertThrows(AEADBadTagException.class, () -> cipher(Cipher.DECRYPT_MODE, orders,
                KmsEnvelopeSpec.withContext(Map.of("file", "other.pdf"))).doFinal(message));

        assertTrue(e.getMessage().contains("another encryption context"), e.getMessage());
        assertTrue(e.getMessage().contains("file"), e.getMessage());
        assertTrue(f.audit.stream().noneMatch(ev -> ev.operation() == io.kmsjca.spi.audit.AuditOperation.UNWRAP_KEY),
                "no data key was unwrapped under the wrong context: " + f.audit);
    }

    /** A channel that hands out its bytes a few at a time, as a socket or a pipe may. */
    private static final class Trickle implements SeekableByteChannel {
        private final SeekableByteChannel in;

        Trickle(SeekableByteChannel in) {
            this.in = in;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            ByteBuffer few = dst.slice();
            few.limit(Math.min(few.remaining(), 37));
            int n = in.read(few);
            if (n > 0) {
                dst.position(dst.position() + n);
            }
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long position() throws IOException {
            return in.position();
        }

        @Override
        public SeekableByteChannel position(long p) throws IOException {
            in.position(p);
            return this;
        }

        @Override
        public long size() throws IOException {
            return in.size();
        }

        @Override
        public SeekableByteChannel truncate(long size) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isOpen() {
            return in.isOpen();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** The random-access reader reads the header until it has it, however few bytes each read returns. */
    @Test
    void theReaderGathersTheHeader_fromAChannelThatReturnsFewBytesPerRead() throws Exception {
        byte[] plain = plaintext(1000);
        byte[] message = cipher(Cipher.ENCRYPT_MODE, KmsKeyRing.of(orders, backup), KmsEnvelopeSpec.withContext(CTX))
                .doFinal(plain);
        Path file = Files.write(dir.resolve("message.kmse"), message);

        try (SeekableByteChannel reader = KmsEnvelopeReader.open(new Trickle(Files.newByteChannel(file)), backup, CTX)) {
            assertEquals(plain.length, reader.size());
            ByteBuffer got = ByteBuffer.allocate(plain.length);
            while (got.hasRemaining() && reader.read(got) >= 0) {
                // read it all
            }
            assertArrayEquals(plain, got.array());
        }
    }

    /** A wrapped data key in the header that is not a KMSWrap blob is refused as malformed, not skipped. */
    @Test
    void aMalformedWrappedKeyOfAnotherKey_isRefusedAsMalformed() throws Exception {
        byte[] message = cipher(Cipher.ENCRYPT_MODE, KmsKeyRing.of(backup, orders), KmsEnvelopeSpec.withContext(CTX))
                .doFinal(plaintext(10));
        int h = headerLength(message);
        byte[] first = EnvelopeHeader.parse(message, h).wrappedKeys().get(0);
        int at = indexOf(message, first);
        message[at + 4] = 9; // backup's copy: an unknown KMSWrap version

        var e = assertThrows(javax.crypto.BadPaddingException.class, () -> cipher(Cipher.DECRYPT_MODE, orders,
                KmsEnvelopeSpec.withContext(CTX)).doFinal(message));
        assertFalse(e instanceof AEADBadTagException, e.toString());
        assertEquals(WrappedKeyBlob.OVERHEAD + 32, first.length);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
