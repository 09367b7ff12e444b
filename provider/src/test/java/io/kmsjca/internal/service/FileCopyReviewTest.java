package io.kmsjca.internal.service;

import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KeyState;
import io.kmsjca.spi.CorruptStoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Security review: what someone with a copy of a file store (image and journal) but no password
 * can do. Passing tests are attacks the code refuses; a failing test is a promise of
 * docs/reliability.md ("What an old copy of a store can and cannot undo") that does not hold.
 */
class FileCopyReviewTest {

    private static final char[] PASSWORD = "same password".toCharArray();
    private static final KeyServiceOptions OPTIONS = KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests())
            .withMaintenanceInterval(Duration.ZERO);

    @TempDir
    Path dir;

    private static Path journal(Path store) {
        return store.resolveSibling(store.getFileName() + ".journal");
    }

    // ---- refused ----

    /** The last journal entry appended a second time (replaying a change). */
    @Test
    void aJournalEntryReplayed_isRefused() throws Exception {
        Path file = dir.resolve("keys.kms");
        byte[] before;
        byte[] after;
        try (KeyService s = KeyStores.openFile(file, PASSWORD, OPTIONS)) {
            padded(s);
            s.createKey("k", "");
            before = Files.readAllBytes(journal(file));
            s.tagKey("k", Map.of("a", "b"));
            after = Files.readAllBytes(journal(file));
        }
        assertTrue(after.length > before.length && Arrays.equals(before, Arrays.copyOf(after, before.length)),
                "the tag was appended to the journal");
        byte[] entry = Arrays.copyOfRange(after, before.length, after.length);
        Files.write(journal(file), concat(after, entry));
        assertRefused(file);
    }

    /** Another store made with the same password: its journal entry appended to this store's journal. */
    @Test
    void aJournalEntryOfAnotherStoreWithTheSamePassword_isRefused() throws Exception {
        Path a = dir.resolve("a.kms");
        Path b = dir.resolve("b.kms");
        byte[] aJournal;
        byte[] bBefore;
        byte[] bAfter;
        try (KeyService sa = KeyStores.openFile(a, PASSWORD, OPTIONS); KeyService sb = KeyStores.openFile(b, PASSWORD, OPTIONS)) {
            padded(sa);
            padded(sb);
            sa.createKey("k", "");
            sb.createKey("k", "");
            aJournal = Files.readAllBytes(journal(a));
            bBefore = Files.readAllBytes(journal(b));
            sb.disableKey("k");
            bAfter = Files.readAllBytes(journal(b));
        }
        assertTrue(bAfter.length > bBefore.length && Arrays.equals(bBefore, Arrays.copyOf(bAfter, bBefore.length)),
                "the disable was appended to the journal");
        Files.write(journal(a), concat(aJournal, Arrays.copyOfRange(bAfter, bBefore.length, bAfter.length)));
        assertRefused(a);
        Files.write(journal(a), bAfter); // the other store's whole journal beside this image
        assertRefused(a);
    }

    /** Another store made with the same password: its image with this store's journal. */
    @Test
    void theImageOfAnotherStoreWithTheSamePassword_besideThisJournal_isRefused() throws Exception {
        Path a = dir.resolve("a.kms");
        Path b = dir.resolve("b.kms");
        try (KeyService sa = KeyStores.openFile(a, PASSWORD, OPTIONS); KeyService sb = KeyStores.openFile(b, PASSWORD, OPTIONS)) {
            sa.createKey("k", "");
            sb.createKey("k", "");
            sa.disableKey("k");
        }
        Files.copy(b, a, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertRefused(a);
    }

    /** The image rolled back to a copy from before a compaction, the newer journal kept. */
    @Test
    void anOlderImage_besideTheNewerJournal_isRefused() throws Exception {
        Path file = dir.resolve("keys.kms");
        byte[] oldImage;
        try (KeyService s = KeyStores.openFile(file, PASSWORD, OPTIONS)) {
            s.createKey("k", "");
            oldImage = Files.readAllBytes(file);
            for (int i = 0; i < 200 && Arrays.equals(oldImage, Files.readAllBytes(file)); i++) {
                s.tagKey("k", Map.of("n", Integer.toString(i)));
            }
            assertFalse(Arrays.equals(oldImage, Files.readAllBytes(file)), "no compaction happened");
            s.disableKey("k"); // in the new journal
        }
        Files.write(file, oldImage);
        assertRefused(file);
    }

    /**
     * The whole store put back to an old copy (image and journal) under a running key service:
     * it refuses the rolled-back record and keeps the disable (docs/reliability.md).
     */
    @Test
    void anOldCopyPutBack_underARunningService_isRefused_andTheDisableStands() throws Exception {
        Path file = dir.resolve("keys.kms");
        try (KeyService a = KeyStores.openFile(file, PASSWORD, OPTIONS)) {
            a.createKey("k", "");
            byte[] image = Files.readAllBytes(file);
            byte[] journal = Files.readAllBytes(journal(file));
            a.disableKey("k");
            Files.write(file, image);
            Files.write(journal(file), journal);
            var e = assertThrows(CorruptStoreException.class, a::refresh);
            assertTrue(e.getMessage().contains("rolled back"), e.getMessage());
            assertEquals(KeyState.DISABLED, a.describeKey("k").state());
        }
    }

    // ---- finding ----

    /**
     * docs/reliability.md: "A JVM that had the store open refuses each record whose revision went
     * back ... and keeps the newer state". Only until a process started after the rollback (which
     * cannot tell, documented) writes the key twice: the first write reuses the revision the
     * running service holds and is ignored as unchanged, the second is newer and is taken in,
     * undoing the disable in the service that had refused the rollback.
     */
    @Test
    void anOldCopyPutBack_isNotLaunderedIntoTheRunningService_byALaterProcesssWrites() throws Exception {
        Path file = dir.resolve("keys.kms");
        try (KeyService a = KeyStores.openFile(file, PASSWORD, OPTIONS)) {
            a.createKey("k", "");
            byte[] image = Files.readAllBytes(file);
            byte[] journal = Files.readAllBytes(journal(file));
            a.disableKey("k");
            Files.write(file, image);
            Files.write(journal(file), journal);
            assertThrows(CorruptStoreException.class, a::refresh);
            assertEquals(KeyState.DISABLED, a.describeKey("k").state());

            try (KeyService later = KeyStores.openFile(file, PASSWORD, OPTIONS)) { // e.g. a `kms` command run
                assertEquals(KeyState.ENABLED, later.describeKey("k").state()); // documented: it cannot tell
                later.tagKey("k", Map.of("t", "1"));
                later.tagKey("k", Map.of("t", "2"));
            }
            try {
                a.refresh();
            } catch (CorruptStoreException refusedIsFine) {
                // refusing is right; taking the rolled-back lineage in is not
            }
            assertEquals(KeyState.DISABLED, a.describeKey("k").state(),
                    "the running service that refused the rollback now has the key enabled again");
        }
    }

    // ---- helpers ----

    /** Keys enough that the image outgrows a few journal entries, so the next changes append rather than compact. */
    private static void padded(KeyService s) throws Exception {
        for (int i = 0; i < 20; i++) {
            s.createKey("pad" + i, "x".repeat(200));
        }
    }

    private static void assertRefused(Path file) {
        IOException e = assertThrows(IOException.class, () -> KeyStores.openFile(file, PASSWORD, OPTIONS).close());
        boolean corrupt = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            corrupt |= t instanceof CorruptStoreException;
        }
        assertTrue(corrupt, "not refused as a corrupt store: " + e);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
