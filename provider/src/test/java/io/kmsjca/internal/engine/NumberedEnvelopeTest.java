package io.kmsjca.internal.engine;

import io.kmsjca.internal.crypto.ChunkedAead;
import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.internal.format.EnvelopeHeader;
import io.kmsjca.internal.service.LifecycleFixture;
import io.kmsjca.keys.DataKeyCache;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.KmsKeyRing;
import io.kmsjca.provider.KmsEnvelopeReader;
import io.kmsjca.provider.KmsEnvelopeSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.*;

/**
 * KMSEnvelope version 4 (docs/FORMAT.md): the messages of a cached data key share one C2SP
 * derivation and each has its own number, so its own base nonce. What must hold: numbers are
 * handed out once, in order; a number, a body or a version byte moved between messages fails
 * authentication; no copy of a restored snapshot goes on with a cached key; every reader reads it.
 */
class NumberedEnvelopeTest {

    private static final Map<String, String> CTX = Map.of("file", "report.pdf");

    @TempDir
    Path dir;
    LifecycleFixture f;
    KmsKeyHandle orders;

    @BeforeEach
    void setUp() throws Exception {
        f = new LifecycleFixture(dir);
        orders = f.keys.createKey("orders", "");
    }

    private byte[] encrypt(DataKeyCache cache, byte[] plaintext) throws Exception {
        Cipher c = Cipher.getInstance("KMSEnvelope", LifecycleFixture.PROVIDER);
        KmsEnvelopeSpec spec = KmsEnvelopeSpec.withContext(CTX);
        c.init(Cipher.ENCRYPT_MODE, orders, cache == null ? spec : spec.withDataKeyCache(cache));
        return c.doFinal(plaintext);
    }

    private byte[] decrypt(byte[] message) throws Exception {
        Cipher c = Cipher.getInstance("KMSEnvelope", LifecycleFixture.PROVIDER);
        c.init(Cipher.DECRYPT_MODE, orders, KmsEnvelopeSpec.withContext(CTX));
        return c.doFinal(message);
    }

    private static int headerLength(byte[] message) throws Exception {
        return EnvelopeHeader.length(message, message.length);
    }

    /** The message number: the four bytes after the salt and commitment. */
    private static int number(byte[] message) throws Exception {
        return ByteBuffer.wrap(message, headerLength(message) + ChunkedAead.HEADER, 4).getInt();
    }

    /** The salt and commitment. */
    private static byte[] derivation(byte[] message) throws Exception {
        int h = headerLength(message);
        return Arrays.copyOfRange(message, h, h + ChunkedAead.HEADER);
    }

    private static byte[] plaintext(int length, int seed) {
        byte[] p = new byte[length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (i * 31 + seed);
        }
        return p;
    }

    @Test
    void theNumber_isXoredIntoTheFirstFourBytesOfTheBaseNonce_only() {
        byte[] base = java.util.HexFormat.of().parseHex("a0a1a2a3a4a5a6a7a8a9aaab");
        assertArrayEquals(base, ChunkedAead.numberedNonce(base, 0), "message 0 keeps the derived base nonce");
        assertArrayEquals(java.util.HexFormat.of().parseHex("a1a3a1a7a4a5a6a7a8a9aaab"),
                ChunkedAead.numberedNonce(base, 0x01020304));
        assertArrayEquals(java.util.HexFormat.of().parseHex("5f5e5d5ca4a5a6a7a8a9aaab"),
                ChunkedAead.numberedNonce(base, -1), "all 32 bits, unsigned");
        byte[] out = new byte[6];
        ChunkedAead.putNumber(out, 1, 0x01020304);
        assertArrayEquals(new byte[] {0, 1, 2, 3, 4, 0}, out);
    }

    @Test
    void cachedMessages_areVersion4_numberedInOrder_andShareOneDerivation() throws Exception {
        DataKeyCache cache = new DataKeyCache(100, 1 << 20, Duration.ofMinutes(5));
        List<byte[]> messages = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            messages.add(encrypt(cache, plaintext(1000, i)));
        }
        for (int i = 0; i < 3; i++) {
            byte[] m = messages.get(i);
            assertEquals(EnvelopeHeader.VERSION_NUMBERED, m[4]);
            assertEquals(i, number(m));
            assertArrayEquals(derivation(messages.get(0)), derivation(m), "one salt and commitment for the cached key");
            assertArrayEquals(plaintext(1000, i), decrypt(m));
        }
        byte[] uncached = encrypt(null, plaintext(1000, 0));
        assertEquals(EnvelopeHeader.VERSION, uncached[4], "a message without a cache stays version 3");
        assertEquals(messages.get(0).length - ChunkedAead.NUMBER, uncached.length);
    }

    @Test
    void manyThreads_neverGetOneNumberTwice() throws Exception {
        DataKeyCache cache = new DataKeyCache(Integer.MAX_VALUE, Long.MAX_VALUE, Duration.ofHours(1));
        byte[] first = encrypt(cache, new byte[10]);
        var numbers = new ConcurrentLinkedQueue<Integer>();
        var failures = new ConcurrentLinkedQueue<Throwable>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                try {
                    for (int i = 0; i < 200; i++) {
                        byte[] m = encrypt(cache, new byte[10]);
                        assertArrayEquals(derivation(first), derivation(m));
                        numbers.add(number(m));
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }
        assertTrue(failures.isEmpty(), failures.toString());
        assertEquals(800, numbers.size());
        assertEquals(800, numbers.stream().distinct().count(), "no number twice");
        assertEquals(800, numbers.stream().mapToInt(Integer::intValue).max().orElseThrow(), "1 … 800 after message 0");
    }

    @Test
    void aNumberOrBodyMovedBetweenMessages_failsAuthentication() throws Exception {
        DataKeyCache cache = new DataKeyCache(100, 1 << 20, Duration.ofMinutes(5));
        byte[] one = encrypt(cache, plaintext(20_000, 1));
        byte[] two = encrypt(cache, plaintext(20_000, 2));
        int at = headerLength(one) + ChunkedAead.HEADER;

        byte[] renumbered = one.clone();
        System.arraycopy(two, at, renumbered, at, ChunkedAead.NUMBER); // message 1's body under number 2
        assertThrows(AEADBadTagException.class, () -> decrypt(renumbered));

        byte[] spliced = one.clone();
        int firstChunk = at + ChunkedAead.NUMBER;
        System.arraycopy(two, firstChunk, spliced, firstChunk, ChunkedAead.SEALED_CHUNK); // message 2's first chunk
        assertThrows(AEADBadTagException.class, () -> decrypt(spliced));

        assertArrayEquals(plaintext(20_000, 1), decrypt(one), "the messages themselves are intact");
    }

    @Test
    void relabelledBetweenVersions3And4_failsTheCommitment() throws Exception {
        byte[] numbered = encrypt(new DataKeyCache(100, 1 << 20, Duration.ofMinutes(5)), plaintext(100, 3));
        int at = headerLength(numbered) + ChunkedAead.HEADER;
        // version 4 as 3: the number cut out (message 0, so its nonces are the derivation's own)
        byte[] asV3 = new byte[numbered.length - ChunkedAead.NUMBER];
        System.arraycopy(numbered, 0, asV3, 0, at);
        System.arraycopy(numbered, at + ChunkedAead.NUMBER, asV3, at, numbered.length - at - ChunkedAead.NUMBER);
        asV3[4] = EnvelopeHeader.VERSION;
        var e = assertThrows(AEADBadTagException.class, () -> decrypt(asV3));
        assertTrue(e.getMessage().contains("commitment"), e.getMessage());

        // version 3 as 4: number 0 put in
        byte[] plain = encrypt(null, plaintext(100, 3));
        int p = headerLength(plain) + ChunkedAead.HEADER;
        byte[] asV4 = new byte[plain.length + ChunkedAead.NUMBER];
        System.arraycopy(plain, 0, asV4, 0, p);
        System.arraycopy(plain, p, asV4, p + ChunkedAead.NUMBER, plain.length - p);
        asV4[4] = EnvelopeHeader.VERSION_NUMBERED;
        e = assertThrows(AEADBadTagException.class, () -> decrypt(asV4));
        assertTrue(e.getMessage().contains("commitment"), e.getMessage());
    }

    @Test
    void aKeyThatCarriedWhatOneMessageMayHold_isRetired_whateverTheCacheAllows() throws Exception {
        DataKeyCache cache = new DataKeyCache(Integer.MAX_VALUE, Long.MAX_VALUE, Duration.ofHours(1));
        var sealing = new EnvelopeEngine().seal(KmsKeyRing.of(orders), EncryptionContext.of(CTX), CachedDataKeys.of(cache), false);
        sealing.body().destroy();
        byte[] first = sealing.prefix();
        sealing.cached().bytes.set(CachedDataKeys.MAX_BYTES_PER_KEY - 1); // as if its messages had carried 4 PiB - 1
        byte[] last = encrypt(cache, new byte[10]);
        assertEquals(1, number(last), "still within: reused");
        assertArrayEquals(Arrays.copyOf(first, first.length - ChunkedAead.NUMBER), Arrays.copyOf(last, first.length - ChunkedAead.NUMBER));
        sealing.cached().bytes.addAndGet(1 - 10); // exactly 2^52 counted
        byte[] fresh = encrypt(cache, new byte[10]);
        assertEquals(0, number(fresh), "retired: a fresh data key");
        assertFalse(Arrays.equals(derivation(last), derivation(fresh)));
    }

    @Test
    void aRestoredSnapshot_makesAFreshDataKey_numberedFromZero() throws Exception {
        DataKeyCache cache = new DataKeyCache(100, 1 << 20, Duration.ofMinutes(5));
        byte[] before = encrypt(cache, new byte[10]);
        assertEquals(1, number(encrypt(cache, new byte[10])), "the cache is warm");

        org.crac.Core.simulateRestore(); // every copy of the snapshot would go on numbering from 2

        byte[] after = encrypt(cache, new byte[10]);
        assertEquals(0, number(after), "a fresh data key, drawn after the restore");
        assertFalse(Arrays.equals(derivation(before), derivation(after)));
        assertArrayEquals(new byte[10], decrypt(after));
    }

    /**
     * A message begun before a checkpoint is not finished after it: each copy of the snapshot
     * would finish it with its own data under the same key and nonces (for a cached key, the
     * key of all its messages). Cached (version 4) or not (version 3).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void aMessageBegunBeforeACheckpoint_isNotFinishedAfterIt(boolean cached) throws Exception {
        DataKeyCache cache = cached ? new DataKeyCache(100, 1 << 20, Duration.ofMinutes(5)) : null;
        Cipher c = Cipher.getInstance("KMSEnvelope", LifecycleFixture.PROVIDER);
        KmsEnvelopeSpec spec = KmsEnvelopeSpec.withContext(CTX);
        c.init(Cipher.ENCRYPT_MODE, orders, cached ? spec.withDataKeyCache(cache) : spec);
        byte[] begun = c.update(plaintext(ChunkedAead.CHUNK + 10, 1)); // the prefix and the first chunk are out

        org.crac.Core.simulateRestore();

        var refused = assertThrows(java.security.ProviderException.class, () -> c.update(new byte[ChunkedAead.CHUNK]));
        assertTrue(refused.getMessage().contains("checkpoint"), refused.getMessage());
        assertThrows(java.security.ProviderException.class, () -> c.doFinal(new byte[5]), "nor finished");
        byte[] next = c.doFinal(new byte[5]); // the refused message is gone: the next one starts afresh
        assertArrayEquals(new byte[5], decrypt(next));
        assertFalse(Arrays.equals(derivation(begun), derivation(next)), "under new random bytes");
    }

    /**
     * A file that ends anywhere before its first chunk (inside a wrapped data key, the salt, the
     * commitment or the number) is a truncated message to the random-access reader, never an
     * index error (a review found {@code IndexOutOfBoundsException} when the lengths were all read
     * but not the bytes they announce). Cached (version 4) or not (version 3).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void aReaderOfAFileEndingBeforeItsFirstChunk_saysTruncated(boolean cached) throws Exception {
        byte[] message = encrypt(cached ? new DataKeyCache(100, 1 << 20, Duration.ofMinutes(5)) : null, new byte[100]);
        int prefix = headerLength(message) + ChunkedAead.headerLength(cached);
        Path file = dir.resolve("cut.kmse");
        for (int cut = 0; cut < prefix; cut++) {
            Files.write(file, Arrays.copyOf(message, cut));
            int at = cut;
            try (SeekableByteChannel channel = Files.newByteChannel(file)) {
                var e = assertThrows(AEADBadTagException.class, () -> KmsEnvelopeReader.open(channel, orders, CTX),
                        "cut at " + at);
                assertTrue(e.getMessage().contains("truncated"), "cut at " + at + ": " + e.getMessage());
            }
        }
    }

    @Test
    void streamedInPieces_andReadAtRandom() throws Exception {
        DataKeyCache cache = new DataKeyCache(100, 1 << 20, Duration.ofMinutes(5));
        encrypt(cache, new byte[1]);
        byte[] plain = plaintext(3 * ChunkedAead.CHUNK + 77, 9);
        byte[] message = encrypt(cache, plain);
        assertEquals(1, number(message));

        Cipher c = Cipher.getInstance("KMSEnvelope", LifecycleFixture.PROVIDER);
        c.init(Cipher.DECRYPT_MODE, orders, KmsEnvelopeSpec.withContext(CTX));
        var out = new java.io.ByteArrayOutputStream();
        for (int off = 0; off < message.length; off += 7) { // the prefix, number included, arrives a few bytes at a time
            byte[] piece = c.update(message, off, Math.min(7, message.length - off));
            if (piece != null) {
                out.writeBytes(piece);
            }
        }
        out.writeBytes(c.doFinal());
        assertArrayEquals(plain, out.toByteArray());

        Path file = dir.resolve("message.kmse");
        Files.write(file, message);
        try (SeekableByteChannel reader = KmsEnvelopeReader.open(Files.newByteChannel(file), orders, CTX)) {
            assertEquals(plain.length, reader.size());
            reader.position(2L * ChunkedAead.CHUNK + 5);
            ByteBuffer got = ByteBuffer.allocate(100);
            reader.read(got);
            assertArrayEquals(Arrays.copyOfRange(plain, 2 * ChunkedAead.CHUNK + 5, 2 * ChunkedAead.CHUNK + 105), got.array());
        }
    }
}
