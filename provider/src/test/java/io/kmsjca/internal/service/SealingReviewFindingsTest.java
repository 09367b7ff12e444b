package io.kmsjca.internal.service;

import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.CreatedCredential;
import io.kmsjca.keys.CredentialRequest;
import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KmsCredential;
import io.kmsjca.provider.KmsAdmin;
import io.kmsjca.provider.ResealReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.kmsjca.internal.service.SealingPerPrincipalTest.holdsEveryVersion;
import static io.kmsjca.internal.service.SealingPerPrincipalTest.holdsNoVersion;
import static io.kmsjca.internal.service.SealingPerPrincipalTest.readRaw;
import static io.kmsjca.internal.service.SealingPerPrincipalTest.usedBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a second security review of sealing per principal (#17) found, each now refused or
 * closed: a deletion decided on a stale view of the keys, a key sealed out of the record whose
 * earlier form the store's image kept, pending import parameters left in the record, a revoked
 * credential's process taking over its successor's slot, and a reseal failing half-way.
 */
class SealingReviewFindingsTest {

    static final char[] OLD_ADMIN = "store-password".toCharArray();
    static final char[] OPS = "ops-password".toCharArray();

    @TempDir
    Path dir;
    Path file;
    final List<KeyService> open = new ArrayList<>();

    @BeforeEach
    void setUp() {
        file = dir.resolve("keys.kms");
    }

    @AfterEach
    void tearDown() throws IOException {
        for (KeyService s : open) {
            s.close();
        }
    }

    KeyServiceOptions options() {
        return KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests()).withMaintenanceInterval(Duration.ZERO);
    }

    KeyService openWith(KmsCredential c) throws IOException {
        KeyService s = KmsAdmin.open(file, c, options());
        open.add(s);
        return s;
    }

    KeyService ops() throws IOException {
        return openWith(KmsCredential.password("ops", OPS));
    }

    void keyFileFor(KeyService admin, String user) throws Exception {
        CreatedCredential c = admin.createCredential(CredentialRequest.withKeyFile(user));
        c.writeKeyFile(dir.resolve(user + ".key"));
        c.wipe();
    }

    KmsCredential keyFile(String user) {
        return KmsCredential.keyFile(dir.resolve(user + ".key"));
    }

    /** Migrated store: ops administers, alice and bob are key users (key files); the v1 admin is gone. */
    void migratedStore() throws Exception {
        try (KeyService first = KmsAdmin.open(file, OLD_ADMIN, options())) {
            first.createCredential(CredentialRequest.withPassword("ops", OPS.clone()).administrator(true)).wipe();
        }
        try (KeyService ops = KmsAdmin.open(file, KmsCredential.password("ops", OPS), options())) {
            ops.deleteCredential("admin");
            keyFileFor(ops, "alice");
            keyFileFor(ops, "bob");
        }
    }

    /** Only the image (a thief's copy without the journal), or NAME.prev alone, as a store. */
    Path alone(Path source, String folder) throws IOException {
        Path to = Files.createDirectory(dir.resolve(folder)).resolve("keys.kms");
        Files.copy(source, to);
        return to;
    }

    @Test
    void deletingTheOnlyHolderOfAKeyAnotherProcessMadeIsRefusedAndAcceptingTheLossIsExplicit() throws Exception {
        migratedStore();
        KeyService opsA = ops(); // an administrator's long-running process
        keyFileFor(opsA, "carol");
        KeyService opsB = ops(); // another one makes a key for carol
        opsB.createKey("carol-key", "");
        opsB.putKeyPolicy("carol-key", usedBy("carol"), false);

        var refused = assertThrows(InvalidKeyRequestException.class, () -> opsA.deleteCredential("carol"));
        assertTrue(refused.getMessage().contains("would lose that material"), refused.getMessage());
        assertTrue(holdsEveryVersion(readRaw(file, keyFile("carol")).get("carol-key")), "carol still holds it");

        KmsAdmin.deleteCredentialAcceptingKeyLoss(opsA, "carol"); // a compromised credential goes anyway
        assertThrows(IOException.class, () -> KmsAdmin.open(file, keyFile("carol"), options()).close());
        assertTrue(holdsNoVersion(readRaw(file, KmsCredential.password("ops", OPS)).get("carol-key")), "lost, as accepted");
    }

    @Test
    void aKeyGivenAUserAfterTheMigrationLeavesNoEarlierFormInTheStoresFiles() throws Exception {
        try (KeyService first = KmsAdmin.open(file, OLD_ADMIN, options())) {
            first.createCredential(CredentialRequest.withPassword("ops", OPS.clone()).administrator(true)).wipe();
            first.createKey("orphan", "");
            first.putKeyPolicy("orphan", usedBy("carol"), true); // carol has no credential: nobody may use it
        }
        KeyService ops = ops();
        ops.deleteCredential("admin");
        keyFileFor(ops, "alice");
        keyFileFor(ops, "bob");
        ResealReport before = KmsAdmin.resealKeys(ops);
        assertEquals(1, before.keysNobodyMayUse().size());

        ops.putKeyPolicy("orphan", usedBy("alice"), false); // the report's advice: give it a user
        assertTrue(holdsNoVersion(readRaw(file, keyFile("bob")).get("orphan")));
        assertTrue(holdsNoVersion(readRaw(alone(file, "image"), keyFile("bob")).get("orphan")), "the image alone");
        assertTrue(holdsNoVersion(readRaw(alone(file.resolveSibling("keys.kms.prev"), "prev"), keyFile("bob")).get("orphan")),
                "keys.kms.prev alone");
        assertTrue(holdsEveryVersion(readRaw(file, keyFile("alice")).get("orphan")));
    }

    @Test
    void pendingImportParametersAreSealedByTheMigration() throws Exception {
        try (KeyService first = KmsAdmin.open(file, OLD_ADMIN, options())) {
            first.createCredential(CredentialRequest.withPassword("ops", OPS.clone()).administrator(true)).wipe();
            first.createKey(io.kmsjca.keys.CreateKeyRequest.withAlias("byok").origin(io.kmsjca.keys.KeyOrigin.IMPORTED));
            first.getParametersForImport("byok", io.kmsjca.keys.WrappingAlgorithm.RSAES_OAEP_SHA_256,
                    io.kmsjca.keys.KeySpec.RSA_2048);
        }
        KeyService ops = ops();
        ops.deleteCredential("admin");
        keyFileFor(ops, "alice");
        KmsAdmin.resealKeys(ops);
        var w = readRaw(file, keyFile("alice")).get("byok").imports().orElseThrow().wrapping();
        assertTrue(w.isSealedAway(), "alice, who may not import into byok, cannot read the wrapping private key");
        assertTrue(readRaw(alone(file, "image"), keyFile("alice")).get("byok").imports().orElseThrow().wrapping()
                .isSealedAway(), "nor from the image alone");
        var byOps = readRaw(file, KmsCredential.password("ops", OPS)).get("byok").imports().orElseThrow().wrapping();
        assertTrue(!byOps.isSealedAway() && byOps.privateKey() != null, "ops, who may import, still can");
    }

    @Test
    void aRevokedCredentialsProcessCannotReplaceTheKeyFileOfItsSuccessor() throws Exception {
        migratedStore();
        KeyService ops = ops();
        keyFileFor(ops, "carol");
        KeyService stolen = openWith(keyFile("carol")); // the thief's process, opened before the revocation
        ops.deleteCredential("carol");
        Files.delete(dir.resolve("carol.key"));
        keyFileFor(ops, "carol"); // carol's fresh credential, a new key pair
        ops.createKey("carol-key", "");
        ops.putKeyPolicy("carol-key", usedBy("carol"), false);

        Path thief = dir.resolve("thief.key");
        var refused = assertThrows(IOException.class, () -> KmsAdmin.replaceKeyFile(stolen, thief));
        assertTrue(refused.getMessage().contains("not the one this store was opened with"), refused.getMessage());
        assertTrue(Files.notExists(thief), "no key file was left behind");
        assertTrue(holdsEveryVersion(readRaw(file, keyFile("carol")).get("carol-key")), "carol keeps her slot and key");
    }

    /** A backend over the file store whose second key write fails (a disk error, a lost race). */
    static final class FailingSecondPut implements io.kmsjca.spi.KeyRecordStore {
        final io.kmsjca.spi.KeyRecordStore d;
        int puts = Integer.MIN_VALUE;
        java.util.Set<String> counted = java.util.Set.of();
        FailingSecondPut(io.kmsjca.spi.KeyRecordStore d) { this.d = d; }
        public java.util.Optional<byte[]> header() throws IOException { return d.header(); }
        public void putHeader(byte[] e, byte[] n) throws IOException, io.kmsjca.spi.StaleRecordException { d.putHeader(e, n); }
        public java.util.Optional<io.kmsjca.spi.KeyRecord> get(String id) throws IOException { return d.get(id); }
        public List<io.kmsjca.spi.KeyRecord> list() throws IOException { return d.list(); }
        public void put(io.kmsjca.spi.KeyRecord r) throws IOException, io.kmsjca.spi.StaleRecordException {
            if (counted.contains(r.keyId()) && ++puts == 2) {
                throw new IOException("disk error");
            }
            d.put(r);
        }
        public void delete(String id, long rev) throws IOException, io.kmsjca.spi.StaleRecordException { d.delete(id, rev); }
        public Subscription subscribe(java.util.function.Consumer<String> l) { return d.subscribe(l); }
        public void compact() throws IOException { d.compact(); }
        public void refresh() throws IOException { d.refresh(); }
        public void close() throws IOException { d.close(); }
    }

    @Test
    void aResealThatFailsHalfWayStillRewritesTheStoresFilesAndTheDeletionStands() throws Exception {
        try (KeyService first = KmsAdmin.open(file, OLD_ADMIN, options())) {
            first.createCredential(CredentialRequest.withPassword("ops", OPS.clone()).administrator(true)).wipe();
            keyFileFor(first, "alice");
            first.createKey("k1", "");
            first.createKey("k2", "");
        }
        KmsCredential opsCred = KmsCredential.password("ops", OPS);
        io.kmsjca.internal.store.SlotKeys.Unlocked[] u = new io.kmsjca.internal.store.SlotKeys.Unlocked[1];
        var fileStore = io.kmsjca.spi.file.FileKeyRecordStore.open(file, header -> {
            var secret = KeyStores.secret(opsCred);
            try {
                u[0] = io.kmsjca.internal.store.SlotKeys.unlock(io.kmsjca.internal.format.KeySlots.decode(header), secret);
            } catch (java.security.UnrecoverableKeyException e) {
                throw new IOException(e);
            } finally {
                secret.wipe();
            }
            return u[0].root()::imageTag;
        });
        FailingSecondPut failing = new FailingSecondPut(fileStore);
        KeyService ops = KmsAdmin.open(failing, opsCred, options());
        open.add(ops);
        var before = readRaw(file, opsCred);
        failing.counted = java.util.Set.of(before.get("k1").id().toString(), before.get("k2").id().toString());
        failing.puts = 0; // armed: the reseal's second key write fails
        ops.deleteCredential("admin"); // done, though its reseal fails on the second key (audited, warned)
        assertThrows(IOException.class, () -> KmsAdmin.open(file, OLD_ADMIN, options()).close(), "admin was deleted");

        var live = readRaw(file, keyFile("alice"));
        String sealedOne = holdsNoVersion(live.get("k1")) ? "k1" : "k2";
        assertTrue(holdsNoVersion(live.get(sealedOne)), "one key was sealed before the failure");
        assertTrue(holdsNoVersion(readRaw(alone(file, "image"), keyFile("alice")).get(sealedOne)), "the image alone");
        assertTrue(holdsNoVersion(readRaw(alone(file.resolveSibling("keys.kms.prev"), "prev"), keyFile("alice")).get(sealedOne)),
                "keys.kms.prev alone");
        failing.counted = java.util.Set.of();
        // reseal-keys finishes the job: how many keys it writes depends on where the failure fell
        // in the keys' order (the store's own audit key may be left too)
        assertTrue(KmsAdmin.resealKeys(ops).resealedKeys() >= 1);
        assertEquals(0, KmsAdmin.resealKeys(ops).resealedKeys(), "nothing left");
        var after = readRaw(file, keyFile("alice"));
        assertTrue(holdsNoVersion(after.get("k1")) && holdsNoVersion(after.get("k2")));
    }
}
