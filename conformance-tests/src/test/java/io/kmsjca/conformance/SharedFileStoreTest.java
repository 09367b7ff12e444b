package io.kmsjca.conformance;

import io.kmsjca.keys.KeyAlias;
import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.spi.CorruptStoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import io.kmsjca.spi.file.FileKeyRecordStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** One store file, several writers in several processes; damaged files and the previous generation. */
class SharedFileStoreTest {

    private static final char[] PASSWORD = "shared".toCharArray();

    @TempDir
    Path dir;

    private static KeyService open(Path file) throws Exception {
        return KeyStores.openFile(file, PASSWORD, KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests())
                .withMaintenanceInterval(Duration.ZERO));
    }

    @Test
    void twoProcessesWithTwoThreadsEach_loseNoWrite_andReadersSeeWholeSnapshots() throws Exception {
        Path file = dir.resolve("shared.kms");
        try (KeyService setup = open(file)) {
            setup.createKey("shared", "");
        }
        int threads = 2;
        int keys = 15;
        int rotations = 10;
        List<Process> writers = new ArrayList<>();
        for (String name : List.of("p1", "p2")) {
            writers.add(new ProcessBuilder(ChildJvm.javaHomeTool("java").toString(), "-cp", ChildJvm.classPath(),
                    StoreWriterMain.class.getName(), file.toString(), name, Integer.toString(threads),
                    Integer.toString(keys), Integer.toString(rotations))
                    .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".out").toFile()).start());
        }
        AtomicInteger reads = new AtomicInteger();
        while (writers.stream().anyMatch(Process::isAlive)) {
            try (KeyService reader = open(file)) { // a whole, authenticated snapshot every time
                assertTrue(reader.hasAlias("shared"));
                reads.incrementAndGet();
            }
        }
        for (Process w : writers) {
            assertTrue(w.waitFor(120, TimeUnit.SECONDS));
        }
        java.util.Set<Integer> rotatedTo = new java.util.TreeSet<>();
        int rotationCalls = 0;
        for (String name : List.of("p1", "p2")) {
            String out = Files.readString(dir.resolve(name + ".out"));
            assertTrue(out.contains("WROTE " + name), out);
            for (String line : out.lines().filter(l -> l.startsWith("ROTATED ")).toList()) {
                rotatedTo.add(Integer.parseInt(line.substring(8)));
                rotationCalls++;
            }
        }
        assertEquals(2 * threads * rotations, rotationCalls);
        try (KeyService after = open(file)) {
            for (String p : List.of("p1", "p2")) {
                for (int t = 0; t < threads; t++) {
                    for (int i = 0; i < keys; i++) {
                        assertTrue(after.hasAlias(p + "-" + t + "-" + i), "lost key " + p + "-" + t + "-" + i);
                    }
                }
            }
            // overlapping rotations coalesce into one version (docs/decisions.md); every version made was
            // returned to a caller, and every version returned is there: none lost, none made twice
            int versions = after.describeKey("shared").versionCount();
            assertEquals(java.util.stream.IntStream.rangeClosed(2, versions).boxed().toList(), List.copyOf(rotatedTo));
            // threads of one process rotate one after another, so only rotations of the two processes can pair up
            assertTrue(versions >= 1 + threads * rotations, "more rotations coalesced than can overlap: " + versions);
        }
        assertTrue(reads.get() > 0);
    }

    @Test
    void everyCutOfAStore_isRefusedClearly_andThePreviousGenerationRestores() throws Exception {
        Path file = dir.resolve("cut.kms");
        try (KeyService keys = open(file)) {
            keys.createKey("a", "");
            keys.createKey("b", "");
        }
        List<String> previous;
        Path prevCopy = Files.createDirectory(dir.resolve("prev-copy")).resolve("cut.kms");
        Files.copy(FileKeyRecordStore.previousGeneration(file), prevCopy);
        try (KeyService prev = open(prevCopy)) {
            previous = prev.listAliases().stream().map(KeyAlias::alias).toList();
        }
        assertTrue(List.of(List.of(), List.of("a")).contains(previous), "a generation before the last change: " + previous);
        byte[] whole = Files.readAllBytes(file);
        for (int len = 0; len < whole.length; len++) {
            Files.write(file, Arrays.copyOf(whole, len));
            var e = assertThrows(CorruptStoreException.class, () -> open(file), "cut at " + len);
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("authentication")
                    || e.getMessage().contains("magic") || e.getMessage().contains("out of range"), e.getMessage());
        }
        KeyStores.restorePreviousGeneration(file, PASSWORD);
        try (KeyService restored = open(file)) {
            assertEquals(previous, restored.listAliases().stream().map(KeyAlias::alias).toList(),
                    "a damaged image: the generation before the last compaction (docs/reliability.md)");
        }
        assertTrue(Files.exists(dir.resolve("cut.kms.damaged")));
        assertThrows(java.io.IOException.class, () -> KeyStores.restorePreviousGeneration(file, "wrong".toCharArray()));
    }
}
