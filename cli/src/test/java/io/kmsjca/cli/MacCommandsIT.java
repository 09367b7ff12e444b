package io.kmsjca.cli;

import com.google.gson.JsonObject;
import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.provider.KmsProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * generate-mac, verify-mac and generate-random through the shaded jar: create-key of an HMAC
 * spec lists its MacAlgorithms; a MAC the CLI made equals the JCA {@code Mac} of the same key in
 * this JVM (Wycheproof checks that MAC against the vectors: WycheproofHmacTest) and verifies; a
 * changed message or MAC exits 1 with KMSInvalidMacException; wrong algorithm, wrong key and
 * bounds are refused with AWS's names.
 */
@org.junit.jupiter.api.Tag("same-on-every-jdk") // the command layer: run once, on JDK 17 (README, "Supported JDKs")
class MacCommandsIT {

    @TempDir
    Path dir;
    Kms kms;

    @BeforeEach
    void setUp() throws Exception {
        kms = Kms.withStore(dir);
    }

    private JsonObject createMacKey(String spec, String alias) throws Exception {
        Kms.Result r = kms.run("create-key", "--key-spec", spec, "--key-usage", "GENERATE_VERIFY_MAC", "--alias", alias);
        assertEquals(0, r.code(), r.toString());
        return r.json().getAsJsonObject("KeyMetadata");
    }

    @Test
    void generateMacVerifiesAndEqualsTheJcaMacOfTheSameKey() throws Exception {
        JsonObject created = createMacKey("HMAC_256", "tokens");
        assertEquals("HMAC_256", created.get("KeySpec").getAsString());
        assertEquals("GENERATE_VERIFY_MAC", created.get("KeyUsage").getAsString());
        assertEquals("HMAC_SHA_256", created.getAsJsonArray("MacAlgorithms").get(0).getAsString());
        assertEquals(1, created.getAsJsonArray("MacAlgorithms").size());
        assertFalse(created.has("EncryptionAlgorithms"), created.toString());
        Kms.Result described = kms.run("describe-key", "--key-id", "alias/tokens");
        assertEquals("HMAC_SHA_256", described.json().getAsJsonObject("KeyMetadata").getAsJsonArray("MacAlgorithms")
                .get(0).getAsString());

        byte[] message = "{\"user\":\"alice\"}".getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("m"), message);
        Kms.Result mac = kms.run("generate-mac", "--key-id", "alias/tokens", "--message", "fileb://m",
                "--mac-algorithm", "HMAC_SHA_256");
        assertEquals(0, mac.code(), mac.toString());
        assertEquals("HMAC_SHA_256", mac.field("MacAlgorithm"));
        assertTrue(mac.field("KeyId").startsWith("arn:aws:kms:") && mac.field("KeyId").endsWith(created.get("KeyId").getAsString()),
                mac.field("KeyId"));
        byte[] tag = mac.blob("Mac");
        assertEquals(32, tag.length);
        Files.write(dir.resolve("mac"), tag);

        // the same key through the JCA in this JVM gives the same MAC
        try (KeyService keys = KeyStores.openFile(kms.store, Kms.PASSWORD.toCharArray(),
                KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests()))) {
            Mac jca = Mac.getInstance("HmacSHA256", new KmsProvider());
            jca.init(keys.findKey("tokens").orElseThrow());
            assertArrayEquals(jca.doFinal(message), tag);
        }

        Kms.Result ok = kms.run("verify-mac", "--key-id", "alias/tokens", "--message", "fileb://m", "--mac", "fileb://mac",
                "--mac-algorithm", "HMAC_SHA_256");
        assertEquals(0, ok.code(), ok.toString());
        assertTrue(ok.json().get("MacValid").getAsBoolean());
        assertEquals("HMAC_SHA_256", ok.field("MacAlgorithm"));

        tag[0] ^= 1;
        Kms.Result bad = kms.run("verify-mac", "--key-id", "alias/tokens", "--message", "fileb://m",
                "--mac", Base64.getEncoder().encodeToString(tag), "--mac-algorithm", "HMAC_SHA_256");
        assertEquals(1, bad.code(), bad.toString());
        assertTrue(bad.err().contains("KMSInvalidMacException"), bad.err());
        Files.write(dir.resolve("other"), "{\"user\":\"mallory\"}".getBytes(StandardCharsets.UTF_8));
        Kms.Result otherMessage = kms.run("verify-mac", "--key-id", "alias/tokens", "--message", "fileb://other",
                "--mac", "fileb://mac", "--mac-algorithm", "HMAC_SHA_256");
        assertEquals(1, otherMessage.code(), otherMessage.toString());
        assertTrue(otherMessage.err().contains("KMSInvalidMacException"), otherMessage.err());
    }

    @Test
    void wrongAlgorithmsKeysAndBoundsAreRefused() throws Exception {
        createMacKey("HMAC_512", "mac512");
        kms.createKey("aes");
        Files.write(dir.resolve("m"), new byte[10]);
        Kms.Result wrongAlgorithm = kms.run("generate-mac", "--key-id", "alias/mac512", "--message", "fileb://m",
                "--mac-algorithm", "HMAC_SHA_256");
        assertEquals(1, wrongAlgorithm.code(), wrongAlgorithm.toString());
        assertTrue(wrongAlgorithm.err().contains("InvalidKeyUsageException") && wrongAlgorithm.err().contains("HMAC_SHA_512"),
                wrongAlgorithm.err());
        Kms.Result aes = kms.run("generate-mac", "--key-id", "alias/aes", "--message", "fileb://m",
                "--mac-algorithm", "HMAC_SHA_256");
        assertEquals(1, aes.code(), aes.toString());
        assertTrue(aes.err().contains("ENCRYPT_DECRYPT") && aes.err().contains("InvalidKeyUsageException"), aes.err());
        Files.write(dir.resolve("big"), new byte[4097]);
        Kms.Result big = kms.run("generate-mac", "--key-id", "alias/mac512", "--message", "fileb://big",
                "--mac-algorithm", "HMAC_SHA_512");
        assertEquals(2, big.code(), big.toString());
        assertTrue(big.err().contains("4096"), big.err());
        Kms.Result wrongUsage = kms.run("create-key", "--key-spec", "HMAC_256", "--key-usage", "ENCRYPT_DECRYPT");
        assertEquals(2, wrongUsage.code(), wrongUsage.toString());
        // a symmetric-key command refuses an HMAC key, naming it
        Kms.Result sign = kms.run("sign", "--key-id", "alias/mac512", "--message", "fileb://m",
                "--signing-algorithm", "ECDSA_SHA_256");
        assertEquals(1, sign.code(), sign.toString());
        assertTrue(sign.err().contains("HmacSHA512"), sign.err());
    }

    @Test
    void generateRandomGivesFreshBytesWithinAwsBounds() throws Exception {
        Kms.Result a = kms.run("generate-random", "--number-of-bytes", "1024");
        assertEquals(0, a.code(), a.toString());
        assertEquals(1024, a.blob("Plaintext").length);
        Kms.Result b = kms.run("generate-random", "--number-of-bytes", "32");
        assertEquals(32, b.blob("Plaintext").length);
        assertNotEquals(List.of(a.field("Plaintext")), List.of(b.field("Plaintext")));
        for (String bad : new String[]{"0", "1025", "-3"}) {
            Kms.Result r = kms.run("generate-random", "--number-of-bytes", bad);
            assertEquals(2, r.code(), r.toString());
            assertTrue(r.err().contains("1 to 1024") && r.err().contains("ValidationException"), r.err());
        }
    }
}
