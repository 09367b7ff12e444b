package io.kmsjca.crypto;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class Argon2ParamsTest {

    @Test
    void outOfBoundsParameters_areRejected() {
        assertThrows(IllegalArgumentException.class, () -> Argon2Params.of(Argon2Params.MAX_MEMORY_KIB + 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Argon2Params.of(7, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Argon2Params.of(64, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Argon2Params.of(64, 11, 1));
        assertThrows(IllegalArgumentException.class, () -> Argon2Params.of(64, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> Argon2Params.of(64, 1, 5));
        assertThrows(IllegalArgumentException.class, () -> Argon2Params.of(16, 1, 4), "memory below 8 x lanes");
    }

    @Test
    void derive_isDeterministicAndPasswordDependent() {
        Argon2Params p = Argon2Params.of(64, 1, 1);
        byte[] salt = new byte[16];
        assertArrayEquals(p.derive("pw".toCharArray(), salt, 32), p.derive("pw".toCharArray(), salt, 32));
        assertFalse(java.util.Arrays.equals(p.derive("pw".toCharArray(), salt, 32), p.derive("pW".toCharArray(), salt, 32)));
    }

    @Test
    void referenceImplementationVector_matches() {
        // Argon2id v1.3, t=2, m=2^16 KiB, p=1, password "password", salt "somesalt":
        // the known answer of the reference implementation's test suite (argon2 src/test.c)
        Argon2Params p = Argon2Params.of(1 << 16, 2, 1);
        byte[] out = p.derive("password".toCharArray(), "somesalt".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 32);
        assertEquals("09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7", java.util.HexFormat.of().formatHex(out));
    }
}
