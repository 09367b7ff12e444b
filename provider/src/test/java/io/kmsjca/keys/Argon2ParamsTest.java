package io.kmsjca.keys;

import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.internal.service.KeyStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

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
    void derive_isDeterministicAndPasswordDependent() throws Exception {
        Argon2Params p = Argon2Params.of(64, 1, 1);
        byte[] salt = new byte[16];
        assertArrayEquals(p.derive("pw".toCharArray(), salt, 32), p.derive("pw".toCharArray(), salt, 32));
        assertFalse(java.util.Arrays.equals(p.derive("pw".toCharArray(), salt, 32), p.derive("pW".toCharArray(), salt, 32)));
    }

    @Test
    void referenceImplementationVector_matches() throws Exception {
        // Argon2id v1.3, t=2, m=2^16 KiB, p=1, password "password", salt "somesalt":
        // the known answer of the reference implementation's test suite (argon2 src/test.c)
        Argon2Params p = Argon2Params.of(1 << 16, 2, 1);
        byte[] out = p.derive("password".toCharArray(), "somesalt".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 32);
        assertEquals("09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7", java.util.HexFormat.of().formatHex(out));
    }

    @Test
    void belowTheFloor_forNewPasswords_isRejected() {
        KeyServiceOptions defaults = KeyServiceOptions.defaults();
        var weak = assertThrows(IllegalArgumentException.class, () -> defaults.withKdf(Argon2Params.of(64, 1, 1)));
        assertTrue(weak.getMessage().contains("19456 KiB") && weak.getMessage().contains("2 passes"), weak.getMessage());
        assertThrows(IllegalArgumentException.class, () -> defaults.withKdf(Argon2Params.of(19 * 1024, 1, 1)), "one pass");
        assertThrows(IllegalArgumentException.class, () -> defaults.withKdf(Argon2Params.of(19 * 1024 - 1, 2, 1)), "under 19 MiB");
        assertEquals(Argon2Params.of(19 * 1024, 2, 1), defaults.withKdf(Argon2Params.of(19 * 1024, 2, 1)).kdf());
        assertTrue(Argon2Params.DEFAULT.meetsFloorForNewPasswords());
    }

    @Test
    void insecureForTests_isTheNamedExceptionToTheFloor() {
        Argon2Params test = Argon2Params.insecureForTests();
        assertEquals(Argon2Params.of(64, 1, 1), test, "derives as 64 KiB, one pass");
        assertTrue(test.isInsecureForTests() && test.meetsFloorForNewPasswords());
        assertFalse(Argon2Params.of(64, 1, 1).meetsFloorForNewPasswords(), "the same numbers, not named, are refused");
        assertTrue(test.toString().contains("insecure"));
        assertSame(test, KeyServiceOptions.defaults().withKdf(test).kdf());
    }

    @Test
    void aStoreWrittenBelowTheFloor_stillOpens_andItsPasswordCanBeChanged(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("old.kms");
        char[] password = "old store".toCharArray();
        KeyStores.openFile(file, password, KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests())).close();
        var floor = KeyServiceOptions.defaults().withKdf(Argon2Params.of(Argon2Params.MIN_MEMORY_KIB_FOR_NEW, 2, 1));
        try (var keys = KeyStores.openFile(file, password, floor)) { // the header's 64 KiB, authenticated
            assertTrue(keys.verifyPassword(password));
            KeyStores.changePassword(keys, "new password".toCharArray());
        }
        try (var keys = KeyStores.openFile(file, "new password".toCharArray(), floor)) {
            assertTrue(keys.verifyPassword("new password".toCharArray()));
        }
    }
}
