package io.kmsjca.internal.service;

import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.CreatedCredential;
import io.kmsjca.keys.CredentialRequest;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KmsCredential;
import io.kmsjca.provider.KmsAdmin;
import io.kmsjca.spi.MemoryKeyRecordStore;
import io.kmsjca.spi.StaleRecordException;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditListener;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import io.kmsjca.spi.tck.ForwardingKeyRecordStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Opening, writing and re-keying whole stores ({@link KeyStores}): the audit event of each
 * change of the store's credentials or image, the new key file's fresh secret, the undo of a
 * replacement whose header write fails, and a shared backend's first opening and failed ones.
 */
class KeyStoresTest {

    static final char[] PASSWORD = "store-password".toCharArray();

    @TempDir
    Path dir;
    final List<AuditEvent> audit = new CopyOnWriteArrayList<>();
    final List<KeyService> open = new ArrayList<>();

    @AfterEach
    void tearDown() throws IOException {
        for (KeyService s : open) {
            s.close();
        }
    }

    KeyServiceOptions options() {
        return KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests())
                .withMaintenanceInterval(Duration.ZERO).withAuditListeners(List.of(audit::add));
    }

    KeyService opened(KeyService s) {
        open.add(s);
        return s;
    }

    private long storeEvents() {
        return audit.stream().filter(e -> e.operation() == AuditOperation.STORE_KEY_STORE
                && e.outcome() == AuditOutcome.SUCCESS).count();
    }

    /** Writing an image, changing the password and replacing a key file are each audited as STORE_KEY_STORE. */
    @Test
    void writingAnImage_changingThePassword_andReplacingAKeyFile_areEachAudited() throws Exception {
        Path file = dir.resolve("keys.kms");
        KeyService admin = opened(KmsAdmin.open(file, PASSWORD, options()));
        CreatedCredential svc = admin.createCredential(CredentialRequest.withKeyFile("svc"));
        Path svcFile = dir.resolve("svc.key");
        svc.writeKeyFile(svcFile);
        svc.wipe();

        long before = storeEvents();
        KeyStores.write(admin, new ByteArrayOutputStream(), PASSWORD); // a credential's password: the image keeps the header
        assertEquals(before + 1, storeEvents(), "the image written");
        KmsAdmin.changePassword(admin, "changed".toCharArray());
        assertEquals(before + 2, storeEvents(), "the password changed");
        KeyService service = opened(KmsAdmin.open(file, KmsCredential.keyFile(svcFile), options()));
        KmsAdmin.replaceKeyFile(service, dir.resolve("svc-new.key"));
        assertEquals(before + 3, storeEvents(), "the key file replaced");
    }

    /** The image of a store without key pairs carries its root key wrapped under the password given: that password reads it. */
    @Test
    void anImageIsReadWithThePasswordItWasWrittenWith() throws Exception {
        KeyService store = opened(KmsAdmin.open(dir.resolve("keys.kms"), PASSWORD, options()));
        String id = store.createKey("orders", "").keyId().toString();
        ByteArrayOutputStream image = new ByteArrayOutputStream();
        KeyStores.write(store, image, "image-password".toCharArray());
        KeyService read = opened(KeyStores.read(new java.io.ByteArrayInputStream(image.toByteArray()),
                "image-password".toCharArray(), options()));
        assertEquals(id, read.describeKey("orders").keyId().toString());
        assertThrows(IOException.class, () -> KeyStores.read(new java.io.ByteArrayInputStream(image.toByteArray()),
                PASSWORD, options()), "not the store's own password: the image's");
    }

    /** A process whose password credential was deleted has no password to change: refused as an IOException, nothing written. */
    @Test
    void aProcessWhosePasswordCredentialWasDeletedCannotChangeIt() throws Exception {
        Path file = dir.resolve("keys.kms");
        KeyService admin = opened(KmsAdmin.open(file, PASSWORD, options()));
        admin.createCredential(CredentialRequest.withPassword("root", "root-pw".toCharArray()).administrator(true));
        KeyService root = opened(KmsAdmin.open(file, KmsCredential.password("root", "root-pw".toCharArray()), options()));
        admin.deleteCredential("root");
        root.refresh(); // without it the header it holds is stale, and the write's compare-and-set refuses the change
        var deleted = assertThrows(IOException.class, () -> KmsAdmin.changePassword(root, "new-pw".toCharArray()));
        assertTrue(deleted.getMessage().contains("was deleted"), deleted.getMessage());
        assertThrows(IOException.class, () -> opened(KmsAdmin.open(file, KmsCredential.password("root", "new-pw".toCharArray()),
                options())));
    }

    /**
     * A process whose password credential was deleted and created again under the same name cannot
     * change the password: it must not take over its successor's slot (as for a key file, below).
     */
    @Test
    void aProcessWhosePasswordCredentialWasMadeAgainCannotChangeItsSuccessorsPassword() throws Exception {
        Path file = dir.resolve("keys.kms");
        KeyService admin = opened(KmsAdmin.open(file, PASSWORD, options()));
        admin.createCredential(CredentialRequest.withPassword("alice", "alice-pw-1".toCharArray()));
        KeyService revoked = opened(KmsAdmin.open(file, KmsCredential.password("alice", "alice-pw-1".toCharArray()), options()));
        admin.deleteCredential("alice");
        admin.createCredential(CredentialRequest.withPassword("alice", "alice-pw-2".toCharArray()));
        revoked.refresh();
        var madeAgain = assertThrows(IOException.class, () -> KmsAdmin.changePassword(revoked, "taken-over".toCharArray()));
        assertTrue(madeAgain.getMessage().contains("not the one this store was opened with"), madeAgain.getMessage());
        assertThrows(IOException.class, () -> opened(KmsAdmin.open(file,
                KmsCredential.password("alice", "taken-over".toCharArray()), options())));
        assertEquals("alice", opened(KmsAdmin.open(file, KmsCredential.password("alice", "alice-pw-2".toCharArray()),
                options())).credential().principal(), "the successor's password still opens the store");
    }

    /** A replaced key file holds a fresh random secret: not zeros, not the old one; the old file opens nothing. */
    @Test
    void aReplacedKeyFileHoldsAFreshSecret() throws Exception {
        Path file = dir.resolve("keys.kms");
        KeyService admin = opened(KmsAdmin.open(file, PASSWORD, options()));
        CreatedCredential svc = admin.createCredential(CredentialRequest.withKeyFile("svc"));
        Path oldFile = dir.resolve("svc.key");
        svc.writeKeyFile(oldFile);
        svc.wipe();
        KeyService service = opened(KmsAdmin.open(file, KmsCredential.keyFile(oldFile), options()));
        Path newFile = dir.resolve("svc-new.key");
        KmsAdmin.replaceKeyFile(service, newFile);

        byte[] oldSecret = secretOf(oldFile);
        byte[] newSecret = secretOf(newFile);
        assertFalse(Arrays.equals(new byte[newSecret.length], newSecret), "not all zeros");
        assertFalse(Arrays.equals(oldSecret, newSecret), "not the old secret");
        assertThrows(IOException.class, () -> opened(KmsAdmin.open(file, KmsCredential.keyFile(oldFile), options())));
        assertEquals("svc", opened(KmsAdmin.open(file, KmsCredential.keyFile(newFile), options())).credential().principal());
    }

    private static byte[] secretOf(Path keyFile) throws IOException {
        String text = Files.readString(keyFile, StandardCharsets.UTF_8);
        return Base64.getDecoder().decode(text.substring(text.indexOf("secret ") + 7).strip());
    }

    /**
     * A process whose credential was deleted, or deleted and created again under the same name,
     * cannot replace the key file: it must not take over its successor's slot.
     */
    @Test
    void aProcessWhoseCredentialWasDeletedOrMadeAgainCannotReplaceItsKeyFile() throws Exception {
        Path file = dir.resolve("keys.kms");
        KeyService admin = opened(KmsAdmin.open(file, PASSWORD, options()));
        CreatedCredential first = admin.createCredential(CredentialRequest.withKeyFile("svc"));
        Path firstFile = dir.resolve("svc-1.key");
        first.writeKeyFile(firstFile);
        first.wipe();
        KeyService revoked = opened(KmsAdmin.open(file, KmsCredential.keyFile(firstFile), options()));

        admin.deleteCredential("svc");
        var deleted = assertThrows(IOException.class, () -> KmsAdmin.replaceKeyFile(revoked, dir.resolve("a.key")));
        assertTrue(deleted.getMessage().contains("was deleted"), deleted.getMessage());

        CreatedCredential successor = admin.createCredential(CredentialRequest.withKeyFile("svc"));
        Path successorFile = dir.resolve("svc-2.key");
        successor.writeKeyFile(successorFile);
        successor.wipe();
        var madeAgain = assertThrows(IOException.class, () -> KmsAdmin.replaceKeyFile(revoked, dir.resolve("b.key")));
        assertTrue(madeAgain.getMessage().contains("not the one this store was opened with (it was deleted and created again"),
                madeAgain.getMessage());
        assertFalse(Files.exists(dir.resolve("a.key")) || Files.exists(dir.resolve("b.key")), "no key file written");
        assertEquals("svc", opened(KmsAdmin.open(file, KmsCredential.keyFile(successorFile), options())).credential().principal(),
                "the successor's key file still opens the store");
    }

    /** A replacement whose header write fails deletes the new key file, and the old one still opens the store. */
    @Test
    void aReplacementWhoseHeaderWriteFails_deletesTheNewKeyFile_andTheOldOneStillOpens() throws Exception {
        Backend backend = new Backend();
        KeyService admin = opened(KeyStores.open(backend, PASSWORD, options()));
        CreatedCredential svc = admin.createCredential(CredentialRequest.withKeyFile("svc"));
        Path oldFile = dir.resolve("svc.key");
        svc.writeKeyFile(oldFile);
        svc.wipe();
        KeyService service = opened(KeyStores.open(backend, KmsCredential.keyFile(oldFile), options()));
        Path newFile = dir.resolve("svc-new.key");

        backend.failHeaderWrites = true;
        var failed = assertThrows(IOException.class, () -> KmsAdmin.replaceKeyFile(service, newFile));
        assertTrue(failed.getMessage().contains("injected"), failed.getMessage());
        assertFalse(Files.exists(newFile), "the key file of a change that did not happen is deleted");

        backend.failHeaderWrites = false;
        assertEquals("svc", opened(KeyStores.open(backend, KmsCredential.keyFile(oldFile), options())).credential().principal());
    }

    /** A new shared store's first credential is its administrator password: a password naming another principal is refused. */
    @Test
    void aNewSharedStoresFirstCredentialIsTheAdministratorsPassword() {
        Backend backend = new Backend();
        var refused = assertThrows(IOException.class,
                () -> opened(KeyStores.open(backend, KmsCredential.password("bob", PASSWORD), options())));
        assertTrue(refused.getMessage().contains("first credential"), refused.getMessage());
        assertTrue(backend.closed, "a store that did not open closes its backend");
    }

    /** A wrong password closes the backend it was given, and the failed opening is audited. */
    @Test
    void aWrongPasswordClosesTheBackend_andIsAudited() throws Exception {
        Backend backend = new Backend();
        opened(KeyStores.open(backend, PASSWORD, options())).createKey("orders", "");
        Backend again = new Backend(backend.memory);
        assertThrows(IOException.class, () -> opened(KeyStores.open(again, "wrong".toCharArray(), options())));
        assertTrue(again.closed);
        assertEquals(AuditOutcome.FAILED, audit.stream().filter(e -> e.operation() == AuditOperation.LOAD_KEY_STORE)
                .reduce((a, b) -> b).orElseThrow().outcome());
    }

    /** Of two processes opening a new shared store at once, the one that loses the header's write opens the other's. */
    @Test
    void theProcessThatLosesTheFirstHeaderWriteOpensTheStoreTheOtherMade() throws Exception {
        Backend winner = new Backend();
        KeyService first = opened(KeyStores.open(winner, PASSWORD, options()));
        String id = first.createKey("orders", "").keyId().toString();
        Backend loser = new Backend(winner.memory);
        loser.hideHeaderOnce = true; // it looked before the winner wrote the header

        KeyService second = opened(KeyStores.open(loser, PASSWORD, options()));
        assertEquals(id, second.describeKey("orders").keyId().toString(), "the same store, under the winner's root key");
    }

    /** A backend's own audit listener (a database's table) receives the store's events beside the configured ones. */
    @Test
    void aBackendsOwnAuditListenerReceivesTheStoresEvents() throws Exception {
        List<AuditEvent> backendAudit = new CopyOnWriteArrayList<>();
        Backend backend = new Backend();
        backend.listener = backendAudit::add;
        KeyService keys = opened(KeyStores.open(backend, PASSWORD, options()));
        keys.createKey("orders", "");
        EmbeddedKeyService.of(keys).auditRecorder().flush();
        assertTrue(backendAudit.stream().anyMatch(e -> e.operation() == AuditOperation.CREATE_KEY), backendAudit.toString());
        assertTrue(audit.stream().anyMatch(e -> e.operation() == AuditOperation.CREATE_KEY), "and the configured listeners");
    }

    /** A memory store seen as a shared backend: header writes fail on demand, its first header read can be hidden. */
    static final class Backend extends ForwardingKeyRecordStore {
        final MemoryKeyRecordStore memory;
        volatile boolean failHeaderWrites;
        volatile boolean hideHeaderOnce;
        volatile boolean closed;
        volatile AuditListener listener;

        Backend() {
            this(new MemoryKeyRecordStore());
        }

        Backend(MemoryKeyRecordStore memory) {
            super(memory);
            this.memory = memory;
        }

        @Override
        public Optional<byte[]> header() throws IOException {
            if (hideHeaderOnce) {
                hideHeaderOnce = false;
                return Optional.empty();
            }
            return super.header();
        }

        @Override
        public void putHeader(byte[] expected, byte[] next) throws IOException, StaleRecordException {
            if (failHeaderWrites) {
                throw new IOException("injected: header write failed");
            }
            super.putHeader(expected, next);
        }

        @Override
        public Optional<AuditListener> auditListener() {
            return Optional.ofNullable(listener);
        }

        @Override
        public void close() {
            closed = true; // the memory stays readable for the other services of the test
        }
    }
}
