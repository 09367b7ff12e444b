package io.kmsjca.internal.model;

import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.internal.engine.DerivedKey;
import io.kmsjca.internal.format.WrappedKeyBlob;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.RotationReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import java.security.InvalidKeyException;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A version's wrap sessions and derived keys: the nonce counter values one thread takes are each
 * new and follow its stripe, a session ends exactly at its limit (a new salt, a new derived key),
 * the wipe reaches the keys the unwrap cache alone holds, HMAC material never keys a KMSWrap, the
 * HMAC material lengths AWS allows are exact, and the usage counters add up.
 */
class KeyVersionSessionTest {

    private static final UUID KEY_ID = UUID.randomUUID();

    @AfterEach
    void restoreTheSessionLimit() {
        KeyVersion.sessionLimitForTests(KeyVersion.MAX_WRAPS_PER_SESSION);
    }

    private static KeyVersion newVersion() {
        byte[] material = new byte[32];
        KmsRandom.nextBytes(material);
        return new KeyVersion(1, Instant.EPOCH, KeyOrigin.GENERATED, RotationReason.CREATED, material, 0);
    }

    /**
     * One thread's leases of a session are counter values of its stripe, k × 4 + stripe for k =
     * 0, 1, ...: never one twice (a GCM nonce repeated under one key), and the session ends after
     * exactly limit / 4 of them, with a new salt and so a new derived key.
     */
    @Test
    void aThreadsNoncesAreNew_andTheSessionEndsExactlyAtItsLimit() throws Exception {
        KeyVersion.sessionLimitForTests(16); // 4 per stripe
        KeyVersion version = newVersion();
        Mac mac = Mac.getInstance("HmacSHA256");

        KeyVersion.Lease first = version.lease(KEY_ID, mac);
        long stripe = first.counter() % KeyVersion.NONCE_STRIPES;
        Set<Long> counters = new HashSet<>();
        for (int k = 0; k < 4; k++) {
            KeyVersion.Lease lease = k == 0 ? first : version.lease(KEY_ID, mac);
            assertSame(first.key(), lease.key(), "lease " + k + " is of the same session");
            assertEquals(k * KeyVersion.NONCE_STRIPES + stripe, lease.counter());
            assertEquals(k, lease.sequence());
            assertTrue(counters.add(lease.counter()));
        }

        KeyVersion.Lease next = version.lease(KEY_ID, mac);

        assertNotSame(first.key(), next.key(), "the fifth lease of the stripe opens a new session");
        assertFalse(java.util.Arrays.equals(first.key().salt, next.key().salt));
        assertEquals(stripe, next.counter());
    }

    /** A key derived for unwrapping alone (a blob of another session's salt) is wiped with its version. */
    @Test
    void wipe_destroysAKeyOnlyTheUnwrapCacheHolds() throws Exception {
        KeyVersion version = newVersion();
        Mac mac = Mac.getInstance("HmacSHA256");
        byte[] blob = KeyVersionWipeTest.blobWithNewSalt();
        DerivedKey forUnwrap = version.forBlob(KEY_ID, blob, mac);
        assertSame(forUnwrap, version.forBlob(KEY_ID, blob, mac), "cached");

        version.wipe();

        assertTrue(forUnwrap.isDestroyed());
        assertThrows(InvalidKeyException.class, () -> version.forBlob(KEY_ID, blob, mac));
    }

    /** The material of an HMAC key's version never keys a KMSWrap, nor AES material a Mac. */
    @Test
    void hmacMaterialNeverKeysAWrap() throws Exception {
        byte[] material = new byte[32];
        KmsRandom.nextBytes(material);
        KeyVersion hmac = new KeyVersion(1, Instant.EPOCH, KeyOrigin.GENERATED, RotationReason.CREATED,
                KeySpec.HMAC_256, material, 0);
        Mac mac = Mac.getInstance("HmacSHA256");

        var e = assertThrows(InvalidKeyException.class, () -> hmac.lease(KEY_ID, mac));
        assertTrue(e.getMessage().contains("HMAC material"), e.getMessage());
        assertNotNull(hmac.hmacKey());
        assertThrows(InvalidKeyException.class, () -> newVersion().hmacKey());
        hmac.wipe();
        assertThrows(InvalidKeyException.class, hmac::hmacKey, "a wiped HMAC version keys no Mac");
    }

    /** AWS's lengths of imported HMAC material: from the key length to 64 bytes (HMAC_224, 256), to 128 (384, 512). */
    @Test
    void hmacMaterialLengths_areTheOnesAwsAllows() {
        assertThrows(IllegalArgumentException.class, () -> KeyVersion.checkHmacLength(KeySpec.HMAC_256, 31));
        KeyVersion.checkHmacLength(KeySpec.HMAC_256, 32);
        KeyVersion.checkHmacLength(KeySpec.HMAC_256, 64);
        assertThrows(IllegalArgumentException.class, () -> KeyVersion.checkHmacLength(KeySpec.HMAC_256, 65));
        KeyVersion.checkHmacLength(KeySpec.HMAC_224, 64);
        assertThrows(IllegalArgumentException.class, () -> KeyVersion.checkHmacLength(KeySpec.HMAC_224, 65));
        assertThrows(IllegalArgumentException.class, () -> KeyVersion.checkHmacLength(KeySpec.HMAC_384, 47));
        KeyVersion.checkHmacLength(KeySpec.HMAC_384, 128);
        assertThrows(IllegalArgumentException.class, () -> KeyVersion.checkHmacLength(KeySpec.HMAC_512, 129));
    }

    /** The use count: what is not yet in a record, and the usage threshold reported once per version. */
    @Test
    void theUseCount_andItsThresholdReport() {
        KeyVersion version = newVersion();
        version.countWrap();
        assertEquals(1, version.wrapsForRecord());
        version.countWrap();
        version.countWrap();

        assertEquals(3, version.wraps());
        assertEquals(2, version.unpersistedWraps());
        assertTrue(version.firstToReachUsageThreshold());
        assertFalse(version.firstToReachUsageThreshold(), "reported once");
    }

    /** One salt selects a key per blob version (the label differs): the unwrap cache never hands one version's key to the other's blob. */
    @Test
    void theUnwrapCache_selectsByVersionAndSalt() throws Exception {
        KeyVersion version = newVersion();
        Mac mac = Mac.getInstance("HmacSHA256");
        byte[] v2 = KeyVersionWipeTest.blobWithNewSalt();
        byte[] v1 = v2.clone();
        v1[4] = WrappedKeyBlob.VERSION_1;

        DerivedKey forV2 = version.forBlob(KEY_ID, v2, mac);
        DerivedKey forV1 = version.forBlob(KEY_ID, v1, mac);

        assertEquals(WrappedKeyBlob.VERSION, forV2.format);
        assertEquals(WrappedKeyBlob.VERSION_1, forV1.format);
        assertFalse(java.util.Arrays.equals(forV1.commitment, forV2.commitment));
        assertSame(forV1, version.forBlob(KEY_ID, v1, mac), "the last one derived is cached");
        assertNotSame(forV1, version.forBlob(KEY_ID, v2, mac));
    }
}
