package io.kmsjca.internal.service;

import io.kmsjca.internal.format.KeySlots;
import io.kmsjca.internal.model.KeyVersion;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.internal.store.CredentialSecret;
import io.kmsjca.internal.store.MasterKeyCodec;
import io.kmsjca.internal.store.SlotKeys;
import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.CreatedCredential;
import io.kmsjca.keys.CredentialInfo;
import io.kmsjca.keys.CredentialRequest;
import io.kmsjca.keys.GrantOperation;
import io.kmsjca.keys.GrantRequest;
import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyUseDeniedException;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KmsCredential;
import io.kmsjca.provider.KmsAdmin;
import io.kmsjca.provider.KmsEncryptionContextSpec;
import io.kmsjca.provider.KmsProvider;
import io.kmsjca.spi.KeyRecord;
import io.kmsjca.spi.file.FileKeyRecordStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStoreException;
import java.security.Provider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sealing per principal (issue #17, "separate duties in the bytes"): seen by a thief holding a
 * key user's credential and a copy of the store file, who reads the raw records with the store's
 * own code and that credential's secret. Each key's material must open only for the principals
 * its policies and grants let use it; an administrator manages keys it may not use without ever
 * holding their material. Real file stores, real key files, real ciphers.
 */
class SealingPerPrincipalTest {

    static final char[] OLD_ADMIN = "store-password".toCharArray();
    static final char[] OPS = "ops-password".toCharArray();
    static final Provider PROVIDER = new KmsProvider();

    @TempDir
    Path dir;
    Path file;
    Path aliceKeyFile;
    Path bobKeyFile;
    final List<KeyService> open = new ArrayList<>();

    /** ops administers the key (every action but its use); {@code user} uses it. */
    static String usedBy(String user) {
        return """
                {"Version": "2012-10-17", "Statement": [
                  {"Sid": "Admins", "Effect": "Allow", "Principal": {"AWS": "ops"},
                   "NotAction": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"], "Resource": "*"},
                  {"Sid": "Users", "Effect": "Allow", "Principal": {"AWS": "%s"}, "Action": "kms:*", "Resource": "*"}]}"""
                .formatted(user);
    }

    /**
     * A store as the migration in docs/authorization.md leaves it: the version-1 password is gone,
     * ops is its administrator, alice and bob are key users with key files; alice-key is alice's,
     * bob-key bob's, admin-key the administrators' (default policy).
     */
    @BeforeEach
    void setUp() throws Exception {
        file = dir.resolve("keys.kms");
        aliceKeyFile = dir.resolve("alice.key");
        bobKeyFile = dir.resolve("bob.key");
        try (KeyService first = KmsAdmin.open(file, OLD_ADMIN, options())) {
            first.createCredential(CredentialRequest.withPassword("ops", OPS.clone()).administrator(true)).wipe();
        }
        try (KeyService ops = KmsAdmin.open(file, KmsCredential.password("ops", OPS), options())) {
            ops.deleteCredential("admin");
            for (String user : List.of("alice", "bob")) {
                CreatedCredential c = ops.createCredential(CredentialRequest.withKeyFile(user));
                c.writeKeyFile(dir.resolve(user + ".key"));
                c.wipe();
            }
            for (String user : List.of("alice", "bob")) {
                ops.createKey(user + "-key", "");
                ops.putKeyPolicy(user + "-key", usedBy(user), false);
            }
            ops.createKey("admin-key", "");
        }
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

    KeyService openWith(KmsCredential credential) throws IOException {
        KeyService s = KmsAdmin.open(file, credential, options());
        open.add(s);
        return s;
    }

    KeyService ops() throws IOException {
        return openWith(KmsCredential.password("ops", OPS));
    }

    KeyService alice() throws IOException {
        return openWith(KmsCredential.keyFile(aliceKeyFile));
    }

    KeyService bob() throws IOException {
        return openWith(KmsCredential.keyFile(bobKeyFile));
    }

    // ---------------------------------------------------------------- the thief's reading

    /** The store's records and what {@code credential}'s secret unlocks in its header: what a thief with both holds. */
    record RawStore(List<KeyRecord> records, SlotKeys.Unlocked unlocked) {
    }

    static RawStore openRaw(Path store, KmsCredential credential) throws IOException {
        SlotKeys.Unlocked[] unlocked = new SlotKeys.Unlocked[1];
        try (FileKeyRecordStore records = FileKeyRecordStore.open(store, header -> {
            CredentialSecret secret = KeyStores.secret(credential);
            try {
                unlocked[0] = SlotKeys.unlock(KeySlots.decode(header), secret);
            } catch (java.security.UnrecoverableKeyException e) {
                throw new IOException(e);
            } finally {
                secret.wipe();
            }
            return unlocked[0].root()::imageTag;
        })) {
            return new RawStore(records.list(), unlocked[0]);
        }
    }

    /** What the store's own code reads from {@code store} with {@code credential}'s secret: every key, by alias (and id). */
    static Map<String, MasterKey> readRaw(Path store, KmsCredential credential) throws IOException {
        RawStore raw = openRaw(store, credential);
        Map<String, MasterKey> keys = new HashMap<>();
        for (KeyRecord r : raw.records()) {
            MasterKey k = MasterKeyCodec.decode(UUID.fromString(r.keyId()), r.revision(), raw.unlocked().root().open(r),
                    raw.unlocked().keyPair());
            keys.put(r.keyId(), k);
            k.aliases().forEach(a -> keys.put(a, k));
        }
        return keys;
    }

    /** Every payload of {@code store} as {@code credential} decrypts it under the root key: the bytes a thief has. */
    static List<byte[]> payloads(Path store, KmsCredential credential) throws IOException {
        RawStore raw = openRaw(store, credential);
        List<byte[]> all = new ArrayList<>();
        for (KeyRecord r : raw.records()) {
            all.add(raw.unlocked().root().open(r));
        }
        return all;
    }

    /** A copy of the store's files (the image and its journal) in a folder of its own: what a thief takes. */
    Path copyOfStore(String folder) throws IOException {
        Path to = Files.createDirectory(dir.resolve(folder));
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("keys.kms")).toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to.resolve("keys.kms");
    }

    static boolean holdsEveryVersion(MasterKey key) {
        return key.versions().stream().allMatch(v -> v.materialCopy() != null && !v.isSealedAway());
    }

    static boolean holdsNoVersion(MasterKey key) {
        return key.versions().stream().allMatch(v -> v.materialCopy() == null && v.isSealedAway());
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        return AccessKeysTest.indexOf(haystack, needle) >= 0;
    }

    static byte[] wrap(KeyService keys, String key) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("KMSWrap", PROVIDER);
        c.init(Cipher.WRAP_MODE, keys.findKey(key).orElseThrow(), new KmsEncryptionContextSpec(Map.of()));
        return c.wrap(new SecretKeySpec(new byte[32], "AES"));
    }

    static Key unwrap(KeyService keys, String key, byte[] blob) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("KMSWrap", PROVIDER);
        c.init(Cipher.UNWRAP_MODE, keys.findKey(key).orElseThrow(), new KmsEncryptionContextSpec(Map.of()));
        return c.unwrap(blob, "AES", Cipher.SECRET_KEY);
    }

    // ---------------------------------------------------------------- tests

    @Test
    void aKeyUsersSecretOpensOnlyTheMaterialOfKeysItMayUseFromTheRawFile() throws Exception {
        Map<String, MasterKey> byAlice = readRaw(file, KmsCredential.keyFile(aliceKeyFile));
        Map<String, MasterKey> byBob = readRaw(file, KmsCredential.keyFile(bobKeyFile));
        Map<String, MasterKey> byOps = readRaw(file, KmsCredential.password("ops", OPS));

        assertTrue(holdsEveryVersion(byAlice.get("alice-key")));
        assertTrue(holdsNoVersion(byAlice.get("bob-key")), "alice must not read bob's key");
        assertTrue(holdsNoVersion(byAlice.get("admin-key")), "alice must not read the administrators' key");
        assertTrue(holdsEveryVersion(byBob.get("bob-key")));
        assertTrue(holdsNoVersion(byBob.get("alice-key")));
        // the administrator manages the users' keys without holding their material
        assertTrue(holdsNoVersion(byOps.get("alice-key")));
        assertTrue(holdsNoVersion(byOps.get("bob-key")));
        assertTrue(holdsEveryVersion(byOps.get("admin-key")));

        // nowhere in what alice decrypts under the root key are bob's or the administrators' key bytes
        byte[] bobs = byBob.get("bob-key").versions().get(0).materialCopy();
        byte[] admins = byOps.get("admin-key").versions().get(0).materialCopy();
        for (byte[] payload : payloads(file, KmsCredential.keyFile(aliceKeyFile))) {
            assertFalse(contains(payload, bobs), "bob's material in a payload alice can read");
            assertFalse(contains(payload, admins), "the administrators' material in a payload alice can read");
        }
        // and nowhere in the file's bytes
        byte[] raw = Files.readAllBytes(file);
        assertFalse(contains(raw, bobs));
    }

    @Test
    void throughTheApiAKeyUserStillUsesItsOwnKeyAndIsRefusedTheOthers() throws Exception {
        KeyService alice = alice();
        byte[] blob = wrap(alice, "alice-key");
        assertArrayEquals(new byte[32], unwrap(alice, "alice-key", blob).getEncoded());
        assertThrows(KeyUseDeniedException.class, () -> wrap(alice, "bob-key"));
        assertThrows(KeyUseDeniedException.class, () -> wrap(alice, "admin-key"));
    }

    @Test
    void anAdministratorRotatesAKeyItMayNotUseAndNeverHoldsTheNewMaterial() throws Exception {
        KeyService alice = alice();
        byte[] before = wrap(alice, "alice-key");
        KeyService ops = ops();
        assertEquals(2, ops.rotateKeyOnDemand("alice-key"));
        // the administrator's process keeps what it would read back: no material of alice's key
        MasterKey inOps = EmbeddedKeyService.of(ops).registry().lookup("alice-key").orElseThrow();
        assertTrue(holdsNoVersion(inOps), "ops kept the material it generated");
        assertTrue(holdsNoVersion(readRaw(file, KmsCredential.password("ops", OPS)).get("alice-key")));

        KeyService aliceAgain = alice();
        MasterKey inAlice = EmbeddedKeyService.of(aliceAgain).registry().lookup("alice-key").orElseThrow();
        assertEquals(2, inAlice.versions().size());
        assertTrue(holdsEveryVersion(inAlice));
        assertArrayEquals(new byte[32], unwrap(aliceAgain, "alice-key", before).getEncoded());
        byte[] after = wrap(aliceAgain, "alice-key");
        assertArrayEquals(new byte[32], unwrap(aliceAgain, "alice-key", after).getEncoded());
    }

    @Test
    void aGrantSealsTheKeyToTheGranteeAndItsRevocationSealsNewVersionsWithoutIt() throws Exception {
        KeyService alice = alice();
        var grant = alice.createGrant("alice-key", GrantRequest.to("bob", Set.of(GrantOperation.Encrypt, GrantOperation.Decrypt)));
        assertTrue(holdsEveryVersion(readRaw(file, KmsCredential.keyFile(bobKeyFile)).get("alice-key")));
        assertTrue(holdsNoVersion(readRaw(file, KmsCredential.password("ops", OPS)).get("alice-key")),
                "a grant to bob seals the key to bob, not to the administrator, whom it does not name");
        KeyService bob = bob();
        byte[] blob = wrap(bob, "alice-key");
        assertArrayEquals(new byte[32], unwrap(alice, "alice-key", blob).getEncoded());

        Path copyBobKept = copyOfStore("copy");
        alice.revokeGrant("alice-key", grant.grantId());
        // the record is sealed anew without bob: the current store no longer opens for him...
        assertTrue(holdsNoVersion(readRaw(file, KmsCredential.keyFile(bobKeyFile)).get("alice-key")));
        // ...but a copy he kept from before still does, until the key is rotated (docs/authorization.md)
        assertTrue(holdsEveryVersion(readRaw(copyBobKept, KmsCredential.keyFile(bobKeyFile)).get("alice-key")));
        alice.rotateKeyOnDemand("alice-key");
        MasterKey rotated = readRaw(file, KmsCredential.keyFile(bobKeyFile)).get("alice-key");
        assertEquals(2, rotated.versions().size());
        assertTrue(holdsNoVersion(rotated));
    }

    @Test
    void aUseOfAVersionSealedAwayFailsClearlyAndNamesWhoHoldsIt() throws Exception {
        MasterKey bobsInAlice = readRaw(file, KmsCredential.keyFile(aliceKeyFile)).get("bob-key");
        KeyVersion v = bobsInAlice.versions().get(0);
        var e = assertThrows(java.security.InvalidKeyException.class,
                () -> v.lease(bobsInAlice.id(), io.kmsjca.internal.crypto.Primitives.mac("HmacSHA256")));
        assertTrue(e.getMessage().contains("sealed to other principals (bob, ops)") || e.getMessage().contains("(ops, bob)")
                || e.getMessage().contains("(bob)"), e.getMessage());
        assertFalse(e.getMessage().matches(".*[0-9a-f]{64}.*"), "no key bytes in the message");
    }

    @Test
    void aKeyNoCredentialMayUseKeepsItsSealsTakesNoNewVersionAndIsSealedToItsUserOnceOneHasACredential()
            throws Exception {
        KeyService alice = alice();
        alice.putKeyPolicy("alice-key", usedBy("carol"), true); // for carol, whose credential does not exist yet
        // nothing is lost: the material stays sealed to alice, who is no longer allowed to use it
        assertTrue(holdsEveryVersion(readRaw(file, KmsCredential.keyFile(aliceKeyFile)).get("alice-key")));
        KeyService ops = ops();
        var refused = assertThrows(KeyStoreException.class, () -> ops.rotateKeyOnDemand("alice-key"));
        assertTrue(refused.getMessage().contains("would be sealed to no credential"), refused.getMessage());
        ops.disableKey("alice-key"); // managing it, without a new version, still works
        ops.enableKey("alice-key");

        Path carol = dir.resolve("carol.key");
        CreatedCredential c = ops.createCredential(CredentialRequest.withKeyFile("carol"));
        c.writeKeyFile(carol);
        c.wipe();
        assertEquals(1, KmsAdmin.resealKeys(alice).resealedKeys(), "alice still holds it: she seals it to carol");
        assertTrue(holdsEveryVersion(readRaw(file, KmsCredential.keyFile(carol)).get("alice-key")));
        assertTrue(holdsNoVersion(readRaw(file, KmsCredential.keyFile(aliceKeyFile)).get("alice-key")),
                "and without herself, since the policy no longer names her");
    }

    @Test
    void deletingTheOnlyCredentialAKeyIsSealedToIsRefusedAndAKeyFileIsReplacedKeepingItsKeyPair() throws Exception {
        byte[] blob = wrap(alice(), "alice-key");
        KeyService ops = ops();
        var refused = assertThrows(InvalidKeyRequestException.class, () -> ops.deleteCredential("alice"));
        assertTrue(refused.getMessage().contains("would lose that material"), refused.getMessage());
        assertEquals(List.of("ops", "alice", "bob"), ops.listCredentials().stream().map(CredentialInfo::principal).toList(),
                "nothing was deleted");

        Path replaced = dir.resolve("alice-new.key");
        var info = KmsAdmin.replaceKeyFile(alice(), replaced);
        assertEquals("alice", info.principal());
        assertTrue(info.holdsKeyPair());
        var old = assertThrows(IOException.class, this::alice);
        assertInstanceOf(java.security.UnrecoverableKeyException.class, old.getCause(), "the old key file no longer opens");
        KeyService newAlice = openWith(KmsCredential.keyFile(replaced));
        assertArrayEquals(new byte[32], unwrap(newAlice, "alice-key", blob).getEncoded(), "the same key pair: her keys stay hers");
        assertThrows(IOException.class, () -> KmsAdmin.replaceKeyFile(newAlice, replaced), "never over an existing file");
        assertThrows(IOException.class, () -> KmsAdmin.replaceKeyFile(ops, dir.resolve("ops.key")), "a password has none");
        assertFalse(Files.exists(dir.resolve("ops.key")));
    }

    @Test
    void afterTheMigrationNoFileOfTheStoreHoldsAKeyUsersForbiddenMaterialInTheRecord() throws Exception {
        Path legacy = Files.createDirectory(dir.resolve("legacy")).resolve("keys.kms");
        Path alice = dir.resolve("legacy-alice.key");
        try (KeyService first = KmsAdmin.open(legacy, OLD_ADMIN, options())) {
            CreatedCredential c = first.createCredential(CredentialRequest.withKeyFile("alice"));
            c.writeKeyFile(alice);
            c.wipe();
            first.createKey("admin-key", "");
            // a key awaiting import has no material, so is never resealed: the image stays larger than the reseals' journal
            first.createKey(io.kmsjca.keys.CreateKeyRequest.withAlias("awaiting-import")
                    .origin(io.kmsjca.keys.KeyOrigin.IMPORTED).description("x".repeat(8000)));
            first.createCredential(CredentialRequest.withPassword("ops", OPS.clone()).administrator(true)).wipe();
        }
        try (KeyService ops = KmsAdmin.open(legacy, KmsCredential.password("ops", OPS), options())) {
            ops.deleteCredential("admin"); // seals every key ops holds, and rewrites the store's files
        }
        assertTrue(holdsNoVersion(readRaw(legacy, KmsCredential.keyFile(alice)).get("admin-key")));
        for (Path alone : List.of(legacy, FileKeyRecordStore.previousGeneration(legacy))) {
            Path copy = Files.createDirectory(dir.resolve("alone-" + alone.getFileName())).resolve("keys.kms");
            Files.copy(alone, copy);
            assertTrue(holdsNoVersion(readRaw(copy, KmsCredential.keyFile(alice)).get("admin-key")),
                    alone.getFileName() + " read alone opens the administrators' key for alice");
        }
    }

    @Test
    void aKeyNobodyMayUseIsReportedAndStillManagedAfterTheMigration() throws Exception {
        Path legacy = Files.createDirectory(dir.resolve("legacy")).resolve("keys.kms");
        String carolKey;
        try (KeyService first = KmsAdmin.open(legacy, OLD_ADMIN, options())) {
            carolKey = first.createKey("carol-key", "").keyId().toString();
            first.putKeyPolicy("carol-key", usedBy("carol"), true);
            first.createCredential(CredentialRequest.withPassword("ops", OPS.clone()).administrator(true)).wipe();
        }
        try (KeyService ops = KmsAdmin.open(legacy, KmsCredential.password("ops", OPS), options())) {
            ops.deleteCredential("admin");
            assertEquals(List.of(carolKey), KmsAdmin.resealKeys(ops).keysNobodyMayUse());
            ops.scheduleKeyDeletion("carol-key", 7);
        }
    }

    @Test
    void aStoreThatStillHasACredentialWithoutAKeyPairKeepsMaterialReadableByEveryCredential() throws Exception {
        Path legacy = dir.resolve("legacy.kms");
        try (KeyService first = KmsAdmin.open(legacy, OLD_ADMIN, options())) {
            first.createCredential(CredentialRequest.withKeyFile("carol")).writeKeyFile(dir.resolve("carol.key"));
            first.createKey("carol-key", "");
            first.putKeyPolicy("carol-key", usedBy("carol"), true);
            first.createKey("other-key", "");
        }
        // the version-1 password acts for others, so may hold every key, and has no key pair: nothing is sealed
        Map<String, MasterKey> byCarol = readRaw(legacy, KmsCredential.keyFile(dir.resolve("carol.key")));
        assertTrue(holdsEveryVersion(byCarol.get("other-key")));
        assertTrue(holdsEveryVersion(byCarol.get("carol-key")));
    }

    @Test
    void theOldCopyOfAStoreAndTheNewOneAgreeOnWhatAKeyFileOpens() throws Exception {
        // alice's key file opens alice's seals in the record as the key service wrote them, byte for byte
        byte[] fromApi = EmbeddedKeyService.of(alice()).registry().lookup("alice-key").orElseThrow()
                .versions().get(0).materialCopy();
        byte[] fromRaw = readRaw(file, KmsCredential.keyFile(aliceKeyFile)).get("alice-key").versions().get(0)
                .materialCopy();
        assertArrayEquals(fromApi, fromRaw);
        assertFalse(Arrays.equals(fromApi, new byte[32]));
    }

    @Test
    void aPrincipalGivenAKeyByACredentialThatDoesNotHoldItGetsItWhenAHolderReseals() throws Exception {
        String aliceAndBob = usedBy("alice").replace("\"AWS\": \"alice\"", "\"AWS\": [\"alice\", \"bob\"]");
        ops().putKeyPolicy("alice-key", aliceAndBob, false);
        // ops may change the policy but holds no material to seal to bob
        assertTrue(holdsNoVersion(readRaw(file, KmsCredential.keyFile(bobKeyFile)).get("alice-key")));
        assertEquals(1, KmsAdmin.resealKeys(alice()).resealedKeys(), "alice holds the key: she seals it to bob");
        assertTrue(holdsEveryVersion(readRaw(file, KmsCredential.keyFile(bobKeyFile)).get("alice-key")));
        assertEquals(0, KmsAdmin.resealKeys(alice()).resealedKeys(), "nothing left to seal");
        KeyService bob = bob();
        assertArrayEquals(new byte[32], unwrap(bob, "alice-key", wrap(alice(), "alice-key")).getEncoded());
    }

    @Test
    void creatingAndDeletingACredentialSealsTheKeysTheAdministratorHoldsToAndWithoutIt() throws Exception {
        KeyService ops = ops();
        Path ops2 = dir.resolve("ops2.key");
        CreatedCredential c = ops.createCredential(CredentialRequest.withKeyFile("ops2").administrator(true));
        c.writeKeyFile(ops2);
        c.wipe();
        assertTrue(holdsEveryVersion(readRaw(file, KmsCredential.keyFile(ops2)).get("admin-key")),
                "a new administrator gets the keys the default policy gives administrators");
        assertTrue(holdsNoVersion(readRaw(file, KmsCredential.keyFile(ops2)).get("alice-key")));
        assertEquals(Set.of("ops", "ops2"), Set.copyOf(sealedTo(readRaw(file, KmsCredential.password("ops", OPS)).get("admin-key"))));

        ops.deleteCredential("ops2");
        assertEquals(List.of("ops"), sealedTo(readRaw(file, KmsCredential.password("ops", OPS)).get("admin-key")));
    }

    @Test
    void versionsAnAdministratorAddsWithoutHoldingTheKeyAreBoundedUntilAHolderResealsThem() throws Exception {
        KeyService ops = ops();
        int groups = 1;
        while (groups < io.kmsjca.internal.store.MasterKeyCodec.MAX_SEAL_GROUPS) {
            ops.rotateKeyOnDemand("alice-key"); // each new version is sealed to alice in a group of its own
            groups++;
        }
        var refused = assertThrows(KeyStoreException.class, () -> ops.rotateKeyOnDemand("alice-key"));
        assertTrue(refused.getMessage().contains("reseal"), refused.getMessage());
        KeyService alice = alice();
        MasterKey spread = EmbeddedKeyService.of(alice).registry().lookup("alice-key").orElseThrow();
        assertEquals(groups, spread.versions().size());
        assertTrue(holdsEveryVersion(spread), "alice holds every version, whichever group it is in");
        assertEquals(1, KmsAdmin.resealKeys(alice).resealedKeys());
        assertEquals(groups + 1, ops.rotateKeyOnDemand("alice-key"), "one group again: the administrator rotates");
        assertTrue(holdsEveryVersion(readRaw(file, KmsCredential.keyFile(aliceKeyFile)).get("alice-key")));
    }

    @Test
    void aStreamImageKeepsTheCredentialsThatOpenItsSealsAndIsWrittenOnlyWithOneOfTheirPasswords() throws Exception {
        KeyService ops = ops();
        var refused = assertThrows(IOException.class,
                () -> KeyStores.write(ops, new java.io.ByteArrayOutputStream(), "another password".toCharArray()));
        assertTrue(refused.getMessage().contains("password of one of them"), refused.getMessage());

        var image = new java.io.ByteArrayOutputStream();
        KeyStores.write(ops, image, OPS);
        try (KeyService loaded = KeyStores.read(new java.io.ByteArrayInputStream(image.toByteArray()), OPS, options())) {
            assertEquals("ops", loaded.credential().principal());
            assertNotNull(wrap(loaded, "admin-key"), "the administrators' key opens with ops's key pair");
            MasterKey alices = EmbeddedKeyService.of(loaded).registry().lookup("alice-key").orElseThrow();
            assertTrue(holdsNoVersion(alices), "alice's key stays sealed to alice in the image");
        }
    }

    @Test
    void theImportParametersPrivateKeyIsSealedToThoseWhoMayImportAndTheImportedMaterialToTheKeysUsers() throws Exception {
        KeyService ops = ops();
        ops.createKey(io.kmsjca.keys.CreateKeyRequest.withAlias("alice-byok").origin(io.kmsjca.keys.KeyOrigin.IMPORTED));
        ops.putKeyPolicy("alice-byok", usedBy("alice"), false);
        var p = ops.getParametersForImport("alice-byok", io.kmsjca.keys.WrappingAlgorithm.RSAES_OAEP_SHA_256,
                io.kmsjca.keys.KeySpec.RSA_2048);
        // bob may not import: the wrapping private key is not his to read from the record
        var byBob = readRaw(file, KmsCredential.keyFile(bobKeyFile)).get("alice-byok").imports().orElseThrow().wrapping();
        assertTrue(byBob.isSealedAway());
        assertEquals(null, byBob.privateKey());
        assertEquals(Set.of("ops", "alice"), Set.copyOf(byBob.sealed().group().principals()));
        assertFalse(readRaw(file, KmsCredential.password("ops", OPS)).get("alice-byok").imports().orElseThrow()
                .wrapping().isSealedAway(), "ops, who asked for the parameters and may import, reads them");

        byte[] material = new byte[32];
        java.util.Arrays.fill(material, (byte) 0x42);
        var oaep = new javax.crypto.spec.OAEPParameterSpec("SHA-256", "MGF1", java.security.spec.MGF1ParameterSpec.SHA256,
                javax.crypto.spec.PSource.PSpecified.DEFAULT);
        Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPPadding");
        rsa.init(Cipher.ENCRYPT_MODE, java.security.KeyFactory.getInstance("RSA")
                .generatePublic(new java.security.spec.X509EncodedKeySpec(p.publicKey())), oaep);
        byte[] encrypted = rsa.doFinal(material);
        var refused = assertThrows(KeyStoreException.class, () -> bob().importKeyMaterial("alice-byok", p.importToken(),
                encrypted, io.kmsjca.keys.ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null), "bob may not import");
        assertFalse(refused.getMessage().contains("4242"), refused.getMessage());
        ops.importKeyMaterial("alice-byok", p.importToken(), encrypted,
                io.kmsjca.keys.ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null);
        assertArrayEquals(material, readRaw(file, KmsCredential.keyFile(aliceKeyFile)).get("alice-byok").versions().get(0)
                .materialCopy());
        assertTrue(holdsNoVersion(readRaw(file, KmsCredential.keyFile(bobKeyFile)).get("alice-byok")));
        assertTrue(holdsNoVersion(readRaw(file, KmsCredential.password("ops", OPS)).get("alice-byok")),
                "ops imported it, and may not use it: it keeps none of it");
        assertNotNull(wrap(alice(), "alice-byok"));
    }

    /** The principals the key's first version is sealed to. */
    static List<String> sealedTo(MasterKey key) {
        return key.versions().get(0).sealed().group().principals();
    }
}
