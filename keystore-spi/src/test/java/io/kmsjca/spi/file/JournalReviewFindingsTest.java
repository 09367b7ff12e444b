package io.kmsjca.spi.file;

import io.kmsjca.spi.CorruptStoreException;
import io.kmsjca.spi.KeyRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Security review of the file store's journal (#23), by someone with write access to the folder:
 * what is refused and what opens (the documented rollbacks of docs/reliability.md). Checked sound.
 */
class JournalReviewFindingsTest {

    @TempDir
    Path dir;

    private static KeyRecord record(String id, long revision, String payload) {
        return new KeyRecord(id, revision, payload.getBytes(UTF_8));
    }

    private static List<KeyRecord> open(Path file) throws Exception {
        return FileKeyRecordStore.open(file, header -> FileKeyRecordStoreTest.hmac("k")).list().stream()
                .sorted(Comparator.comparing(KeyRecord::keyId)).toList();
    }

    /** NAME.prev put in place of the image, beside the journal of the image after it: refused, not half-applied. */
    @Test
    void theImageOfPrev_besideTheNewerJournal_isRefused() throws Exception {
        Path file = dir.resolve("store.kms");
        Path journal = FileKeyRecordStore.journal(file);
        var store = FileKeyRecordStore.create(file, FileKeyRecordStoreTest.ROOMY_HEADER, FileKeyRecordStoreTest.hmac("k"));
        store.put(record("k1", 1, "one"));
        store.put(record("k1", 2, FileKeyRecordStoreTest.LARGE)); // compacts: .prev holds k1@1
        store.put(record("k2", 1, "two")); // in the new journal
        assertEquals(List.of(record("k1", 1, "one")), open(FileKeyRecordStore.previousGeneration(file)));
        assertTrue(Files.size(journal) > StoreJournal.HEADER_BYTES);

        Files.copy(FileKeyRecordStore.previousGeneration(file), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        var e = assertThrows(CorruptStoreException.class, () -> open(file));
        assertTrue(e.getMessage().contains("another image"), e.getMessage());
    }

    /**
     * The journal removed: the image alone opens, without the changes since the last compaction
     * (docs/reliability.md: a cut journal, like an old copy put back, undoes the changes after it;
     * a running process refuses the records that went back).
     */
    @Test
    void theJournalRemoved_opensAsTheLastCompaction_theDocumentedRollback() throws Exception {
        Path file = dir.resolve("store.kms");
        var store = FileKeyRecordStore.create(file, FileKeyRecordStoreTest.ROOMY_HEADER, FileKeyRecordStoreTest.hmac("k"));
        store.put(record("k1", 1, "one"));
        store.put(record("k1", 2, "one again"));
        Files.delete(FileKeyRecordStore.journal(file));
        assertEquals(List.of(), open(file), "the image of the store's creation");
    }
}
