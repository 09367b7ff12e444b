package io.kmsjca.spi.file.disk;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.*;

/** The disk model itself: what a power cut keeps and what it forgets. */
class SimulatedDiskTest {

    @TempDir
    Path real;

    private static void forceFolder(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static void writeAndForce(Path file, String text) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(text.getBytes()));
            ch.force(true);
        }
    }

    @Test
    void whatWasThereAtTheStart_isDurable() throws Exception {
        Files.writeString(real.resolve("old"), "kept");
        SimulatedDisk disk = SimulatedDisk.over(real);
        assertArrayEquals("kept".getBytes(), disk.now().files().get("old"));
    }

    @Test
    void aWrittenFile_isLostWithoutForce_andItsNameWithoutAFolderFsync() throws Exception {
        SimulatedDisk disk = SimulatedDisk.over(real);
        Path file = disk.root().resolve("f");
        Files.writeString(file, "data");
        assertTrue(Files.exists(disk.real(file)), "the page cache holds it");
        assertFalse(disk.now().files().containsKey("f"), "its name was never made durable");
        forceFolder(disk.root());
        assertArrayEquals(new byte[0], disk.now().files().get("f"), "a name, but bytes never forced");
        writeAndForce(file, "more");
        assertArrayEquals("more".getBytes(), disk.now().files().get("f"));
    }

    @Test
    void aRename_isVolatileUntilTheFolderIsForced() throws Exception {
        Files.writeString(real.resolve("target"), "old");
        SimulatedDisk disk = SimulatedDisk.over(real);
        Path temp = disk.root().resolve("temp");
        writeAndForce(temp, "new");
        Files.move(temp, disk.root().resolve("target"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        assertEquals("new", Files.readString(real.resolve("target")));
        assertArrayEquals("old".getBytes(), disk.now().files().get("target"));
        forceFolder(disk.root());
        assertArrayEquals("new".getBytes(), disk.now().files().get("target"));
        assertFalse(disk.now().files().containsKey("temp"));
    }

    @Test
    void everyStep_recordsAPowerCutState_thatMaterializes() throws Exception {
        SimulatedDisk disk = SimulatedDisk.over(real);
        writeAndForce(disk.root().resolve("f"), "x");
        forceFolder(disk.root());
        var cuts = disk.cuts();
        assertEquals(java.util.List.of(SimulatedDisk.Op.CREATE, SimulatedDisk.Op.WRITE, SimulatedDisk.Op.FORCE,
                SimulatedDisk.Op.FORCE_DIRECTORY), cuts.stream().map(SimulatedDisk.Cut::op).toList());
        Path out = Files.createDirectory(real.resolve("out"));
        assertEquals("x", Files.readString(cuts.get(3).materialize(out).resolve("f")));
    }

    @Test
    void injectedFaults_areThrownAtTheirStep() throws Exception {
        SimulatedDisk disk = SimulatedDisk.over(real);
        Path f = disk.root().resolve("f");
        disk.inject(SimulatedDisk.noSpace(n -> n.equals("f")));
        assertThrows(IOException.class, () -> Files.writeString(f, "x"));
        disk.inject(SimulatedDisk.ioErrorOnForce(n -> n.equals("f")));
        assertThrows(IOException.class, () -> writeAndForce(f, "x"));
        disk.inject(SimulatedDisk.readOnlyFolder());
        assertThrows(AccessDeniedException.class, () -> Files.createTempFile(disk.root(), "t", ".tmp"));
        disk.heal();
        writeAndForce(disk.root().resolve("g"), "y");
    }
}
