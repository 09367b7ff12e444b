package io.kmsjca.internal.service;

import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.keys.AccessKeyInfo;
import io.kmsjca.keys.KeyManagerType;
import io.kmsjca.keys.RotationReason;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tags an access key is kept in (docs/FORMAT.md, "Access keys"): read strictly, the secret bound to the rest. */
class AccessKeyRecordTest {

    static final Instant NOW = Instant.parse("2026-12-03T12:00:00.123Z");
    static final AccessKeyInfo INFO = new AccessKeyInfo("KMSAABCDEFGHIJKLMNOP", "alice", false, NOW);
    static final byte[] SECRET = new byte[30];

    static {
        for (int i = 0; i < SECRET.length; i++) {
            SECRET[i] = (byte) (i * 37 + 5);
        }
    }

    static MasterKey slot(int n, KeyManagerType manager) {
        return MasterKey.create(AccessKeyRecord.slotId(n), "provider-owned", manager, NOW, List.of(),
                Map.of(OwnedKeys.PURPOSE_TAG, AccessKeyRecord.SLOT_PURPOSE + n), 0,
                KeyChanges.generatedVersion(1, NOW, RotationReason.CREATED));
    }

    static MasterKey holding(MasterKey slot) throws GeneralSecurityException {
        return slot.withTags(AccessKeyRecord.holding(slot, INFO, SECRET));
    }

    @Test
    void newIds_areKmsaAnd16Base32Characters_andDiffer() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = AccessKeyRecord.newId();
            assertTrue(id.matches("KMSA[A-Z2-7]{16}"), id);
            ids.add(id);
        }
        assertEquals(1000, ids.size());
    }

    /** An id carries its 80 random bits: every one of its 16 characters takes each of the 32 base32 values. */
    @Test
    void everyCharacterOfAnIdTakesEveryBase32Value() {
        List<Set<Character>> seen = new java.util.ArrayList<>();
        for (int i = 0; i < 16; i++) {
            seen.add(new HashSet<>());
        }
        for (int n = 0; n < 2000; n++) {
            String id = AccessKeyRecord.newId();
            for (int i = 0; i < 16; i++) {
                seen.get(i).add(id.charAt(4 + i));
            }
        }
        for (int i = 0; i < 16; i++) {
            assertEquals(32, seen.get(i).size(), "character " + i + " took only " + seen.get(i));
        }
    }

    /** Each sealing of a secret draws a fresh nonce: a reused slot (the same key) never seals under a nonce it used before. */
    @Test
    void sealingTheSameSecretInTheSameSlotTwiceDrawsAFreshNonce() throws Exception {
        MasterKey slot = slot(0, KeyManagerType.PROVIDER_OWNED);
        String first = AccessKeyRecord.holding(slot, INFO, SECRET).get(AccessKeyRecord.SECRET_TAG);
        String second = AccessKeyRecord.holding(slot, INFO, SECRET).get(AccessKeyRecord.SECRET_TAG);
        byte[] nonce1 = java.util.Arrays.copyOf(Base64.getDecoder().decode(first), 12);
        byte[] nonce2 = java.util.Arrays.copyOf(Base64.getDecoder().decode(second), 12);
        assertNotEquals(Base64.getEncoder().encodeToString(nonce1), Base64.getEncoder().encodeToString(nonce2));
        assertNotEquals(first, second);
    }

    @Test
    void aSlotHoldsAnAccessKey_andOpensItsSecretAsItsBase64Text() throws Exception {
        MasterKey slot = holding(slot(3, KeyManagerType.PROVIDER_OWNED));
        assertEquals(3, AccessKeyRecord.slotOf(slot));
        assertEquals(INFO, AccessKeyRecord.info(slot));
        assertArrayEquals(Base64.getEncoder().encode(SECRET), AccessKeyRecord.secretText(slot, INFO));
        assertEquals(40, AccessKeyRecord.secretText(slot, INFO).length);
        String sealed = slot.tags().get(AccessKeyRecord.SECRET_TAG);
        assertEquals(80, sealed.length());
        assertTrue(!sealed.contains(Base64.getEncoder().encodeToString(SECRET)), "sealed, not in clear");

        MasterKey freed = slot.withTags(AccessKeyRecord.free(slot));
        assertNull(AccessKeyRecord.info(freed));
        assertNull(AccessKeyRecord.idIn(freed));
        assertEquals(3, AccessKeyRecord.slotOf(freed));
    }

    @Test
    void onlyAProviderOwnedKeyOfASlotsIdIsASlot() {
        assertEquals(-1, AccessKeyRecord.slotOf(slot(3, KeyManagerType.CUSTOMER)));
        MasterKey slot3 = slot(3, KeyManagerType.PROVIDER_OWNED);
        Map<String, String> claimsFour = Map.of(OwnedKeys.PURPOSE_TAG, AccessKeyRecord.SLOT_PURPOSE + 4);
        assertEquals(-1, AccessKeyRecord.slotOf(slot3.withTags(claimsFour)), "a slot's id goes with its number");
        for (String purpose : List.of("access-key-slot/1000", "access-key-slot/-1", "access-key-slot/x", "audit")) {
            assertEquals(-1, AccessKeyRecord.slotOf(slot3.withTags(Map.of(OwnedKeys.PURPOSE_TAG, purpose))), purpose);
        }
    }

    @Test
    void everyTagOutOfItsGrammarHoldsNoAccessKey() throws Exception {
        MasterKey slot = holding(slot(0, KeyManagerType.PROVIDER_OWNED));
        Map<String, List<String>> bad = Map.of(
                AccessKeyRecord.ID_TAG, List.of("KMSAabcdefghijklmnop", "KMSA0123456789ABCDEF", "KMSAABCDEFGHIJKLMNO", "AKIAABCDEFGHIJKLMNOP"),
                AccessKeyRecord.PRINCIPAL_TAG, List.of("", " alice", "a\nb", "x".repeat(257)),
                AccessKeyRecord.ADMINISTRATOR_TAG, List.of("yes", "TRUE", ""),
                AccessKeyRecord.CREATED_TAG, List.of("", "-1", "1e9", "9".repeat(16), "9".repeat(19)));
        bad.forEach((tag, values) -> {
            for (String value : values) {
                Map<String, String> tags = new HashMap<>(slot.tags());
                tags.put(tag, value);
                assertNull(AccessKeyRecord.info(slot.withTags(tags)), tag + "=" + value);
            }
            Map<String, String> without = new HashMap<>(slot.tags());
            without.remove(tag);
            assertNull(AccessKeyRecord.info(slot.withTags(without)), "no " + tag);
        });
    }

    @Test
    void theSecretOpensOnlyWithTheIdPrincipalFlagAndDateItWasSealedWith() throws Exception {
        MasterKey slot = holding(slot(0, KeyManagerType.PROVIDER_OWNED));
        for (AccessKeyInfo other : List.of(new AccessKeyInfo("KMSAABCDEFGHIJKLMNOQ", "alice", false, NOW),
                new AccessKeyInfo(INFO.accessKeyId(), "mallory", false, NOW),
                new AccessKeyInfo(INFO.accessKeyId(), "alice", true, NOW),
                new AccessKeyInfo(INFO.accessKeyId(), "alice", false, NOW.plusMillis(1)))) {
            assertThrows(GeneralSecurityException.class, () -> AccessKeyRecord.secretText(slot, other), other.toString());
        }
        MasterKey anotherSlot = slot(0, KeyManagerType.PROVIDER_OWNED).withTags(slot.tags()); // other material
        assertThrows(GeneralSecurityException.class, () -> AccessKeyRecord.secretText(anotherSlot, INFO));
    }

    @RepeatedTest(8) // the nonce differs each time, and with it the last characters' unused bits
    void everyCharacterOfTheSealedSecretChangedIsRefused() throws Exception {
        MasterKey slot = holding(slot(0, KeyManagerType.PROVIDER_OWNED));
        char[] sealed = slot.tags().get(AccessKeyRecord.SECRET_TAG).toCharArray();
        for (int i = 0; i < sealed.length; i++) {
            char[] altered = sealed.clone();
            altered[i] = altered[i] == 'A' ? 'B' : 'A'; // 'A' and 'B' differ in the lowest bit alone
            Map<String, String> tags = new HashMap<>(slot.tags());
            tags.put(AccessKeyRecord.SECRET_TAG, new String(altered));
            MasterKey changed = slot.withTags(tags);
            assertThrows(GeneralSecurityException.class, () -> AccessKeyRecord.secretText(changed, INFO), "character " + i);
        }
        for (String wrongLength : List.of("", "QUJD", new String(sealed) + "QUJD")) {
            Map<String, String> tags = new HashMap<>(slot.tags());
            tags.put(AccessKeyRecord.SECRET_TAG, wrongLength);
            assertThrows(GeneralSecurityException.class, () -> AccessKeyRecord.secretText(slot.withTags(tags), INFO));
        }
    }
}
