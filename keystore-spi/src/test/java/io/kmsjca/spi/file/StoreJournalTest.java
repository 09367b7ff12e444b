package io.kmsjca.spi.file;

import io.kmsjca.spi.CorruptStoreException;
import io.kmsjca.spi.KeyRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The journal beside a file store's image: replayed on open, and every change to it other than
 * a torn tail (the end of an append that never returned) refused.
 */
class StoreJournalTest {

    @TempDir
    Path dir;
    Path file;
    Path journal;
    /** The store's records after each change: states.get(i) holds the first i changes. */
    final List<List<KeyRecord>> states = new ArrayList<>();

    private static KeyRecord record(String id, long revision, String payload) {
        return new KeyRecord(id, revision, payload.getBytes(UTF_8));
    }

    private static ImageAuthenticator.Factory key(String k) {
        return header -> FileKeyRecordStoreTest.hmac(k);
    }

    private List<KeyRecord> open() throws Exception {
        return sorted(FileKeyRecordStore.open(file, key("k")).list());
    }

    private static List<KeyRecord> sorted(List<KeyRecord> records) {
        return records.stream().sorted(Comparator.comparing(KeyRecord::keyId)).toList();
    }

    /** A store with four journal entries: k1@1, k2@1, k1@2, k2 removed. */
    @BeforeEach
    void fourChanges() throws Exception {
        file = dir.resolve("store.kms");
        journal = FileKeyRecordStore.journal(file);
        var store = FileKeyRecordStore.create(file, FileKeyRecordStoreTest.ROOMY_HEADER, FileKeyRecordStoreTest.hmac("k"));
        states.add(sorted(store.list()));
        store.put(record("k1", 1, "one"));
        states.add(sorted(store.list()));
        store.put(record("k2", 1, "two"));
        states.add(sorted(store.list()));
        store.put(record("k1", 2, "one again"));
        states.add(sorted(store.list()));
        store.delete("k2", 1);
        states.add(sorted(store.list()));
        assertEquals(List.of(record("k1", 2, "one again")), states.get(4));
    }

    /** Where each entry starts, and (last) where the journal ends. */
    private List<Integer> entryStarts(byte[] j) {
        List<Integer> starts = new ArrayList<>();
        int at = StoreJournal.HEADER_BYTES;
        while (at < j.length) {
            starts.add(at);
            at += StoreJournal.LENGTH + ByteBuffer.wrap(j, at, 4).getInt() + StoreJournal.TAG;
        }
        starts.add(at);
        return starts;
    }

    private byte[] entry(byte[] j, int n) {
        List<Integer> starts = entryStarts(j);
        return Arrays.copyOfRange(j, starts.get(n), starts.get(n + 1));
    }

    private static byte[] concat(byte[]... parts) {
        var out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void theImageStaysAsCreated_andTheJournalHoldsEveryChange() throws Exception {
        assertEquals(List.of(), StoreImage.decode(Files.readAllBytes(file), FileKeyRecordStoreTest.hmac("k")).records());
        assertEquals(4, entryStarts(Files.readAllBytes(journal)).size() - 1);
        assertEquals(states.get(4), open());
    }

    @Test
    void everyFlippedByte_isRefused() throws Exception {
        byte[] good = Files.readAllBytes(journal);
        for (int i = 0; i < good.length; i++) {
            for (int bit : new int[] {0x01, 0x80}) {
                byte[] bad = good.clone();
                bad[i] ^= bit;
                Files.write(journal, bad);
                int at = i;
                assertThrows(CorruptStoreException.class, this::open, "flip at " + at);
            }
        }
    }

    @Test
    void everyTruncation_opensTheChangesOfItsWholeEntries() throws Exception {
        byte[] good = Files.readAllBytes(journal);
        List<Integer> starts = entryStarts(good);
        for (int len = 0; len < good.length; len++) {
            Files.write(journal, Arrays.copyOf(good, len));
            int at = len;
            if (len < StoreJournal.HEADER_BYTES) {
                assertThrows(CorruptStoreException.class, this::open, "cut in the header at " + at);
                continue;
            }
            int whole = (int) starts.stream().filter(s -> s <= at).count() - 1;
            assertEquals(states.get(whole), open(), "cut at " + at + ": a torn tail is a change that never returned");
        }
    }

    @Test
    void aTornTail_isOverwrittenByTheNextAppend() throws Exception {
        byte[] good = Files.readAllBytes(journal);
        Files.write(journal, Arrays.copyOf(good, good.length - 10));
        var store = FileKeyRecordStore.open(file, key("k"));
        assertEquals(states.get(3), sorted(store.list()));
        store.delete("k2", 1);
        store.put(record("k3", 1, "three"));
        assertEquals(List.of(record("k1", 2, "one again"), record("k3", 1, "three")), open());
    }

    @Test
    void aZeroFilledTail_isATornTail() throws Exception {
        Files.write(journal, concat(Files.readAllBytes(journal), new byte[100]));
        assertEquals(states.get(4), open());
    }

    @Test
    void entriesReordered_areRefused() throws Exception {
        byte[] j = Files.readAllBytes(journal);
        byte[] header = Arrays.copyOf(j, StoreJournal.HEADER_BYTES);
        Files.write(journal, concat(header, entry(j, 1), entry(j, 0), entry(j, 2), entry(j, 3)));
        assertThrows(CorruptStoreException.class, this::open);
        Files.write(journal, concat(header, entry(j, 0), entry(j, 1), entry(j, 3), entry(j, 2)));
        assertThrows(CorruptStoreException.class, this::open);
    }

    @Test
    void anEntryRemoved_isRefused() throws Exception {
        byte[] j = Files.readAllBytes(journal);
        byte[] header = Arrays.copyOf(j, StoreJournal.HEADER_BYTES);
        Files.write(journal, concat(header, entry(j, 0), entry(j, 2), entry(j, 3)));
        assertThrows(CorruptStoreException.class, this::open);
        Files.write(journal, concat(header, entry(j, 1), entry(j, 2), entry(j, 3)));
        assertThrows(CorruptStoreException.class, this::open);
    }

    @Test
    void anEntryReplayed_isRefused() throws Exception {
        byte[] j = Files.readAllBytes(journal);
        Files.write(journal, concat(j, entry(j, 3)));
        assertThrows(CorruptStoreException.class, this::open);
        Files.write(journal, concat(j, entry(j, 0)));
        assertThrows(CorruptStoreException.class, this::open);
    }

    @Test
    void theJournalOfAnotherStore_isRefused() throws Exception {
        Path other = dir.resolve("other.kms");
        var store = FileKeyRecordStore.create(other, new byte[] {1}, FileKeyRecordStoreTest.hmac("other key"));
        store.put(record("k1", 1, "one"));
        Files.copy(FileKeyRecordStore.journal(other), journal, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThrows(CorruptStoreException.class, this::open, "another key");

        Path same = dir.resolve("same-key.kms");
        // another header: every real store's holds its own random salt and sealed root key
        var sameKey = FileKeyRecordStore.create(same, new byte[4000], FileKeyRecordStoreTest.hmac("k"));
        sameKey.put(record("k9", 1, "nine"));
        Files.copy(FileKeyRecordStore.journal(same), journal, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        var e = assertThrows(CorruptStoreException.class, this::open, "the same key, another image: changes it lacks");
        assertTrue(e.getMessage().contains("another image"), e.getMessage());
    }

    @Test
    void anEntryOfAnotherJournal_isRefused() throws Exception {
        Path same = dir.resolve("same-key.kms");
        var sameKey = FileKeyRecordStore.create(same, new byte[4000], FileKeyRecordStoreTest.hmac("k"));
        sameKey.put(record("k3", 1, "three"));
        byte[] foreign = entry(Files.readAllBytes(FileKeyRecordStore.journal(same)), 0);
        Files.write(journal, concat(Files.readAllBytes(journal), foreign));
        assertThrows(CorruptStoreException.class, this::open);
    }

    @Test
    void anEntryOfAnotherJournal_atItsOwnSequenceNumber_isRefused() throws Exception {
        // the same key and sequence number: only the chain to the entry before tells it apart
        Path same = dir.resolve("same-key.kms");
        var sameKey = FileKeyRecordStore.create(same, new byte[4000], FileKeyRecordStoreTest.hmac("k"));
        sameKey.put(record("k1", 1, "one"));
        sameKey.put(record("k3", 1, "three"));
        byte[] foreignSecond = entry(Files.readAllBytes(FileKeyRecordStore.journal(same)), 1);
        byte[] j = Files.readAllBytes(journal);
        Files.write(journal, concat(Arrays.copyOfRange(j, 0, entryStarts(j).get(1)), foreignSecond));
        var e = assertThrows(CorruptStoreException.class, this::open);
        assertTrue(e.getMessage().contains("entry 2"), e.getMessage());
    }

    @Test
    void entriesAtTheLengthBounds_readBackAsWritten() throws Exception {
        ImageAuthenticator hmac = FileKeyRecordStoreTest.hmac("k");
        byte[] header = StoreJournal.header(new byte[StoreJournal.TAG], hmac);
        byte[] previous = Arrays.copyOfRange(header, StoreJournal.HEADER_BYTES - StoreJournal.TAG, StoreJournal.HEADER_BYTES);
        List<StoreJournal.Change> changes = List.of(
                StoreJournal.Change.put(new KeyRecord("a", 1, new byte[] {1})),
                StoreJournal.Change.put(new KeyRecord("b".repeat(KeyRecord.MAX_KEY_ID_LENGTH), 2, new byte[KeyRecord.MAX_SEALED_BYTES])),
                StoreJournal.Change.delete("c", 3));
        var out = new java.io.ByteArrayOutputStream();
        out.writeBytes(header);
        long sequence = 1;
        for (StoreJournal.Change c : changes) {
            byte[] entry = StoreJournal.entry(sequence++, previous, c, hmac);
            out.writeBytes(entry);
            previous = Arrays.copyOfRange(entry, entry.length - StoreJournal.TAG, entry.length);
        }
        StoreJournal.Contents read = StoreJournal.read(out.toByteArray(), hmac, false);
        assertEquals(changes, read.changes(), "a 1-character key id, a 1-byte record, the longest id, the largest record");
        assertEquals(out.size(), read.end());
        assertEquals(4, read.nextSequence());
    }

    @Test
    void anOlderJournal_besideANewerImage_isRefused() throws Exception {
        byte[] old = Files.readAllBytes(journal);
        var store = FileKeyRecordStore.open(file, key("k"));
        store.put(record("k1", 3, FileKeyRecordStoreTest.LARGE)); // compacts
        assertEquals(StoreJournal.HEADER_BYTES, Files.size(journal), "a compaction starts an empty journal");
        Files.write(journal, old);
        var e = assertThrows(CorruptStoreException.class, this::open);
        assertTrue(e.getMessage().contains("another image"), e.getMessage());
    }

    @Test
    void theJournalACompactionAbsorbed_besideItsImage_isObsolete_andReplacedByTheNextChange() throws Exception {
        byte[] absorbed = Files.readAllBytes(journal);
        KeyRecord big = record("k1", 3, FileKeyRecordStoreTest.LARGE);
        byte[] lastTag = Arrays.copyOfRange(absorbed, absorbed.length - StoreJournal.TAG, absorbed.length);
        byte[] withTheChange = concat(absorbed,
                StoreJournal.entry(5, lastTag, StoreJournal.Change.put(big), FileKeyRecordStoreTest.hmac("k")));
        var store = FileKeyRecordStore.open(file, key("k"));
        store.put(big); // appended, then compacted
        List<KeyRecord> after = sorted(store.list());
        // a power cut between the new image's rename and the new journal's: the old journal, every change in the image
        Files.write(journal, withTheChange);
        assertEquals(after, open());
        var reopened = FileKeyRecordStore.open(file, key("k"));
        reopened.put(record("k5", 1, "five"));
        assertEquals(StoreJournal.HEADER_BYTES, entryStarts(Files.readAllBytes(journal)).get(0), "a new journal");
        assertEquals(2, entryStarts(Files.readAllBytes(journal)).size(), "holding the one change since");
        assertEquals(sorted(reopened.list()), open());
        assertEquals(2, open().size());

        Files.write(journal, absorbed);
        assertThrows(CorruptStoreException.class, this::open, "a journal missing the image's last change is not the absorbed one");
    }

    @Test
    void aVersion1Image_opensUnchanged_andItsFirstChangeWritesAVersion2Image() throws Exception {
        Path v1 = dir.resolve("v1.kms");
        Files.write(v1, new StoreImage(new byte[] {1}, List.of(record("k1", 1, "one"))).encode(FileKeyRecordStoreTest.hmac("k")));
        byte[] before = Files.readAllBytes(v1);
        var store = FileKeyRecordStore.open(v1, key("k"));
        assertEquals(List.of(record("k1", 1, "one")), store.list());
        assertArrayEquals(before, Files.readAllBytes(v1), "opening writes nothing");
        assertFalse(Files.exists(FileKeyRecordStore.journal(v1)));
        store.put(record("k2", 1, "two"));
        byte[] image = Files.readAllBytes(v1);
        assertEquals(StoreImage.JOURNALED_VERSION, image[8], "readers of before the journal refuse the live file now");
        assertEquals(2, StoreImage.decode(image, FileKeyRecordStoreTest.hmac("k")).records().size(), "the first change compacts");
        byte[] prev = Files.readAllBytes(FileKeyRecordStore.previousGeneration(v1));
        assertEquals(StoreImage.VERSION, prev[8], ".prev is self-contained: version 1");
        assertEquals(List.of(record("k1", 1, "one")), StoreImage.decode(prev, FileKeyRecordStoreTest.hmac("k")).records());
        store.put(record("k3", 1, "three"));
        assertEquals(3, FileKeyRecordStore.open(v1, key("k")).list().size());
        assertEquals(2, StoreImage.decode(Files.readAllBytes(v1), FileKeyRecordStoreTest.hmac("k")).records().size(),
                "the second change is in the journal");
    }

    @Test
    void aLiveImage_isNotReadAsASelfContainedStream() throws Exception {
        var e = assertThrows(CorruptStoreException.class,
                () -> StoreImageStreams.read(Files.newInputStream(file), key("k")));
        assertTrue(e.getMessage().contains("journal"), e.getMessage());
    }

    @Test
    void twoStoresAppendingAlternately_seeEachOthersEntries_readingOnlyTheNewOnes() throws Exception {
        var a = FileKeyRecordStore.open(file, key("k"));
        var b = FileKeyRecordStore.open(file, key("k"));
        List<String> heardByB = new java.util.concurrent.CopyOnWriteArrayList<>();
        b.subscribe(heardByB::add);
        for (int i = 1; i <= 20; i++) {
            (i % 2 == 0 ? a : b).put(record("k" + (10 + i), 1, "v" + i));
        }
        a.refresh();
        b.refresh();
        assertEquals(sorted(a.list()), sorted(b.list()));
        assertEquals(21, a.list().size());
        assertEquals(List.of("k12", "k14", "k16", "k18", "k20", "k22", "k24", "k26", "k28", "k30"),
                heardByB.stream().filter(id -> Integer.parseInt(id.substring(1)) % 2 == 0).sorted().toList(),
                "b hears a's changes, each once");
        assertEquals(sorted(a.list()), open());
    }
}
