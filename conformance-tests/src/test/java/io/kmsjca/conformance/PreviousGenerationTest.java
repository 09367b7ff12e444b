package io.kmsjca.conformance;

import io.kmsjca.keys.KeyAlias;
import io.kmsjca.keys.KeyService;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.spi.file.FileKeyRecordStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.UnrecoverableKeyException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** NAME.prev and a password change; restoring it under the writers' lock (issue #14). */
class PreviousGenerationTest {

    private static final char[] OLD = "old password".toCharArray();
    private static final char[] NEW = "new password".toCharArray();

    @TempDir
    Path dir;

    private Path storeWithTwoKeys() throws IOException, java.security.KeyStoreException {
        Path file = dir.resolve("keys.kms");
        try (KeyService keys = KeyStores.openFile(file, OLD, Fixtures.cheapOptions())) {
            keys.createKey("a", "");
            keys.createKey("b", "");
        }
        return file;
    }

    @Test
    void afterAPasswordChange_thePreviousGenerationDoesNotOpenWithTheOldPassword_isRejected() throws Exception {
        Path file = storeWithTwoKeys();
        try (KeyService keys = KeyStores.openFile(file, OLD, Fixtures.cheapOptions())) {
            KeyStores.changePassword(keys, NEW);
        }
        var e = assertThrows(IOException.class, () -> KeyStores.restorePreviousGeneration(file, OLD));
        assertInstanceOf(UnrecoverableKeyException.class, e.getCause(), e.toString());

        KeyStores.restorePreviousGeneration(file, NEW);
        try (KeyService restored = KeyStores.openFile(file, NEW, Fixtures.cheapOptions())) {
            assertEquals(List.of("a", "b"), restored.listAliases().stream().map(KeyAlias::alias).toList(), "no key lost: only the password changed last");
        }
        assertThrows(IOException.class, () -> KeyStores.openFile(file, OLD, Fixtures.cheapOptions()),
                "restoring never brings the old password back");
    }

    @Test
    void restore_waitsForAWriterInAnotherProcess() throws Exception {
        Path file = storeWithTwoKeys();
        byte[] current = imageAndJournal(file);
        Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
        Process holder = new ProcessBuilder(ChildJvm.javaHomeTool("java").toString(), "-cp", ChildJvm.classPath(),
                LockHolderMain.class.getName(), lockFile.toString()).redirectErrorStream(true).start();
        try {
            var fromHolder = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", fromHolder.readLine());

            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread restore = new Thread(() -> {
                try {
                    KeyStores.restorePreviousGeneration(file, OLD);
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "restore");
            restore.start();
            // the event waited for: the restore blocked on the file lock, or (the bug) finished without it
            while (restore.isAlive() && !waitsForAFileLock(restore)) {
                Thread.onSpinWait();
            }
            assertTrue(restore.isAlive(), "the restore ran while another process held the writers' lock");
            assertArrayEquals(current, imageAndJournal(file), "nothing replaced while the lock is held");

            holder.getOutputStream().close(); // the other writer finishes its change
            restore.join();
            assertNull(failure.get(), () -> String.valueOf(failure.get()));
            assertFalse(Arrays.equals(current, imageAndJournal(file)), "restored once the lock was free");
        } finally {
            holder.destroy();
            holder.waitFor();
        }
        try (KeyService restored = KeyStores.openFile(file, OLD, Fixtures.cheapOptions())) {
            assertEquals(List.of("a"), restored.listAliases().stream().map(KeyAlias::alias).toList(), "the generation before the last change");
        }
        assertTrue(Files.exists(file.resolveSibling("keys.kms.damaged")) || Files.exists(file.resolveSibling("keys.kms.journal.damaged")),
                "what the restore replaced is kept");
    }

    /** The live store: its image and, if it has one, its journal. */
    private static byte[] imageAndJournal(Path file) throws IOException {
        Path journal = FileKeyRecordStore.journal(file);
        var both = new java.io.ByteArrayOutputStream();
        both.writeBytes(Files.readAllBytes(file));
        if (Files.exists(journal)) {
            both.writeBytes(Files.readAllBytes(journal));
        }
        return both.toByteArray();
    }

    private static boolean waitsForAFileLock(Thread t) {
        return Arrays.stream(t.getStackTrace())
                .anyMatch(f -> f.getClassName().equals("sun.nio.ch.FileChannelImpl") && f.getMethodName().equals("lock"));
    }
}
