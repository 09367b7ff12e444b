package io.kmsjca.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kmsjca.audit.KmsAuditContext;
import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.provider.KmsAdmin;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** create-credential, list-credentials, delete-credential and --credential-file, in the shaded jar. */
@org.junit.jupiter.api.Tag("same-on-every-jdk") // the command layer: run once, on JDK 17 (README, "Supported JDKs")
class CredentialCommandsIT {

    @TempDir
    Path dir;
    Kms kms;
    String ordersId;

    @BeforeEach
    void setUp() throws Exception {
        kms = Kms.withStore(dir);
        try (KeyService keys = KmsAdmin.open(kms.store, Kms.PASSWORD.toCharArray(),
                KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests()))) {
            ordersId = keys.createKey("orders", "").keyId().toString();
            keys.createKey("payroll", "");
            try (var alice = KmsAuditContext.runAs("alice")) {
                keys.putKeyPolicy("orders", """
                        {"Version": "2012-10-17", "Statement": [
                          {"Effect": "Allow", "Principal": {"AWS": "alice"}, "Action": "kms:*", "Resource": "*"},
                          {"Effect": "Allow", "Principal": {"AWS": "svc"}, "Action": "kms:DescribeKey", "Resource": "*"}]}""",
                        false);
            }
        }
    }

    private static List<String> principals(Kms.Result r) {
        JsonArray all = r.json().getAsJsonArray("Credentials");
        List<String> names = new ArrayList<>();
        all.forEach(c -> names.add(c.getAsJsonObject().get("Principal").getAsString()));
        return names;
    }

    @Test
    void anAdministratorCreatesCredentialsAndAKeyFileActsAsItsPrincipalOnly() throws Exception {
        Path keyFile = dir.resolve("svc.key");
        Kms.Result created = kms.run("create-credential", "--principal", "svc", "--key-file-out", keyFile.toString());
        assertEquals(0, created.code(), created.toString());
        JsonObject credential = created.json().getAsJsonObject("Credential");
        assertEquals("svc", credential.get("Principal").getAsString());
        assertEquals("KEY_FILE", credential.get("Kind").getAsString());
        assertFalse(credential.get("Administrator").getAsBoolean());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        assertFalse(created.out().contains(Files.readAllLines(keyFile).get(2).substring(7)), "the secret is not printed");

        Path opsPassword = dir.resolve("ops.pw");
        Files.writeString(opsPassword, "ops password\n");
        Kms.Result ops = kms.run("create-credential", "--principal", "ops", "--administrator", "--new-password-file",
                opsPassword.toString());
        assertEquals(0, ops.code(), ops.toString());
        Kms.Result listed = kms.run("list-credentials");
        assertEquals(List.of("admin", "svc", "ops"), principals(listed), listed.toString());

        Map<String, String> asService = kms.envWith("KMS_KEYSTORE_PASSWORD", null);
        asService.put("KMS_CREDENTIAL_FILE", keyFile.toString());
        Kms.Result described = kms.run(asService, "describe-key", "--key-id", "alias/orders");
        assertEquals(0, described.code(), described.toString());
        Kms.Result refused = kms.run(asService, "describe-key", "--key-id", "alias/payroll");
        assertEquals(1, refused.code(), refused.toString());
        assertTrue(refused.err().contains("principal 'svc'"), refused.err());
        Kms.Result noAdmin = kms.run(asService, "list-credentials");
        assertEquals(1, noAdmin.code(), noAdmin.toString());
        assertTrue(noAdmin.err().contains("administrator credential"), noAdmin.err());
        Kms.Result noKeys = kms.run(asService, "create-key", "--alias", "mine");
        assertEquals(1, noKeys.code(), noKeys.toString());

        Kms.Result deleted = kms.run("delete-credential", "--principal", "svc");
        assertEquals(0, deleted.code(), deleted.toString());
        Kms.Result gone = kms.run(asService, "describe-key", "--key-id", "alias/orders");
        assertEquals(3, gone.code(), gone.toString());
        assertTrue(gone.err().contains("does not open"), gone.err());
    }

    @Test
    void aKeyFileOthersMayReadIsRefused() throws Exception {
        Path keyFile = dir.resolve("svc.key");
        assertEquals(0, kms.run("create-credential", "--principal", "svc", "--key-file-out", keyFile.toString()).code());
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
        Kms.Result refused = kms.run("list-keys", "--credential-file", keyFile.toString());
        assertEquals(3, refused.code(), refused.toString());
        assertTrue(refused.err().contains("chmod 600"), refused.err());
    }

    @Test
    void theMigrationToSealingPerPrincipalIsThreeCommandsAndResealKeysSaysWhatIsLeft() throws Exception {
        Kms.Result before = kms.run("reseal-keys");
        assertEquals(0, before.code(), before.toString());
        assertEquals(0, before.json().get("ResealedKeys").getAsInt(), "the version-1 password holds no key pair: nothing sealed");
        assertEquals("[\"admin\"]", before.json().get("CredentialsWithoutKeyPair").toString());

        Path opsPassword = dir.resolve("ops.pw");
        Files.writeString(opsPassword, "ops password\n");
        Kms.Result ops = kms.run("create-credential", "--principal", "ops", "--administrator", "--new-password-file",
                opsPassword.toString());
        assertTrue(ops.json().getAsJsonObject("Credential").get("KeyPair").getAsBoolean(), ops.toString());
        Map<String, String> asOps = kms.envWith("KMS_KEYSTORE_PASSWORD", "ops password");
        Kms.Result deleted = kms.run(asOps, "delete-credential", "--principal", "admin");
        assertEquals(0, deleted.code(), deleted.toString());
        // deleting the credential resealed every key ops holds: nothing left but what nobody may use
        Kms.Result after = kms.run(asOps, "reseal-keys");
        assertEquals(0, after.code(), after.toString());
        assertEquals(0, after.json().get("ResealedKeys").getAsInt(), after.toString());
        assertEquals("[]", after.json().get("CredentialsWithoutKeyPair").toString());
        assertEquals("[\"" + ordersId + "\"]", after.json().get("KeysNobodyMayUse").toString(),
                "orders' policy names alice, who has no credential: its material cannot be sealed to anyone");
        Kms.Result encrypted = kms.run(asOps, "encrypt", "--key-id", "alias/payroll", "--plaintext", "fileb://" + opsPassword);
        assertEquals(0, encrypted.code(), "ops still uses the administrators' key: " + encrypted);
    }
}
