package io.kmsjca.benchmarks;

import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.keys.KeyService;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A change to a live file store (the embedded default: image, journal, fsync on every change)
 * with 100, 10,000 and 100,000 keys in it, through the public API: {@code createKey} and
 * {@code rotateKeyOnDemand}, each one durable when it returns (issue #23). Each invocation is
 * timed alone (single shot), so the store grows by only the few hundred keys created while
 * measuring. The store is built once per machine through the same API and copied for each
 * trial (see {@link #copyOfTemplate}); the build time is printed.
 * {@code openStore} opens the store of each size from its files with the cheap test KDF (the
 * store password's Argon2id, 64 MiB × 3, comes on top, once per open) and prints the heap the
 * opened store holds.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 50)
@Measurement(iterations = 200)
@Fork(1)
public class FileStoreScaleBenchmark {

    private static final char[] PASSWORD = "benchmark".toCharArray();

    /** A live file store of {@code keys} keys, built once per fork. */
    @State(Scope.Benchmark)
    public static class Store {
        @Param({"100", "10000", "100000"})
        public int keys;

        Path dir;
        Path file;
        KeyService service;
        int created;
        int rotated;

        @Setup(Level.Trial)
        public void build() throws Exception {
            dir = copyOfTemplate(keys, "kms-scale");
            file = dir.resolve(STORE);
            service = KeyStores.openFile(file, PASSWORD, BenchStores.options());
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            System.out.printf("%n[scale] %,d keys created and %,d rotated while measuring%n", created, rotated);
            service.close();
            deleteAll(dir);
        }
    }

    /** The files of a store of {@code keys} keys, to open. */
    @State(Scope.Benchmark)
    public static class Files_ {
        @Param({"100", "10000", "100000"})
        public int keys;

        Path dir;
        Path file;
        KeyService opened;

        /** Closing (which wipes every key) is not part of opening. */
        @TearDown(Level.Invocation)
        public void closeOpened() throws Exception {
            if (opened != null) {
                opened.close();
                opened = null;
            }
        }

        @Setup(Level.Trial)
        public void build() throws Exception {
            dir = copyOfTemplate(keys, "kms-scale-open");
            file = dir.resolve(STORE);
        }

        @TearDown(Level.Trial)
        public void report() throws Exception {
            Runtime rt = Runtime.getRuntime();
            System.gc();
            long before = rt.totalMemory() - rt.freeMemory();
            try (KeyService opened = KeyStores.openFile(file, PASSWORD, BenchStores.options())) {
                System.gc();
                long held = rt.totalMemory() - rt.freeMemory() - before;
                System.out.printf("%n[scale] an open store of %,d keys holds %.1f MiB of heap (%d keys listed)%n",
                        keys, held / 1048576.0, opened.listAliases().size());
            }
            deleteAll(dir);
        }
    }

    /** The disk's floor, in the same run: one 256-byte write appended to a file and forced, as a journal entry is. */
    @State(Scope.Benchmark)
    public static class Floor {
        Path dir;
        FileChannel channel;
        final ByteBuffer entry = ByteBuffer.allocate(256);

        @Setup(Level.Trial)
        public void open() throws IOException {
            dir = Files.createTempDirectory("kms-scale-floor");
            channel = FileChannel.open(dir.resolve("append"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            channel.close();
            deleteAll(dir);
        }
    }

    @Benchmark
    public long appendAndForce(Floor floor) throws IOException {
        floor.entry.clear();
        int n = floor.channel.write(floor.entry, floor.channel.size());
        floor.channel.force(false);
        return n;
    }

    @Benchmark
    public Object createKey(Store store) throws Exception {
        return store.service.createKey("created-" + store.created++, "");
    }

    @Benchmark
    public int rotateOnDemand(Store store) throws Exception {
        return store.service.rotateKeyOnDemand("key-" + (store.rotated++ % store.keys));
    }

    @Benchmark
    @Warmup(iterations = 2)
    @Measurement(iterations = 6)
    public KeyService openStore(Files_ files) throws Exception {
        files.opened = KeyStores.openFile(files.file, PASSWORD, BenchStores.options());
        return files.opened;
    }

    private static final String STORE = "keys.kms";

    /**
     * A fresh copy of a store of {@code keys} keys. The store is built once through the public
     * API ({@code createKey}, each change durable when it returns) into
     * {@code java.io.tmpdir/kms-scale-template-KEYS} and copied for every trial of every fork,
     * so that building 100,000 keys (minutes, one fsync per key) is paid once per machine; the
     * build time is printed when it happens. Delete the template folders to build them again.
     */
    private static Path copyOfTemplate(int keys, String prefix) throws Exception {
        Path template = Path.of(System.getProperty("java.io.tmpdir"), "kms-scale-template-" + keys);
        Path done = template.resolve("complete");
        if (!Files.exists(done)) {
            deleteIfPresent(template);
            Files.createDirectories(template);
            Path file = template.resolve(STORE);
            long start = System.nanoTime();
            try (KeyService service = KeyStores.openFile(file, PASSWORD, BenchStores.options())) {
                for (int i = 0; i < keys; i++) {
                    service.createKey("key-" + i, "");
                }
            }
            String built = String.format("%,d keys created through the API in %.1f s; image %,d bytes, journal %,d bytes",
                    keys, (System.nanoTime() - start) / 1e9, Files.size(file), sizeOrZero(template.resolve(STORE + ".journal")));
            Files.deleteIfExists(template.resolve(STORE + ".lock"));
            Files.writeString(done, built + "\n");
        }
        System.out.printf("%n[scale] template: %s", Files.readString(done));
        Path dir = Files.createTempDirectory(prefix);
        try (Stream<Path> files = Files.list(template)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (p.getFileName().toString().startsWith(STORE)) {
                    Files.copy(p, dir.resolve(p.getFileName()));
                }
            }
        }
        return dir;
    }

    private static void deleteIfPresent(Path dir) throws IOException {
        if (Files.exists(dir)) {
            deleteAll(dir);
        }
    }

    private static long sizeOrZero(Path p) throws IOException {
        return Files.exists(p) ? Files.size(p) : 0;
    }

    private static void deleteAll(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
