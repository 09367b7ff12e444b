package io.kmsjca.spi.file;

import io.kmsjca.spi.CorruptStoreException;
import io.kmsjca.spi.KeyRecordStore;
import io.kmsjca.spi.tck.KeyRecordStoreContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.*;

class FileKeyRecordStoreTest extends KeyRecordStoreContract {

    @TempDir
    Path dir;
    private int generation;

    /** A header that makes an image long enough for a few journal entries before a compaction. */
    static final byte[] ROOMY_HEADER = new byte[4096];
    /** A payload longer than the images of these tests: the change that writes it compacts. */
    static final String LARGE = "x".repeat(16 * 1024);

    /** HMAC-SHA256 under a fixed test key: the provider supplies one keyed from the root key. */
    static ImageAuthenticator hmac(String key) {
        return (data, off, len) -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key.getBytes(UTF_8), "HmacSHA256"));
                mac.update(data, off, len);
                return mac.doFinal();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    Path file() {
        return dir.resolve("store" + generation + ".kms");
    }

    @Override
    protected KeyRecordStore newStore() throws Exception {
        generation++;
        // the contract starts from a store with no header; a file store is always created with
        // one, so a view presents its placeholder header as "none"
        return new NoHeaderView(FileKeyRecordStore.create(file(), new byte[] {0}, hmac("k")));
    }

    @Override
    protected KeyRecordStore reopen(KeyRecordStore current) throws Exception {
        current.close();
        return FileKeyRecordStore.open(file(), header -> hmac("k"));
    }

    @Override
    protected KeyRecordStore openSecond(KeyRecordStore current) throws Exception {
        return new NoHeaderView(FileKeyRecordStore.open(file(), header -> hmac("k")));
    }

    @Test
    void everyFlippedByte_isRejected() throws Exception {
        store.put(record("k1", 1, "payload"));
        byte[] good = Files.readAllBytes(file());
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x01;
            Files.write(file(), bad);
            int at = i;
            assertThrows(CorruptStoreException.class,
                    () -> FileKeyRecordStore.open(file(), header -> hmac("k")), "flip at " + at);
        }
    }

    @Test
    void everyTruncation_isRejected() throws Exception {
        store.put(record("k1", 1, "payload"));
        byte[] good = Files.readAllBytes(file());
        for (int len = 0; len < good.length; len++) {
            Files.write(file(), Arrays.copyOf(good, len));
            int at = len;
            assertThrows(CorruptStoreException.class,
                    () -> FileKeyRecordStore.open(file(), header -> hmac("k")), "cut at " + at);
        }
    }

    @Test
    void wrongAuthenticationKey_isRejected() throws Exception {
        store.put(record("k1", 1, "payload"));
        assertThrows(CorruptStoreException.class, () -> FileKeyRecordStore.open(file(), header -> hmac("other")));
    }

    @Test
    void garbageFile_isRejected() throws Exception {
        Path garbage = dir.resolve("garbage.kms");
        Files.write(garbage, "this is not a key store, just a text file of some length".getBytes(UTF_8));
        var e = assertThrows(CorruptStoreException.class, () -> FileKeyRecordStore.open(garbage, header -> hmac("k")));
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
    }

    @Test
    void create_refusesToOverwrite() {
        assertThrows(FileAlreadyExistsException.class,
                () -> FileKeyRecordStore.create(file(), new byte[] {1}, hmac("k")));
    }

    @Test
    void writes_leaveNoTemporaryFiles() throws Exception {
        for (int i = 1; i <= 5; i++) {
            store.put(record("k1", i, "v" + i));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(java.util.Set.of("store1.kms", "store1.kms.journal", "store1.kms.prev", "store1.kms.lock"),
                    files.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()),
                    "the image, its journal, the generation before the last compaction and the lock file; no temporary file");
        }
    }

    @Test
    void temporaryFilesOfAKilledWriter_areRemovedOnOpen() throws Exception {
        store.put(record("k1", 1, "one"));
        Path orphan = dir.resolve(".store1.kms.123456.tmp");
        Path orphanPrev = dir.resolve(".store1.kms.prev.789.tmp");
        Path unrelated = dir.resolve(".other.kms.1.tmp");
        Files.write(orphan, new byte[] {1});
        Files.write(orphanPrev, new byte[] {2});
        Files.write(unrelated, new byte[] {3});
        FileKeyRecordStore.open(file(), header -> hmac("k"));
        assertFalse(Files.exists(orphan));
        assertFalse(Files.exists(orphanPrev));
        assertTrue(Files.exists(unrelated), "only this store's temporary files");
    }

    @Test
    void restorePrevious_afterADamagedJournal_keepsTheChangesBeforeTheDamage() throws Exception {
        store.close();
        Files.delete(file());
        var store = FileKeyRecordStore.create(file(), ROOMY_HEADER, hmac("k"));
        store.put(record("k1", 1, "one"));
        store.put(record("k1", 2, "two"));
        Path journal = FileKeyRecordStore.journal(file());
        byte[] damaged = Files.readAllBytes(journal);
        damaged[damaged.length - 40] ^= 1; // inside the last entry
        Files.write(journal, damaged);
        assertThrows(CorruptStoreException.class, () -> FileKeyRecordStore.open(file(), header -> hmac("k")));
        FileKeyRecordStore.restorePrevious(file(), header -> hmac("k"));
        var restored = FileKeyRecordStore.open(file(), header -> hmac("k"));
        assertEquals(record("k1", 1, "one"), restored.get("k1").orElseThrow(), "the generation before the last change");
        assertArrayEquals(damaged, Files.readAllBytes(dir.resolve("store1.kms.journal.damaged")), "the damaged journal is kept for inspection");
    }

    @Test
    void restorePrevious_ofAnUndamagedStore_undoesTheLastChange() throws Exception {
        store.close();
        Files.delete(file());
        var store = FileKeyRecordStore.create(file(), ROOMY_HEADER, hmac("k"));
        store.put(record("k1", 1, "one"));
        store.put(record("k2", 1, "two"));
        FileKeyRecordStore.restorePrevious(file(), header -> hmac("k"));
        var restored = FileKeyRecordStore.open(file(), header -> hmac("k"));
        assertEquals(java.util.List.of(record("k1", 1, "one")), restored.list());
        store.refresh();
        assertEquals(java.util.List.of(record("k1", 1, "one")), store.list(), "another store re-reads the restored journal");
    }

    @Test
    void restorePrevious_afterADamagedImage_opensThePreviousGeneration() throws Exception {
        store.close();
        Files.delete(file());
        var store = FileKeyRecordStore.create(file(), ROOMY_HEADER, hmac("k"));
        store.put(record("k1", 1, "one"));
        store.put(record("big", 1, LARGE)); // compacts
        assertTrue(Files.exists(FileKeyRecordStore.previousGeneration(file())));
        byte[] damaged = Files.readAllBytes(file());
        damaged[damaged.length / 2] ^= 1;
        Files.write(file(), damaged);
        assertThrows(CorruptStoreException.class, () -> FileKeyRecordStore.open(file(), header -> hmac("k")));
        FileKeyRecordStore.restorePrevious(file(), header -> hmac("k"));
        var restored = FileKeyRecordStore.open(file(), header -> hmac("k"));
        assertEquals(java.util.List.of(record("k1", 1, "one")), restored.list(), "the generation before the last change");
        assertTrue(Files.exists(dir.resolve("store1.kms.damaged")), "the damaged file is kept for inspection");
    }

    @Test
    void aNewHeader_replacesTheOldOneInThePreviousGenerationToo() throws Exception {
        Path f = dir.resolve("header.kms");
        var s = FileKeyRecordStore.create(f, new byte[] {1}, hmac("k"));
        s.put(record("k1", 1, "one"));
        s.putHeader(new byte[] {1}, new byte[] {2}); // what a new store password does
        byte[] prev = Files.readAllBytes(FileKeyRecordStore.previousGeneration(f));
        assertArrayEquals(new byte[] {2}, StoreImage.readHeader(prev),
                "a previous generation under the old header would still open with the old password");
        assertEquals(java.util.List.of(record("k1", 1, "one")), StoreImage.decode(prev, hmac("k")).records(),
                "the records before the change are kept");
        s.put(record("k1", 2, "two"));
        assertArrayEquals(new byte[] {2}, StoreImage.readHeader(Files.readAllBytes(FileKeyRecordStore.previousGeneration(f))));
    }

    @Test
    void twoStoresOnOneFile_seeEachOthersWrites_andCompareAndSetAcrossThem() throws Exception {
        store.put(record("k1", 1, "one"));
        var other = FileKeyRecordStore.open(file(), header -> hmac("k"));
        other.put(record("k2", 1, "from the other"));
        assertThrows(io.kmsjca.spi.StaleRecordException.class, () -> other.put(record("k1", 1, "again")));
        store.put(record("k1", 2, "two")); // sees k2 first, keeps it
        var third = FileKeyRecordStore.open(file(), header -> hmac("k"));
        assertEquals(2, third.list().size());
        assertEquals(record("k2", 1, "from the other"), third.get("k2").orElseThrow());
        java.util.List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        other.subscribe(heard::add);
        other.refresh();
        assertEquals(java.util.List.of("k1"), heard, "a reload reports what other writers changed");
    }
}
