package io.kmsjca.internal.store;

import io.kmsjca.internal.model.AccessRules;
import io.kmsjca.internal.model.CertificateChain;
import io.kmsjca.internal.model.KeyVersion;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.keys.KeyManagerType;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyState;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.RotationReason;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The key record payload, version 6 (docs/FORMAT.md, "Sealing per principal"): a golden payload
 * sealed to alice's fixed key pair reads with it and is written again byte for byte; bob reads
 * it without the material and writes it back unchanged; every altered byte of a seal, an unknown
 * group and too many groups are refused.
 */
class SealedRecordTest {

    private static final UUID ID = UUID.fromString("00112233-4455-6677-8899-aabbccddeeff");
    private static final Instant T = Instant.parse("2026-12-01T00:00:00Z");
    private static final String GOLDEN = "/golden/record-payload-v6.hex";
    private static final PrincipalKeyPair ALICE = PrincipalKeyPair.of(counting(0x11, 32));
    private static final PrincipalKeyPair BOB = PrincipalKeyPair.of(counting(0x51, 32));

    private static byte[] counting(int from, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    /** An AES key of two versions with fixed material: 32 bytes counting up from 0x20, then from 0x40. */
    static MasterKey goldenKey() {
        return new MasterKey(ID, 4, "sealed", KeyState.ENABLED, KeyManagerType.CUSTOMER, T, null, List.of("orders"),
                Map.of(), 0, 1, List.of(
                new KeyVersion(1, T, KeyOrigin.GENERATED, RotationReason.CREATED, counting(0x20, 32), 3),
                new KeyVersion(2, T, KeyOrigin.GENERATED, RotationReason.ON_DEMAND, counting(0x40, 32), 5)),
                AccessRules.DEFAULT, KeySpec.SYMMETRIC_DEFAULT, KeyUsage.ENCRYPT_DECRYPT, CertificateChain.EMPTY);
    }

    static List<SealGroup.Recipient> toAlice() {
        return List.of(new SealGroup.Recipient("alice", ALICE.publicKey()));
    }

    private static byte[] golden() throws Exception {
        try (InputStream in = SealedRecordTest.class.getResourceAsStream(GOLDEN)) {
            assertNotNull(in, "golden file " + GOLDEN);
            return HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).replaceAll("\\s", ""));
        }
    }

    @Test
    void theGoldenVersion6PayloadOpensWithAlicesKeyPairAndIsWrittenByteForByte() throws Exception {
        byte[] golden = golden();
        assertEquals(6, golden[0]);
        MasterKey read = MasterKeyCodec.decode(ID, 4, golden.clone(), ALICE);
        assertArrayEquals(counting(0x20, 32), read.versions().get(0).materialCopy());
        assertArrayEquals(counting(0x40, 32), read.versions().get(1).materialCopy());
        assertEquals(List.of("alice"), read.versions().get(0).sealed().group().principals());
        assertArrayEquals(golden, MasterKeyCodec.encode(read, toAlice()), "read and sealed again to alice: the same bytes");
    }

    @Test
    void anotherPrincipalReadsItWithoutTheMaterialAndWritesItBackUnchanged() throws Exception {
        byte[] golden = golden();
        for (PrincipalKeyPair other : new PrincipalKeyPair[]{BOB, null}) {
            MasterKey read = MasterKeyCodec.decode(ID, 4, golden.clone(), other);
            for (KeyVersion v : read.versions()) {
                assertTrue(v.isSealedAway());
                assertNull(v.materialCopy());
                assertFalse(v.holdsMaterial());
            }
            assertEquals("sealed", read.description(), "the metadata is read");
            assertArrayEquals(golden, MasterKeyCodec.encode(read, List.of(new SealGroup.Recipient("bob", BOB.publicKey()))),
                    "what it cannot open it writes back as it was, whoever the recipients now");
        }
    }

    @Test
    void sealedToNobodyInTheRecordTheMaterialIsNotThere() throws Exception {
        byte[] golden = golden();
        assertEquals(-1, indexOf(golden, counting(0x20, 32)));
        assertEquals(-1, indexOf(golden, counting(0x40, 32)));
        byte[] plain = MasterKeyCodec.encode(goldenKey());
        assertTrue(indexOf(plain, counting(0x20, 32)) > 0, "without recipients the material is in the record, as before");
    }

    @Test
    void aNewSealOfTheSameKeyToTheSameRecipientUsesAFreshGroup() {
        byte[] a = MasterKeyCodec.encode(goldenKey(), toAlice());
        byte[] b = MasterKeyCodec.encode(goldenKey(), toAlice());
        assertFalse(Arrays.equals(a, b), "a fresh ephemeral key and content key per group");
        assertArrayEquals(counting(0x40, 32), MasterKeyCodec.decode(ID, 4, b, ALICE).versions().get(1).materialCopy());
    }

    @Test
    void everyAlteredByteOfAWrappedContentKeyOrOfSealedMaterialIsRefused() throws Exception {
        byte[] golden = golden();
        int group = groupCountOffset(golden) + 1;
        int wrap = group + 32 + 1 + 2 + "alice".length() + 32;
        int firstVersion = wrap + 48;
        int versionBytes = 4 + 8 + 1 + 1 + 1 + 8 + 8 + 1 + 2 + 48;
        List<Integer> sealedBytes = new java.util.ArrayList<>();
        for (int i = 0; i < 48; i++) {
            sealedBytes.add(wrap + i);
        }
        for (int v = 0; v < 2; v++) {
            int ciphertext = firstVersion + v * versionBytes + versionBytes - 48;
            for (int i = 0; i < 48; i++) {
                sealedBytes.add(ciphertext + i);
            }
        }
        for (int at : sealedBytes) {
            byte[] altered = golden.clone();
            altered[at] ^= 0x01;
            var e = assertThrows(IllegalArgumentException.class, () -> MasterKeyCodec.decode(ID, 4, altered, ALICE),
                    "byte " + at);
            assertTrue(e.getMessage().contains("does not open"), e.getMessage());
        }
        byte[] tooMany = golden.clone();
        tooMany[group - 1] = (byte) (MasterKeyCodec.MAX_SEAL_GROUPS + 1);
        assertThrows(IllegalArgumentException.class, () -> MasterKeyCodec.decode(ID, 4, tooMany, ALICE));
    }

    @Test
    void aVersionNamingAGroupPastTheCountIsRefused() throws Exception {
        byte[] golden = golden();
        int groups = groupCountOffset(golden);
        byte[] none = golden.clone();
        none[groups] = 0; // no group: the versions' references point past it
        var e = assertThrows(IllegalArgumentException.class, () -> MasterKeyCodec.decode(ID, 4, none, ALICE));
        assertNotNull(e.getMessage());
    }

    /** Where the group count is: after the version count, found by the two versions' count being 2 and the byte after 1. */
    private static int groupCountOffset(byte[] golden) {
        byte[] plain = MasterKeyCodec.encode(goldenKey());
        // version 2 and version 6 agree up to the version count; the payload of version 2 has the versions right after it
        int common = 0;
        while (plain[common + 1] == golden[common + 1]) {
            common++;
        }
        return common + 1;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Writes the golden file once (run by hand when the format version is new). */
    public static void main(String[] args) {
        System.out.println(HexFormat.of().formatHex(MasterKeyCodec.encode(goldenKey(), toAlice())).replaceAll("(.{64})", "$1\n"));
    }
}
