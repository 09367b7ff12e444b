package io.kmsjca.internal.format;

import io.kmsjca.keys.Argon2Params;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The root key header's credential list: version 1 read as one slot, version 2 bounded before use. */
class KeySlotsTest {

    static final Argon2Params KDF = Argon2Params.of(65536, 3, 1);

    static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    static KeySlot password(String principal, int flags) {
        return new KeySlot(KeySlot.Kind.PASSWORD, principal, flags, KDF, filled(16, 1), filled(12, 2), filled(48, 3));
    }

    static KeySlot keyFile(String principal, int flags) {
        return new KeySlot(KeySlot.Kind.KEY_FILE, principal, flags, null, filled(16, 4), filled(12, 5), filled(48, 6));
    }

    static RootKeyHeader v1() {
        return new RootKeyHeader(KDF, filled(16, 7), filled(12, 8), filled(48, 9));
    }

    @Test
    void aVersionOneHeaderIsOneAdministratorPasswordSlotAndEncodesToTheSameBytes() {
        byte[] bytes = v1().encode();
        KeySlots slots = KeySlots.decode(bytes);
        assertTrue(slots.isVersion1());
        KeySlot only = slots.slots().get(0);
        assertEquals(KeySlot.Kind.V1_PASSWORD, only.kind());
        assertEquals("admin", only.principal());
        assertTrue(only.administrator() && only.actsForOthers());
        assertArrayEquals(RootKeyHeader.aad(KDF, filled(16, 7)), only.aad(), "its wrap is authenticated as in version 1");
        assertArrayEquals(bytes, slots.encode());
    }

    @Test
    void aVersionTwoHeaderRoundTripsEverySlotsDescription() {
        KeySlots slots = KeySlots.decode(v1().encode()).with(password("bob", KeySlot.ADMINISTRATOR))
                .with(keyFile("orders-service", KeySlot.ACTS_FOR_OTHERS));
        byte[] bytes = slots.encode();
        assertEquals(2, bytes[4]);
        assertEquals(3, bytes[5]);
        assertEquals(6 + 86 + (4 + 3 + 9 + 16 + 12 + 48) + (4 + 14 + 16 + 12 + 48), bytes.length);
        KeySlots back = KeySlots.decode(bytes);
        assertFalse(back.isVersion1());
        assertEquals(List.of("admin", "bob", "orders-service"), back.slots().stream().map(KeySlot::principal).toList());
        assertEquals(KeySlot.ADMINISTRATOR, back.find("bob").orElseThrow().flags());
        assertEquals(KeySlot.Kind.KEY_FILE, back.find("orders-service").orElseThrow().kind());
        assertArrayEquals(bytes, back.encode());
        assertEquals(List.of("admin", "orders-service"),
                back.without("bob").slots().stream().map(KeySlot::principal).toList());
    }

    @Test
    void theAadOfASlotCoversItsPrincipalFlagsKindAndSalt() {
        byte[] base = password("bob", 0).aad();
        assertFalse(Arrays.equals(base, password("bob", KeySlot.ADMINISTRATOR).aad()));
        assertFalse(Arrays.equals(base, password("bob", KeySlot.ACTS_FOR_OTHERS).aad()));
        assertFalse(Arrays.equals(base, password("bof", 0).aad()));
        assertFalse(Arrays.equals(base, new KeySlot(KeySlot.Kind.PASSWORD, "bob", 0, Argon2Params.of(65536, 2, 1),
                filled(16, 1), filled(12, 2), filled(48, 3)).aad()), "KDF parameters");
        assertFalse(Arrays.equals(base, new KeySlot(KeySlot.Kind.PASSWORD, "bob", 0, KDF,
                filled(16, 9), filled(12, 2), filled(48, 3)).aad()), "salt");
        assertFalse(Arrays.equals(keyFile("bob", 0).aad(), keyFile("bob", KeySlot.ADMINISTRATOR).aad()));
    }

    @Test
    void countsLengthsAndKindsAreBoundedBeforeUse() {
        byte[] good = KeySlots.decode(v1().encode()).with(keyFile("svc", 0)).encode();
        int svc = 6 + 86;

        byte[] zero = good.clone();
        zero[5] = 0;
        assertThrows(IllegalArgumentException.class, () -> KeySlots.decode(zero));
        byte[] many = good.clone();
        many[5] = 33;
        assertThrows(IllegalArgumentException.class, () -> KeySlots.decode(many));
        byte[] more = good.clone();
        more[5] = 3;
        assertThrows(IllegalArgumentException.class, () -> KeySlots.decode(more), "truncated");

        byte[] longName = good.clone();
        ByteBuffer.wrap(longName).putShort(svc + 2, (short) 257);
        assertThrows(IllegalArgumentException.class, () -> KeySlots.decode(longName));
        byte[] noName = good.clone();
        ByteBuffer.wrap(noName).putShort(svc + 2, (short) 0);
        assertThrows(IllegalArgumentException.class, () -> KeySlots.decode(noName));

        byte[] kind = good.clone();
        kind[svc] = 9;
        assertThrows(IllegalArgumentException.class, () -> KeySlots.decode(kind));
        byte[] flags = good.clone();
        flags[svc + 1] = 4;
        assertThrows(IllegalArgumentException.class, () -> KeySlots.decode(flags));

        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertThrows(IllegalArgumentException.class, () -> KeySlots.decode(trailing));
        byte[] version = good.clone();
        version[4] = 3;
        assertThrows(IllegalArgumentException.class, () -> KeySlots.decode(version));
    }

    @Test
    void principalsAreUniqueAndWellFormedAndThereAreAtMost32Slots() {
        KeySlots one = KeySlots.decode(v1().encode());
        assertThrows(IllegalArgumentException.class, () -> one.with(keyFile("admin", 0)));
        assertThrows(IllegalArgumentException.class, () -> keyFile("", 0));
        assertThrows(IllegalArgumentException.class, () -> keyFile("x".repeat(257), 0));
        assertThrows(IllegalArgumentException.class, () -> keyFile(" bob", 0));
        assertThrows(IllegalArgumentException.class, () -> keyFile("bob\nsecret x", 0));
        keyFile("é".repeat(128), 0); // 256 bytes of UTF-8
        List<KeySlot> slots = new ArrayList<>();
        for (int i = 0; i < KeySlots.MAX_SLOTS; i++) {
            slots.add(keyFile("s" + i, 0));
        }
        KeySlots full = new KeySlots(2, slots);
        assertThrows(IllegalArgumentException.class, () -> full.with(keyFile("one-more", 0)));
        assertEquals(full, full);
        assertEquals(KeySlots.MAX_SLOTS, KeySlots.decode(full.encode()).slots().size());
    }

    @Test
    void principalLengthsAndSlotCountsAtTheirBounds_decode_andFlagsSayOnlyWhatIsSet() {
        KeySlots shortAndLong = new KeySlots(2, List.of(keyFile("a", 0), password("é".repeat(128), KeySlot.ADMINISTRATOR)));
        KeySlots back = KeySlots.decode(shortAndLong.encode());
        assertEquals(List.of("a", "é".repeat(128)), back.slots().stream().map(KeySlot::principal).toList(),
                "a 1-byte and a 256-byte principal");
        assertEquals(1, KeySlots.decode(new KeySlots(2, List.of(keyFile("only", 0))).encode()).slots().size(), "one slot");

        KeySlot neither = back.find("a").orElseThrow();
        assertFalse(neither.administrator() || neither.actsForOthers());
        KeySlot administrator = back.find("é".repeat(128)).orElseThrow();
        assertTrue(administrator.administrator());
        assertFalse(administrator.actsForOthers());
        KeySlot forOthers = keyFile("svc", KeySlot.ACTS_FOR_OTHERS);
        assertTrue(forOthers.actsForOthers());
        assertFalse(forOthers.administrator());
    }
}
