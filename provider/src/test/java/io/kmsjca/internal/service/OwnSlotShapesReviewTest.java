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
import io.kmsjca.internal.format.KeySlots;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * KeyStores.ownSlot in every store shape: the process that opened the store keeps its
 * changePassword (version-1 store; version-2 password slot without and with key pair) and its
 * replaceKeyFile (key-file slot), also after another process changed the store's credentials.
 */
class OwnSlotShapesReviewTest {

    static final char[] PASSWORD = "store-password".toCharArray();

    @TempDir
    Path dir;
    final List<KeyService> open = new ArrayList<>();

    @AfterEach
    void tearDown() throws IOException {
        for (KeyService s : open) {
            s.close();
        }
    }

    KeyServiceOptions options() {
        return KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests()).withMaintenanceInterval(Duration.ZERO);
    }

    KeyService opened(KeyService s) {
        open.add(s);
        return s;
    }

    @Test
    void aVersion1StoresAdministrator_changesItsPassword_alsoAfterAnotherProcessAddedACredential() throws Exception {
        Path file = dir.resolve("v1.kms");
        KeyService a = opened(KmsAdmin.open(file, PASSWORD, options()));
        assertTrue(KeySlots.decode(header(a)).isVersion1(), "a new store is version 1");
        KmsAdmin.changePassword(a, "second".toCharArray());
        KeyService b = opened(KmsAdmin.open(file, "second".toCharArray(), options()));
        b.createCredential(CredentialRequest.withPassword("bob", "bob-pw".toCharArray()));
        a.refresh();
        assertDoesNotThrow(() -> KmsAdmin.changePassword(a, "third".toCharArray()));
        assertEquals("bob", opened(KmsAdmin.open(file, KmsCredential.password("bob", "bob-pw".toCharArray()), options()))
                .credential().principal());
        opened(KmsAdmin.open(file, "third".toCharArray(), options()));
    }

    @Test
    void aVersion1StoresAdministrator_changesItsPassword_afterAddingACredentialItself() throws Exception {
        Path file = dir.resolve("v1-self.kms");
        KeyService a = opened(KmsAdmin.open(file, PASSWORD, options()));
        a.createCredential(CredentialRequest.withPassword("bob", "bob-pw".toCharArray()));
        assertDoesNotThrow(() -> KmsAdmin.changePassword(a, "second".toCharArray()));
        opened(KmsAdmin.open(file, "second".toCharArray(), options()));
    }

    @Test
    void aPasswordCredentialWithAKeyPair_changesItsPasswordTwice_andAfterOthersChanges() throws Exception {
        Path file = dir.resolve("v2.kms");
        KeyService admin = opened(KmsAdmin.open(file, PASSWORD, options()));
        admin.createCredential(CredentialRequest.withPassword("alice", "alice-1".toCharArray()));
        KeyService alice = opened(KmsAdmin.open(file, KmsCredential.password("alice", "alice-1".toCharArray()), options()));
        KmsAdmin.changePassword(alice, "alice-2".toCharArray());
        admin.createCredential(CredentialRequest.withPassword("carol", "carol-1".toCharArray()));
        alice.refresh();
        assertDoesNotThrow(() -> KmsAdmin.changePassword(alice, "alice-3".toCharArray()));
        opened(KmsAdmin.open(file, KmsCredential.password("alice", "alice-3".toCharArray()), options()));
    }

    @Test
    void aKeyFileCredential_replacesItsKeyFileTwice() throws Exception {
        Path file = dir.resolve("kf.kms");
        KeyService admin = opened(KmsAdmin.open(file, PASSWORD, options()));
        CreatedCredential svc = admin.createCredential(CredentialRequest.withKeyFile("svc"));
        Path one = dir.resolve("svc-1.key");
        svc.writeKeyFile(one);
        svc.wipe();
        KeyService s = opened(KmsAdmin.open(file, KmsCredential.keyFile(one), options()));
        KmsAdmin.replaceKeyFile(s, dir.resolve("svc-2.key"));
        admin.createCredential(CredentialRequest.withPassword("carol", "carol-1".toCharArray()));
        assertDoesNotThrow(() -> KmsAdmin.replaceKeyFile(s, dir.resolve("svc-3.key")));
        opened(KmsAdmin.open(file, KmsCredential.keyFile(dir.resolve("svc-3.key")), options()));
    }

    private static byte[] header(KeyService s) throws IOException {
        return EmbeddedKeyService.of(s).backend().header().orElseThrow();
    }
}
