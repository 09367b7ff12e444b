package io.kmsjca.conformance;

import io.kmsjca.internal.crypto.ChunkedAead;
import io.kmsjca.internal.format.EnvelopeHeader;
import io.kmsjca.keys.DataKeyCache;
import io.kmsjca.keys.KeyService;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.KmsKeyRing;
import io.kmsjca.provider.KmsEnvelopeReader;
import io.kmsjca.provider.KmsEnvelopeSpec;
import io.kmsjca.provider.KmsProvider;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.CipherInputStream;
import javax.crypto.CipherOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.*;

class KmsEnvelopeTest {

    private static final KmsProvider PROVIDER = new KmsProvider();
    private static final Map<String, String> CTX = Map.of("file", "report.pdf");

    private KeyService keys;
    private KmsKeyHandle a;
    private KmsKeyHandle b;
    private final List<AuditEvent> audit = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        keys = KeyStores.newInMemory(Fixtures.cheapOptions().withMaintenanceInterval(Duration.ZERO));
        keys.addAuditListener(audit::add);
        a = keys.createKey("a", "");
        b = keys.createKey("b", "");
    }

    static byte[] message(int n, long seed) {
        byte[] m = new byte[n];
        new Random(seed).nextBytes(m);
        return m;
    }

    private static Cipher cipher(int mode, java.security.Key key, KmsEnvelopeSpec spec) throws Exception {
        Cipher c = Cipher.getInstance("KMSEnvelope", PROVIDER);
        c.init(mode, key, spec);
        return c;
    }

    private static byte[] encrypt(java.security.Key key, byte[] msg) throws Exception {
        return cipher(Cipher.ENCRYPT_MODE, key, KmsEnvelopeSpec.withContext(CTX)).doFinal(msg);
    }

    private static byte[] decrypt(java.security.Key key, byte[] ct) throws Exception {
        return cipher(Cipher.DECRYPT_MODE, key, KmsEnvelopeSpec.withContext(CTX)).doFinal(ct);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 16383, 16384, 16385, 50_000, 1 << 20})
    void roundTrip_oneShotAndThroughStreams(int n) throws Exception {
        byte[] msg = message(n, n);
        byte[] ct = encrypt(a, msg);
        assertArrayEquals(msg, decrypt(a, ct));

        var sink = new ByteArrayOutputStream();
        try (var out = new CipherOutputStream(sink, cipher(Cipher.ENCRYPT_MODE, a, KmsEnvelopeSpec.withContext(CTX)))) {
            for (int off = 0; off < n; off += 7777) {
                out.write(msg, off, Math.min(7777, n - off));
            }
        }
        try (var in = new CipherInputStream(new ByteArrayInputStream(sink.toByteArray()),
                cipher(Cipher.DECRYPT_MODE, a, KmsEnvelopeSpec.withContext(CTX)))) {
            assertArrayEquals(msg, in.readAllBytes());
        }
    }

    @Test
    void overheadIsTheHeaderAndOneTagPerChunk() throws Exception {
        int n = 3 * ChunkedAead.CHUNK + 10;
        byte[] ct = encrypt(a, message(n, 1));
        // version 3: no header tag; the body's key commitment binds the header
        int header = 8 + 2 + 2 + CTX.get("file").length() + "file".length() + 2 + 1 + 2 + 149;
        assertEquals(header + ChunkedAead.HEADER + n + 4 * ChunkedAead.TAG, ct.length);
    }

    @Test
    void severalMasterKeys_anyOneDecrypts_andTheStoreWideRingFindsIt() throws Exception {
        byte[] msg = message(40_000, 2);
        byte[] ct = encrypt(KmsKeyRing.of(a, b), msg);
        assertArrayEquals(msg, decrypt(a, ct));
        assertArrayEquals(msg, decrypt(b, ct));
        assertArrayEquals(msg, decrypt(KmsKeyRing.anyKeyOf(keys), ct));
        KmsKeyHandle other = keys.createKey("c", "");
        var e = assertThrows(BadPaddingException.class, () -> decrypt(other, ct));
        assertInstanceOf(InvalidKeyException.class, e.getCause());
        assertTrue(e.getMessage().contains(a.keyId().toString()) && e.getMessage().contains(b.keyId().toString()), e.getMessage());
        assertThrows(InvalidKeyException.class, () -> encrypt(KmsKeyRing.anyKeyOf(keys), msg), "a store-wide ring cannot encrypt");
        assertThrows(IllegalArgumentException.class, () -> KmsKeyRing.of(java.util.Collections.nCopies(11, a)));
    }

    /**
     * Version 3 has no header tag: the body's key commitment, over SHA-256 of the header, is what
     * authenticates it. Another recipient's wrapped key is the one part of the header that a's own
     * unwrap does not check, so altering it shows the commitment at work, streaming and random access.
     */
    @Test
    void version3_anotherRecipientsWrappedKeyAltered_isRejectedByTheCommitment() throws Exception {
        byte[] msg = message(20_000, 12);
        byte[] ct = encrypt(KmsKeyRing.of(a, b), msg);
        assertEquals(EnvelopeHeader.VERSION, ct[4]);
        EnvelopeHeader header = EnvelopeHeader.parse(ct, EnvelopeHeader.length(ct, ct.length));
        assertFalse(header.tagged());
        byte[] blobOfB = header.wrappedKeys().get(1);
        int at = EnvelopeHeader.length(ct, ct.length) - blobOfB.length + 60; // inside b's blob, the last in the header
        byte[] altered = ct.clone();
        altered[at] ^= 1;
        var e = assertThrows(AEADBadTagException.class, () -> decrypt(a, altered));
        assertTrue(e.getMessage().contains("commitment"), e.getMessage());
        assertThrows(AEADBadTagException.class, () -> KmsEnvelopeReader.open(new InMemoryChannel(altered), a, CTX));
        assertArrayEquals(msg, decrypt(a, ct), "the message itself is intact");
        try (var plain = KmsEnvelopeReader.open(new InMemoryChannel(ct), a, CTX)) {
            assertEquals(msg.length, plain.size());
        }
    }

    /**
     * The version byte decides the body's context (version 1: the header; version 3: its SHA-256),
     * so a recipient who knows the data key cannot relabel a version 3 message as version 1, with
     * a header tag it computed, and keep the body.
     */
    @Test
    void version3_relabelledAsVersion1WithAValidTag_isRejected() throws Exception {
        byte[] ct = encrypt(a, message(1000, 13));
        int h = EnvelopeHeader.length(ct, ct.length);
        Cipher unwrap = Cipher.getInstance("KMSWrap", PROVIDER);
        unwrap.init(Cipher.UNWRAP_MODE, a, new io.kmsjca.provider.KmsEncryptionContextSpec(CTX));
        byte[] dataKey = unwrap.unwrap(EnvelopeHeader.parse(ct, h).wrappedKeys().get(0), "AES", Cipher.SECRET_KEY).getEncoded();
        byte[] header = Arrays.copyOf(ct, h + EnvelopeHeader.TAG_BYTES);
        header[4] = EnvelopeHeader.VERSION_TAGGED;
        SignedEnvelopeTest.retag(header, dataKey);
        byte[] relabelled = new byte[ct.length + EnvelopeHeader.TAG_BYTES];
        System.arraycopy(header, 0, relabelled, 0, header.length);
        System.arraycopy(ct, h, relabelled, header.length, ct.length - h);
        var e = assertThrows(AEADBadTagException.class, () -> decrypt(a, relabelled));
        assertTrue(e.getMessage().contains("commitment"), "the tag passed, the body's commitment did not: " + e.getMessage());
    }

    @Test
    void encryptionContext_isStoredAndChecked() throws Exception {
        byte[] ct = encrypt(a, message(100, 3));
        assertEquals(100, cipher(Cipher.DECRYPT_MODE, a, null).doFinal(ct).length, "no expectation: the stored one is used");
        assertThrows(AEADBadTagException.class,
                () -> cipher(Cipher.DECRYPT_MODE, a, KmsEnvelopeSpec.withContext(Map.of("file", "other.pdf"))).doFinal(ct));
    }

    @Test
    void everyFlippedBitOfTheHeaderAndChunkHeader_isRejected() throws Exception {
        byte[] ct = encrypt(a, message(300, 4));
        int headerEnd = EnvelopeHeader.length(ct, ct.length) + ChunkedAead.HEADER;
        for (int i = 0; i < headerEnd; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = ct.clone();
                bad[i] ^= (byte) (1 << bit);
                assertThrows(GeneralSecurityException.class, () -> decrypt(a, bad), "byte " + i + " bit " + bit);
            }
        }
    }

    @Test
    void everyTruncationAndAnExtension_areRejected() throws Exception {
        byte[] ct = encrypt(a, message(ChunkedAead.CHUNK + 100, 5));
        for (int len = 0; len < ct.length; len += (len < 600 ? 1 : 97)) {
            byte[] cut = Arrays.copyOf(ct, len);
            assertThrows(GeneralSecurityException.class, () -> decrypt(a, cut), "cut at " + len);
        }
        // around the end of the first chunk: a final chunk shorter than its tag, or none at all
        int firstChunkEnd = EnvelopeHeader.length(ct, ct.length) + ChunkedAead.HEADER + ChunkedAead.SEALED_CHUNK;
        for (int len = firstChunkEnd - 2; len <= firstChunkEnd + ChunkedAead.TAG + 1; len++) {
            byte[] cut = Arrays.copyOf(ct, len);
            assertThrows(AEADBadTagException.class, () -> decrypt(a, cut), "cut at " + len);
            Cipher streaming = cipher(Cipher.DECRYPT_MODE, a, KmsEnvelopeSpec.withContext(CTX));
            int half = len / 2;
            streaming.update(cut, 0, half);
            assertThrows(AEADBadTagException.class, () -> streaming.doFinal(cut, half, cut.length - half), "cut at " + len);
        }
        byte[] longer = Arrays.copyOf(ct, ct.length + 1);
        assertThrows(AEADBadTagException.class, () -> decrypt(a, longer));
    }

    @Test
    void reorderedChunks_areRejected() throws Exception {
        byte[] ct = encrypt(a, message(3 * ChunkedAead.CHUNK, 6));
        int start = EnvelopeHeader.length(ct, ct.length) + ChunkedAead.HEADER;
        byte[] swapped = ct.clone();
        System.arraycopy(ct, start, swapped, start + ChunkedAead.SEALED_CHUNK, ChunkedAead.SEALED_CHUNK);
        System.arraycopy(ct, start + ChunkedAead.SEALED_CHUNK, swapped, start, ChunkedAead.SEALED_CHUNK);
        assertThrows(AEADBadTagException.class, () -> decrypt(a, swapped));
    }

    @Test
    void streaming_releasesOnlyAuthenticatedChunks_andKeepsFailing() throws Exception {
        byte[] msg = message(4 * ChunkedAead.CHUNK + 5, 7);
        byte[] ct = encrypt(a, msg);
        int start = EnvelopeHeader.length(ct, ct.length) + ChunkedAead.HEADER;
        ct[start + 2 * ChunkedAead.SEALED_CHUNK + 100] ^= 1; // inside the third chunk
        Cipher d = cipher(Cipher.DECRYPT_MODE, a, KmsEnvelopeSpec.withContext(CTX));
        var released = new ByteArrayOutputStream();
        for (int off = 0; off < ct.length; off += 1000) {
            released.writeBytes(d.update(ct, off, Math.min(1000, ct.length - off)));
        }
        assertEquals(2 * ChunkedAead.CHUNK, released.size(), "the two chunks before the damage, nothing after");
        assertArrayEquals(Arrays.copyOf(msg, 2 * ChunkedAead.CHUNK), released.toByteArray());
        assertEquals(0, d.update(new byte[100]).length, "after the error nothing more comes out");
        assertThrows(AEADBadTagException.class, d::doFinal);

        try (var in = new CipherInputStream(new ByteArrayInputStream(ct), cipher(Cipher.DECRYPT_MODE, a, null))) {
            assertThrows(IOException.class, in::readAllBytes);
        }
    }

    @Test
    void garbage_isRejectedWithDeclaredExceptionsOnly() throws Exception {
        Random r = new Random(8);
        for (int i = 0; i < 300; i++) {
            byte[] junk = new byte[r.nextInt(600)];
            r.nextBytes(junk);
            if (i % 3 == 0 && junk.length > 8) {
                System.arraycopy(EnvelopeHeader.MAGIC, 0, junk, 0, 4);
                junk[4] = 1;
                junk[5] = 1;
            }
            assertThrows(GeneralSecurityException.class, () -> decrypt(a, junk));
        }
        byte[] tooMany = encrypt(a, new byte[1]);
        tooMany[8 + tooMany[7]] = 11; // the wrapped key count, just after the 2-byte-length context
        assertThrows(BadPaddingException.class, () -> decrypt(a, tooMany));
    }

    @Test
    void disabledKeys_areRefusedAtInitForEncryption_andOnDecryption() throws Exception {
        byte[] ct = encrypt(a, message(10, 9));
        keys.disableKey("a");
        assertThrows(InvalidKeyException.class, () -> cipher(Cipher.ENCRYPT_MODE, a, KmsEnvelopeSpec.withContext(CTX)));
        var e = assertThrows(BadPaddingException.class, () -> decrypt(a, ct));
        assertTrue(e.getMessage().contains("Disabled"), e.getMessage());
    }

    @Test
    void randomAccess_readsAnyRange_andAuthenticatesTheLength() throws Exception {
        byte[] msg = message(5 * ChunkedAead.CHUNK + 123, 10);
        byte[] ct = encrypt(a, msg);
        try (var plain = KmsEnvelopeReader.open(new InMemoryChannel(ct), a, CTX)) {
            assertEquals(msg.length, plain.size());
            Random r = new Random(11);
            for (int i = 0; i < 50; i++) {
                int pos = r.nextInt(msg.length);
                ByteBuffer buf = ByteBuffer.allocate(1 + r.nextInt(3000));
                plain.position(pos);
                int n = plain.read(buf);
                assertTrue(n > 0);
                assertArrayEquals(Arrays.copyOfRange(msg, pos, pos + n), Arrays.copyOf(buf.array(), n));
            }
            plain.position(msg.length);
            assertEquals(-1, plain.read(ByteBuffer.allocate(10)));
        }
        byte[] truncated = Arrays.copyOf(ct, ct.length - 123 - ChunkedAead.TAG);
        try (var plain = KmsEnvelopeReader.open(new InMemoryChannel(truncated), a, CTX)) {
            assertThrows(IOException.class, plain::size, "a message cut at a chunk boundary has no valid length");
            ByteBuffer first = ByteBuffer.allocate(100);
            assertEquals(100, plain.read(first), "the authenticated chunks before the cut still read");
        }
        byte[] damaged = ct.clone();
        damaged[damaged.length - 50] ^= 1;
        try (var plain = KmsEnvelopeReader.open(new InMemoryChannel(damaged), a, CTX)) {
            plain.position(5L * ChunkedAead.CHUNK);
            assertThrows(IOException.class, () -> plain.read(ByteBuffer.allocate(10)));
        }
    }

    @Test
    void dataKeyCache_reusesAKeyWithinItsLimits_andAuditsEachReuse() throws Exception {
        var cache = new DataKeyCache(3, 1 << 20, Duration.ofMinutes(5));
        KmsEnvelopeSpec spec = KmsEnvelopeSpec.withContext(CTX).withDataKeyCache(cache);
        audit.clear();
        byte[][] messages = new byte[5][];
        for (int i = 0; i < 5; i++) {
            messages[i] = cipher(Cipher.ENCRYPT_MODE, a, spec).doFinal(message(100, i));
            assertArrayEquals(message(100, i), decrypt(a, messages[i]));
        }
        byte[] key0 = wrappedKey(messages[0]);
        assertArrayEquals(key0, wrappedKey(messages[1]));
        assertArrayEquals(key0, wrappedKey(messages[2]));
        assertFalse(Arrays.equals(key0, wrappedKey(messages[3])), "the fourth message needs a new data key");
        int h = io.kmsjca.internal.format.EnvelopeHeader.length(messages[1], messages[1].length) + 56;
        assertArrayEquals(new byte[] {0, 0, 0, 1}, Arrays.copyOfRange(messages[1], h, h + 4),
                "the second message of the key is number 1, so it has nonces of its own");
        assertArrayEquals(new byte[] {0, 0, 0, 2}, Arrays.copyOfRange(messages[2], h, h + 4));
        assertEquals(3, audit.stream().filter(e -> e.operation() == AuditOperation.REUSE_CACHED_DATA_KEY).count());
        assertEquals(2, audit.stream().filter(e -> e.operation() == AuditOperation.WRAP_KEY).count());

        var bytes = new DataKeyCache(100, 50_000, Duration.ofMinutes(5));
        KmsEnvelopeSpec small = KmsEnvelopeSpec.withContext(CTX).withDataKeyCache(bytes);
        byte[] m1 = cipher(Cipher.ENCRYPT_MODE, a, small).doFinal(message(60_000, 1));
        byte[] m2 = cipher(Cipher.ENCRYPT_MODE, a, small).doFinal(message(10, 2));
        assertFalse(Arrays.equals(wrappedKey(m1), wrappedKey(m2)), "a stream that crossed the byte limit retired its key");
    }

    @Test
    void dataKeyCache_refusesLimitsThatAreNotPositive() {
        assertThrows(IllegalArgumentException.class, () -> new DataKeyCache(0, 1, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new DataKeyCache(1, 0, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new DataKeyCache(1, 1, Duration.ZERO));
    }

    @Test
    void dataKeyCache_retiresAKeyAfterItsMaximumAge() throws Exception {
        var clock = new MutableClock(java.time.Instant.parse("2026-01-01T00:00:00Z"));
        var cache = new DataKeyCache(100, 1 << 20, Duration.ofSeconds(60), clock);
        KmsEnvelopeSpec spec = KmsEnvelopeSpec.withContext(CTX).withDataKeyCache(cache);
        byte[] first = cipher(Cipher.ENCRYPT_MODE, a, spec).doFinal(new byte[1]);
        clock.now = clock.now.plusSeconds(59);
        byte[] second = cipher(Cipher.ENCRYPT_MODE, a, spec).doFinal(new byte[1]);
        clock.now = clock.now.plusSeconds(1);
        byte[] third = cipher(Cipher.ENCRYPT_MODE, a, spec).doFinal(new byte[1]);
        assertArrayEquals(wrappedKey(first), wrappedKey(second));
        assertFalse(Arrays.equals(wrappedKey(first), wrappedKey(third)), "60 seconds later the key retired");
    }

    /** A clock the test sets: the only fake allowed. */
    static final class MutableClock extends java.time.Clock {
        java.time.Instant now;

        MutableClock(java.time.Instant start) {
            now = start;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** The first wrapped data key of a message. */
    private static byte[] wrappedKey(byte[] ct) {
        int ctxLen = ((ct[6] & 0xFF) << 8) | (ct[7] & 0xFF);
        int pos = 8 + ctxLen + 1;
        int w = ((ct[pos] & 0xFF) << 8) | (ct[pos + 1] & 0xFF);
        return Arrays.copyOfRange(ct, pos + 2, pos + 2 + w);
    }
}
