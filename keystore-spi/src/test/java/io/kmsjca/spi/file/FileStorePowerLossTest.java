package io.kmsjca.spi.file;

import io.kmsjca.spi.KeyRecord;
import io.kmsjca.spi.internal.AtomicFiles;
import io.kmsjca.spi.file.disk.SimulatedDisk;
import io.kmsjca.spi.file.disk.SimulatedDisk.Cut;
import io.kmsjca.spi.file.disk.SimulatedDisk.Op;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Power loss and I/O faults on the file store, on a {@link SimulatedDisk} that keeps only what
 * was forced: a power cut after any step of a change leaves the old store or the new one, and
 * once the call has returned, the new one. These tests fail if any fsync of {@link AtomicFiles}
 * is removed (docs/reliability.md).
 */
class FileStorePowerLossTest {

    @TempDir
    Path tmp;
    SimulatedDisk disk;
    Path file;
    private int cutsOpened;

    @BeforeEach
    void setUp() throws IOException {
        disk = SimulatedDisk.over(Files.createDirectory(tmp.resolve("disk")));
        file = disk.root().resolve("store.kms");
    }

    private static ImageAuthenticator.Factory key() {
        return header -> FileKeyRecordStoreTest.hmac("k");
    }

    private static KeyRecord record(String id, long revision, String payload) {
        return new KeyRecord(id, revision, payload.getBytes(UTF_8));
    }

    /** The header and every record of a store, comparable as one string. */
    private static String state(FileKeyRecordStore store) {
        return HexFormat.of().formatHex(store.header().orElseThrow()) + store.list().stream()
                .sorted(Comparator.comparing(KeyRecord::keyId))
                .map(r -> " " + r.keyId() + "@" + r.revision() + "=" + HexFormat.of().formatHex(r.sealed()))
                .collect(Collectors.joining());
    }

    /** Opens the store a power cut left (null if there is none), checking what else it left. */
    private String openCut(Cut cut, String name) throws IOException {
        Path dir = cut.materialize(Files.createDirectory(tmp.resolve("cut" + ++cutsOpened)));
        Path store = dir.resolve(name);
        if (!Files.exists(store)) {
            return null;
        }
        String opened = state(FileKeyRecordStore.open(store, key()));
        Path prev = FileKeyRecordStore.previousGeneration(store);
        if (Files.exists(prev)) {
            assertDoesNotThrow(() -> FileKeyRecordStore.open(prev, key()), cut + ": the previous generation opens");
        }
        assertEquals(List.of(), temporaryFiles(dir), cut + ": opening removed the temporary files");
        return opened;
    }

    private static List<String> temporaryFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
        }
    }

    @FunctionalInterface
    interface Change {
        void run() throws Exception;
    }

    /**
     * Runs {@code change} and opens the store after a power cut at each of its steps: every cut
     * holds {@code before} or the new state, and a cut after the call returned holds the new state.
     */
    private String everyCut(String before, Change change, FileKeyRecordStore[] store) throws Exception {
        disk.forgetCuts();
        change.run();
        String after = state(store[0]);
        List<Cut> cuts = new ArrayList<>(disk.cuts());
        assertFalse(cuts.isEmpty());
        for (Cut cut : cuts) {
            String opened = openCut(cut, "store.kms");
            assertTrue(java.util.Objects.equals(opened, before) || after.equals(opened),
                    cut + ": neither the old store nor the new one but " + opened);
        }
        assertEquals(after, openCut(disk.now(), "store.kms"), "a power cut after the call returned keeps the change");
        return after;
    }

    @Test
    void aPowerCutAtEveryStepOfEveryChange_leavesTheOldStoreOrTheNew_andTheNewOnceTheCallReturned() throws Exception {
        FileKeyRecordStore[] store = new FileKeyRecordStore[1];
        String state = everyCut(null, () -> store[0] = FileKeyRecordStore.create(file, new byte[] {1}, FileKeyRecordStoreTest.hmac("k")), store);
        state = everyCut(state, () -> store[0].put(record("k1", 1, "one")), store);
        state = everyCut(state, () -> store[0].put(record("k1", 2, "two")), store);
        state = everyCut(state, () -> store[0].put(record("k2", 1, "other")), store);
        state = everyCut(state, () -> store[0].putHeader(new byte[] {1}, new byte[] {2, 2}), store);
        everyCut(state, () -> store[0].delete("k1", 2), store);
    }

    @Test
    void aPowerCutAtEveryStepOfEveryAppend_leavesTheOldStoreOrTheNew_andTheNewOnceTheCallReturned() throws Exception {
        FileKeyRecordStore[] store = new FileKeyRecordStore[1];
        byte[] roomy = FileKeyRecordStoreTest.ROOMY_HEADER;
        String state = everyCut(null, () -> store[0] = FileKeyRecordStore.create(file, roomy, FileKeyRecordStoreTest.hmac("k")), store);
        for (int i = 1; i <= 3; i++) {
            long revision = i;
            state = everyCut(state, () -> store[0].put(record("k1", revision, "one" + revision)), store);
            state = everyCut(state, () -> store[0].put(record("k" + (revision + 1), 1, "other")), store);
        }
        everyCut(state, () -> store[0].delete("k1", 3), store);
        assertEquals(List.of(), StoreImage.decode(Files.readAllBytes(disk.real(file)), FileKeyRecordStoreTest.hmac("k")).records(),
                "every change was an append: the image is as created");
    }

    /** The last cut after {@code op} on a file whose name matches, among {@code cuts}. */
    private static Cut after(List<Cut> cuts, Op op, Predicate<String> name) {
        return cuts.stream().filter(c -> c.op() == op && name.test(c.name())).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no " + op + " in " + cuts));
    }

    @Test
    void chosenCrashPoints_ofAnAppend_leaveTheOldStoreUntilTheJournalIsForced() throws Exception {
        var store = FileKeyRecordStore.create(file, FileKeyRecordStoreTest.ROOMY_HEADER, FileKeyRecordStoreTest.hmac("k"));
        store.put(record("k1", 1, "one"));
        String old = state(store);
        disk.forgetCuts();
        store.put(record("k1", 2, "two"));
        String next = state(store);
        List<Cut> cuts = disk.cuts();
        assertEquals(List.of(Op.WRITE, Op.FORCE), cuts.stream().map(Cut::op).toList(), "one write and one fsync per change");
        assertEquals(old, openCut(cuts.get(0), "store.kms"), "written, not forced");
        assertEquals(next, openCut(cuts.get(1), "store.kms"), "after the journal's fsync");
    }

    /** A record as long as the image and journal allow before a compaction: the change after it compacts. */
    private static KeyRecord large(String id, long revision) {
        return record(id, revision, FileKeyRecordStoreTest.LARGE);
    }

    @Test
    void chosenCrashPoints_ofACompaction_leaveTheOldStoreUntilTheNewImageIsDurable_thenTheNew() throws Exception {
        var store = FileKeyRecordStore.create(file, new byte[] {1}, FileKeyRecordStoreTest.hmac("k"));
        store.put(record("k1", 1, "one"));
        String old = state(store);
        disk.forgetCuts();
        store.put(large("k1", 2)); // appended, then compacted: the journal passed the image
        String next = state(store);
        List<Cut> cuts = disk.cuts();
        Cut appended = after(cuts, Op.FORCE, "store.kms.journal"::equals);
        assertEquals(old, openCut(cuts.get(cuts.indexOf(appended) - 1), "store.kms"), "before the append's fsync");
        assertEquals(next, openCut(appended, "store.kms"), "the change is durable in the journal");
        Cut prevWritten = after(cuts, Op.MOVE, "store.kms.prev"::equals);
        assertEquals(old, openCut(cuts.get(cuts.indexOf(prevWritten) + 1), "store.kms.prev"), ".prev holds the generation before");
        Cut imageDurable = cuts.get(cuts.indexOf(after(cuts, Op.MOVE, "store.kms"::equals)) + 1);
        assertEquals(Op.FORCE_DIRECTORY, imageDurable.op());
        assertEquals(next, openCut(imageDurable, "store.kms"), "new image, old journal: the journal is obsolete");
        assertEquals(StoreJournal.HEADER_BYTES, Files.size(FileKeyRecordStore.journal(disk.real(file))), "a new, empty journal");
        assertFalse(openCut(disk.now(), "store.kms") == null);
    }

    @Test
    void aPowerCutAtEveryStepOfCompactions_leavesTheOldStoreOrTheNew() throws Exception {
        FileKeyRecordStore[] store = new FileKeyRecordStore[1];
        String state = everyCut(null, () -> store[0] = FileKeyRecordStore.create(file, new byte[] {1}, FileKeyRecordStoreTest.hmac("k")), store);
        state = everyCut(state, () -> store[0].put(record("k1", 1, "one")), store);
        state = everyCut(state, () -> store[0].put(large("k2", 1)), store); // compacts after the append
        state = everyCut(state, () -> store[0].put(record("k1", 2, "two")), store);
        state = everyCut(state, () -> store[0].put(large("k2", 2)), store); // the same key again: compacts
        state = everyCut(state, () -> store[0].delete("k2", 2), store);
        state = everyCut(state, () -> store[0].putHeader(new byte[] {1}, new byte[] {3}), store); // compacts, no append
        everyCut(state, () -> store[0].put(record("k3", 1, "three")), store);
    }

    /**
     * An obsolete journal (it extends another image, and this image holds every change in it: a
     * compaction stopped before starting its new journal) beside a version-1 image, whose first
     * change compacts. The obsolete journal must go before the new image is renamed: the new image
     * lacks a key the journal puts, and a new image beside that journal is refused, so a cut
     * between the image's rename and the new journal would leave a store that never opens.
     */
    @Test
    void aPowerCutAtEveryStepOfACompaction_besideAnObsoleteJournal_leavesTheOldStoreOrTheNew() throws Exception {
        ImageAuthenticator hmac = FileKeyRecordStoreTest.hmac("k");
        KeyRecord one = record("k1", 1, "one");
        // the image the journal extends: any image but this store's next one
        byte[] otherImage = new StoreImage(new byte[] {9}, List.of()).encode(hmac, StoreImage.JOURNALED_VERSION);
        byte[] header = StoreJournal.header(StoreImage.tagOf(otherImage), hmac);
        byte[] entry = StoreJournal.entry(1, java.util.Arrays.copyOfRange(header, StoreJournal.HEADER_BYTES - StoreJournal.TAG,
                StoreJournal.HEADER_BYTES), StoreJournal.Change.put(one), hmac);
        AtomicFiles.replace(file, new StoreImage(new byte[] {1}, List.of(one)).encode(hmac, StoreImage.VERSION));
        AtomicFiles.replace(FileKeyRecordStore.journal(file), out -> {
            out.write(header);
            out.write(entry);
        });
        FileKeyRecordStore[] store = {FileKeyRecordStore.open(file, key())};
        String state = state(store[0]);
        assertEquals("01 k1@1=6f6e65", state, "the obsolete journal is ignored");
        state = everyCut(state, () -> store[0].delete("k1", 1), store); // the first change of a version-1 image compacts
        assertEquals("01", state);
        everyCut(state, () -> store[0].put(record("k2", 1, "two")), store);
    }

    @Test
    void aPowerCutAtEveryStepOfRestorePrevious_leavesTheDamagedFileOrTheRestoredOne() throws Exception {
        var store = FileKeyRecordStore.create(file, FileKeyRecordStoreTest.ROOMY_HEADER, FileKeyRecordStoreTest.hmac("k"));
        store.put(record("k1", 1, "one"));
        String previous = state(store);
        store.put(record("k1", 2, "two"));
        Path real = FileKeyRecordStore.journal(disk.real(file));
        byte[] damaged = Files.readAllBytes(real);
        damaged[damaged.length - 40] ^= 1;
        Files.write(real, damaged);
        disk = SimulatedDisk.over(disk.real(disk.root())); // the damage reached the disk
        file = disk.root().resolve("store.kms");

        FileKeyRecordStore.restorePrevious(file, key());
        for (Cut cut : disk.cuts()) {
            if (java.util.Arrays.equals(damaged, cut.files().get("store.kms.journal"))) {
                continue; // not restored yet
            }
            assertEquals(previous, openCut(cut, "store.kms"), cut.toString());
        }
        assertEquals(previous, openCut(disk.now(), "store.kms"), "restored once the call returned");
    }

    @Test
    void aPowerCutAtEveryStepOfRestoringADamagedImage_leavesTheDamagedFileOrTheRestoredOne() throws Exception {
        var store = FileKeyRecordStore.create(file, new byte[] {1}, FileKeyRecordStoreTest.hmac("k"));
        store.put(record("k1", 1, "one"));
        String previous = state(store);
        store.put(large("k2", 1)); // compacts: .prev is the generation before
        store.put(record("k1", 2, "two"));
        Path real = disk.real(file);
        byte[] damaged = Files.readAllBytes(real);
        damaged[damaged.length / 2] ^= 1;
        Files.write(real, damaged);
        disk = SimulatedDisk.over(disk.real(disk.root()));
        file = disk.root().resolve("store.kms");

        FileKeyRecordStore.restorePrevious(file, key());
        for (Cut cut : disk.cuts()) {
            if (java.util.Arrays.equals(damaged, cut.files().get("store.kms"))) {
                assertThrows(io.kmsjca.spi.CorruptStoreException.class, () -> openCut(cut, "store.kms"), "still damaged");
                continue;
            }
            assertEquals(previous, openCut(cut, "store.kms"), cut.toString());
        }
        assertEquals(previous, openCut(disk.now(), "store.kms"), "restored once the call returned");
    }

    static Stream<Arguments> faults() {
        Predicate<String> journal = "store.kms.journal"::equals;
        return Stream.of(
                Arguments.of("no space for the journal entry", SimulatedDisk.noSpace(journal), "No space left on device"),
                Arguments.of("EIO from the journal's fsync", SimulatedDisk.ioErrorOnForce(journal), "Input/output error"));
    }

    static Stream<Arguments> compactionFaults() {
        Predicate<String> newGeneration = n -> n.startsWith(".store.kms.") && !n.startsWith(".store.kms.prev.");
        Predicate<String> prev = n -> n.startsWith(".store.kms.prev.");
        return Stream.of(
                Arguments.of("no space for the new generation", SimulatedDisk.noSpace(newGeneration), "No space left on device"),
                Arguments.of("no space for .prev", SimulatedDisk.noSpace(prev), "No space left on device"),
                Arguments.of("EIO from the temporary file's fsync", SimulatedDisk.ioErrorOnForce(newGeneration), "Input/output error"),
                Arguments.of("EIO from .prev's fsync", SimulatedDisk.ioErrorOnForce(prev), "Input/output error"),
                Arguments.of("EIO from every folder fsync", SimulatedDisk.ioErrorOnForce(String::isEmpty), "Input/output error"),
                Arguments.of("EIO from the folder fsync after the rename", secondFolderFsyncFails(), "Input/output error"),
                Arguments.of("read-only folder", SimulatedDisk.readOnlyFolder(), "AccessDeniedException"));
    }

    /** The first folder fsync of a compaction makes .prev durable; the second, the new image. */
    private static SimulatedDisk.Fault secondFolderFsyncFails() {
        int[] seen = new int[1];
        return (op, name) -> op == Op.FORCE_DIRECTORY && ++seen[0] == 2 ? new IOException("Input/output error") : null;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compactionFaults")
    void aFailedCompactingChange_isReportedClearly_andLeavesMemoryEqualToDisk_andNoTemporaryFile(
            String what, SimulatedDisk.Fault fault, String expected) throws Exception {
        var store = FileKeyRecordStore.create(file, new byte[] {1}, FileKeyRecordStoreTest.hmac("k"));
        store.put(record("k1", 1, "one"));
        String before = state(store);
        disk.inject(fault);
        IOException e = assertThrows(IOException.class, () -> store.putHeader(new byte[] {1}, new byte[] {2}));
        disk.heal();
        assertTrue(e.getMessage().contains("store.kms") && e.getMessage().contains(expected), e.getMessage());
        assertEquals(before, state(store), "memory holds what it held");
        assertEquals(before, state(FileKeyRecordStore.open(file, key())), "the folder holds what memory holds");
        assertEquals(List.of(), temporaryFiles(disk.real(disk.root())), "no temporary file behind");
        String durable = openCut(disk.now(), "store.kms");
        assertTrue(before.equals(durable) || durable.startsWith("02"), "a power cut now leaves the old or the new store");
        store.put(record("k2", 1, "two")); // and the store takes changes once the disk is well
        store.putHeader(new byte[] {1}, new byte[] {2});
        assertEquals("02 k1@1=6f6e65 k2@1=74776f", state(FileKeyRecordStore.open(file, key())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void aFailedWrite_isReportedClearly_andLeavesMemoryEqualToDisk_andNoTemporaryFile(
            String what, SimulatedDisk.Fault fault, String expected) throws Exception {
        var store = FileKeyRecordStore.create(file, FileKeyRecordStoreTest.ROOMY_HEADER, FileKeyRecordStoreTest.hmac("k"));
        store.put(record("k1", 1, "one"));
        String before = state(store);
        disk.inject(fault);
        IOException e = assertThrows(IOException.class, () -> store.put(record("k2", 1, "two")));
        disk.heal();
        assertTrue(e.getMessage().contains("store.kms") && e.getMessage().contains(expected), e.getMessage());
        assertEquals(before, state(store), "memory holds what it held");
        assertEquals(before, state(FileKeyRecordStore.open(file, key())), "the folder holds what memory holds");
        assertEquals(List.of(), temporaryFiles(disk.real(disk.root())), "no temporary file behind");
        String durable = openCut(disk.now(), "store.kms");
        assertTrue(before.equals(durable) || durable.contains(" k2@1="), "a power cut now leaves the old or the new store");
        store.put(record("k2", 1, "two")); // and the store takes the change once the disk is well
    }

    @Test
    void aReadOnlyFolderWithoutALockFile_isReportedClearly() throws Exception {
        var store = FileKeyRecordStore.create(file, new byte[] {1}, FileKeyRecordStoreTest.hmac("k"));
        Files.delete(file.resolveSibling("store.kms.lock"));
        disk.inject(SimulatedDisk.readOnlyFolder());
        IOException e = assertThrows(IOException.class, () -> store.put(record("k1", 1, "one")));
        assertTrue(e.getMessage().contains("cannot lock key store") && e.getMessage().contains("store.kms.lock"), e.getMessage());
        disk.heal();
        assertEquals(List.of(), store.list());
        assertEquals(List.of(), FileKeyRecordStore.open(file, key()).list());
    }
}
