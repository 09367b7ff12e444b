package io.kmsjca.internal.model;

import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.keys.KeyManagerType;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyState;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.RotationReason;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The lifecycle rules of {@link MasterKey} on their own, each check that a transition makes:
 * the state it needs, the manager it needs, the one version of HMAC keys, the waiting period of
 * a deletion, the bounds of rotation periods and version numbers, and the invariants a key
 * read back from a record must hold. A rule dropped here would let the key service apply a
 * change the table in MasterKey's Javadoc refuses.
 */
class MasterKeyTransitionsTest {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

    private static KeyVersion aes(int number) {
        byte[] material = new byte[32];
        KmsRandom.nextBytes(material);
        return new KeyVersion(number, NOW, KeyOrigin.GENERATED, RotationReason.CREATED, material, 0);
    }

    private static MasterKey key(KeyManagerType manager) {
        return MasterKey.create(UUID.randomUUID(), "", manager, NOW, List.of("orders"), Map.of(), 0, aes(1));
    }

    private static MasterKey hmacKey() {
        byte[] material = new byte[32];
        KmsRandom.nextBytes(material);
        KeyVersion only = new KeyVersion(1, NOW, KeyOrigin.GENERATED, RotationReason.CREATED, KeySpec.HMAC_256, material, 0);
        return MasterKey.createHmac(UUID.randomUUID(), "", KeyManagerType.CUSTOMER, NOW, List.of("mac"), Map.of(),
                KeySpec.HMAC_256, KeyUsage.GENERATE_VERIFY_MAC, only, AccessRules.DEFAULT);
    }

    @Test
    void anHmacKey_takesNoSecondVersion() {
        MasterKey mac = hmacKey();
        assertThrows(TransitionRefused.class, () -> mac.rotated(aes(2)));
        assertThrows(TransitionRefused.class, () -> mac.withVersion(aes(2)));
        assertThrows(TransitionRefused.class, () -> mac.withMinDecryptionVersion(1));
    }

    /** A key is destroyed only once its waiting period has ended: at the deletion date, not a moment before. */
    @Test
    void aDeletion_waitsForItsDate_exactly() {
        Instant date = NOW.plus(Duration.ofDays(7));
        MasterKey pending = key(KeyManagerType.CUSTOMER).deletionScheduled(date);

        assertThrows(TransitionRefused.class, () -> pending.destroyed(date.minusMillis(1)));

        MasterKey gone = pending.destroyed(date);
        assertEquals(KeyState.DESTROYED, gone.state());
        assertFalse(gone.current().holdsMaterial(), "the destroyed key's versions hold no material");
    }

    /** A destroyed key takes no new material, policy, grant or alias. */
    @Test
    void aDestroyedKey_takesNothingNew() {
        Instant date = NOW.plus(Duration.ofDays(7));
        MasterKey gone = key(KeyManagerType.CUSTOMER).deletionScheduled(date).destroyed(date);

        assertThrows(TransitionRefused.class, () -> gone.withVersion(aes(2)));
        assertThrows(TransitionRefused.class, () -> gone.withAccess(AccessRules.DEFAULT, "given a key policy"));
        assertThrows(TransitionRefused.class, () -> gone.withAliases(List.of("again")));
    }

    /** A key pending deletion is not disabled, rescheduled, given a rotation period, a grant or a new alias; it may lose one. */
    @Test
    void aKeyPendingDeletion_refusesWhatNeedsItUsable() {
        MasterKey pending = key(KeyManagerType.CUSTOMER).deletionScheduled(NOW.plus(Duration.ofDays(7)));

        assertThrows(TransitionRefused.class, pending::disabled);
        assertThrows(TransitionRefused.class, () -> pending.deletionScheduled(NOW.plus(Duration.ofDays(30))));
        assertThrows(TransitionRefused.class, () -> pending.withRotationPeriod(365));
        assertThrows(TransitionRefused.class, () -> pending.withAliases(List.of("orders", "more")));
        assertEquals(List.of(), pending.withAliases(List.of()).aliases(), "an alias may be removed");
        assertEquals(KeyState.DISABLED, pending.deletionCancelled().state());
    }

    /** A provider-managed key's life is the provider's: no minimum decryption version, no grant, no disabling. */
    @Test
    void aProviderManagedKey_refusesItsUsersChanges() {
        MasterKey managed = key(KeyManagerType.PROVIDER).rotated(aes(2));

        assertThrows(TransitionRefused.class, () -> managed.withMinDecryptionVersion(2));
        assertThrows(TransitionRefused.class, managed::disabled);
        assertThrows(TransitionRefused.class, () -> managed.versionRevoked(1, NOW));
        assertEquals(2, key(KeyManagerType.CUSTOMER).rotated(aes(2)).withMinDecryptionVersion(2).minDecryptionVersion());
    }

    /** Rotation periods are off (0) or 90 to 2560 days, both ends included. */
    @Test
    void rotationPeriods_areZeroOr90To2560Days() {
        for (int days : new int[] {0, 90, 2560}) {
            assertEquals(days, MasterKey.create(UUID.randomUUID(), "", KeyManagerType.CUSTOMER, NOW, List.of(), Map.of(),
                    days, aes(1)).rotationPeriodDays());
        }
        for (int days : new int[] {-1, 1, 89, 2561}) {
            assertThrows(TransitionArgumentInvalid.class, () -> MasterKey.create(UUID.randomUUID(), "",
                    KeyManagerType.CUSTOMER, NOW, List.of(), Map.of(), days, aes(1)), days + " days");
        }
    }

    /** The current version cannot be revoked (rotate first); a version that does not exist is a bad argument. */
    @Test
    void revokingTheCurrentVersion_isRefused_aMissingOneIsInvalid() {
        MasterKey rotated = key(KeyManagerType.CUSTOMER).rotated(aes(2));

        assertThrows(TransitionRefused.class, () -> rotated.versionRevoked(2, NOW));
        assertThrows(TransitionArgumentInvalid.class, () -> rotated.versionRevoked(3, NOW));
        assertThrows(TransitionArgumentInvalid.class, () -> rotated.versionRevoked(0, NOW));
        assertEquals(io.kmsjca.keys.VersionState.REVOKED, rotated.versionRevoked(1, NOW).versions().get(0).state());
    }

    /** What a key read back from a record must be: versions numbered 1, 2, ...; AES material in a symmetric key. */
    @Test
    void aKeyThatBreaksItsInvariants_cannotBeBuilt() {
        UUID id = UUID.randomUUID();
        assertThrows(IllegalArgumentException.class, () -> new MasterKey(id, 1, "", KeyState.ENABLED,
                KeyManagerType.CUSTOMER, NOW, null, List.of(), Map.of(), 0, 1, List.of(aes(1), aes(3))));
        assertThrows(IllegalArgumentException.class, () -> new MasterKey(id, 1, "", KeyState.ENABLED,
                KeyManagerType.CUSTOMER, NOW, null, List.of(), Map.of(), 0, 1, List.of(hmacKey().current())));
        assertThrows(IllegalArgumentException.class, () -> new MasterKey(id, 1, "", KeyState.PENDING_IMPORT,
                KeyManagerType.CUSTOMER, NOW, null, List.of(), Map.of(), 0, 1, List.of(aes(1))),
                "only a key of origin EXTERNAL waits for material");
        assertThrows(IllegalArgumentException.class, () -> new MasterKey(id, 1, "", KeyState.ENABLED,
                KeyManagerType.CUSTOMER, NOW, NOW, List.of(), Map.of(), 0, 1, List.of(aes(1))),
                "a deletion date without a deletion");
    }

    /** Tags: keys of 1 to 128 characters, values up to 256, at most 50 of them, both ends included. */
    @Test
    void tagBounds_includeTheirEnds() {
        var fifty = new java.util.HashMap<String, String>();
        for (int i = 0; i < 50; i++) {
            fifty.put("k" + i, "v");
        }
        assertEquals(50, KeyNames.checkTags(fifty).size());
        assertEquals(50, KeyNames.checkTagCount(fifty).size());
        fifty.put("one-more", "v");
        assertThrows(TransitionArgumentInvalid.class, () -> KeyNames.checkTags(fifty));
        assertThrows(TransitionArgumentInvalid.class, () -> KeyNames.checkTagCount(fifty));
        KeyNames.checkTags(Map.of("k".repeat(128), "v".repeat(256)));
        assertThrows(TransitionArgumentInvalid.class, () -> KeyNames.checkTags(Map.of("k".repeat(129), "v")));
        assertThrows(TransitionArgumentInvalid.class, () -> KeyNames.checkTags(Map.of("k", "v".repeat(257))));
    }
}
