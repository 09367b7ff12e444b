package io.kmsjca.conformance;

import io.kmsjca.internal.format.WrappedKeyBlob;
import io.kmsjca.keys.KeyService;
import io.kmsjca.internal.service.KeyStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 14: salts, nonces and data keys come from the provider's own generator, never from the
 * {@code SecureRandom} a caller passes to {@code init}. Two child JVMs start from identical copies
 * of one store (as two JVMs restored from one snapshot would) and both pass an identically seeded
 * {@code SHA1PRNG}: every blob, data key and envelope they make still differs.
 */
class SeededCallerRandomTest {

    @TempDir
    Path dir;

    @Test
    void twoProcesses_withTheSameSeededRandom_neverMakeTheSameBlob() throws Exception {
        Path original = dir.resolve("original.kms");
        KeyService service = KeyStores.openFile(original, "seeded".toCharArray(),
                Fixtures.cheapOptions().withMaintenanceInterval(java.time.Duration.ZERO));
        service.createKey("seeded", "");
        service.close();
        Path a = copyOf(original, dir.resolve("a.kms"));
        Path b = copyOf(original, dir.resolve("b.kms"));

        var first = ChildJvm.java(List.of(), SeededRandomMain.class, a.toString(), "seeded");
        var second = ChildJvm.java(List.of(), SeededRandomMain.class, b.toString(), "seeded");
        assertEquals(0, first.exitCode(), first.all());
        assertEquals(0, second.exitCode(), second.all());

        byte[] blobA = HexFormat.of().parseHex(line(first.stdout(), "blob="));
        byte[] blobB = HexFormat.of().parseHex(line(second.stdout(), "blob="));
        assertFalse(Arrays.equals(blobA, blobB), "the same data key wraps to different blobs");
        assertFalse(Arrays.equals(saltAndNonce(blobA), saltAndNonce(blobB)), "the (salt, nonce) pairs differ");
        assertFalse(Arrays.equals(salt(blobA), salt(blobB)), "so do the salts, hence the derived keys");
        assertNotEquals(line(first.stdout(), "datakey="), line(second.stdout(), "datakey="),
                "KMSDataKey makes different data keys");
        assertNotEquals(line(first.stdout(), "envelope="), line(second.stdout(), "envelope="),
                "KMSEnvelope makes different messages (data key and salt)");
    }

    private static byte[] salt(byte[] blob) {
        return Arrays.copyOfRange(blob, WrappedKeyBlob.SALT_OFFSET, WrappedKeyBlob.SALT_OFFSET + WrappedKeyBlob.SALT_BYTES);
    }

    private static byte[] saltAndNonce(byte[] blob) {
        byte[] pair = Arrays.copyOf(salt(blob), WrappedKeyBlob.SALT_BYTES + WrappedKeyBlob.NONCE_BYTES);
        System.arraycopy(blob, WrappedKeyBlob.NONCE_OFFSET, pair, WrappedKeyBlob.SALT_BYTES, WrappedKeyBlob.NONCE_BYTES);
        return pair;
    }

    private static String line(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + prefix + " in " + out));
    }

    /** A copy of a live store: its image and, when there is one, its journal. */
    private static Path copyOf(Path store, Path to) throws Exception {
        Files.copy(store, to);
        Path journal = io.kmsjca.spi.file.FileKeyRecordStore.journal(store);
        if (Files.exists(journal)) {
            Files.copy(journal, io.kmsjca.spi.file.FileKeyRecordStore.journal(to));
        }
        return to;
    }
}
