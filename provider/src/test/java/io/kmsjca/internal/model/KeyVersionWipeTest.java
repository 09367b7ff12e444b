package io.kmsjca.internal.model;

import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.internal.crypto.SecretBytes;
import io.kmsjca.internal.engine.DerivedKey;
import io.kmsjca.internal.format.WrappedKeyBlob;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.RotationReason;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import java.security.InvalidKeyException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Wiping a version (a revocation, a destruction, the store closed) wipes the GCM keys derived
 * from it too, not only its material: the wrap session's and every one in the unwrap cache. A
 * request that took such a key before the wipe and keys its cipher after it is refused with an
 * {@code InvalidKeyException}, never a runtime error.
 */
public class KeyVersionWipeTest {

    private static final UUID KEY_ID = UUID.randomUUID();

    @Test
    void wipe_destroysTheSessionsAndTheUnwrapCachesDerivedKeys() throws Exception {
        KeyVersion version = newVersion();
        Mac mac = Mac.getInstance("HmacSHA256");
        KeyVersion.Lease lease = version.lease(KEY_ID, mac);
        DerivedKey otherSession = version.forBlob(KEY_ID, blobWithNewSalt(), mac); // a blob of an earlier session
        assertFalse(lease.key().isDestroyed());
        assertFalse(otherSession.isDestroyed());
        assertTrue(version.derivedKeysHeld().containsAll(List.of(lease.key(), otherSession)), "both are held");

        version.wipe();

        assertTrue(lease.key().isDestroyed(), "the wrap session's derived key is wiped");
        assertTrue(otherSession.isDestroyed(), "a derived key in the unwrap cache is wiped");
        assertThrows(IllegalStateException.class, () -> lease.key().gcmKey.getEncoded());
        assertThrows(InvalidKeyException.class, () -> version.lease(KEY_ID, mac), "nothing new starts");
        assertThrows(InvalidKeyException.class, () -> version.forBlob(KEY_ID, blobWithNewSalt(), mac));
    }

    /** The session's key is wiped through the session, not only through the unwrap cache, which another salt can take from it. */
    @Test
    void wipe_destroysTheSessionsKey_afterAnotherSaltTookItsUnwrapCacheSlot() throws Exception {
        KeyVersion version = newVersion();
        Mac mac = Mac.getInstance("HmacSHA256");
        DerivedKey session = version.lease(KEY_ID, mac).key();
        DerivedKey sameSlot = version.forBlob(KEY_ID, blobWithSalt(session.salt[0]), mac);
        assertNotSame(session, sameSlot);
        assertEquals(1, version.derivedKeysHeld().stream().filter(k -> k == session).count(),
                "the session's key left the cache: only the session holds it now");

        version.wipe();

        assertTrue(session.isDestroyed(), "the wrap session's derived key is wiped");
        assertTrue(sameSlot.isDestroyed());
        assertEquals(List.of(), version.derivedKeysHeld());
    }

    /** A blob this version's session just sealed opens with the session's own key: no second derivation, one key to wipe. */
    @Test
    void aBlobOfTheOpenSession_opensWithTheSessionsOwnKey() throws Exception {
        KeyVersion version = newVersion();
        Mac mac = Mac.getInstance("HmacSHA256");
        KeyVersion.Lease lease = version.lease(KEY_ID, mac);
        byte[] blob = WrappedKeyBlob.newBlob(KEY_ID, 1, lease.key().salt, lease.key().commitment, lease.counter(), 32);

        assertSame(lease.key(), version.forBlob(KEY_ID, blob, mac));
    }

    /** The JDK's Mac keeps the pads of the last key it was keyed with: a derivation leaves the master key's in none. */
    @Test
    void aDerivation_leavesNoPadsOfTheMasterKeyInTheMac() throws Exception {
        byte[] material = new byte[32];
        KmsRandom.nextBytes(material);
        byte[] salt = new byte[WrappedKeyBlob.SALT_BYTES];
        Mac mac = Mac.getInstance("HmacSHA256");
        DerivedKey.derive(new SecretBytes(material, "HmacSHA256"), WrappedKeyBlob.VERSION, KEY_ID, 1, salt, mac);

        Mac zeroKeyed = Mac.getInstance("HmacSHA256");
        zeroKeyed.init(new javax.crypto.spec.SecretKeySpec(new byte[32], "HmacSHA256"));
        Mac masterKeyed = Mac.getInstance("HmacSHA256");
        masterKeyed.init(new javax.crypto.spec.SecretKeySpec(material, "HmacSHA256"));
        byte[] probe = "probe".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] left = mac.doFinal(probe);
        assertFalse(java.util.Arrays.equals(masterKeyed.doFinal(probe), left), "the Mac still MACs with the master key");
        org.junit.jupiter.api.Assertions.assertArrayEquals(zeroKeyed.doFinal(probe), left, "the Mac was keyed again with zeros");
    }

    private static KeyVersion newVersion() {
        byte[] material = new byte[32];
        KmsRandom.nextBytes(material);
        return new KeyVersion(1, Instant.EPOCH, KeyOrigin.GENERATED, RotationReason.CREATED, material, 0);
    }

    /** A KMSWrap blob header (version 2) of a new salt, written by the format's own writer: what {@code forBlob} reads. */
    public static byte[] blobWithNewSalt() {
        return blobWithSalt(null);
    }

    /** The same, the salt's first byte (its unwrap-cache slot) {@code first} unless null. */
    public static byte[] blobWithSalt(Byte first) {
        byte[] salt = new byte[WrappedKeyBlob.SALT_BYTES];
        KmsRandom.nextBytes(salt);
        if (first != null) {
            salt[0] = first;
        }
        return WrappedKeyBlob.newBlob(KEY_ID, 1, salt, new byte[WrappedKeyBlob.COMMITMENT_BYTES], 0L, 32);
    }
}
