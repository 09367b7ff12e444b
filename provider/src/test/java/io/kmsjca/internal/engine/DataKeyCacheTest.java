package io.kmsjca.internal.engine;

import io.kmsjca.keys.DataKeyCache;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.KmsKeyRing;
import io.kmsjca.internal.service.LifecycleFixture;

import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.internal.format.EnvelopeHeader;
import io.kmsjca.internal.format.WrappedKeyBlob;
import io.kmsjca.provider.KmsEnvelopeSpec;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.crypto.Cipher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The data-key cache never outlives a key's state (issue #14): a cached data key is reused only
 * while every recipient key may encrypt and is at the version its copy was wrapped under; the
 * cache is bounded and sweeps expired entries. Real file stores, real ciphers; only the clock
 * is the test's.
 */
class DataKeyCacheTest {

    private static final Map<String, String> CTX = Map.of("file", "report.pdf");
    private static final Duration AGE = Duration.ofDays(30); // longer than a deletion waiting period

    @TempDir
    Path dir;
    LifecycleFixture f;
    KmsKeyHandle orders;
    DataKeyCache cache;

    @BeforeEach
    void setUp() throws Exception {
        f = new LifecycleFixture(dir);
        orders = f.keys.createKey("orders", "");
        cache = new DataKeyCache(100, 1 << 20, AGE, f.clock);
    }

    private Cipher encryptor(Key key) throws Exception {
        Cipher c = Cipher.getInstance("KMSEnvelope", LifecycleFixture.PROVIDER);
        c.init(Cipher.ENCRYPT_MODE, key, KmsEnvelopeSpec.withContext(CTX).withDataKeyCache(cache));
        return c;
    }

    private static byte[] decrypt(Key key, byte[] message) throws Exception {
        Cipher c = Cipher.getInstance("KMSEnvelope", LifecycleFixture.PROVIDER);
        c.init(Cipher.DECRYPT_MODE, key, KmsEnvelopeSpec.withContext(CTX));
        return c.doFinal(message);
    }

    /** The key version each wrapped data key of a message names, in header order. */
    private static List<Integer> versions(byte[] message) throws Exception {
        EnvelopeHeader header = EnvelopeHeader.parse(message, EnvelopeHeader.length(message, message.length));
        return header.wrappedKeys().stream().map(WrappedKeyBlob::keyVersion).toList();
    }

    private static byte[] firstWrappedKey(byte[] message) throws Exception {
        return EnvelopeHeader.parse(message, EnvelopeHeader.length(message, message.length)).wrappedKeys().get(0);
    }

    private long count(AuditOperation op) {
        return f.audit.stream().filter(e -> e.operation() == op).count();
    }

    /** Starts a message through the engine itself, to see the cache entry it used. */
    private CachedDataKeys.Entry seal(DataKeyCache c, Map<String, String> context) throws Exception {
        var sealing = new EnvelopeEngine().seal(KmsKeyRing.of(orders), EncryptionContext.of(context), CachedDataKeys.of(c), false);
        sealing.body().destroy();
        return sealing.cached();
    }

    @Test
    void revokedVersion_theNextMessageDecryptsAfterTheRevocation() throws Exception {
        Cipher enc = encryptor(orders);
        byte[] before = enc.doFinal("before".getBytes());
        assertEquals(2, f.keys.rotateKeyOnDemand("orders"));
        f.keys.revokeKeyVersion("orders", 1);

        byte[] after = enc.doFinal("after".getBytes());

        assertEquals(List.of(2), versions(after), "the data key was wrapped anew under the current version");
        assertArrayEquals("after".getBytes(), decrypt(orders, after), "written after the revocation, it decrypts");
        assertThrows(javax.crypto.BadPaddingException.class, () -> decrypt(orders, before),
                "the message of the revoked version is gone, as revocation says");
    }

    @Test
    void rotation_theNextMessageUsesTheNewVersion_thenReusesThatOne() throws Exception {
        byte[] v1 = encryptor(orders).doFinal(new byte[10]);
        encryptor(orders).doFinal(new byte[10]); // a reuse under version 1
        assertEquals(2, f.keys.rotateKeyOnDemand("orders"));
        f.audit.clear();

        byte[] first = encryptor(orders).doFinal(new byte[10]);
        byte[] second = encryptor(orders).doFinal(new byte[10]);

        assertEquals(List.of(1), versions(v1));
        assertEquals(List.of(2), versions(first));
        assertArrayEquals(firstWrappedKey(first), firstWrappedKey(second), "version 2's data key is reused in turn");
        assertEquals(1, count(AuditOperation.WRAP_KEY));
        assertEquals(2, f.last(AuditOperation.WRAP_KEY).keyVersion());
        assertEquals(2, f.last(AuditOperation.REUSE_CACHED_DATA_KEY).keyVersion());
        assertArrayEquals(new byte[10], decrypt(orders, second));
    }

    @Test
    void rotationOfOneRecipient_wrapsAFreshDataKeyForAll() throws Exception {
        KmsKeyHandle backup = f.keys.createKey("backup", "");
        KmsKeyRing ring = KmsKeyRing.of(orders, backup);
        byte[] before = encryptor(ring).doFinal(new byte[1]);
        f.keys.rotateKeyOnDemand("backup");

        byte[] after = encryptor(ring).doFinal(new byte[1]);

        assertEquals(List.of(1, 1), versions(before));
        assertEquals(List.of(1, 2), versions(after));
        assertFalse(java.util.Arrays.equals(firstWrappedKey(before), firstWrappedKey(after)));
        assertArrayEquals(new byte[1], decrypt(backup, after));
    }

    @ParameterizedTest
    @ValueSource(strings = {"disabled", "pending deletion", "destroyed", "handle destroyed"})
    void unusableKey_encryptionWithAWarmCache_isRejected(String how) throws Exception {
        Cipher enc = encryptor(orders);
        enc.doFinal(new byte[1]);
        CachedDataKeys.Entry warm = seal(cache, CTX);
        assertFalse(warm.chunkKey.isDestroyed(), "the cache is warm");
        switch (how) {
            case "disabled" -> f.keys.disableKey("orders");
            case "pending deletion" -> f.keys.scheduleKeyDeletion("orders", 7);
            case "destroyed" -> {
                f.keys.scheduleKeyDeletion("orders", 7);
                f.clock.advance(Duration.ofDays(7));
                assertEquals(1, f.keys.runMaintenance().destroyed());
            }
            default -> orders.destroy();
        }
        f.audit.clear();

        ProviderException e = assertThrows(ProviderException.class, () -> enc.doFinal(new byte[1]),
                "a cipher initialised before the change encrypts no more");

        assertInstanceOf(InvalidKeyException.class, e.getCause());
        assertTrue(warm.chunkKey.isDestroyed(), "the refused entry was dropped and its key wiped");
        assertEquals(0, count(AuditOperation.REUSE_CACHED_DATA_KEY));
        AuditEvent refused = f.last(AuditOperation.WRAP_KEY);
        assertNotEquals(AuditOutcome.SUCCESS, refused.outcome());
        assertEquals(orders.keyId().toString(), refused.keyId());
        assertThrows(InvalidKeyException.class, () -> encryptor(orders), "and a new cipher is refused at init");
    }

    @Test
    void reEnabledKey_getsAFreshDataKey() throws Exception {
        Cipher enc = encryptor(orders);
        byte[] before = enc.doFinal(new byte[1]);
        f.keys.disableKey("orders");
        assertThrows(ProviderException.class, () -> enc.doFinal(new byte[1]));
        f.keys.enableKey("orders");

        byte[] after = enc.doFinal(new byte[1]);

        assertFalse(java.util.Arrays.equals(firstWrappedKey(before), firstWrappedKey(after)),
                "the refused message dropped the cached key: it is not reused once the key is enabled again");
        assertArrayEquals(new byte[1], decrypt(orders, after));
    }

    @Test
    void copiesOfAStore_neverShareACachedDataKey() throws Exception {
        Path copy = dir.resolve("copy.kms");
        Files.copy(f.file, copy);
        Path journal = io.kmsjca.spi.file.FileKeyRecordStore.journal(f.file);
        if (Files.exists(journal)) { // a live store is its image and its journal
            Files.copy(journal, io.kmsjca.spi.file.FileKeyRecordStore.journal(copy));
        }
        KeyService other = KeyStores.openFile(copy, LifecycleFixture.PASSWORD, f.options(
                KeyServiceOptions.DEFAULT_USAGE_ROTATION_THRESHOLD));
        try {
            KmsKeyHandle twin = other.findKey("orders").orElseThrow();
            assertEquals(orders.keyId(), twin.keyId());
            // each copy rotates on its own: both now have a version 2, with different material
            f.keys.rotateKeyOnDemand("orders");
            other.rotateKeyOnDemand("orders");
            encryptor(orders).doFinal(new byte[1]);

            byte[] message = encryptor(twin).doFinal(new byte[1]);

            assertArrayEquals(new byte[1], decrypt(twin, message), "the copy's message is wrapped under its own key");
        } finally {
            other.close();
        }
    }

    @Test
    void bound_evictsTheOldestEntries_andWipesTheirKeys() throws Exception {
        var bounded = new DataKeyCache(100, 1 << 20, AGE, 2, f.clock);
        CachedDataKeys.Entry first = seal(bounded, Map.of("n", "1"));
        CachedDataKeys.Entry second = seal(bounded, Map.of("n", "2"));
        CachedDataKeys.Entry third = seal(bounded, Map.of("n", "3"));

        assertEquals(2, CachedDataKeys.of(bounded).size());
        assertTrue(first.chunkKey.isDestroyed(), "the oldest entry was evicted and its key wiped");
        assertFalse(second.chunkKey.isDestroyed());
        assertFalse(third.chunkKey.isDestroyed());
        assertNotSame(first, seal(bounded, Map.of("n", "1")), "its recipients get a new data key");
        assertTrue(second.chunkKey.isDestroyed(), "which evicted the next oldest");
        assertSame(third, seal(bounded, Map.of("n", "3")), "the newest is still reused");
    }

    @Test
    void defaultBound_evictsBeyondItsEntries() throws Exception {
        List<CachedDataKeys.Entry> made = new ArrayList<>();
        for (int i = 0; i <= DataKeyCache.DEFAULT_MAX_ENTRIES; i++) {
            made.add(seal(cache, Map.of("n", Integer.toString(i))));
        }
        assertTrue(made.get(0).chunkKey.isDestroyed(), "entry " + (DataKeyCache.DEFAULT_MAX_ENTRIES + 1)
                + " evicted the first");
        assertFalse(made.get(1).chunkKey.isDestroyed());
    }

    @Test
    void sweep_dropsExpiredEntriesOfOtherRecipients() throws Exception {
        CachedDataKeys.Entry old = seal(cache, Map.of("n", "1"));
        f.clock.advance(AGE.minusSeconds(1));
        CachedDataKeys.Entry younger = seal(cache, Map.of("n", "2"));
        f.clock.advance(Duration.ofSeconds(1));

        CachedDataKeys.Entry other = seal(cache, Map.of("n", "3"));

        assertTrue(old.chunkKey.isDestroyed(), "expired, it was swept although its recipients never asked again");
        assertFalse(younger.chunkKey.isDestroyed(), "not expired yet");
        assertFalse(other.chunkKey.isDestroyed());
        f.clock.advance(AGE);
        encryptor(orders).doFinal(new byte[1]); // a reuse attempt of other recipients sweeps too
        assertTrue(younger.chunkKey.isDestroyed());
        assertTrue(other.chunkKey.isDestroyed());
    }

    @Test
    void clockSteppedBack_theCachedKeyIsNotReused_itsAgeIsUnknown() throws Exception {
        CachedDataKeys.Entry before = seal(cache, CTX);
        CachedDataKeys.Entry other = seal(cache, Map.of("n", "2"));
        f.clock.advance(Duration.ofDays(-1)); // NTP step or VM restore: both entries were made "tomorrow"

        CachedDataKeys.Entry after = seal(cache, CTX);

        assertNotSame(before, after, "a key made 'after' now may be older than maxAge: it gets a fresh one");
        assertTrue(before.chunkKey.isDestroyed());
        assertTrue(other.chunkKey.isDestroyed(), "swept as well, though its recipients did not ask");
        assertSame(after, seal(cache, CTX), "the fresh key is reused as usual on the stepped-back clock");
    }

    @Test
    void lastMessageOfAKey_wipesItAtOnce() throws Exception {
        var twice = new DataKeyCache(2, 1 << 20, AGE, f.clock);
        CachedDataKeys.Entry e = seal(twice, CTX);
        assertSame(e, seal(twice, CTX));
        assertTrue(e.chunkKey.isDestroyed(), "it served its last message: nothing needs it in memory any more");
    }

    @Test
    void cacheLimitsThatAreNotPositive_areRejected() {
        assertThrows(IllegalArgumentException.class, () -> new DataKeyCache(1, 1, AGE, 0));
    }

    /** Each limit may be as small as one: one message, one byte, one entry. */
    @Test
    void limitsOfOne_areAccepted() throws Exception {
        var smallest = new DataKeyCache(1, 1, AGE, 1, f.clock);
        assertNotNull(seal(smallest, CTX));
        assertThrows(IllegalArgumentException.class, () -> new DataKeyCache(0, 1, AGE, 1));
        assertThrows(IllegalArgumentException.class, () -> new DataKeyCache(1, 0, AGE, 1));
        assertThrows(IllegalArgumentException.class, () -> new DataKeyCache(1, 1, Duration.ZERO, 1));
    }

    /**
     * A cache of one message per key never keeps a key: the message that made it was its last,
     * so its chunk key is wiped at once, and the next message gets a new one.
     */
    @Test
    void aLimitOfOneMessage_keepsNoKey_andWipesItAtOnce() throws Exception {
        var once = new DataKeyCache(1, 1 << 20, AGE, f.clock);
        CachedDataKeys.Entry first = seal(once, CTX);

        assertTrue(first.chunkKey.isDestroyed(), "never reused, so not kept in memory");
        assertEquals(0, CachedDataKeys.of(once).size());
        assertNotSame(first, seal(once, CTX));
    }

    /** The byte limit is a bound: a key whose messages reached it exactly starts no more messages. */
    @Test
    void aKeyThatReachedItsByteLimitExactly_isNotReused() throws Exception {
        var tenBytes = new DataKeyCache(100, 10, AGE, f.clock);
        Cipher enc = Cipher.getInstance("KMSEnvelope", LifecycleFixture.PROVIDER);
        enc.init(Cipher.ENCRYPT_MODE, orders, KmsEnvelopeSpec.withContext(CTX).withDataKeyCache(tenBytes));
        byte[] nine = enc.doFinal(new byte[9]);
        byte[] reused = enc.doFinal(new byte[1]); // 9 bytes so far: below the limit, reused; now 10

        byte[] fresh = enc.doFinal(new byte[1]);

        assertArrayEquals(firstWrappedKey(nine), firstWrappedKey(reused));
        assertFalse(java.util.Arrays.equals(firstWrappedKey(nine), firstWrappedKey(fresh)),
                "10 bytes of 10: the key is spent");
        assertArrayEquals(new byte[1], decrypt(orders, fresh));
    }

    /**
     * Taking a cached key sweeps the expired keys of other recipients, even when it is reused
     * (no fresh key is put): their keys are wiped and they leave the cache.
     */
    @Test
    void aReuse_sweepsAndWipesTheExpiredKeysOfOtherRecipients() throws Exception {
        CachedDataKeys.Entry old = seal(cache, Map.of("n", "1"));
        f.clock.advance(AGE.dividedBy(2));
        CachedDataKeys.Entry live = seal(cache, CTX);
        f.clock.advance(AGE.dividedBy(2));
        assertEquals(2, CachedDataKeys.of(cache).size());

        assertSame(live, seal(cache, CTX), "not expired yet: reused");

        assertTrue(old.chunkKey.isDestroyed(), "expired: wiped by the reuse of another entry");
        assertEquals(1, CachedDataKeys.of(cache).size(), "and gone from the cache");
        assertFalse(live.chunkKey.isDestroyed());
    }

    /**
     * Two ciphers that both found no reusable key for the same recipients each put a fresh one:
     * the second replaces the first, whose chunk key is wiped, not left in memory unreachable.
     */
    @Test
    void aKeyPutAgainForTheSameRecipients_wipesTheKeyItReplaces() {
        CachedDataKeys keys = CachedDataKeys.of(cache);
        var recipients = new CachedDataKeys.Recipients(List.of(orders), EncryptionContext.of(CTX));
        CachedDataKeys.Entry first = keys.put(recipients, new byte[32], new byte[12], new byte[8], new int[] {1},
                io.kmsjca.internal.crypto.KmsRandom.epoch());

        CachedDataKeys.Entry second = keys.put(recipients, new byte[32], new byte[12], new byte[8], new int[] {1},
                io.kmsjca.internal.crypto.KmsRandom.epoch());

        assertTrue(first.chunkKey.isDestroyed(), "the replaced key was wiped");
        assertFalse(second.chunkKey.isDestroyed());
        assertEquals(1, keys.size());
    }
}
