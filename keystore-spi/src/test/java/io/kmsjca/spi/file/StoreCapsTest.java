package io.kmsjca.spi.file;

import io.kmsjca.spi.KeyRecord;
import io.kmsjca.spi.StoreFullException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A file store at one of its caps (issue #15): the change that would pass the cap is refused
 * with a {@link StoreFullException} naming it, nothing is written, and the store still opens with
 * every record it had and takes changes that fit. Before, the cap on records was checked only
 * when reading (a store of one record too many was written and then never opened again), and the
 * cap on bytes threw an unchecked exception from the middle of a change.
 */
// file sizes and record counts, not the JDK: CI runs it on JDK 17 only (README, "Supported JDKs")
@Tag("same-on-every-jdk")
class StoreCapsTest {

    private static final byte[] HEADER = {1};

    @TempDir
    Path dir;

    @Test
    void oneRecordPastTheRecordCount_isRejected_andTheStoreStillOpens() throws Exception {
        List<KeyRecord> records = new ArrayList<>(StoreImage.MAX_RECORDS);
        byte[] tiny = {7};
        for (int i = 0; i < StoreImage.MAX_RECORDS; i++) {
            records.add(new KeyRecord(new UUID(0, i).toString(), 1, tiny)); // key ids are UUIDs
        }
        Path file = write(records);
        records = null;
        try (var store = FileKeyRecordStore.open(file, header -> FileKeyRecordStoreTest.hmac("k"))) {
            StoreFullException full = assertThrows(StoreFullException.class,
                    () -> store.put(new KeyRecord("one-more", 1, tiny)));
            assertTrue(full.getMessage().contains("1000001 records, more than the 1000000 allowed"), full.getMessage());
            assertTrue(full.getMessage().contains(file.toString()), "names the store");
            assertEquals(StoreImage.MAX_RECORDS, store.list().size());
            store.delete(new UUID(0, 0).toString(), 1);
            store.put(new KeyRecord("one-more", 1, tiny)); // fits once a record is gone
        }
        reopensWith(file, StoreImage.MAX_RECORDS);
    }

    @Test
    void aChangePastTheImageSize_isRejected_andTheStoreStillOpens() throws Exception {
        byte[] large = new byte[KeyRecord.MAX_SEALED_BYTES];
        int fit = StoreImage.MAX_IMAGE_BYTES / KeyRecord.MAX_SEALED_BYTES - 1; // leaves room for the framing
        List<KeyRecord> records = new ArrayList<>(fit);
        for (int i = 0; i < fit; i++) {
            records.add(new KeyRecord("r" + i, 1, large));
        }
        Path file = write(records);
        records = null;
        System.out.printf("[scale] a store of %d records of 1 MiB: %,d bytes, cap %,d%n", fit, Files.size(file),
                StoreImage.MAX_IMAGE_BYTES);
        try (var store = FileKeyRecordStore.open(file, header -> FileKeyRecordStoreTest.hmac("k"))) {
            StoreFullException full = assertThrows(StoreFullException.class,
                    () -> store.put(new KeyRecord("one-more", 1, large)));
            assertTrue(full.getMessage().contains("more than the " + StoreImage.MAX_IMAGE_BYTES + " allowed"),
                    full.getMessage());
            store.put(new KeyRecord("small", 1, new byte[] {1})); // a change that fits still goes through
        }
        reopensWith(file, fit + 1);
    }

    private Path write(List<KeyRecord> records) throws Exception {
        Path file = dir.resolve("full.kms");
        Files.write(file, new StoreImage(HEADER, records).encode(FileKeyRecordStoreTest.hmac("k")));
        return file;
    }

    private void reopensWith(Path file, int records) throws Exception {
        try (var store = FileKeyRecordStore.open(file, header -> FileKeyRecordStoreTest.hmac("k"));
             Stream<Path> files = Files.list(dir)) {
            assertEquals(records, store.list().size());
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
    }
}
