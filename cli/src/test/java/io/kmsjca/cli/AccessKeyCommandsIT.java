package io.kmsjca.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kmsjca.keys.AccessKeySigner;
import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.provider.KmsAdmin;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** create-access-key, list-access-keys and delete-access-key, in IAM's shapes, in the shaded jar. */
@org.junit.jupiter.api.Tag("same-on-every-jdk") // the command layer: run once, on JDK 17 (README, "Supported JDKs")
class AccessKeyCommandsIT {

    @TempDir
    Path dir;
    Kms kms;

    @BeforeEach
    void setUp() throws Exception {
        kms = Kms.withStore(dir);
    }

    static KeyService open(Kms kms) throws Exception {
        return KmsAdmin.open(kms.store, Kms.PASSWORD.toCharArray(),
                KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests()));
    }

    private static List<String> ids(Kms.Result r) {
        JsonArray all = r.json().getAsJsonArray("AccessKeyMetadata");
        List<String> ids = new ArrayList<>();
        all.forEach(k -> ids.add(k.getAsJsonObject().get("AccessKeyId").getAsString()));
        return ids;
    }

    /** SigV4's signature of {@code data} for one day, region and service, computed here from the printed secret. */
    private static byte[] sigV4(String secret, String date, String region, String service, byte[] data) throws Exception {
        byte[] key = ("AWS4" + secret).getBytes(StandardCharsets.US_ASCII);
        for (String part : List.of(date, region, service, "aws4_request")) {
            key = hmac(key, part.getBytes(StandardCharsets.UTF_8));
        }
        return hmac(key, data);
    }

    private static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    @Test
    void createPrintsIamsShape_theSecretSigns_listShowsNoSecret_deleteRemoves() throws Exception {
        Kms.Result created = kms.run("create-access-key", "--principal", "orders-service");
        assertEquals(0, created.code(), created.toString());
        JsonObject key = created.json().getAsJsonObject("AccessKey");
        String id = key.get("AccessKeyId").getAsString();
        String secret = key.get("SecretAccessKey").getAsString();
        assertTrue(id.matches("KMSA[A-Z2-7]{16}"), id);
        assertEquals(40, secret.length());
        assertEquals("orders-service", key.get("UserName").getAsString());
        assertEquals("Active", key.get("Status").getAsString());
        Instant.parse(key.get("CreateDate").getAsString());
        assertFalse(key.get("Administrator").getAsBoolean());

        Kms.Result ops = kms.run("create-access-key", "--principal", "ops", "--administrator");
        assertEquals(0, ops.code(), ops.toString());
        assertTrue(ops.json().getAsJsonObject("AccessKey").get("Administrator").getAsBoolean());
        String opsId = ops.json().getAsJsonObject("AccessKey").get("AccessKeyId").getAsString();

        Kms.Result listed = kms.run("list-access-keys");
        assertEquals(0, listed.code(), listed.toString());
        assertEquals(List.of(id, opsId), ids(listed));
        assertFalse(listed.out().contains(secret), "no secret in the list");
        JsonObject first = listed.json().getAsJsonArray("AccessKeyMetadata").get(0).getAsJsonObject();
        assertEquals("orders-service", first.get("UserName").getAsString());
        assertFalse(first.has("SecretAccessKey"));

        byte[] data = "AWS4-HMAC-SHA256\n20261203T000000Z\n20261203/local/kms/aws4_request\n0".getBytes(StandardCharsets.US_ASCII);
        try (KeyService server = open(kms)) {
            AccessKeySigner signer = server.accessKey(id).orElseThrow();
            assertArrayEquals(sigV4(secret, "20261203", "local", "kms", data), signer.signature("20261203", "local", "kms", data),
                    "the printed secret is the one the store signs with");
        }

        Kms.Result deleted = kms.run("delete-access-key", "--access-key-id", id);
        assertEquals(0, deleted.code(), deleted.toString());
        assertEquals(List.of(opsId), ids(kms.run("list-access-keys")));
        Kms.Result again = kms.run("delete-access-key", "--access-key-id", id);
        assertEquals(2, again.code(), again.toString());
        assertTrue(again.err().contains(id), again.err());
    }

    @Test
    void helpListsTheAccessKeyCommands_eachWithAnExample() throws Exception {
        Kms.Result help = kms.run("--help");
        for (String command : List.of("create-access-key", "list-access-keys", "delete-access-key")) {
            assertTrue(help.out().contains("  " + command + " "), command + " missing from:\n" + help.out());
            Kms.Result one = kms.run(command, "--help");
            assertEquals(0, one.code(), command + ": " + one);
            assertTrue(one.out().startsWith("Usage: kms " + command) && one.out().contains("Example"), one.out());
        }
    }

    @Test
    void aKeyUsersCredentialManagesNoAccessKey() throws Exception {
        Path keyFile = dir.resolve("svc.key");
        assertEquals(0, kms.run("create-credential", "--principal", "svc", "--key-file-out", keyFile.toString()).code());
        Map<String, String> asService = kms.envWith("KMS_KEYSTORE_PASSWORD", null);
        asService.put("KMS_CREDENTIAL_FILE", keyFile.toString());
        Kms.Result refused = kms.run(asService, "create-access-key", "--principal", "svc", "--administrator");
        assertEquals(1, refused.code(), refused.toString());
        assertTrue(refused.err().contains("administrator credential"), refused.err());
        assertEquals(1, kms.run(asService, "list-access-keys").code());
        assertEquals(List.of(), ids(kms.run("list-access-keys")));
        assertTrue(Files.exists(keyFile));
    }
}
