package io.kmsjca.internal.engine;

import io.kmsjca.internal.crypto.ChunkedAead;
import io.kmsjca.internal.format.EnvelopeHeader;
import io.kmsjca.internal.format.WrappedKeyBlob;
import io.kmsjca.internal.service.LifecycleFixture;
import io.kmsjca.keys.DataKeyCache;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.KmsKeyRing;
import io.kmsjca.provider.KmsDataKey;
import io.kmsjca.provider.KmsDataKeySpec;
import io.kmsjca.provider.KmsEnvelopeReader;
import io.kmsjca.provider.KmsEnvelopeSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.CipherInputStream;
import javax.crypto.KeyGenerator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.ProviderException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Security review (h2) of Cipher "KMSEnvelope" (versions 3 and 4, streaming, KmsEnvelopeReader),
 * KeyGenerator "KMSDataKey" and the data-key cache. Each test is an attack; it passes when the
 * code refuses the attack, and fails when the attack succeeds.
 */
class EnvelopeCacheReviewTest {

    private static final Map<String, String> CTX = Map.of("file", "report.pdf");
    private static final int CHUNK = ChunkedAead.CHUNK;
    private static final int SEALED = ChunkedAead.SEALED_CHUNK;

    @TempDir
    Path dir;
    LifecycleFixture f;
    KmsKeyHandle orders;

    @BeforeEach
    void setUp() throws Exception {
        f = new LifecycleFixture(dir);
        orders = f.keys.createKey("orders", "");
    }

    // ---------------------------------------------------------------- helpers

    private static DataKeyCache cache() {
        return new DataKeyCache(100, 1 << 30, Duration.ofMinutes(5));
    }

    private Cipher encryptor(java.security.Key key, DataKeyCache cache) throws Exception {
        Cipher c = Cipher.getInstance("KMSEnvelope", LifecycleFixture.PROVIDER);
        KmsEnvelopeSpec spec = KmsEnvelopeSpec.withContext(CTX);
        c.init(Cipher.ENCRYPT_MODE, key, cache == null ? spec : spec.withDataKeyCache(cache));
        return c;
    }

    private byte[] encrypt(DataKeyCache cache, byte[] plaintext) throws Exception {
        return encryptor(orders, cache).doFinal(plaintext);
    }

    private Cipher decryptor() throws Exception {
        Cipher c = Cipher.getInstance("KMSEnvelope", LifecycleFixture.PROVIDER);
        c.init(Cipher.DECRYPT_MODE, orders, KmsEnvelopeSpec.withContext(CTX));
        return c;
    }

    private byte[] decrypt(byte[] message) throws Exception {
        return decryptor().doFinal(message);
    }

    private static int headerLength(byte[] message) throws Exception {
        return EnvelopeHeader.length(message, message.length);
    }

    /** Where the first chunk starts. */
    private static int chunksAt(byte[] message) throws Exception {
        return headerLength(message) + ChunkedAead.headerLength(EnvelopeHeader.numbered(message));
    }

    private static int number(byte[] message) throws Exception {
        return ByteBuffer.wrap(message, headerLength(message) + ChunkedAead.HEADER, 4).getInt();
    }

    private static byte[] plaintext(int length, int seed) {
        byte[] p = new byte[length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (i * 31 + seed);
        }
        return p;
    }

    /** A recognisable secret: a long run of ASCII that must never show up where it should not. */
    private static byte[] secret(int length) {
        byte[] unit = "TOP-SECRET-PAYROLL-".getBytes(StandardCharsets.US_ASCII);
        byte[] p = new byte[length];
        for (int i = 0; i < length; i++) {
            p[i] = unit[i % unit.length];
        }
        return p;
    }

    private static boolean containsRun(byte[] haystack, int from, int to, byte[] needle, int needleOff, int needleLen) {
        outer:
        for (int i = from; i + needleLen <= to; i++) {
            for (int j = 0; j < needleLen; j++) {
                if (haystack[i + j] != needle[needleOff + j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private Path file(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    private static String allMessages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c).append('\n');
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- truncation, extension, reordering

    @Test
    void truncatedAtAChunkBoundary_theFinalChunkMissing_isRefused() throws Exception {
        byte[] plain = plaintext(2 * CHUNK, 1); // two full chunks, then an empty final chunk (its tag alone)
        for (DataKeyCache cache : new DataKeyCache[] {null, cache()}) {
            byte[] message = encrypt(cache, plain);
            byte[] cut = Arrays.copyOf(message, message.length - ChunkedAead.TAG);
            var e = assertThrows(AEADBadTagException.class, () -> decrypt(cut));
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
            byte[] cut2 = Arrays.copyOf(message, message.length - ChunkedAead.TAG - SEALED); // one full chunk left
            assertThrows(AEADBadTagException.class, () -> decrypt(cut2));
        }
    }

    @Test
    void truncatedToAFullChunkPlusTheNextChunksFirst16Bytes_cannotPassAsAShortFinalChunk() throws Exception {
        byte[] message = encrypt(cache(), plaintext(3 * CHUNK + 100, 2));
        int at = chunksAt(message);
        byte[] cut = Arrays.copyOf(message, at + SEALED + ChunkedAead.TAG); // chunk 0, then 16 bytes of chunk 1
        assertThrows(AEADBadTagException.class, () -> decrypt(cut));
        Path p = file("cut.kmse", cut);
        try (var r = KmsEnvelopeReader.open(Files.newByteChannel(p), orders, CTX)) {
            var e = assertThrows(IOException.class, r::size);
            assertInstanceOf(AEADBadTagException.class, e.getCause());
        }
    }

    @Test
    void extendedByAnyBytes_orByARepeatedFinalChunk_isRefused() throws Exception {
        byte[] message = encrypt(cache(), plaintext(CHUNK + 500, 3));
        int finalChunk = chunksAt(message) + SEALED;
        byte[] repeated = Arrays.copyOf(message, message.length + (message.length - finalChunk));
        System.arraycopy(message, finalChunk, repeated, message.length, message.length - finalChunk);
        assertThrows(AEADBadTagException.class, () -> decrypt(repeated));
        byte[] extra = Arrays.copyOf(message, message.length + 1);
        assertThrows(AEADBadTagException.class, () -> decrypt(extra));
    }

    @Test
    void reorderedChunks_areRefused_andTheStreamStopsAtTheFirstBadOne() throws Exception {
        byte[] plain = plaintext(3 * CHUNK + 10, 4);
        byte[] message = encrypt(cache(), plain);
        int at = chunksAt(message);
        byte[] swapped = message.clone();
        System.arraycopy(message, at + SEALED, swapped, at + 2 * SEALED, SEALED);
        System.arraycopy(message, at + 2 * SEALED, swapped, at + SEALED, SEALED);
        Cipher c = decryptor();
        byte[] out = c.update(swapped);
        // chunk 0 authenticated and chunk 1 did not, in one call: the engine releases none or chunk 0 alone
        assertTrue(out == null || out.length == 0 || Arrays.equals(Arrays.copyOf(plain, CHUNK), out),
                "only authenticated plaintext, got " + (out == null ? 0 : out.length) + " bytes");
        byte[] more = c.update(new byte[0]);
        assertTrue(more == null || more.length == 0);
        assertThrows(AEADBadTagException.class, c::doFinal);
    }

    // ---------------------------------------------------------------- splicing between messages of one cached key

    @Test
    void cachedMessages_chunksSplicedAtTheSameIndex_orWholeBodiesUnderAnotherNumber_areRefused() throws Exception {
        DataKeyCache cache = cache();
        byte[] a = encrypt(cache, plaintext(3 * CHUNK + 7, 5));
        byte[] b = encrypt(cache, plaintext(3 * CHUNK + 7, 6));
        assertEquals(0, number(a));
        assertEquals(1, number(b));
        int at = chunksAt(a);
        assertArrayEquals(Arrays.copyOf(a, at - 4), Arrays.copyOf(b, at - 4), "one prefix for the cached key");
        // B's chunk 2 into A at the same index
        byte[] spliced = a.clone();
        System.arraycopy(b, at + 2 * SEALED, spliced, at + 2 * SEALED, SEALED);
        assertThrows(AEADBadTagException.class, () -> decrypt(spliced));
        // B's final chunk onto A
        byte[] finalSwap = a.clone();
        System.arraycopy(b, at + 3 * SEALED, finalSwap, at + 3 * SEALED, a.length - at - 3 * SEALED);
        assertThrows(AEADBadTagException.class, () -> decrypt(finalSwap));
        // A's first chunks, then B's tail (a message cut and finished by another of the same key)
        byte[] mixed = Arrays.copyOf(a, at + SEALED);
        mixed = Arrays.copyOf(mixed, mixed.length + b.length - (at + SEALED));
        System.arraycopy(b, at + SEALED, mixed, at + SEALED, b.length - (at + SEALED));
        byte[] m = mixed;
        assertThrows(AEADBadTagException.class, () -> decrypt(m));
        // and through the random-access reader
        try (var r = KmsEnvelopeReader.open(Files.newByteChannel(file("s.kmse", spliced)), orders, CTX)) {
            ByteBuffer dst = ByteBuffer.allocate(100);
            r.position(2L * CHUNK);
            var e = assertThrows(IOException.class, () -> r.read(dst));
            assertInstanceOf(AEADBadTagException.class, e.getCause());
            assertEquals(0, dst.position(), "nothing of the spliced chunk released");
        }
    }

    @Test
    void cachedMessages_eachNumberIsHandedOutOnce_evenToCiphersStreamingAtTheSameTime() throws Exception {
        DataKeyCache cache = cache();
        Cipher one = encryptor(orders, cache);
        Cipher two = encryptor(orders, cache);
        Cipher three = encryptor(orders, cache);
        // interleaved: each begins before any ends
        ByteArrayOutputStream o1 = new ByteArrayOutputStream(), o2 = new ByteArrayOutputStream(),
                o3 = new ByteArrayOutputStream();
        o1.writeBytes(one.update(plaintext(CHUNK + 1, 1)));
        o2.writeBytes(two.update(plaintext(CHUNK + 1, 2)));
        o3.writeBytes(three.update(plaintext(CHUNK + 1, 3)));
        o1.writeBytes(one.doFinal());
        o2.writeBytes(two.doFinal());
        o3.writeBytes(three.doFinal());
        byte[][] ms = {o1.toByteArray(), o2.toByteArray(), o3.toByteArray()};
        assertEquals(3, Arrays.stream(ms).mapToInt(m -> {
            try {
                return number(m);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).distinct().count(), "three numbers, so three base nonces");
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(plaintext(CHUNK + 1, i + 1), decrypt(ms[i]));
        }
    }

    @Test
    void aCacheAtItsMessageLimit_neverHandsOutANumberTwice_aFreshKeyStartsAtZero() throws Exception {
        DataKeyCache cache = new DataKeyCache(3, 1 << 20, Duration.ofMinutes(5));
        byte[][] ms = new byte[7][];
        for (int i = 0; i < ms.length; i++) {
            ms[i] = encrypt(cache, plaintext(10, i));
        }
        int[] numbers = new int[ms.length];
        for (int i = 0; i < ms.length; i++) {
            numbers[i] = number(ms[i]);
            assertArrayEquals(plaintext(10, i), decrypt(ms[i]));
        }
        assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2, 0}, numbers);
        int h = headerLength(ms[0]);
        assertFalse(Arrays.equals(Arrays.copyOfRange(ms[0], h, h + 24), Arrays.copyOfRange(ms[3], h, h + 24)),
                "a new salt for the new key");
    }

    // ---------------------------------------------------------------- header, recipients, context

    @Test
    void aHeaderFromAnotherMessage_overThisBody_failsTheCommitment() throws Exception {
        byte[] a = encrypt(null, plaintext(100, 1));
        byte[] b = encrypt(null, plaintext(100, 2));
        int ha = headerLength(a);
        byte[] swapped = a.clone();
        System.arraycopy(b, 0, swapped, 0, ha); // b's header (its wrapped data key), a's salt, commitment and body
        var e = assertThrows(AEADBadTagException.class, () -> decrypt(swapped));
        assertTrue(e.getMessage().contains("commitment"), e.getMessage());
    }

    @Test
    void aRecipientsWrappedKeySwappedForOneFromAnotherMessage_failsForThatRecipient() throws Exception {
        KmsKeyHandle backup = f.keys.createKey("backup", "");
        KmsKeyRing ring = KmsKeyRing.of(orders, backup);
        byte[] a = encryptor(ring, null).doFinal(plaintext(100, 1));
        byte[] b = encryptor(ring, null).doFinal(plaintext(100, 2));
        // the second wrapped key (backup's) of b into a: same lengths, so same offsets
        int ctxLen = ((a[6] & 0xFF) << 8) | (a[7] & 0xFF);
        int first = 8 + ctxLen + 1;
        int w1 = ((a[first] & 0xFF) << 8) | (a[first + 1] & 0xFF);
        int second = first + 2 + w1;
        int w2 = ((a[second] & 0xFF) << 8) | (a[second + 1] & 0xFF);
        byte[] swapped = a.clone();
        System.arraycopy(b, second, swapped, second, 2 + w2);
        Cipher c = Cipher.getInstance("KMSEnvelope", LifecycleFixture.PROVIDER);
        c.init(Cipher.DECRYPT_MODE, backup, KmsEnvelopeSpec.withContext(CTX));
        assertThrows(AEADBadTagException.class, () -> c.doFinal(swapped));
    }

    @Test
    void anotherContext_asExpected_orWrittenIntoTheHeader_isRefused() throws Exception {
        byte[] message = encrypt(cache(), secret(100));
        Cipher c = Cipher.getInstance("KMSEnvelope", LifecycleFixture.PROVIDER);
        c.init(Cipher.DECRYPT_MODE, orders, KmsEnvelopeSpec.withContext(Map.of("file", "report.pdg")));
        assertThrows(AEADBadTagException.class, () -> c.doFinal(message));
        // the same length, another value in the header: the wrapped key was bound to the original context
        byte[] altered = message.clone();
        int v = indexOf(altered, "report.pdf".getBytes(StandardCharsets.UTF_8));
        altered[v + 9] = 'g';
        Cipher d = Cipher.getInstance("KMSEnvelope", LifecycleFixture.PROVIDER);
        d.init(Cipher.DECRYPT_MODE, orders, (java.security.spec.AlgorithmParameterSpec) null);
        assertThrows(AEADBadTagException.class, () -> d.doFinal(altered));
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    @Test
    void aKmsDataKeyBlobOf128Bits_splicedInAsTheWrappedDataKey_isRefused() throws Exception {
        byte[] message = encrypt(null, plaintext(100, 1));
        KeyGenerator g = KeyGenerator.getInstance("KMSDataKey", LifecycleFixture.PROVIDER);
        g.init(KmsDataKeySpec.of(orders, 128).withContext(CTX));
        KmsDataKey dk = (KmsDataKey) g.generateKey();
        byte[] blob = dk.ciphertextBlob();
        assertEquals(WrappedKeyBlob.OVERHEAD + 16, blob.length);
        int ctxLen = ((message[6] & 0xFF) << 8) | (message[7] & 0xFF);
        int first = 8 + ctxLen + 1;
        int w = ((message[first] & 0xFF) << 8) | (message[first + 1] & 0xFF);
        var out = new ByteArrayOutputStream();
        out.write(message, 0, first);
        out.write(blob.length >>> 8);
        out.write(blob.length);
        out.writeBytes(blob);
        out.write(message, first + 2 + w, message.length - first - 2 - w);
        byte[] forged = out.toByteArray();
        assertThrows(AEADBadTagException.class, () -> decrypt(forged));
    }

    @Test
    void kmsDataKeyWithoutPlaintext_hasNoKeyBytes_andItsBlobOpensOnlyWithItsContext() throws Exception {
        KeyGenerator g = KeyGenerator.getInstance("KMSDataKey", LifecycleFixture.PROVIDER);
        g.init(KmsDataKeySpec.aes256(orders).withContext(CTX).withoutPlaintext());
        KmsDataKey dk = (KmsDataKey) g.generateKey();
        assertNull(dk.getEncoded());
        assertNull(dk.getFormat());
        assertFalse(dk.toString().matches(".*[0-9a-f]{32}.*"));
        assertThrows(GeneralSecurityException.class, () -> unwrap(dk.ciphertextBlob(), Map.of()));
        assertEquals(32, unwrap(dk.ciphertextBlob(), CTX).length);
    }

    private byte[] unwrap(byte[] blob, Map<String, String> context) throws Exception {
        Cipher c = Cipher.getInstance("KMSWrap", LifecycleFixture.PROVIDER);
        c.init(Cipher.UNWRAP_MODE, orders, new io.kmsjca.provider.KmsEncryptionContextSpec(context));
        return c.unwrap(blob, "AES", Cipher.SECRET_KEY).getEncoded();
    }

    // ---------------------------------------------------------------- bounds

    private static byte[] header(int version, int ctxLen, int count, int blobLen) {
        var out = new ByteArrayOutputStream();
        out.writeBytes(EnvelopeHeader.MAGIC);
        out.write(version);
        out.write(1);
        out.write(ctxLen >>> 8);
        out.write(ctxLen);
        return out.toByteArray();
    }

    @Test
    void headerLengthsBeyondTheirCaps_areRefusedBeforeAnythingIsRead() throws Exception {
        // a context length of 65535, announced in the first 8 bytes
        byte[] hugeContext = header(4, 0xFFFF, 0, 0);
        var e = assertThrows(BadPaddingException.class, () -> decrypt(hugeContext));
        assertEquals(BadPaddingException.class, e.getClass());
        // 11 wrapped keys
        byte[] ctx = {0, 0};
        byte[] tooMany = concat(header(4, 2, 0, 0), ctx, new byte[] {11});
        assertEquals(BadPaddingException.class, assertThrows(BadPaddingException.class, () -> decrypt(tooMany)).getClass());
        byte[] none = concat(header(4, 2, 0, 0), ctx, new byte[] {0});
        assertThrows(BadPaddingException.class, () -> decrypt(none));
        // a wrapped key of 65535 bytes
        byte[] hugeBlob = concat(header(4, 2, 0, 0), ctx, new byte[] {1, (byte) 0xFF, (byte) 0xFF});
        assertThrows(BadPaddingException.class, () -> decrypt(hugeBlob));
        // streamed: the cipher refuses as soon as the length is read, without waiting for the bytes it announces
        Cipher c = decryptor();
        byte[] got = c.update(hugeContext);
        assertTrue(got == null || got.length == 0);
        assertThrows(BadPaddingException.class, () -> c.doFinal(new byte[1 << 16]));
        // and the reader
        for (byte[] bad : new byte[][] {hugeContext, tooMany, hugeBlob}) {
            byte[] padded = Arrays.copyOf(bad, 70_000);
            Path p = file("bad.kmse", padded);
            try (SeekableByteChannel ch = Files.newByteChannel(p)) {
                assertThrows(BadPaddingException.class, () -> KmsEnvelopeReader.open(ch, orders, CTX));
            }
        }
    }

    @Test
    void unknownVersionsAndSuites_areRefused() throws Exception {
        byte[] message = encrypt(cache(), plaintext(10, 1));
        for (int v : new int[] {0, 5, 0xFF}) {
            byte[] m = message.clone();
            m[4] = (byte) v;
            assertThrows(BadPaddingException.class, () -> decrypt(m));
        }
        byte[] suite = message.clone();
        suite[5] = 2;
        assertThrows(BadPaddingException.class, () -> decrypt(suite));
    }

    private static byte[] concat(byte[]... parts) {
        var out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- the random-access reader

    @Test
    void reader_pastATruncation_returnsNothingAndSaysSo_evenForAPartialChunk() throws Exception {
        byte[] plain = plaintext(4 * CHUNK + 300, 7);
        byte[] message = encrypt(cache(), plain);
        int at = chunksAt(message);
        byte[] cut = Arrays.copyOf(message, at + 2 * SEALED + 5000); // two chunks, then part of the third
        try (var r = KmsEnvelopeReader.open(Files.newByteChannel(file("cut.kmse", cut)), orders, CTX)) {
            assertThrows(IOException.class, r::size);
            for (long pos : new long[] {2L * CHUNK, 2L * CHUNK + 100, 3L * CHUNK + 1, 4L * CHUNK + 10, 10L * CHUNK}) {
                ByteBuffer dst = ByteBuffer.allocate(64);
                r.position(pos);
                var e = assertThrows(IOException.class, () -> r.read(dst), "at " + pos);
                assertInstanceOf(AEADBadTagException.class, e.getCause());
                assertEquals(0, dst.position(), "nothing released at " + pos);
            }
        }
    }

    @Test
    void reader_aChunkTruncatedExactlyAtItsBoundary_isNotTakenForTheEnd() throws Exception {
        byte[] plain = plaintext(3 * CHUNK, 8); // 3 full chunks and an empty final chunk
        byte[] message = encrypt(cache(), plain);
        byte[] cut = Arrays.copyOf(message, message.length - ChunkedAead.TAG);
        try (var r = KmsEnvelopeReader.open(Files.newByteChannel(file("cut.kmse", cut)), orders, CTX)) {
            r.position(3L * CHUNK);
            var e = assertThrows(IOException.class, () -> r.read(ByteBuffer.allocate(10)),
                    "the end of a truncated message is not a clean end (-1)");
            assertInstanceOf(AEADBadTagException.class, e.getCause());
        }
    }

    @Test
    void reader_anIntactMessageOfWholeChunks_endsCleanlyAfterItsEmptyFinalChunk() throws Exception {
        byte[] plain = plaintext(2 * CHUNK, 14);
        byte[] message = encrypt(cache(), plain);
        try (var r = KmsEnvelopeReader.open(Files.newByteChannel(file("whole.kmse", message)), orders, CTX)) {
            assertEquals(2L * CHUNK, r.size());
            r.position(2L * CHUNK);
            assertEquals(-1, r.read(ByteBuffer.allocate(10)));
            r.position(2L * CHUNK - 3);
            ByteBuffer dst = ByteBuffer.allocate(10);
            assertEquals(3, r.read(dst));
            assertArrayEquals(Arrays.copyOfRange(plain, 2 * CHUNK - 3, 2 * CHUNK), Arrays.copyOf(dst.array(), 3));
        }
    }

    @Test
    void reader_aRenumberedCachedMessage_failsItsFirstRead() throws Exception {
        DataKeyCache cache = cache();
        encrypt(cache, new byte[1]);
        byte[] m = encrypt(cache, plaintext(CHUNK + 5, 9));
        byte[] renumbered = m.clone();
        renumbered[headerLength(m) + ChunkedAead.HEADER + 3] ^= 2; // number 1 -> 3
        try (var r = KmsEnvelopeReader.open(Files.newByteChannel(file("r.kmse", renumbered)), orders, CTX)) {
            ByteBuffer dst = ByteBuffer.allocate(10);
            assertThrows(IOException.class, () -> r.read(dst));
            assertEquals(0, dst.position());
            assertThrows(IOException.class, r::size);
        }
    }

    @Test
    void reader_requiringSigned_refusesACachedUnsignedMessage() throws Exception {
        byte[] m = encrypt(cache(), plaintext(10, 1));
        try (SeekableByteChannel ch = Files.newByteChannel(file("u.kmse", m))) {
            assertThrows(AEADBadTagException.class,
                    () -> KmsEnvelopeReader.open(ch, orders, KmsEnvelopeSpec.withContext(CTX).signed()));
        }
    }

    // ---------------------------------------------------------------- streaming

    @Test
    void cipherInputStream_overATruncatedMessage_endsInAnIOException_notACleanEnd() throws Exception {
        byte[] plain = plaintext(2 * CHUNK + 50, 10);
        byte[] message = encrypt(cache(), plain);
        byte[] cut = Arrays.copyOf(message, message.length - 30);
        try (var in = new CipherInputStream(new ByteArrayInputStream(cut), decryptor())) {
            assertThrows(IOException.class, in::readAllBytes);
        }
    }

    @Test
    void updateAAD_isRefused_notSilentlyIgnored() throws Exception {
        Cipher c = encryptor(orders, cache());
        assertThrows(UnsupportedOperationException.class, () -> c.updateAAD(new byte[] {1}));
        Cipher d = decryptor();
        assertThrows(UnsupportedOperationException.class, () -> d.updateAAD(new byte[] {1}));
    }

    /**
     * A chunk that fails its tag must leave no plaintext in the caller's output buffer: the JDK's
     * GCM may write the decryption before it compares the tag, and the engine decrypts each chunk
     * straight into the caller's array.
     */
    @Test
    void aForgedChunk_leavesNoUnauthenticatedPlaintextInTheCallersOutputBuffer() throws Exception {
        byte[] plain = secret(3 * CHUNK + 100);
        byte[] message = encrypt(cache(), plain);
        int at = chunksAt(message);
        byte[] forged = message.clone();
        forged[at + SEALED + 100] ^= 1; // one bit of chunk 1's ciphertext: CTR would give back its plaintext, one bit off
        Cipher c = decryptor();
        byte[] out = new byte[c.getOutputSize(forged.length)];
        int n = c.update(forged, 0, forged.length, out, 0);
        assertEquals(0, n, "an update that fails returns nothing");
        assertFalse(containsRun(out, 0, out.length, plain, 0, 64),
                "chunk 0, opened by the update that then failed, is still in the output buffer");
        assertFalse(containsRun(out, CHUNK, out.length, plain, CHUNK + 200, 64),
                "plaintext of the chunk that failed authentication is in the output buffer past what update returned");
        assertThrows(AEADBadTagException.class, () -> c.doFinal(new byte[0], 0, 0, out, 0));
        assertFalse(containsRun(out, CHUNK, out.length, plain, CHUNK + 200, 64));
        // the final chunk forged, given to doFinal whole
        byte[] forgedFinal = message.clone();
        forgedFinal[forgedFinal.length - ChunkedAead.TAG - 10] ^= 1;
        Cipher d = decryptor();
        byte[] out2 = new byte[d.getOutputSize(forgedFinal.length)];
        assertThrows(AEADBadTagException.class, () -> d.doFinal(forgedFinal, 0, forgedFinal.length, out2, 0));
        assertFalse(containsRun(out2, 3 * CHUNK, out2.length, plain, 3 * CHUNK, 64),
                "plaintext of the forged final chunk is in the output buffer");
    }

    /** Cipher.doFinal(byte[], int, int, byte[], int) is copy-safe by contract: input and output may be one array. */
    @Test
    void inPlaceEncryption_isCopySafe_asTheJcaContractRequires() throws Exception {
        byte[] plain = plaintext(2 * CHUNK + 1000, 11);
        Cipher c = encryptor(orders, cache());
        byte[] buf = Arrays.copyOf(plain, c.getOutputSize(plain.length));
        int n;
        try {
            n = c.doFinal(buf, 0, plain.length, buf, 0);
        } catch (RuntimeException | GeneralSecurityException refused) {
            return; // refusing in-place use is acceptable; silently corrupting it is not
        }
        byte[] back = decrypt(Arrays.copyOf(buf, n));
        assertArrayEquals(plain, back, "the message in-place encryption wrote decrypts to other bytes than were given");
    }

    /** The same through ByteBuffers that share one array (what a caller reusing one buffer does). */
    @Test
    void inPlaceEncryption_throughByteBuffersOfOneArray_isCopySafe() throws Exception {
        byte[] plain = plaintext(2 * CHUNK + 1000, 13);
        Cipher c = encryptor(orders, null);
        byte[] buf = Arrays.copyOf(plain, c.getOutputSize(plain.length));
        ByteBuffer in = ByteBuffer.wrap(buf, 0, plain.length);
        ByteBuffer out = ByteBuffer.wrap(buf);
        int n;
        try {
            n = c.doFinal(in, out);
        } catch (RuntimeException | GeneralSecurityException refused) {
            return;
        }
        assertArrayEquals(plain, decrypt(Arrays.copyOf(buf, n)),
                "the message in-place encryption wrote decrypts to other bytes than were given");
    }

    @Test
    void inPlaceDecryption_isCopySafe() throws Exception {
        byte[] plain = plaintext(2 * CHUNK + 1000, 12);
        byte[] message = encrypt(cache(), plain);
        byte[] buf = message.clone();
        int n = decryptor().doFinal(buf, 0, buf.length, buf, 0);
        assertArrayEquals(plain, Arrays.copyOf(buf, n));
    }

    // ---------------------------------------------------------------- the cache and the key's lifecycle

    @Test
    void aCacheAfterTheKeyIsDisabled_servesNoMessage_evenToACipherInitialisedBefore() throws Exception {
        DataKeyCache cache = cache();
        encrypt(cache, new byte[10]);
        Cipher before = encryptor(orders, cache);
        f.keys.disableKey("orders");
        var e = assertThrows(ProviderException.class, () -> before.doFinal(secret(100)));
        assertInstanceOf(InvalidKeyException.class, e.getCause());
        assertFalse(allMessages(e).contains("TOP-SECRET"));
        assertThrows(InvalidKeyException.class, () -> encryptor(orders, cache));
        f.keys.enableKey("orders");
        byte[] after = encrypt(cache, new byte[10]);
        assertArrayEquals(new byte[10], decrypt(after));
    }

    @Test
    void aCacheAfterRotation_wrapsUnderTheNewVersion_andANewRevocationLeavesNewMessagesReadable() throws Exception {
        DataKeyCache cache = cache();
        byte[] old = encrypt(cache, new byte[10]);
        assertEquals(1, number(encrypt(cache, new byte[10])));
        assertEquals(2, f.keys.rotateKeyOnDemand("orders"));
        byte[] fresh = encrypt(cache, new byte[10]);
        assertEquals(0, number(fresh), "a fresh data key after the rotation");
        int h = headerLength(fresh);
        int ctxLen = ((fresh[6] & 0xFF) << 8) | (fresh[7] & 0xFF);
        byte[] blob = Arrays.copyOfRange(fresh, 8 + ctxLen + 3, h);
        assertEquals(2, WrappedKeyBlob.keyVersion(blob));
        f.keys.revokeKeyVersion("orders", 1);
        assertArrayEquals(new byte[10], decrypt(fresh));
        assertThrows(GeneralSecurityException.class, () -> decrypt(old));
        byte[] next = encrypt(cache, new byte[10]);
        assertEquals(1, number(next));
    }

    @Test
    void aCacheAfterTheStoreIsClosed_servesNoMessage() throws Exception {
        DataKeyCache cache = cache();
        encrypt(cache, new byte[10]);
        Cipher before = encryptor(orders, cache);
        f.keys.close();
        var e = assertThrows(ProviderException.class, () -> before.doFinal(secret(100)));
        assertInstanceOf(InvalidKeyException.class, e.getCause());
    }

    @Test
    void aCacheEntry_isNotSharedAcrossContexts() throws Exception {
        DataKeyCache cache = cache();
        byte[] a = encrypt(cache, new byte[10]);
        Cipher other = Cipher.getInstance("KMSEnvelope", LifecycleFixture.PROVIDER);
        other.init(Cipher.ENCRYPT_MODE, orders, KmsEnvelopeSpec.withContext(Map.of("file", "other")).withDataKeyCache(cache));
        byte[] b = other.doFinal(new byte[10]);
        assertEquals(0, number(b));
        int ha = headerLength(a);
        int hb = headerLength(b);
        assertFalse(Arrays.equals(Arrays.copyOfRange(a, ha, ha + 24), Arrays.copyOfRange(b, hb, hb + 24)));
    }

    /**
     * A cache told to keep keys for as long as possible (ChronoUnit.FOREVER, or any Duration past
     * Instant.MAX) must either be refused when made or work: not fail every later message with an
     * arithmetic exception out of Cipher.doFinal.
     */
    @Test
    void aCacheWithAnUnboundedMaxAge_isRefusedWhenMade_orKeepsEncrypting() throws Exception {
        DataKeyCache cache;
        try {
            cache = new DataKeyCache(100, 1 << 20, java.time.temporal.ChronoUnit.FOREVER.getDuration());
        } catch (IllegalArgumentException refused) {
            return;
        }
        byte[] first = encrypt(cache, new byte[10]);
        byte[] second = assertDoesNotThrow(() -> encrypt(cache, new byte[10]), "the second message of the cache");
        assertEquals(1, number(second));
        assertArrayEquals(new byte[10], decrypt(first));
    }

    // ---------------------------------------------------------------- what failures say

    @Test
    void failures_nameNoPlaintextAndNoKeyBytes() throws Exception {
        byte[] plain = secret(2 * CHUNK + 100);
        byte[] message = encrypt(cache(), plain);
        int at = chunksAt(message);
        String hexSecret = HexFormat.of().formatHex(Arrays.copyOf(plain, 8));
        for (int pos : new int[] {5, 20, at - 2, at + 3, at + SEALED + 7, message.length - 3}) {
            byte[] m = message.clone();
            m[pos] ^= 0x40;
            try {
                decrypt(m);
                fail("an altered byte at " + pos + " decrypted");
            } catch (GeneralSecurityException e) {
                String all = allMessages(e);
                assertFalse(all.contains("TOP-SECRET"), all);
                assertFalse(all.toLowerCase().contains(hexSecret), all);
                assertFalse(all.matches("(?s).*[0-9a-fA-F]{32}.*"), "no key-length hex in " + all);
            }
        }
    }
}
