package io.kmsjca.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The grant commands of the shaded jar, in a child process, on a store without policies (which
 * lets its user do everything): create, list, retire and revoke grants, with AWS's JSON.
 */
@org.junit.jupiter.api.Tag("same-on-every-jdk") // the command layer: run once, on JDK 17 (README, "Supported JDKs")
class GrantCommandsIT {

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
    void createGrant_thenListGrants_showsItInAwsShape() throws Exception {
        Kms.Result created = kms.run("create-grant", "--key-id", "alias/orders", "--grantee-principal", "app",
                "--operations", "GenerateDataKey", "Decrypt", "--retiring-principal", "admin", "--name", "orders-app",
                "--constraints", "EncryptionContextSubset={Department=IT,app=orders}");
        assertEquals(0, created.code(), created.toString());
        String grantId = created.field("GrantId");
        assertTrue(grantId.matches("[0-9a-f]{64}"), grantId);
        assertEquals(keyId + ":" + grantId, created.field("GrantToken"));
        assertEquals(List.of("GrantToken", "GrantId"), List.copyOf(created.json().keySet()));

        Kms.Result listed = kms.run("list-grants", "--key-id", keyId);
        assertEquals(0, listed.code(), listed.toString());
        assertFalse(listed.json().get("Truncated").getAsBoolean());
        JsonArray grants = listed.json().getAsJsonArray("Grants");
        assertEquals(1, grants.size(), grants.toString());
        JsonObject g = grants.get(0).getAsJsonObject();
        assertEquals("arn:aws:kms:local:000000000000:key/" + keyId, g.get("KeyId").getAsString());
        assertEquals(grantId, g.get("GrantId").getAsString());
        assertEquals("orders-app", g.get("Name").getAsString());
        Instant created1 = Instant.parse(g.get("CreationDate").getAsString());
        assertFalse(created1.isAfter(Instant.now()), created1.toString());
        assertEquals("app", g.get("GranteePrincipal").getAsString());
        assertEquals("admin", g.get("RetiringPrincipal").getAsString());
        assertEquals("arn:aws:iam::000000000000:root", g.get("IssuingAccount").getAsString());
        assertEquals(System.getProperty("user.name"), g.get("IssuingPrincipal").getAsString(),
                "the principal of a kms call is the OS user");
        assertEquals(List.of("Decrypt", "GenerateDataKey"), strings(g.getAsJsonArray("Operations")));
        JsonObject subset = g.getAsJsonObject("Constraints").getAsJsonObject("EncryptionContextSubset");
        assertEquals("IT", subset.get("Department").getAsString());
        assertEquals("orders", subset.get("app").getAsString());
        assertEquals(2, subset.size());
        assertNull(g.getAsJsonObject("Constraints").get("EncryptionContextEquals"));
    }

    @Test
    void createGrant_withTheSameName_returnsTheSameGrant() throws Exception {
        String[] request = {"create-grant", "--key-id", "orders", "--grantee-principal", "app", "--operations", "Encrypt,Decrypt",
                "--name", "once", "--query", "GrantId", "--output", "text"};
        Kms.Result first = kms.run(request);
        Kms.Result again = kms.run(request);
        assertEquals(0, again.code(), again.toString());
        assertEquals(first.out().strip(), again.out().strip());
        Kms.Result unnamed = kms.run("create-grant", "--key-id", "orders", "--grantee-principal", "app", "--operations", "Encrypt",
                "Decrypt", "--query", "GrantId", "--output", "text");
        assertNotEquals(first.out().strip(), unnamed.out().strip(), "without a name each request makes a grant");
        assertEquals(2, kms.run("list-grants", "--key-id", "orders").json().getAsJsonArray("Grants").size());
    }

    @Test
    void constraints_inJson_andEncryptionContextEquals() throws Exception {
        Kms.Result created = kms.run("create-grant", "--key-id", "orders", "--grantee-principal", "batch", "--operations",
                "Decrypt", "--constraints", "{\"EncryptionContextEquals\": {\"tenant\": \"42\"}}");
        assertEquals(0, created.code(), created.toString());
        JsonObject constraints = kms.run("list-grants", "--key-id", "orders", "--grant-id", created.field("GrantId"))
                .json().getAsJsonArray("Grants").get(0).getAsJsonObject().getAsJsonObject("Constraints");
        assertEquals("42", constraints.getAsJsonObject("EncryptionContextEquals").get("tenant").getAsString());
        assertNull(constraints.get("EncryptionContextSubset"));

        Kms.Result both = kms.run("create-grant", "--key-id", "orders", "--grantee-principal", "batch", "--operations", "Decrypt",
                "--constraints", "EncryptionContextEquals={a=1},EncryptionContextSubset={b=2}");
        assertEquals(2, both.code(), both.toString());
        assertTrue(both.err().contains("not both"), both.err());
        Kms.Result describe = kms.run("create-grant", "--key-id", "orders", "--grantee-principal", "batch", "--operations",
                "DescribeKey", "--constraints", "EncryptionContextSubset={a=1}");
        assertEquals(2, describe.code(), "constraints with an operation that takes no context: " + describe);
        assertEquals(1, kms.run("list-grants", "--key-id", "orders").json().getAsJsonArray("Grants").size(),
                "a refused request makes no grant");
    }

    @Test
    void retireGrant_byTokenAlone_andRevokeGrant_removeThem() throws Exception {
        Kms.Result a = kms.run("create-grant", "--key-id", "orders", "--grantee-principal", "app", "--operations", "Decrypt",
                "--retiring-principal", "admin");
        Kms.Result b = kms.run("create-grant", "--key-id", "orders", "--grantee-principal", "batch", "--operations", "Encrypt");
        Kms.Result c = kms.run("create-grant", "--key-id", "orders", "--grantee-principal", "cron", "--operations", "Encrypt");

        Kms.Result retired = kms.run("retire-grant", "--grant-token", a.field("GrantToken"));
        assertEquals(0, retired.code(), retired.toString());
        assertEquals("", retired.out(), "no output, as in the AWS CLI");
        assertEquals(List.of(b.field("GrantId"), c.field("GrantId")), grantIds("orders"));

        Kms.Result byId = kms.run("retire-grant", "--key-id", "arn:aws:kms:local:000000000000:key/" + keyId,
                "--grant-id", b.field("GrantId"));
        assertEquals(0, byId.code(), byId.toString());
        assertEquals(List.of(c.field("GrantId")), grantIds("orders"));

        Kms.Result revoked = kms.run("revoke-grant", "--key-id", "alias/orders", "--grant-id", c.field("GrantId"));
        assertEquals(0, revoked.code(), revoked.toString());
        assertEquals(List.of(), grantIds("orders"));

        Kms.Result again = kms.run("revoke-grant", "--key-id", "alias/orders", "--grant-id", c.field("GrantId"));
        assertEquals(4, again.code(), again.toString());
        assertTrue(again.err().contains("has no grant '" + c.field("GrantId") + "'") && again.err().contains("kms list-grants"),
                again.err());
        Kms.Result noKey = kms.run("retire-grant", "--grant-id", c.field("GrantId"));
        assertEquals(2, noKey.code(), noKey.toString());
        assertTrue(kms.run("audit", "tail", "-n", "1").out().contains("\"REVOKE_GRANT\""), "the refusal is audited");
    }

    @Test
    void revokeGrantWithRotateKey_rotatesTheKeyOnceTheGrantIsGone() throws Exception {
        Kms.Result g = kms.run("create-grant", "--key-id", "orders", "--grantee-principal", "app", "--operations", "Decrypt");
        Kms.Result revoked = kms.run("revoke-grant", "--key-id", "alias/orders", "--grant-id", g.field("GrantId"),
                "--rotate-key");
        assertEquals(0, revoked.code(), revoked.toString());
        assertEquals(2, revoked.json().get("KeyVersion").getAsInt(), revoked.toString());
        assertEquals(keyId, revoked.field("KeyId"));
        assertEquals(List.of(), grantIds("orders"));
        Kms.Result unknown = kms.run("revoke-grant", "--key-id", "alias/orders", "--grant-id", g.field("GrantId"),
                "--rotate-key");
        assertEquals(4, unknown.code(), "no grant, no rotation: " + unknown);
        assertEquals(2, kms.run("describe-key", "--key-id", "alias/orders").json().getAsJsonObject("KeyMetadata")
                .get("CurrentKeyVersion").getAsInt(), "rotated once");
    }

    @Test
    void listRetirableGrants_findsTheGrantsOfEveryKeyThatNameThePrincipal() throws Exception {
        String other = kms.createKey("billing");
        Kms.Result onOrders = kms.run("create-grant", "--key-id", "orders", "--grantee-principal", "app", "--operations", "Decrypt",
                "--retiring-principal", "admin");
        Kms.Result onBilling = kms.run("create-grant", "--key-id", "billing", "--grantee-principal", "app", "--operations",
                "Encrypt", "--retiring-principal", "admin");
        kms.run("create-grant", "--key-id", "billing", "--grantee-principal", "app", "--operations", "Decrypt",
                "--retiring-principal", "someone-else");
        kms.run("create-grant", "--key-id", "orders", "--grantee-principal", "admin", "--operations", "Decrypt");

        Kms.Result retirable = kms.run("list-retirable-grants", "--retiring-principal", "admin");
        assertEquals(0, retirable.code(), retirable.toString());
        JsonArray grants = retirable.json().getAsJsonArray("Grants");
        List<String> ids = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        grants.forEach(g -> {
            ids.add(g.getAsJsonObject().get("GrantId").getAsString());
            keys.add(g.getAsJsonObject().get("KeyId").getAsString());
            assertEquals("admin", g.getAsJsonObject().get("RetiringPrincipal").getAsString());
        });
        assertEquals(List.of(onOrders.field("GrantId"), onBilling.field("GrantId")), ids, "oldest first");
        assertEquals(List.of("arn:aws:kms:local:000000000000:key/" + keyId, "arn:aws:kms:local:000000000000:key/" + other), keys);
        assertEquals(0, kms.run("list-retirable-grants", "--retiring-principal", "nobody").json()
                .getAsJsonArray("Grants").size());
    }

    @Test
    void listGrants_pagesAndFilters() throws Exception {
        List<String> made = new ArrayList<>();
        for (String grantee : List.of("a", "b", "c")) {
            made.add(kms.run("create-grant", "--key-id", "orders", "--grantee-principal", grantee, "--operations", "Decrypt")
                    .field("GrantId"));
        }
        Kms.Result page1 = kms.run("list-grants", "--key-id", "orders", "--limit", "2");
        assertTrue(page1.json().get("Truncated").getAsBoolean(), page1.toString());
        Kms.Result page2 = kms.run("list-grants", "--key-id", "orders", "--limit", "2", "--marker", page1.field("NextMarker"));
        assertFalse(page2.json().get("Truncated").getAsBoolean(), page2.toString());
        List<String> seen = new ArrayList<>(ids(page1.json().getAsJsonArray("Grants")));
        seen.addAll(ids(page2.json().getAsJsonArray("Grants")));
        assertEquals(made, seen);
        assertEquals(List.of(made.get(1)), ids(kms.run("list-grants", "--key-id", "orders", "--grantee-principal", "b")
                .json().getAsJsonArray("Grants")));
        assertEquals(2, kms.run("list-grants", "--key-id", "orders", "--limit", "0").code());
        Kms.Result table = kms.run("list-grants", "--key-id", "orders", "--output", "table");
        assertTrue(table.out().contains("| GranteePrincipal ") && table.out().contains(made.get(2)), table.out());
    }

    @Test
    void unknownKey_isNotFound() throws Exception {
        Kms.Result r = kms.run("create-grant", "--key-id", "alias/nope", "--grantee-principal", "app", "--operations", "Decrypt");
        assertEquals(4, r.code(), r.toString());
        assertEquals(4, kms.run("list-grants", "--key-id", "alias/nope").code());
    }

    private List<String> grantIds(String key) throws Exception {
        Kms.Result r = kms.run("list-grants", "--key-id", key);
        assertEquals(0, r.code(), r.toString());
        return ids(r.json().getAsJsonArray("Grants"));
    }

    private static List<String> ids(JsonArray grants) {
        List<String> ids = new ArrayList<>();
        grants.forEach(g -> ids.add(g.getAsJsonObject().get("GrantId").getAsString()));
        return ids;
    }

    private static List<String> strings(JsonArray array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.getAsString()));
        return values;
    }
}
