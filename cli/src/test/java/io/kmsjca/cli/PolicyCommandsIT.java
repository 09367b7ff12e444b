package io.kmsjca.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The key policy and store policy commands of the shaded jar, in a child process, and what a
 * policy then allows or refuses. Needs the policy engine (io.kmsjca.internal.policy.PolicyDocument).
 * The principal of a kms call is the OS user, the same for this JVM and its child.
 */
@org.junit.jupiter.api.Tag("same-on-every-jdk") // the command layer: run once, on JDK 17 (README, "Supported JDKs")
class PolicyCommandsIT {

    private static final String ME = System.getProperty("user.name");
    private static final String ACCOUNT_ROOT = "arn:aws:iam::000000000000:root";

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
    void getKeyPolicy_ofAKeyNeverGivenOne_isAwsDefaultKeyPolicy() throws Exception {
        Kms.Result r = kms.run("get-key-policy", "--key-id", "alias/orders", "--policy-name", "default");
        assertEquals(0, r.code(), r.toString());
        assertEquals("default", r.field("PolicyName"));
        JsonObject policy = JsonParser.parseString(r.field("Policy")).getAsJsonObject();
        assertEquals("2012-10-17", policy.get("Version").getAsString());
        assertEquals("key-default-1", policy.get("Id").getAsString());
        assertEquals(1, policy.getAsJsonArray("Statement").size());
        JsonObject statement = policy.getAsJsonArray("Statement").get(0).getAsJsonObject();
        assertEquals("Enable IAM User Permissions", statement.get("Sid").getAsString());
        assertEquals("Allow", statement.get("Effect").getAsString());
        assertEquals(ACCOUNT_ROOT, statement.getAsJsonObject("Principal").get("AWS").getAsString());
        assertEquals("kms:*", statement.get("Action").getAsString());
        assertEquals("*", statement.get("Resource").getAsString());

        Kms.Result text = kms.run("get-key-policy", "--key-id", keyId, "--query", "Policy", "--output", "text");
        assertEquals(r.field("Policy").strip(), text.out().strip(), "--query Policy --output text prints the document alone");
        Kms.Result names = kms.run("list-key-policies", "--key-id", "orders");
        assertEquals("[\"default\"]", names.json().getAsJsonArray("PolicyNames").toString(), names.toString());
        assertFalse(names.json().get("Truncated").getAsBoolean());
    }

    @Test
    void putKeyPolicy_fromAFile_thenGetKeyPolicy_returnsItAsWritten() throws Exception {
        String policy = """
                {
                  "Version": "2012-10-17",
                  "Id": "orders-policy",
                  "Statement": [
                    {"Sid": "Account", "Effect": "Allow", "Principal": {"AWS": "%s"}, "Action": "kms:*", "Resource": "*"},
                    {"Sid": "NoMallory", "Effect": "Deny", "Principal": {"AWS": "mallory"}, "Action": "kms:Decrypt", "Resource": "*"}
                  ]
                }
                """.formatted(ACCOUNT_ROOT);
        Path file = Files.writeString(dir.resolve("policy.json"), policy);
        Kms.Result put = kms.run("put-key-policy", "--key-id", "alias/orders", "--policy-name", "default",
                "--policy", "file://" + file);
        assertEquals(0, put.code(), put.toString());
        assertEquals("", put.out(), "no output, as in the AWS CLI");
        assertEquals(policy, kms.run("get-key-policy", "--key-id", "orders").field("Policy"));

        String inline = policy.replace("orders-policy", "inline-policy");
        assertEquals(0, kms.run("put-key-policy", "--key-id", keyId, "--policy", inline).code());
        assertEquals(inline, kms.run("get-key-policy", "--key-id", keyId).field("Policy"));
        assertEquals(0, kms.run("generate-data-key", "--key-id", "orders").code(), "the account statement still lets me use it");
    }

    @Test
    void createKey_withAPolicy_makesTheKeyUnderIt_andAMalformedOne_makesNoKey() throws Exception {
        String policy = """
                {"Version": "2012-10-17", "Id": "made-with-it", "Statement": [
                  {"Sid": "Account", "Effect": "Allow", "Principal": {"AWS": "%s"}, "Action": "kms:*", "Resource": "*"}]}
                """.formatted(ACCOUNT_ROOT);
        Path file = Files.writeString(dir.resolve("new-key-policy.json"), policy);
        Kms.Result made = kms.run("create-key", "--alias", "with-policy", "--policy", "file://" + file);
        assertEquals(0, made.code(), made.toString());
        assertEquals(policy, kms.run("get-key-policy", "--key-id", "alias/with-policy").field("Policy"));

        int keys = kms.run("list-keys").json().getAsJsonArray("Keys").size();
        Kms.Result malformed = kms.run("create-key", "--alias", "not-made", "--policy", "{\"Version\": 1}");
        assertEquals(2, malformed.code(), malformed.toString());
        assertEquals(keys, kms.run("list-keys").json().getAsJsonArray("Keys").size(), "no key was made");
    }

    @Test
    void malformedPolicy_isAUsageError_thatNamesTheProblem_andChangesNothing() throws Exception {
        String before = kms.run("get-key-policy", "--key-id", "orders").field("Policy");
        String typo = """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": "%s"}, "Action": ["kms:Encrypt", "kms:Decrpyt"], "Resource": "*"}]}
                """.formatted(ACCOUNT_ROOT);
        Kms.Result r = kms.run("put-key-policy", "--key-id", "orders", "--policy", typo);
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().startsWith("kms: ") && r.err().contains("kms:Decrpyt"), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertEquals(before, kms.run("get-key-policy", "--key-id", "orders").field("Policy"));

        Kms.Result notJson = kms.run("put-store-policy", "--policy", "{\"Version\": ");
        assertEquals(2, notJson.code(), notJson.toString());
    }

    @Test
    void lockoutSafetyCheck_refusesAPolicyThatShutsMeOut_unlessBypassed() throws Exception {
        String onlyAlice = """
                {"Version": "2012-10-17", "Statement": [
                  {"Sid": "AliceOnly", "Effect": "Allow", "Principal": {"AWS": "alice"}, "Action": "kms:*", "Resource": "*"}]}
                """;
        Kms.Result refused = kms.run("put-key-policy", "--key-id", "orders", "--policy", onlyAlice);
        assertEquals(2, refused.code(), refused.toString());
        assertTrue(refused.err().contains("lockout safety check") && refused.err().contains("'" + ME + "'"), refused.err());

        Kms.Result bypassed = kms.run("put-key-policy", "--key-id", "orders", "--policy", onlyAlice,
                "--bypass-policy-lockout-safety-check");
        assertEquals(0, bypassed.code(), bypassed.toString());
        Kms.Result denied = kms.run("describe-key", "--key-id", "orders");
        assertEquals(1, denied.code(), denied.toString());
        assertTrue(denied.err().contains("principal '" + ME + "' may not kms:DescribeKey")
                && denied.err().contains("kms get-key-policy"), denied.err());
        assertEquals(1, kms.run("get-key-policy", "--key-id", "orders").code(), "not even the policy can be read now");
    }

    @Test
    void aGrant_letsMeDoWhatTheKeyPolicyDoesNot_atOnce_untilRevoked() throws Exception {
        String managersOnly = """
                {"Version": "2012-10-17", "Statement": [
                  {"Sid": "Manage", "Effect": "Allow", "Principal": {"AWS": "%s"}, "Resource": "*",
                   "Action": ["kms:PutKeyPolicy", "kms:GetKeyPolicy", "kms:DescribeKey", "kms:CreateGrant", "kms:ListGrants",
                              "kms:RevokeGrant"]}]}
                """.formatted(ME);
        assertEquals(0, kms.run("put-key-policy", "--key-id", "orders", "--policy", managersOnly).code());
        Kms.Result refused = kms.run("generate-data-key", "--key-id", "orders");
        assertEquals(1, refused.code(), refused.toString());
        assertTrue(refused.err().contains("kms:GenerateDataKey"), refused.err());

        Kms.Result grant = kms.run("create-grant", "--key-id", "orders", "--grantee-principal", ME, "--operations",
                "GenerateDataKey");
        assertEquals(0, grant.code(), grant.toString());
        assertEquals(0, kms.run("generate-data-key", "--key-id", "orders").code(), "no grant token needed");

        assertEquals(0, kms.run("revoke-grant", "--key-id", "orders", "--grant-id", grant.field("GrantId")).code());
        assertEquals(1, kms.run("generate-data-key", "--key-id", "orders").code());
    }

    @Test
    void storePolicy_putAndGet_andItsDenyRefusesCreateKey() throws Exception {
        Kms.Result none = kms.run("get-store-policy");
        assertEquals(0, none.code(), none.toString());
        assertEquals(0, none.json().size(), "{} while the store has no policy: " + none.out());

        String policy = """
                {"Version": "2012-10-17", "Statement": [
                  {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": "%s"}, "Action": "kms:*", "Resource": "*"},
                  {"Sid": "NoNewKeys", "Effect": "Deny", "Principal": "*", "Action": "kms:CreateKey", "Resource": "*"}]}
                """.formatted(ME);
        Kms.Result put = kms.run("put-store-policy", "--policy", policy);
        assertEquals(0, put.code(), put.toString());
        assertEquals(policy, kms.run("get-store-policy").field("Policy"));

        Kms.Result createKey = kms.run("create-key", "--alias", "another");
        assertEquals(1, createKey.code(), createKey.toString());
        assertTrue(createKey.err().contains("NoNewKeys") && createKey.err().contains("kms:CreateKey"), createKey.err());
        assertEquals(0, kms.run("describe-key", "--key-id", "orders").code(), "the rest is still allowed");

        String lockedOut = policy.replace("\"%s\"".formatted(ME), "\"alice\"");
        Kms.Result refused = kms.run("put-store-policy", "--policy", lockedOut);
        assertEquals(2, refused.code(), refused.toString());
        assertTrue(refused.err().contains("lockout"), refused.err());
        assertEquals(policy, kms.run("get-store-policy").field("Policy"), "unchanged");
    }
}
