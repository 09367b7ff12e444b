package io.kmsjca.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** encrypt-file and decrypt-file through the shaded jar: streaming round trip, and nothing half-written on failure. */
@org.junit.jupiter.api.Tag("same-on-every-jdk") // the command layer: run once, on JDK 17 (README, "Supported JDKs")
class FileCommandsIT {

    @TempDir
    Path dir;
    Kms kms;

    @BeforeEach
    void setUp() throws Exception {
        kms = Kms.withStore(dir);
        kms.createKey("files");
    }

    @Test
    void roundTrip_ofAFileLargerThanTheBuffers() throws Exception {
        byte[] data = new byte[5 * 1024 * 1024 + 17];
        new Random(7).nextBytes(data);
        Path plain = Files.write(dir.resolve("report.bin"), data);
        Kms.Result enc = kms.run("encrypt-file", "--key-id", "alias/files", "--in", plain.toString(), "--out", "report.bin.kms",
                "--encryption-context", "dept=finance");
        assertEquals(0, enc.code(), enc.toString());
        assertEquals(data.length, enc.json().get("PlaintextBytes").getAsLong());
        assertEquals(Files.size(dir.resolve("report.bin.kms")), enc.json().get("CiphertextBytes").getAsLong());
        Kms.Result dec = kms.run("decrypt-file", "--in", "report.bin.kms", "--out", "report.out", "--encryption-context", "dept=finance");
        assertEquals(0, dec.code(), dec.toString());
        assertEquals(-1, Files.mismatch(plain, dir.resolve("report.out")));
        assertEquals(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"),
                Files.getPosixFilePermissions(dir.resolve("report.out")), "decrypted data is readable by its owner only");
        assertEquals(0, kms.run("decrypt-file", "--in", "report.bin.kms", "--out", "any-context.out").code(),
                "without --encryption-context the header's context is accepted");
        assertNoTemporaryFiles();
    }

    @Test
    void tamperedFile_exits1_writesNothing_andLeavesAnExistingOutputAlone() throws Exception {
        Path plain = Files.write(dir.resolve("in.bin"), new byte[200_000]);
        assertEquals(0, kms.run("encrypt-file", "--key-id", "files", "--in", plain.toString(), "--out", "in.kms").code());
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("in.kms").toFile(), "rw")) {
            f.seek(150_000);
            int b = f.read();
            f.seek(150_000);
            f.write(b ^ 0x40);
        }
        Path existing = Files.writeString(dir.resolve("out.bin"), "previous content");
        Kms.Result dec = kms.run("decrypt-file", "--in", "in.kms", "--out", "out.bin");
        assertEquals(1, dec.code(), dec.toString());
        assertTrue(dec.err().contains("altered"), dec.err());
        assertEquals("previous content", Files.readString(existing));
        assertNoTemporaryFiles();
    }

    @Test
    void truncatedFile_wrongContext_garbageFile_missingInput() throws Exception {
        Path plain = Files.write(dir.resolve("in.bin"), new byte[100_000]);
        assertEquals(0, kms.run("encrypt-file", "--key-id", "files", "--in", plain.toString(), "--out", "in.kms",
                "--encryption-context", "a=1").code());
        byte[] whole = Files.readAllBytes(dir.resolve("in.kms"));
        Files.write(dir.resolve("cut.kms"), java.util.Arrays.copyOf(whole, whole.length - 1000));
        assertEquals(1, kms.run("decrypt-file", "--in", "cut.kms", "--out", "cut.out").code());
        Kms.Result wrongContext = kms.run("decrypt-file", "--in", "in.kms", "--out", "ctx.out", "--encryption-context", "a=2");
        assertEquals(1, wrongContext.code(), wrongContext.toString());
        Files.writeString(dir.resolve("garbage.kms"), "not an envelope at all");
        assertEquals(1, kms.run("decrypt-file", "--in", "garbage.kms", "--out", "g.out").code());
        Kms.Result missing = kms.run("encrypt-file", "--key-id", "files", "--in", "absent.bin", "--out", "x.kms");
        assertEquals(5, missing.code(), missing.toString());
        Kms.Result same = kms.run("encrypt-file", "--key-id", "files", "--in", "in.bin", "--out", "in.bin");
        assertEquals(2, same.code(), same.toString());
        for (String out : new String[] {"cut.out", "ctx.out", "g.out", "x.kms"}) {
            assertFalse(Files.exists(dir.resolve(out)), out + " must not exist after a failure");
        }
        assertArrayEquals(new byte[100_000], Files.readAllBytes(plain), "the input is never touched");
        assertNoTemporaryFiles();
    }

    private void assertNoTemporaryFiles() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(java.util.List.of(), files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList());
        }
    }
}
