package io.kmsjca.internal.service;

import io.kmsjca.internal.model.AccessRules;
import io.kmsjca.internal.model.CertificateChain;
import io.kmsjca.internal.model.KeyVersion;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.internal.store.MasterKeyCodec;
import io.kmsjca.keys.GrantOperation;
import io.kmsjca.keys.KeyGrant;
import io.kmsjca.keys.KeyManagerType;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyState;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.RotationReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The key record of HMAC keys (payload version 5: version 4 with each key version's secret
 * material length-prefixed): every HMAC spec round-trips at every length it allows, a frozen
 * golden payload reads and is written byte for byte, malformed lengths are refused, and AES keys
 * and key pairs keep their older versions.
 */
class HmacRecordTest {

    private static final UUID ID = UUID.fromString("00112233-4455-6677-8899-aabbccddeeff");
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    private static final String GOLDEN = "/golden/record-payload-v5.hex";
    /** The golden HMAC_256 key's material: 32 bytes counting up from 0x40. */
    private static final byte[] GOLDEN_MATERIAL = counting(0x40, 32);

    private static byte[] counting(int from, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    private static MasterKey hmacKey(KeySpec spec, byte[] material, AccessRules access) {
        return new MasterKey(ID, 3, "a " + spec + " key", KeyState.ENABLED, KeyManagerType.CUSTOMER, T, null,
                List.of("mac"), Map.of("team", "web"), 0, 1,
                List.of(new KeyVersion(1, T, KeyOrigin.GENERATED, RotationReason.CREATED, spec, material, 7)), access,
                spec, KeyUsage.GENERATE_VERIFY_MAC, CertificateChain.EMPTY);
    }

    /** The golden key: an HMAC_256 key with fixed material and a grant (so the access part is not empty). */
    static MasterKey goldenKey() {
        KeyGrant grant = new KeyGrant("a".repeat(64), ID, "macs", "arn:aws:iam::111122223333:user/app", null,
                "arn:aws:iam::111122223333:root", EnumSet.of(GrantOperation.GenerateMac), Map.of(), Map.of(), T);
        return hmacKey(KeySpec.HMAC_256, GOLDEN_MATERIAL, new AccessRules(null, List.of(grant)));
    }

    private static byte[] golden() throws Exception {
        try (InputStream in = HmacRecordTest.class.getResourceAsStream(GOLDEN)) {
            assertNotNull(in, "golden file " + GOLDEN);
            return HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).replaceAll("\\s", ""));
        }
    }

    @ParameterizedTest
    @EnumSource(value = KeySpec.class, names = "HMAC_.*", mode = EnumSource.Mode.MATCH_ANY)
    void everyHmacSpecRoundTripsAtEveryAllowedLength(KeySpec spec) {
        int min = spec.bits() / 8;
        int max = spec.bits() <= 256 ? 64 : 128;
        for (int length : new int[]{min, max}) {
            byte[] material = counting(length, length);
            byte[] payload = MasterKeyCodec.encode(hmacKey(spec, material, AccessRules.DEFAULT));
            assertEquals(5, payload[0]);
            MasterKey back = MasterKeyCodec.decode(ID, 3, payload);
            assertEquals(spec, back.keySpec());
            assertEquals(KeyUsage.GENERATE_VERIFY_MAC, back.keyUsage());
            KeyVersion v = back.versions().get(0);
            assertTrue(v.isHmac());
            assertEquals(length, v.materialLength());
            byte[] copy = v.materialCopy();
            assertArrayEquals(material, copy);
            assertEquals(7, v.wraps());
            assertArrayEquals(new byte[payload.length], payload, "the payload is wiped once decoded");
        }
        assertThrows(IllegalArgumentException.class, () -> hmacKey(spec, new byte[min - 1], AccessRules.DEFAULT));
        assertThrows(IllegalArgumentException.class, () -> hmacKey(spec, new byte[max + 1], AccessRules.DEFAULT));
    }

    @Test
    void theGoldenVersion5PayloadReadsAndIsWrittenByteForByte() throws Exception {
        byte[] golden = golden();
        assertEquals(5, golden[0]);
        MasterKey read = MasterKeyCodec.decode(ID, 3, golden.clone());
        assertEquals(KeySpec.HMAC_256, read.keySpec());
        assertEquals(KeyUsage.GENERATE_VERIFY_MAC, read.keyUsage());
        assertEquals(List.of("mac"), read.aliases());
        assertEquals(1, read.access().grants().size());
        assertArrayEquals(GOLDEN_MATERIAL, read.versions().get(0).materialCopy());
        assertArrayEquals(golden, MasterKeyCodec.encode(read), "read and written again: the same bytes");
        assertArrayEquals(golden, MasterKeyCodec.encode(goldenKey()), "the golden key encodes to the golden file");
    }

    /** Offset of the version's material length: the last version's material and the access part follow it. */
    private static int materialLengthOffset(byte[] golden) {
        byte[] plain = MasterKeyCodec.encode(hmacKey(KeySpec.HMAC_256, GOLDEN_MATERIAL, AccessRules.DEFAULT));
        // without access rules the payload ends: ... length (2), material (32), no policy (1), no grants (2), no chain (1)
        return plain.length - 2 - 32 - 1 - 2 - 1;
    }

    @Test
    void malformedVersion5PayloadsAreRefused() throws Exception {
        byte[] golden = golden();
        int at = materialLengthOffset(golden);
        assertEquals(32, ((golden[at] & 0xFF) << 8) | (golden[at + 1] & 0xFF), "the golden key's material length");
        assertThrows(IllegalArgumentException.class, () -> MasterKeyCodec.decode(ID, 3, Arrays.copyOf(golden, golden.length - 1)));
        assertThrows(IllegalArgumentException.class, () -> MasterKeyCodec.decode(ID, 3, Arrays.copyOf(golden, golden.length + 1)));
        byte[] huge = golden.clone();
        huge[at] = (byte) 0xFF;
        var e = assertThrows(IllegalArgumentException.class, () -> MasterKeyCodec.decode(ID, 3, huge));
        assertTrue(e.getMessage().contains("key material length 65312 out of range"), e.getMessage());
        byte[] tooShort = golden.clone();
        tooShort[at + 1] = 31; // HMAC_256 takes 32 to 64 bytes; the rest of the payload shifts, but the length is refused first
        e = assertThrows(IllegalArgumentException.class, () -> MasterKeyCodec.decode(ID, 3, tooShort));
        assertTrue(e.getMessage().contains("HMAC_256") && e.getMessage().contains("32 to 64"), e.getMessage());
        byte[] older = golden.clone();
        older[0] = 4; // an HMAC key in a version 4 payload would be read as a 32-byte AES key: refused
        e = assertThrows(IllegalArgumentException.class, () -> MasterKeyCodec.decode(ID, 3, older));
        assertTrue(e.getMessage().contains("version 5"), e.getMessage());
    }

    @Test
    void aesKeysAndKeyPairsKeepTheirVersions() throws Exception {
        MasterKey aes = new MasterKey(ID, 1, "", KeyState.ENABLED, KeyManagerType.CUSTOMER, T, null, List.of("orders"),
                Map.of(), 0, 1, List.of(new KeyVersion(1, T, KeyOrigin.GENERATED, RotationReason.CREATED,
                KeySpec.SYMMETRIC_DEFAULT, new byte[32], 0)));
        assertEquals(2, MasterKeyCodec.encode(aes)[0]);
        assertEquals(3, MasterKeyCodec.encode(aes.withAccess(new AccessRules("{\"Statement\": []}", List.of()), "t"))[0]);
        assertEquals(4, MasterKeyCodec.encode(AsymmetricRecordTest.goldenKey())[0]);
        assertFalse(aes.versions().get(0).isHmac());
    }

    @Test
    void aDestroyedHmacKeyKeepsNoMaterial() {
        MasterKey key = hmacKey(KeySpec.HMAC_512, counting(1, 64), AccessRules.DEFAULT);
        MasterKey gone = key.deletionScheduled(T).destroyed(T);
        byte[] payload = MasterKeyCodec.encode(gone);
        assertEquals(5, payload[0]);
        MasterKey back = MasterKeyCodec.decode(ID, 3, payload);
        assertEquals(0, back.versions().get(0).materialLength());
        assertFalse(back.versions().get(0).holdsMaterial());
    }
}
