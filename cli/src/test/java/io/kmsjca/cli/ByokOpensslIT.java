package io.kmsjca.cli;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The AWS KMS guide "Importing key material", step by step, with the real {@code openssl} as the
 * importer (it must be installed: a missing openssl fails the test): create-key --origin EXTERNAL,
 * get-parameters-for-import, openssl wraps the material (RSA_AES_KEY_WRAP_SHA_256: AES key wrap
 * with padding, then OAEP SHA-256 of the AES key; RSAES_OAEP_SHA_256: OAEP of the material),
 * import-key-material, then the key encrypts and decrypts; delete-imported-key-material, re-import
 * of the same material, and refusal of other material.
 */
@org.junit.jupiter.api.Tag("same-on-every-jdk") // openssl as the importer: the unwrapping is checked on JDK 25 by ImportUnwrapWycheproofTest and the import tests (README, "Supported JDKs")
class ByokOpensslIT {

    @TempDir
    Path dir;
    Kms kms;

    @BeforeEach
    void setUp() throws Exception {
        kms = Kms.withStore(dir);
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "openssl " + String.join(" ", args) + ": " + out);
    }

    private String createExternal(String alias) throws Exception {
        Kms.Result r = kms.run("create-key", "--origin", "EXTERNAL", "--alias", alias);
        assertEquals(0, r.code(), r.toString());
        JsonObject m = r.json().getAsJsonObject("KeyMetadata");
        assertEquals("EXTERNAL", m.get("Origin").getAsString());
        assertEquals("PendingImport", m.get("KeyState").getAsString());
        return m.get("KeyId").getAsString();
    }

    /** get-parameters-for-import, PublicKey and ImportToken written as files (AWS's base64 decoded). */
    private void parameters(String key, String algorithm) throws Exception {
        Kms.Result r = kms.run("get-parameters-for-import", "--key-id", key, "--wrapping-algorithm", algorithm,
                "--wrapping-key-spec", "RSA_4096");
        assertEquals(0, r.code(), r.toString());
        Files.write(dir.resolve("pub.der"), Base64.getDecoder().decode(r.field("PublicKey")));
        Files.write(dir.resolve("token.bin"), Base64.getDecoder().decode(r.field("ImportToken")));
    }

    /** The guide's openssl steps for RSA_AES_KEY_WRAP_SHA_256: wrapped AES key, then the wrapped material. */
    private Path wrapWithAesKeyWrap(String material) throws Exception {
        openssl("rand", "-out", "aes.key", "32");
        String hex = HexFormat.of().formatHex(Files.readAllBytes(dir.resolve("aes.key")));
        openssl("enc", "-id-aes256-wrap-pad", "-K", hex, "-iv", "A65959A6", "-in", material, "-out", "wrapped-material");
        openssl("pkeyutl", "-encrypt", "-in", "aes.key", "-inkey", "pub.der", "-keyform", "DER", "-pubin",
                "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256",
                "-out", "wrapped-aes");
        byte[] head = Files.readAllBytes(dir.resolve("wrapped-aes"));
        byte[] tail = Files.readAllBytes(dir.resolve("wrapped-material"));
        byte[] all = new byte[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return Files.write(dir.resolve("encrypted-material.bin"), all);
    }

    private Kms.Result importMaterial(String key, Path encrypted) throws Exception {
        return kms.run("import-key-material", "--key-id", key, "--encrypted-key-material", "fileb://" + encrypted,
                "--import-token", "fileb://" + dir.resolve("token.bin"), "--expiration-model", "KEY_MATERIAL_DOES_NOT_EXPIRE");
    }

    /** The key wraps a data key and unwraps it again. */
    private void roundTrip(String key) throws Exception {
        Kms.Result dataKey = kms.run("generate-data-key", "--key-id", key);
        assertEquals(0, dataKey.code(), dataKey.toString());
        Path blob = Files.write(dir.resolve("data.key"), Base64.getDecoder().decode(dataKey.field("CiphertextBlob")));
        Kms.Result decrypted = kms.run("decrypt", "--ciphertext-blob", "fileb://" + blob);
        assertEquals(0, decrypted.code(), decrypted.toString());
        assertEquals(dataKey.field("Plaintext"), decrypted.field("Plaintext"));
    }

    private String state(String key) throws Exception {
        return kms.run("describe-key", "--key-id", key).json().getAsJsonObject("KeyMetadata").get("KeyState").getAsString();
    }

    @Test
    void rsaAesKeyWrapSha256_withOpenssl_thenDeleteAndReimport() throws Exception {
        String key = createExternal("byok");
        parameters(key, "RSA_AES_KEY_WRAP_SHA_256");
        openssl("rand", "-out", "material", "32");
        Kms.Result imported = importMaterial(key, wrapWithAesKeyWrap("material"));
        assertEquals(0, imported.code(), imported.toString());
        assertEquals("Enabled", state(key));
        roundTrip(key);

        Kms.Result deleted = kms.run("delete-imported-key-material", "--key-id", key);
        assertEquals(0, deleted.code(), deleted.toString());
        assertEquals("PendingImport", state(key));
        assertEquals(1, kms.run("generate-data-key", "--key-id", key).code(), "no material, no use");

        parameters(key, "RSA_AES_KEY_WRAP_SHA_256");
        openssl("rand", "-out", "other", "32");
        Kms.Result other = importMaterial(key, wrapWithAesKeyWrap("other"));
        assertNotEquals(0, other.code(), other.toString());
        assertTrue(other.err().contains("IncorrectKeyMaterialException"), other.err());
        assertEquals("PendingImport", state(key));
        Kms.Result same = importMaterial(key, wrapWithAesKeyWrap("material"));
        assertEquals(0, same.code(), same.toString());
        assertEquals("Enabled", state(key));
        roundTrip(key);
    }

    @Test
    void rsaesOaepSha256_withOpenssl() throws Exception {
        String key = createExternal("direct");
        parameters(key, "RSAES_OAEP_SHA_256");
        openssl("rand", "-out", "material", "32");
        openssl("pkeyutl", "-encrypt", "-in", "material", "-inkey", "pub.der", "-keyform", "DER", "-pubin",
                "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256",
                "-out", "encrypted-material.bin");
        Kms.Result imported = importMaterial(key, dir.resolve("encrypted-material.bin"));
        assertEquals(0, imported.code(), imported.toString());
        roundTrip(key);
        // a tampered token is refused as AWS names it
        byte[] token = Files.readAllBytes(dir.resolve("token.bin"));
        token[10] ^= 1;
        Files.write(dir.resolve("token.bin"), token);
        Kms.Result tampered = importMaterial(key, dir.resolve("encrypted-material.bin"));
        assertTrue(tampered.err().contains("InvalidImportTokenException"), tampered.err());
    }
}
