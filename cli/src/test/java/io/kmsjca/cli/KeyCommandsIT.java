package io.kmsjca.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Every key management command of the shaded jar, in a child process, with its error paths. */
@org.junit.jupiter.api.Tag("same-on-every-jdk") // the command layer: run once, on JDK 17 (README, "Supported JDKs")
class KeyCommandsIT {

    @TempDir
    Path dir;
    Kms kms;

    @BeforeEach
    void setUp() throws Exception {
        kms = Kms.withStore(dir);
    }

    @Test
    void createKey_createsTheStoreAndPrintsAwsKeyMetadata() throws Exception {
        Kms kms = new Kms(Files.createDirectory(dir.resolve("fresh")));
        Kms.Result r = kms.run("create-key", "--description", "orders service", "--alias", "orders",
                "--tags", "TagKey=team,TagValue=payments", "--rotation-period-in-days", "180");
        assertEquals(0, r.code(), r.toString());
        JsonObject m = r.json().getAsJsonObject("KeyMetadata");
        assertEquals("orders service", m.get("Description").getAsString());
        assertEquals("Enabled", m.get("KeyState").getAsString());
        assertTrue(m.get("Enabled").getAsBoolean());
        assertEquals("ENCRYPT_DECRYPT", m.get("KeyUsage").getAsString());
        assertEquals("AWS_KMS", m.get("Origin").getAsString());
        assertEquals("CUSTOMER", m.get("KeyManager").getAsString());
        assertEquals("alias/orders", m.getAsJsonArray("AliasNames").get(0).getAsString());
        assertEquals(180, m.get("RotationPeriodInDays").getAsInt());
        assertEquals("payments", m.getAsJsonArray("Tags").get(0).getAsJsonObject().get("TagValue").getAsString());
        assertTrue(Files.exists(kms.store));
        assertTrue(Files.exists(kms.dir.resolve("keys.kms.audit.jsonl")), "every command leaves an audit trail");

        Kms.Result described = kms.run("describe-key", "--key-id", m.get("KeyId").getAsString());
        assertEquals(m.get("KeyId"), described.json().getAsJsonObject("KeyMetadata").get("KeyId"), described.toString());
    }

    @Test
    void listKeys_pagesWithMarker_andPrintsTextAndTable() throws Exception {
        String a = kms.createKey("a");
        String b = kms.createKey("b");
        Kms.Result page1 = kms.run("list-keys", "--limit", "1");
        assertEquals(0, page1.code(), page1.toString());
        assertTrue(page1.json().get("Truncated").getAsBoolean());
        String marker = page1.field("NextMarker");
        Kms.Result page2 = kms.run("list-keys", "--limit", "1", "--marker", marker);
        assertFalse(page2.json().get("Truncated").getAsBoolean(), page2.toString());
        String first = page1.json().getAsJsonArray("Keys").get(0).getAsJsonObject().get("KeyId").getAsString();
        String second = page2.json().getAsJsonArray("Keys").get(0).getAsJsonObject().get("KeyId").getAsString();
        assertEquals(java.util.Set.of(a, b), java.util.Set.of(first, second));

        Kms.Result table = kms.run("list-keys", "--output", "table");
        assertTrue(table.out().contains("| KeyId ") && table.out().contains(a) && table.out().contains("alias/a"), table.out());
        Kms.Result text = kms.run("describe-key", "--key-id", "a", "--output", "text");
        assertTrue(text.out().startsWith("KEYMETADATA\t" + a + "\t"), text.out());
        Kms.Result query = kms.run("describe-key", "--key-id", "alias/b", "--query", "KeyMetadata.KeyId", "--output", "text");
        assertEquals(b, query.out().strip());
        Kms.Result badQuery = kms.run("describe-key", "--key-id", "b", "--query", "KeyMetadata.Nope");
        assertEquals(2, badQuery.code(), badQuery.toString());
        assertTrue(badQuery.err().contains("no field 'Nope'"), badQuery.err());
    }

    @Test
    void disableAndEnable_changeTheState_andADisabledKeyRefusesUse() throws Exception {
        kms.createKey("orders");
        assertEquals(0, kms.run("disable-key", "--key-id", "orders").code());
        assertEquals("Disabled", kms.run("describe-key", "--key-id", "orders").json()
                .getAsJsonObject("KeyMetadata").get("KeyState").getAsString());
        Kms.Result refused = kms.run("generate-data-key", "--key-id", "orders");
        assertEquals(1, refused.code(), refused.toString());
        assertTrue(refused.err().startsWith("kms: ") && refused.err().contains("Disabled"), refused.err());
        assertEquals(1, refused.err().strip().lines().count(), "one line, no stack trace: " + refused.err());
        assertEquals(0, kms.run("enable-key", "--key-id", "orders").code());
        assertEquals(0, kms.run("generate-data-key", "--key-id", "orders").code());
    }

    @Test
    void scheduleAndCancelDeletion() throws Exception {
        String id = kms.createKey("doomed");
        Kms.Result scheduled = kms.run("schedule-key-deletion", "--key-id", "doomed", "--pending-window-in-days", "7");
        assertEquals(0, scheduled.code(), scheduled.toString());
        assertEquals(id, scheduled.field("KeyId"));
        assertEquals("PendingDeletion", scheduled.field("KeyState"));
        assertEquals(7, scheduled.json().get("PendingWindowInDays").getAsInt());
        assertNotNull(scheduled.field("DeletionDate"));
        Files.writeString(dir.resolve("hello.txt"), "hello");
        assertEquals(1, kms.run("encrypt", "--key-id", "doomed", "--plaintext", "fileb://hello.txt").code());
        Kms.Result tooShort = kms.run("schedule-key-deletion", "--key-id", "doomed", "--pending-window-in-days", "3");
        assertNotEquals(0, tooShort.code());
        Kms.Result cancelled = kms.run("cancel-key-deletion", "--key-id", "doomed");
        assertEquals(0, cancelled.code(), cancelled.toString());
        assertEquals("Disabled", kms.run("describe-key", "--key-id", id).json().getAsJsonObject("KeyMetadata")
                .get("KeyState").getAsString(), "a cancelled deletion leaves the key Disabled, as in KMS");
    }

    @Test
    void aliases_createUpdateListDelete() throws Exception {
        String one = kms.createKey("one");
        String two = kms.createKey("two");
        assertEquals(0, kms.run("create-alias", "--alias-name", "alias/current", "--target-key-id", one).code());
        JsonArray aliases = kms.run("list-aliases", "--key-id", one).json().getAsJsonArray("Aliases");
        assertEquals(2, aliases.size(), aliases.toString());
        assertEquals(0, kms.run("update-alias", "--alias-name", "alias/current", "--target-key-id", "two").code());
        assertEquals(two, kms.run("describe-key", "--key-id", "alias/current").json()
                .getAsJsonObject("KeyMetadata").get("KeyId").getAsString());
        Kms.Result taken = kms.run("create-alias", "--alias-name", "current", "--target-key-id", one);
        assertEquals(2, taken.code(), "a taken alias is an invalid request, not a refusal: " + taken);
        assertEquals(0, kms.run("delete-alias", "--alias-name", "alias/current").code());
        Kms.Result gone = kms.run("delete-alias", "--alias-name", "alias/current");
        assertEquals(4, gone.code(), gone.toString());
        Kms.Result all = kms.run("list-aliases");
        assertTrue(all.out().contains("alias/one") && all.out().contains("alias/two") && !all.out().contains("alias/current"),
                all.out());
    }

    @Test
    void rotation_enableStatusOnDemandListDisable() throws Exception {
        String id = kms.createKey("rotating");
        assertEquals(0, kms.run("enable-key-rotation", "--key-id", "rotating", "--rotation-period-in-days", "90").code());
        Kms.Result status = kms.run("get-key-rotation-status", "--key-id", "rotating");
        assertTrue(status.json().get("KeyRotationEnabled").getAsBoolean(), status.toString());
        assertEquals(90, status.json().get("RotationPeriodInDays").getAsInt());
        Kms.Result rotated = kms.run("rotate-key-on-demand", "--key-id", "rotating");
        assertEquals(2, rotated.json().get("CurrentKeyVersion").getAsInt(), rotated.toString());
        JsonArray rotations = kms.run("list-key-rotations", "--key-id", id).json().getAsJsonArray("Rotations");
        assertEquals(1, rotations.size());
        assertEquals("ON_DEMAND", rotations.get(0).getAsJsonObject().get("RotationType").getAsString());
        assertEquals(2, rotations.get(0).getAsJsonObject().get("KeyVersion").getAsInt());
        assertEquals(0, kms.run("disable-key-rotation", "--key-id", "rotating").code());
        assertFalse(kms.run("get-key-rotation-status", "--key-id", "rotating").json().get("KeyRotationEnabled").getAsBoolean());
        Kms.Result outOfRange = kms.run("enable-key-rotation", "--key-id", "rotating", "--rotation-period-in-days", "5");
        assertNotEquals(0, outOfRange.code());
        assertTrue(outOfRange.err().contains("90"), outOfRange.err());
    }

    @Test
    void rotationPeriodOf89Days_isAnInvalidRequest_notARefusalByTheKeysState() throws Exception {
        kms.createKey("rotating");
        Kms.Result invalid = kms.run("enable-key-rotation", "--key-id", "rotating", "--rotation-period-in-days", "89");
        assertEquals(2, invalid.code(), invalid.toString());
        assertTrue(invalid.err().contains("90 to 2560 days, not 89"), invalid.err());
        assertFalse(invalid.err().contains("describe-key"), "no hint about the key's state: " + invalid.err());
        Kms.Result tail = kms.run("audit", "tail", "-n", "1");
        assertTrue(tail.out().contains("\"ENABLE_KEY_ROTATION\"") && tail.out().contains("\"FAILED\"")
                && tail.out().contains("InvalidKeyRequestException"), tail.out());

        assertEquals(0, kms.run("schedule-key-deletion", "--key-id", "rotating", "--pending-window-in-days", "7").code());
        Kms.Result refused = kms.run("enable-key-rotation", "--key-id", "rotating", "--rotation-period-in-days", "90");
        assertEquals(1, refused.code(), refused.toString());
        assertTrue(refused.err().contains("PendingDeletion") && refused.err().contains("describe-key"), refused.err());
        Kms.Result denied = kms.run("audit", "tail", "-n", "1");
        assertTrue(denied.out().contains("\"DENIED\"") && denied.out().contains("KeyStateException"), denied.out());

        Kms.Result unknown = kms.run("enable-key-rotation", "--key-id", "nobody", "--rotation-period-in-days", "90");
        assertEquals(4, unknown.code(), unknown.toString());
        assertTrue(kms.run("audit", "tail", "-n", "1").out().contains("KeyNotFoundException"));
    }

    @Test
    void tags_addListRemove() throws Exception {
        kms.createKey("tagged");
        assertEquals(0, kms.run("tag-resource", "--key-id", "tagged", "--tags", "TagKey=team,TagValue=payments",
                "--tags", "TagKey=env,TagValue=prod").code());
        JsonArray tags = kms.run("list-resource-tags", "--key-id", "tagged").json().getAsJsonArray("Tags");
        assertEquals(2, tags.size(), tags.toString());
        assertEquals("env", tags.get(0).getAsJsonObject().get("TagKey").getAsString());
        assertEquals(0, kms.run("untag-resource", "--key-id", "tagged", "--tag-keys", "env").code());
        assertEquals(1, kms.run("list-resource-tags", "--key-id", "tagged").json().getAsJsonArray("Tags").size());
        Kms.Result reserved = kms.run("tag-resource", "--key-id", "tagged", "--tags", "kms:x=y");
        assertEquals(2, reserved.code(), reserved.toString());
        Kms.Result malformed = kms.run("tag-resource", "--key-id", "tagged", "--tags", "novalue");
        assertEquals(2, malformed.code(), malformed.toString());
    }

    @Test
    void importKeyMaterial_takesNoPlainMaterial_anyMore() throws Exception {
        // #20: a real import brings material encrypted under get-parameters-for-import's wrapping key
        // (ByokOpensslIT); plain material goes in through KeyStore.setKeyEntry / keytool -importkeystore
        byte[] material = new byte[32];
        new SecureRandom().nextBytes(material);
        Path file = Files.write(dir.resolve("material.bin"), material);
        Kms.Result plain = kms.run("import-key-material", "--key-id", "byok", "--encrypted-key-material", "fileb://" + file,
                "--import-token", "fileb://" + file, "--key-material", "fileb://" + file);
        assertEquals(2, plain.code(), plain.toString());
        assertTrue(plain.err().contains("--key-material"), plain.err());
        assertFalse(kms.run("list-aliases").out().contains("byok"), "no key was made");
    }

    @Test
    void errors_wrongPassword_unknownKey_missingStore_garbageStore() throws Exception {
        kms.createKey("orders");
        Kms.Result wrong = kms.run(kms.envWith("KMS_KEYSTORE_PASSWORD", "not the password"), "list-keys");
        assertEquals(3, wrong.code(), wrong.toString());
        assertTrue(wrong.err().contains("password does not open"), wrong.err());
        assertFalse(wrong.err().contains("not the password"));

        Kms.Result unknown = kms.run("describe-key", "--key-id", "alias/nope");
        assertEquals(4, unknown.code(), unknown.toString());
        assertTrue(unknown.err().contains("kms list-aliases"), unknown.err());

        Kms.Result missing = kms.run(kms.envWith("KMS_KEYSTORE", dir.resolve("none.kms").toString()), "list-keys");
        assertEquals(3, missing.code(), missing.toString());
        assertTrue(missing.err().contains("kms create-key"), missing.err());
        assertFalse(Files.exists(dir.resolve("none.kms")), "only create-key creates a store");

        Path garbage = Files.write(dir.resolve("garbage.kms"), "this is not a key store".getBytes());
        Kms.Result damaged = kms.run(kms.envWith("KMS_KEYSTORE", garbage.toString()), "list-keys");
        assertEquals(3, damaged.code(), damaged.toString());
        assertEquals("this is not a key store", Files.readString(garbage), "a damaged store is left as it was");
    }
}
