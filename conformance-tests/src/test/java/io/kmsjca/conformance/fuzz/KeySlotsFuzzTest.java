package io.kmsjca.conformance.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kmsjca.internal.format.KeySlot;
import io.kmsjca.internal.format.KeySlots;
import io.kmsjca.internal.format.RootKeyHeader;
import io.kmsjca.keys.Argon2Params;
import org.junit.jupiter.api.AfterAll;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The version-2 root key header (credential slots), whose counts, lengths, kinds, flags and KDF
 * bounds are checked before use: only IllegalArgumentException, and one encoding per header.
 * Inputs are a valid header with bytes flipped (and the raw input), so the slot parser is reached.
 */
class KeySlotsFuzzTest {

    private static final AtomicLong RUNS = new AtomicLong();
    private static final byte[] VALID = KeySlots.decode(new RootKeyHeader(Argon2Params.of(65536, 3, 1), new byte[16],
                    new byte[12], new byte[48]).encode())
            .with(new KeySlot(KeySlot.Kind.PASSWORD, "bob", KeySlot.ADMINISTRATOR, Argon2Params.of(65536, 3, 1),
                    new byte[16], new byte[12], new byte[48]))
            .with(new KeySlot(KeySlot.Kind.KEY_FILE, "svc", 0, null, new byte[16], new byte[12], new byte[48]))
            .encode();

    @AfterAll
    static void ranEnough() {
        FuzzFixtures.assertRanEnough("keySlots", RUNS.get());
    }

    @FuzzTest(maxDuration = "5s")
    void keySlots(byte[] input) {
        RUNS.incrementAndGet();
        decode(input);
        decode(FuzzFixtures.mutate(VALID, input));
    }

    private static void decode(byte[] input) {
        KeySlots slots;
        try {
            slots = KeySlots.decode(input);
        } catch (IllegalArgumentException expected) {
            return; // declared: bounds are checked here, before any derivation
        }
        FuzzFixtures.assertReEncodes(input, slots.encode());
    }
}
