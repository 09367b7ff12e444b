package io.kmsjca.conformance;

import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsEncryptionContextSpec;
import io.kmsjca.provider.KmsProvider;
import io.kmsjca.spi.file.FileKeyRecordStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Live file stores as files: {@code journal-v1} (image version 2 and its journal, written by
 * {@link GoldenJournalWriter}) opens byte for byte; a version-1 image (the golden {@code audit-v1}
 * store, copied as a live file) opens unchanged and moves to version 2 on its first write
 * (docs/FORMAT.md).
 */
class GoldenJournalTest {

    @TempDir
    Path tmp;

    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    /** A copy of a golden live store: opening takes the lock, which creates a file beside it. */
    private Path copy(String generation) throws Exception {
        Path to = Files.createDirectory(tmp.resolve(generation));
        try (Stream<Path> files = Files.list(GOLDEN.resolve(generation))) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
        return to;
    }

    private static KeyService open(Path file) throws Exception {
        return KeyStores.openFile(file, GoldenFileWriter.PASSWORD.toCharArray(), Fixtures.cheapOptions());
    }

    private static byte[] unwrap(KeyService keys, Path blob) throws Exception {
        Cipher c = Cipher.getInstance("KMSWrap", new KmsProvider());
        c.init(Cipher.UNWRAP_MODE, keys.findKey(GoldenFileWriter.ALIAS).orElseThrow(),
                new KmsEncryptionContextSpec(GoldenFileWriter.CONTEXT));
        return ((SecretKey) c.unwrap(Files.readAllBytes(blob), "AES", Cipher.SECRET_KEY)).getEncoded();
    }

    @Test
    void journalV1_opens_withTheChangesInItsJournal() throws Exception {
        Path dir = copy("journal-v1");
        Path file = dir.resolve("store.kms");
        byte[] image = Files.readAllBytes(file);
        assertArrayEquals("KMSJCAKS".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(image, 8));
        assertEquals(2, image[8], "a live file's image is version 2");
        byte[] journal = Files.readAllBytes(FileKeyRecordStore.journal(file));
        assertArrayEquals("KMSJCAJL".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(journal, 8));
        assertEquals(1, journal[8]);
        assertArrayEquals(Arrays.copyOfRange(image, image.length - 32, image.length), Arrays.copyOfRange(journal, 9, 41),
                "the journal names its image by the image's tag");
        assertTrue(journal.length > 73, "the journal holds entries");
        try (KeyService keys = open(file)) {
            assertEquals(List.of(GoldenFileWriter.ALIAS, GoldenFileWriter.SECOND_ALIAS), keys.listAliases().stream()
                    .map(io.kmsjca.keys.KeyAlias::alias).sorted().toList());
            KmsKeyHandle key = keys.findKey(GoldenFileWriter.ALIAS).orElseThrow();
            assertEquals(UUID.fromString(Files.readString(dir.resolve("key-id.txt")).strip()), key.keyId());
            assertArrayEquals(GoldenFileWriter.DATA_KEY, unwrap(keys, dir.resolve("wrapped-key.bin")));
            assertEquals(2, keys.describeKey(GoldenFileWriter.SECOND_ALIAS).versionCount(), "the rotation in the journal");
        }
    }

    @Test
    void aVersion1LiveFile_opensUnchanged_andItsFirstWriteMovesItToVersion2() throws Exception {
        Path dir = copy("audit-v1"); // a version-1 image that already holds the store's audit key
        Path file = dir.resolve("store.kms");
        byte[] before = Files.readAllBytes(file);
        assertEquals(1, before[8]);
        try (KeyService keys = open(file)) {
            assertArrayEquals(GoldenFileWriter.DATA_KEY, unwrap(keys, dir.resolve("wrapped-key.bin")));
        }
        assertArrayEquals(before, Files.readAllBytes(file), "opening and using a key write nothing");
        assertFalse(Files.exists(FileKeyRecordStore.journal(file)), "no journal before the first write");
        try (KeyService keys = open(file)) {
            keys.createKey("after-migration", "");
        }
        assertEquals(2, Files.readAllBytes(file)[8], "the first write replaced the image by a version-2 image");
        assertEquals(1, Files.readAllBytes(FileKeyRecordStore.previousGeneration(file))[8],
                ".prev is self-contained: older releases still open it");
        try (KeyService keys = open(file)) {
            assertTrue(keys.hasAlias("after-migration"));
            assertArrayEquals(GoldenFileWriter.DATA_KEY, unwrap(keys, dir.resolve("wrapped-key.bin")));
            keys.createKey("in-the-journal", "");
        }
        assertTrue(Files.size(FileKeyRecordStore.journal(file)) > 73, "the second write is a journal entry");
        try (KeyService keys = open(file)) {
            assertTrue(keys.hasAlias("in-the-journal"));
        }
    }

    @Test
    void theFirstVersion1Store_migratesWhenOpening_whichCreatesItsAuditKey() throws Exception {
        Path dir = copy("v1"); // from before audit keys: opening creates one, its first write
        Path file = dir.resolve("store.kms");
        assertEquals(1, Files.readAllBytes(file)[8]);
        try (KeyService keys = open(file)) {
            assertArrayEquals(GoldenFileWriter.DATA_KEY, unwrap(keys, dir.resolve("wrapped-key.bin")));
        }
        assertEquals(2, Files.readAllBytes(file)[8], "the audit key's write moved the image to version 2");
        assertEquals(1, Files.readAllBytes(FileKeyRecordStore.previousGeneration(file))[8]);
        try (KeyService keys = open(file)) {
            assertArrayEquals(GoldenFileWriter.DATA_KEY, unwrap(keys, dir.resolve("wrapped-key.bin")));
        }
    }
}
