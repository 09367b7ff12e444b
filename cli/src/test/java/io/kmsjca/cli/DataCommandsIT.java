package io.kmsjca.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.*;

/** generate-data-key, encrypt, decrypt and re-encrypt through the shaded jar, with tampered and mismatched input. */
@org.junit.jupiter.api.Tag("same-on-every-jdk") // the command layer: run once, on JDK 17 (README, "Supported JDKs")
class DataCommandsIT {

    @TempDir
    Path dir;
    Kms kms;
    String keyId;

    @BeforeEach
    void setUp() throws Exception {
        kms = Kms.withStore(dir);
        keyId = kms.createKey("orders");
    }

    @Test
    void generateDataKey_plaintextAndBlob_decryptGivesTheSameKey() throws Exception {
        Kms.Result generated = kms.run("generate-data-key", "--key-id", "alias/orders", "--key-spec", "AES_256",
                "--encryption-context", "purpose=invoices,tenant=42");
        assertEquals(0, generated.code(), generated.toString());
        assertEquals(keyId, generated.field("KeyId"));
        byte[] plaintext = generated.blob("Plaintext");
        assertEquals(32, plaintext.length);
        Path blob = Files.write(dir.resolve("data.key"), generated.blob("CiphertextBlob"));

        Kms.Result decrypted = kms.run("decrypt", "--ciphertext-blob", "fileb://" + blob,
                "--encryption-context", "{\"tenant\":\"42\",\"purpose\":\"invoices\"}");
        assertEquals(0, decrypted.code(), decrypted.toString());
        assertArrayEquals(plaintext, decrypted.blob("Plaintext"));
        assertEquals(keyId, decrypted.field("KeyId"));

        Kms.Result wrongContext = kms.run("decrypt", "--ciphertext-blob", "fileb://" + blob, "--encryption-context", "purpose=other");
        assertEquals(1, wrongContext.code(), wrongContext.toString());
        assertTrue(wrongContext.err().contains("encryption context"), wrongContext.err());
        assertFalse(wrongContext.out().contains("Plaintext"));
    }

    @Test
    void generateDataKey_aes128_andWithoutPlaintext() throws Exception {
        Kms.Result small = kms.run("generate-data-key", "--key-id", keyId, "--key-spec", "AES_128");
        assertEquals(16, small.blob("Plaintext").length, small.toString());
        Kms.Result blobOnly = kms.run("generate-data-key-without-plaintext", "--key-id", "orders");
        assertEquals(0, blobOnly.code(), blobOnly.toString());
        assertFalse(blobOnly.json().has("Plaintext"));
        Kms.Result later = kms.run("decrypt", "--ciphertext-blob", blobOnly.field("CiphertextBlob"));
        assertEquals(32, later.blob("Plaintext").length, later.toString());
        Kms.Result badSpec = kms.run("generate-data-key", "--key-id", keyId, "--key-spec", "AES_512");
        assertEquals(2, badSpec.code(), badSpec.toString());
    }

    @Test
    void encryptDecrypt_smallPayload_andTamperedOrTruncatedBlobIsRefused() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "db-password-123");
        Kms.Result encrypted = kms.run("encrypt", "--key-id", "orders", "--plaintext", "fileb://" + secret,
                "--encryption-context", "app=orders");
        assertEquals(0, encrypted.code(), encrypted.toString());
        assertEquals("SYMMETRIC_DEFAULT", encrypted.field("EncryptionAlgorithm"));
        byte[] blob = encrypted.blob("CiphertextBlob");
        Path blobFile = Files.write(dir.resolve("secret.kms"), blob);
        Kms.Result decrypted = kms.run("decrypt", "--ciphertext-blob", "fileb://" + blobFile, "--encryption-context", "app=orders",
                "--query", "Plaintext", "--output", "text");
        assertEquals("db-password-123", new String(Base64.getDecoder().decode(decrypted.out().strip()), StandardCharsets.UTF_8));

        byte[] tampered = blob.clone();
        tampered[tampered.length - 1] ^= 1;
        Kms.Result altered = kms.run("decrypt", "--ciphertext-blob", "fileb://" + Files.write(dir.resolve("t.kms"), tampered),
                "--encryption-context", "app=orders");
        assertEquals(1, altered.code(), altered.toString());
        assertTrue(altered.err().contains("altered"), altered.err());

        Path truncated = Files.write(dir.resolve("cut.kms"), Arrays.copyOf(blob, 60));
        Kms.Result cut = kms.run("decrypt", "--ciphertext-blob", "fileb://" + truncated);
        assertEquals(1, cut.code(), cut.toString());
        assertTrue(cut.err().contains("truncated"), cut.err());

        Kms.Result notBase64 = kms.run("decrypt", "--ciphertext-blob", "%%%");
        assertEquals(2, notBase64.code(), notBase64.toString());
        Kms.Result noFile = kms.run("decrypt", "--ciphertext-blob", "fileb://" + dir.resolve("absent"));
        assertEquals(2, noFile.code(), noFile.toString());
        assertTrue(noFile.err().contains("no such file"), noFile.err());
    }

    @Test
    void decrypt_withAnotherKeyId_isRefusedAsIncorrectKey() throws Exception {
        kms.createKey("other");
        Files.writeString(dir.resolve("hello.txt"), "hello");
        Kms.Result encrypted = kms.run("encrypt", "--key-id", "orders", "--plaintext", "fileb://hello.txt");
        Kms.Result wrongKey = kms.run("decrypt", "--ciphertext-blob", encrypted.field("CiphertextBlob"), "--key-id", "other");
        assertEquals(1, wrongKey.code(), wrongKey.toString());
        assertTrue(wrongKey.err().contains("IncorrectKeyException"), wrongKey.err());
        Kms.Result rightKey = kms.run("decrypt", "--ciphertext-blob", encrypted.field("CiphertextBlob"), "--key-id", "alias/orders");
        assertEquals("hello", new String(rightKey.blob("Plaintext"), StandardCharsets.UTF_8));
    }

    @Test
    void reEncrypt_toAnotherKeyAndContext_andToTheNewestVersion() throws Exception {
        String other = kms.createKey("other");
        Kms.Result generated = kms.run("generate-data-key", "--key-id", "orders", "--encryption-context", "v=1");
        Kms.Result moved = kms.run("re-encrypt", "--ciphertext-blob", generated.field("CiphertextBlob"),
                "--source-encryption-context", "v=1", "--destination-key-id", "other", "--destination-encryption-context", "v=2");
        assertEquals(0, moved.code(), moved.toString());
        assertEquals(keyId, moved.field("SourceKeyId"));
        assertEquals(other, moved.field("KeyId"));
        Kms.Result decrypted = kms.run("decrypt", "--ciphertext-blob", moved.field("CiphertextBlob"), "--encryption-context", "v=2");
        assertArrayEquals(generated.blob("Plaintext"), decrypted.blob("Plaintext"), decrypted.toString());

        kms.run("rotate-key-on-demand", "--key-id", "orders");
        Kms.Result rewrapped = kms.run("re-encrypt", "--ciphertext-blob", generated.field("CiphertextBlob"),
                "--source-encryption-context", "v=1", "--destination-encryption-context", "v=1");
        assertEquals(1, rewrapped.json().get("SourceKeyVersion").getAsInt(), rewrapped.toString());
        assertEquals(2, rewrapped.json().get("KeyVersion").getAsInt());

        Kms.Result wrongSource = kms.run("re-encrypt", "--ciphertext-blob", generated.field("CiphertextBlob"),
                "--source-encryption-context", "v=9");
        assertEquals(1, wrongSource.code(), wrongSource.toString());
    }
}
