package io.kmsjca.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The KMS guide's envelope encryption with the real {@code openssl} binary: generate a data key,
 * encrypt a file with its plaintext, keep only the CiphertextBlob, later recover the key with
 * {@code kms decrypt} and decrypt the file with openssl again. ({@code openssl enc} has no GCM,
 * hence CBC, as in the guide.)
 */
class OpensslGuideIT {

    @TempDir
    Path dir;

    @Test
    void generateDataKey_opensslEncrypt_keepOnlyTheBlob_kmsDecrypt_opensslDecrypt() throws Exception {
        Kms kms = Kms.withStore(dir);
        kms.createKey("guide");
        byte[] original = new byte[300_000];
        new SecureRandom().nextBytes(original);
        Files.write(dir.resolve("plain.bin"), original);

        // 1. a data key: the plaintext for openssl now, the CiphertextBlob to keep
        Kms.Result dataKey = kms.run("generate-data-key", "--key-id", "alias/guide", "--key-spec", "AES_256",
                "--encryption-context", "file=plain.bin");
        assertEquals(0, dataKey.code(), dataKey.toString());
        byte[] plaintextKey = dataKey.blob("Plaintext");
        String keyHex = HexFormat.of().formatHex(plaintextKey);
        Files.write(dir.resolve("plain.bin.key"), dataKey.blob("CiphertextBlob"));
        byte[] iv = new byte[16];
        new SecureRandom().nextBytes(iv);
        String ivHex = HexFormat.of().formatHex(iv);
        openssl("enc", "-aes-256-cbc", "-K", keyHex, "-iv", ivHex, "-in", "plain.bin", "-out", "plain.bin.enc");
        Files.delete(dir.resolve("plain.bin"));
        // from here on only the CiphertextBlob and the encrypted file are used

        // 2. later: recover the data key from the blob alone, and decrypt with openssl
        Kms.Result recovered = kms.run("decrypt", "--ciphertext-blob", "fileb://plain.bin.key",
                "--encryption-context", "file=plain.bin", "--query", "Plaintext", "--output", "text");
        assertEquals(0, recovered.code(), recovered.toString());
        byte[] recoveredKey = java.util.Base64.getDecoder().decode(recovered.out().strip());
        assertArrayEquals(plaintextKey, recoveredKey, "decrypt returns the data key generate-data-key gave");
        String recoveredHex = HexFormat.of().formatHex(recoveredKey);
        openssl("enc", "-d", "-aes-256-cbc", "-K", recoveredHex, "-iv", ivHex, "-in", "plain.bin.enc", "-out", "plain.bin.dec");
        assertArrayEquals(original, Files.readAllBytes(dir.resolve("plain.bin.dec")));
    }

    private void openssl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "openssl " + String.join(" ", args) + ": " + output);
    }
}
