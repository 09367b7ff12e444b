package io.kmsjca.conformance;

import io.kmsjca.keys.CreatedCredential;
import io.kmsjca.keys.CredentialInfo;
import io.kmsjca.keys.CredentialKind;
import io.kmsjca.keys.CredentialRequest;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KeyUseDeniedException;
import io.kmsjca.keys.KmsCredential;
import io.kmsjca.provider.KmsAdmin;
import io.kmsjca.provider.KmsEncryptionContextSpec;
import io.kmsjca.provider.KmsProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A store written before credentials existed (the frozen {@code golden/v1} store) opens unchanged
 * with its password, as the administrator {@code admin} acting for others; its header becomes
 * version 2 only when a credential is added, after which the old password and the new key files
 * all open it, each as its own principal.
 */
class GoldenStoreCredentialsTest {

    @TempDir
    Path dir;

    private static KeyServiceOptions options() {
        return Fixtures.cheapOptions().withMaintenanceInterval(Duration.ZERO);
    }

    private static String decrypt(KeyService keys, Path golden) throws Exception {
        Cipher c = Cipher.getInstance("KMSWrap", new KmsProvider());
        c.init(Cipher.DECRYPT_MODE, keys.findKey(GoldenFileWriter.ALIAS).orElseThrow(), new KmsEncryptionContextSpec(java.util.Map.of()));
        return new String(c.doFinal(Files.readAllBytes(golden.resolve("encrypted.bin"))), StandardCharsets.UTF_8);
    }

    @Test
    void theV1StoreOpensWithItsPasswordAndTakesCredentials() throws Exception {
        Path golden = Path.of("src/test/resources/golden/v1");
        Path file = dir.resolve("store.kms");
        Files.copy(golden.resolve("store.kms"), file);
        byte[] v1Header = Files.readAllBytes(file);
        KmsCredential password = KmsCredential.password(GoldenFileWriter.PASSWORD.toCharArray());

        try (KeyService keys = KmsAdmin.open(file, password, options())) {
            assertEquals(new CredentialInfo("admin", CredentialKind.PASSWORD, true, true), keys.credential());
            assertEquals(GoldenFileWriter.PAYLOAD, decrypt(keys, golden));
            CreatedCredential ops = keys.createCredential(CredentialRequest.withKeyFile("ops").administrator(true));
            ops.writeKeyFile(dir.resolve("ops.key"));
            ops.wipe();
            CreatedCredential reader = keys.createCredential(CredentialRequest.withKeyFile("reader"));
            reader.writeKeyFile(dir.resolve("reader.key"));
            reader.wipe();
        }
        assertEquals(1, v1Header[FileImageOffsets.headerVersion(v1Header)], "the golden header was version 1");

        try (KeyService ops = KmsAdmin.open(file, KmsCredential.keyFile(dir.resolve("ops.key")), options())) {
            assertEquals("ops", ops.credential().principal());
            assertEquals(GoldenFileWriter.PAYLOAD, decrypt(ops, golden), "an administrator uses default-policy keys");
        }
        try (KeyService reader = KmsAdmin.open(file, KmsCredential.keyFile(dir.resolve("reader.key")), options())) {
            assertThrows(KeyUseDeniedException.class, () -> decrypt(reader, golden),
                    "no store policy and a default key policy name no key user: a key user needs a policy or grant");
        }
        try (KeyService keys = KmsAdmin.open(file, password, options())) {
            assertEquals("admin", keys.credential().principal());
            assertEquals(GoldenFileWriter.PAYLOAD, decrypt(keys, golden));
        }
    }

    /** Where the root key header's version byte sits in a store image. */
    static final class FileImageOffsets {
        static int headerVersion(byte[] image) {
            for (int i = 0; i + 4 < image.length; i++) {
                if (image[i] == 'K' && image[i + 1] == 'M' && image[i + 2] == 'S' && image[i + 3] == 'R') {
                    return i + 4;
                }
            }
            throw new AssertionError("no root key header in the image");
        }
    }

    /**
     * The frozen {@code golden/credentials-v2} store ({@link GoldenCredentialsWriter}): a version-2
     * header with the version-1 administrator slot, a key-file slot and a password slot. Each
     * opens it as its own principal, and the key file's principal uses what the key policy gives it.
     */
    @Test
    void theFrozenV2StoreOpensWithEachOfItsCredentials() throws Exception {
        Path golden = Path.of(GoldenCredentialsWriter.DIR);
        Path file = dir.resolve("store.kms");
        Files.copy(golden.resolve("store.kms"), file);
        Path keyFile = dir.resolve("service.key");
        Files.copy(golden.resolve(GoldenCredentialsWriter.SERVICE + ".key"), keyFile);
        Files.setPosixFilePermissions(keyFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        byte[] image = Files.readAllBytes(file);
        assertEquals(2, image[FileImageOffsets.headerVersion(image)], "a version-2 header");

        try (KeyService admin = KmsAdmin.open(file, KmsCredential.password(GoldenFileWriter.PASSWORD.toCharArray()), options())) {
            assertEquals(new CredentialInfo("admin", CredentialKind.PASSWORD, true, true), admin.credential());
            assertEquals(java.util.List.of(new CredentialInfo("admin", CredentialKind.PASSWORD, true, true),
                    new CredentialInfo(GoldenCredentialsWriter.SERVICE, CredentialKind.KEY_FILE, false, false),
                    new CredentialInfo(GoldenCredentialsWriter.ROOT, CredentialKind.PASSWORD, true, false)),
                    admin.listCredentials());
        }
        try (KeyService root = KmsAdmin.open(file, KmsCredential.password(GoldenCredentialsWriter.ROOT,
                GoldenCredentialsWriter.ROOT_PASSWORD.toCharArray()), options())) {
            assertEquals(GoldenFileWriter.PAYLOAD, decrypt(root, golden));
        }
        try (KeyService service = KmsAdmin.open(file, KmsCredential.keyFile(keyFile), options())) {
            assertEquals(GoldenCredentialsWriter.SERVICE, service.credential().principal());
            assertEquals(GoldenFileWriter.PAYLOAD, decrypt(service, golden));
            Cipher c = Cipher.getInstance("KMSWrap", new KmsProvider());
            assertThrows(KeyUseDeniedException.class, () -> c.init(Cipher.ENCRYPT_MODE,
                    service.findKey("golden-unnamed").orElseThrow()));
        }
    }

    @Test
    void keyFilesAreOfNoUseOnAStoreThatHasNone() throws Exception {
        Path file = dir.resolve("store.kms");
        Files.copy(Path.of("src/test/resources/golden/v1/store.kms"), file);
        byte[] before = Files.readAllBytes(file);
        Path forged = dir.resolve("forged.key");
        Files.writeString(forged, "kms-jca-credential 1\nprincipal admin\nsecret " + "A".repeat(43) + "=\n");
        Files.setPosixFilePermissions(forged, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        var refused = assertThrows(java.io.IOException.class, () -> KmsAdmin.open(file, KmsCredential.keyFile(forged), options()));
        assertEquals("key store credential was incorrect (key file " + forged + ")", refused.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file), "a refused open writes nothing");
    }
}
