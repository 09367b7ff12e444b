package io.kmsjca.spi.file.disk;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A disk that forgets what was never made durable, for power-cut tests. It is a file system (its
 * paths come from {@link #root()}) over real files in a folder; the real files are the page
 * cache, and beside them it keeps what a power cut would leave:
 * <ul>
 *   <li>every file is an inode; writes reach only the page cache, and {@code FileChannel.force}
 *       makes that inode's current bytes durable (an inode never forced comes back empty);</li>
 *   <li>a create, rename or delete changes the folder's volatile list of names, and only forcing
 *       the folder (opening it as a channel and forcing it, as {@code AtomicFiles} does) makes
 *       that list durable.</li>
 * </ul>
 * After every step (create, write, truncate, force, rename, copy, delete, folder force) it records
 * the state a power cut at that moment leaves ({@link #cuts()}); {@link Cut#materialize} writes one
 * into a real folder to open it. The same layer injects faults ({@link #inject}): no space, an I/O
 * error from force, a read-only folder. Folders themselves are taken as durable once they exist.
 */
public final class SimulatedDisk {

    /** The steps of the model, and the points where a fault can be injected. */
    public enum Op { CREATE, WRITE, TRUNCATE, FORCE, MOVE, COPY, DELETE, FORCE_DIRECTORY, CREATE_DIRECTORY }

    /** An injected fault: the exception for {@code op} on {@code name} (relative to the root), or null. */
    @FunctionalInterface
    public interface Fault {
        IOException at(Op op, String name);
    }

    /** What the disk holds after a power cut following step {@code step} ({@code op} on {@code name}). */
    public record Cut(int step, Op op, String name, Map<String, byte[]> files) {
        /** Writes this state into the real, empty folder {@code into}; returns it. */
        public Path materialize(Path into) throws IOException {
            for (var e : files.entrySet()) {
                Path p = into.resolve(e.getKey());
                Files.createDirectories(p.getParent());
                Files.write(p, e.getValue());
            }
            return into;
        }

        @Override
        public String toString() {
            return "power cut after step " + step + " (" + op + " " + name + "), disk holds " + files.keySet();
        }
    }

    /** A file: its durable bytes, null until first forced. */
    static final class Inode {
        byte[] durable;
    }

    private final Path realRoot;
    final SimulatedFileSystem fileSystem;
    private final Map<Path, Map<String, Inode>> volatileDirs = new HashMap<>();
    private final Map<Path, Map<String, Inode>> durableDirs = new HashMap<>();
    private final List<Cut> cuts = new ArrayList<>();
    private volatile Fault fault = (op, name) -> null;
    private int steps;

    private SimulatedDisk(Path realRoot) {
        this.realRoot = realRoot.toAbsolutePath().normalize();
        this.fileSystem = new SimulatedFileSystem(this);
    }

    /** A disk over the real folder {@code realRoot}; what it holds now is taken as durable. */
    public static SimulatedDisk over(Path realRoot) throws IOException {
        SimulatedDisk disk = new SimulatedDisk(realRoot);
        try (Stream<Path> all = Files.walk(disk.realRoot)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (Files.isDirectory(p)) {
                    disk.volatileDirs.putIfAbsent(p, new HashMap<>());
                } else {
                    Inode inode = new Inode();
                    inode.durable = Files.readAllBytes(p);
                    disk.volatileDirs.computeIfAbsent(p.getParent(), d -> new HashMap<>()).put(p.getFileName().toString(), inode);
                }
            }
        }
        disk.volatileDirs.forEach((d, names) -> disk.durableDirs.put(d, new HashMap<>(names)));
        return disk;
    }

    /** The root folder, as a path of this disk: resolve the files under test against it. */
    public Path root() {
        return fileSystem.wrap(realRoot);
    }

    /** Where the page cache of {@code path} (a path of this disk) lives on the real disk. */
    public Path real(Path path) {
        return ((SimulatedPath) path).real;
    }

    /** Every power-cut state recorded since the last {@link #forgetCuts()}, in order. */
    public synchronized List<Cut> cuts() {
        return List.copyOf(cuts);
    }

    /**
     * The recorded cuts that differ from the one before them: a step that made nothing durable
     * (a write, a create) leaves what the step before it left, so opening it again proves nothing.
     */
    public synchronized List<Cut> distinctCuts() {
        List<Cut> distinct = new ArrayList<>();
        for (Cut c : cuts) {
            if (distinct.isEmpty() || !sameFiles(distinct.get(distinct.size() - 1), c)) {
                distinct.add(c);
            }
        }
        return distinct;
    }

    private static boolean sameFiles(Cut a, Cut b) {
        return a.files().keySet().equals(b.files().keySet())
                && a.files().entrySet().stream().allMatch(e -> java.util.Arrays.equals(e.getValue(), b.files().get(e.getKey())));
    }

    public synchronized void forgetCuts() {
        cuts.clear();
    }

    /** The state a power cut now leaves. */
    public synchronized Cut now() {
        return new Cut(steps, null, "now", durableFiles());
    }

    /** From now on, each step asks {@code f} whether it fails. */
    public void inject(Fault f) {
        fault = f;
    }

    /** No more faults. */
    public void heal() {
        fault = (op, name) -> null;
    }

    /** A disk that fills up during a write: half the bytes reach the file, then the write fails. */
    public static final class DiskFull extends IOException {
        DiskFull() {
            super("No space left on device");
        }
    }

    /** ENOSPC: every write to a file whose name matches fails part-way ({@link DiskFull}). */
    public static Fault noSpace(Predicate<String> name) {
        return (op, n) -> op == Op.WRITE && name.test(n) ? new DiskFull() : null;
    }

    /** EIO from fsync: forcing a file (or a folder, named "") whose name matches fails. */
    public static Fault ioErrorOnForce(Predicate<String> name) {
        return (op, n) -> (op == Op.FORCE || op == Op.FORCE_DIRECTORY) && name.test(n)
                ? new IOException("Input/output error") : null;
    }

    /** A read-only folder (the root): no file can be created, renamed, copied or deleted in it. */
    public static Fault readOnlyFolder() {
        return (op, n) -> switch (op) {
            case CREATE, MOVE, COPY, DELETE, CREATE_DIRECTORY -> new AccessDeniedException(n, null, "Permission denied");
            default -> null;
        };
    }

    /** {@code f}, but only the first time it fires. */
    public static Fault once(Fault f) {
        boolean[] fired = new boolean[1];
        return (op, n) -> {
            if (fired[0]) {
                return null;
            }
            IOException e = f.at(op, n);
            fired[0] = e != null;
            return e;
        };
    }

    // ------------------------------------------------------------ the model, called by the file system

    void check(Op op, Path real) throws IOException {
        IOException e = fault.at(op, name(real));
        if (e != null) {
            throw e;
        }
    }

    synchronized Inode created(Path real) {
        Inode inode = new Inode();
        dir(real.getParent()).put(real.getFileName().toString(), inode);
        step(Op.CREATE, real);
        return inode;
    }

    synchronized Inode inode(Path real) {
        return dir(real.getParent()).computeIfAbsent(real.getFileName().toString(), n -> new Inode());
    }

    synchronized void forced(Inode inode, byte[] bytes, Path real) {
        inode.durable = bytes;
        step(Op.FORCE, real);
    }

    synchronized void moved(Path from, Path to) {
        Inode inode = dir(from.getParent()).remove(from.getFileName().toString());
        dir(to.getParent()).put(to.getFileName().toString(), inode == null ? new Inode() : inode);
        step(Op.MOVE, to);
    }

    synchronized void copied(Path to) {
        dir(to.getParent()).put(to.getFileName().toString(), new Inode());
        step(Op.COPY, to);
    }

    synchronized void deleted(Path real) {
        dir(real.getParent()).remove(real.getFileName().toString());
        volatileDirs.remove(real);
        step(Op.DELETE, real);
    }

    synchronized void directoryCreated(Path real) {
        volatileDirs.put(real, new HashMap<>());
        durableDirs.put(real, new HashMap<>());
    }

    synchronized void directoryForced(Path real) {
        durableDirs.put(real, new HashMap<>(dir(real)));
        step(Op.FORCE_DIRECTORY, real);
    }

    synchronized void step(Op op, Path real) {
        cuts.add(new Cut(++steps, op, name(real), durableFiles()));
    }

    private Map<String, Inode> dir(Path realDir) {
        return volatileDirs.computeIfAbsent(realDir, d -> new HashMap<>());
    }

    private String name(Path real) {
        return realRoot.relativize(real).toString();
    }

    private Map<String, byte[]> durableFiles() {
        Map<String, byte[]> files = new TreeMap<>();
        durableDirs.forEach((d, names) -> names.forEach((n, inode) ->
                files.put(name(d.resolve(n)), inode.durable == null ? new byte[0] : inode.durable)));
        return Collections.unmodifiableMap(files);
    }
}
