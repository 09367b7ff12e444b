package io.kmsjca.cli;

import io.kmsjca.cli.GrantInputs.Constraints;
import io.kmsjca.cli.GrantInputs.GrantRef;
import io.kmsjca.keys.GrantOperation;
import io.kmsjca.keys.KeyGrant;
import io.kmsjca.keys.KeyNotFoundException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/**
 * How the policy and grant commands read their arguments, in process: operations, constraints,
 * grant tokens, key ARNs, pages; and the usage errors that stop a command before it opens a store.
 */
class GrantArgumentsTest {

    private static final UUID KEY = UUID.fromString("1234abcd-12ab-34cd-56ef-1234567890ab");
    private static final String ID = "a".repeat(64);

    // ---------------------------------------------------------------- operations

    @Test
    void operations_areAwsNames_caseSensitive() {
        GrantInputs.Operation op = new GrantInputs.Operation();
        assertEquals(GrantOperation.GenerateDataKeyWithoutPlaintext, op.convert("GenerateDataKeyWithoutPlaintext"));
        TypeConversionException wrongCase = assertThrows(TypeConversionException.class, () -> op.convert("decrypt"));
        assertTrue(wrongCase.getMessage().contains("'decrypt'") && wrongCase.getMessage().contains("did you mean Decrypt?"),
                wrongCase.getMessage());
        TypeConversionException unknown = assertThrows(TypeConversionException.class, () -> op.convert("Frobnicate"));
        assertTrue(unknown.getMessage().startsWith("unknown grant operation 'Frobnicate'"), unknown.getMessage());
        assertFalse(unknown.getMessage().contains("did you mean"), unknown.getMessage());
    }

    // ---------------------------------------------------------------- constraints

    @Test
    void constraints_shorthand_subsetOrEquals() {
        GrantInputs.ConstraintsConverter c = new GrantInputs.ConstraintsConverter();
        assertEquals(new Constraints(Map.of(), Map.of("Department", "IT", "app", "orders")),
                c.convert("EncryptionContextSubset={Department=IT,app=orders}"));
        assertEquals(new Constraints(Map.of("tenant", "42"), Map.of()), c.convert("EncryptionContextEquals={tenant=42}"));
        assertEquals(new Constraints(Map.of("a", "1"), Map.of("b", "x=y")),
                c.convert("EncryptionContextEquals={a=1},EncryptionContextSubset={b=x=y}"),
                "both may be given (the key service refuses that, naming the rule); a value may hold '='");
    }

    @Test
    void constraints_json() {
        GrantInputs.ConstraintsConverter c = new GrantInputs.ConstraintsConverter();
        assertEquals(new Constraints(Map.of(), Map.of("Department", "IT")),
                c.convert("{\"EncryptionContextSubset\": {\"Department\": \"IT\"}}"));
        assertEquals(new Constraints(Map.of("k", "v, with } and ="), Map.of()),
                c.convert("{\"EncryptionContextEquals\":{\"k\":\"v, with } and =\"}}"), "JSON takes any value");
    }

    @Test
    void constraints_badSyntax_isNamed() {
        GrantInputs.ConstraintsConverter c = new GrantInputs.ConstraintsConverter();
        assertRefused(c, "EncryptionContextSubsets={a=b}", "unknown constraint 'EncryptionContextSubsets'");
        assertRefused(c, "EncryptionContextSubset=a=b", "bad --constraints");
        assertRefused(c, "EncryptionContextSubset={a}", "bad constraint pair 'a'");
        assertRefused(c, "EncryptionContextSubset={a=1,a=2}", "names 'a' twice");
        assertRefused(c, "EncryptionContextSubset={a=1}EncryptionContextEquals={b=2}", "expected ','");
        assertRefused(c, "EncryptionContextSubset={a=1},EncryptionContextSubset={b=2}", "EncryptionContextSubset twice");
        assertRefused(c, "{\"EncryptionContextSubset\": {\"a\": 1}}", "the value of 'a' is not a string");
        assertRefused(c, "{\"EncryptionContextSubset\": [\"a\"]}", "bad JSON for --constraints");
        assertRefused(c, "{\"Bogus\": {}}", "unknown constraint 'Bogus'");
        assertRefused(c, "{not json", "bad JSON for --constraints");
        assertRefused(c, "EncryptionContextSubset={" + "k=v,".repeat(3000) + "}", "longer than 8192 characters");
    }

    private static void assertRefused(GrantInputs.ConstraintsConverter c, String value, String message) {
        TypeConversionException e = assertThrows(TypeConversionException.class, () -> c.convert(value), value);
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    // ---------------------------------------------------------------- keys, tokens, pages

    @Test
    void keyRef_takesTheKeyOrAliasOutOfAnArn() {
        assertEquals(KEY.toString(), Inputs.keyRef("arn:aws:kms:local:000000000000:key/" + KEY));
        assertEquals("alias/orders", Inputs.keyRef("arn:aws:kms:local:000000000000:alias/orders"));
        assertEquals("alias/orders", Inputs.keyRef("alias/orders"));
        assertEquals(KEY.toString(), Inputs.keyRef(KEY.toString()));
    }

    @Test
    void grantToken_namesKeyAndGrant_soRetireGrantNeedsNothingElse() {
        String token = GrantInputs.token(KEY.toString(), ID);
        assertEquals(new GrantRef(KEY.toString(), ID), GrantCommands.resolve(null, null, token));
        assertEquals(new GrantRef("alias/orders", ID), GrantCommands.resolve("alias/orders", null, token),
                "--key-id decides when given too");
        assertEquals(new GrantRef("alias/orders", ID), GrantCommands.resolve("alias/orders", null, ID),
                "a bare grant id is accepted as the token, with --key-id");
        assertEquals(new GrantRef(KEY.toString(), ID),
                GrantCommands.resolve("arn:aws:kms:local:000000000000:key/" + KEY, ID, null));
        assertUsage(() -> GrantCommands.resolve(null, ID, null), "--key-id is required");
        assertUsage(() -> GrantCommands.resolve(null, null, ID), "--key-id is required");
        assertUsage(() -> GrantCommands.resolve(KEY.toString(), ID, token), "not both");
        assertUsage(() -> GrantCommands.resolve(KEY.toString(), null, null), "name the grant");
        assertUsage(() -> GrantCommands.resolve(null, null, "x".repeat(8193)), "at most 8192");
    }

    @Test
    void grantPage_pagesByMarker() {
        List<KeyGrant> grants = List.of(grant("1"), grant("2"), grant("3"));
        Shapes.Result first = GrantPage.of(grants, 2, null);
        assertEquals(List.of(id("1"), id("2")), ids(first));
        assertEquals(true, first.get("Truncated"));
        assertEquals(id("2"), first.get("NextMarker"));
        Shapes.Result second = GrantPage.of(grants, 2, (String) first.get("NextMarker"));
        assertEquals(List.of(id("3")), ids(second));
        assertEquals(false, second.get("Truncated"));
        assertFalse(second.containsKey("NextMarker"));
        assertUsage(() -> GrantPage.of(grants, 2, id("9")), "--marker names no grant");
        assertUsage(() -> GrantPage.checkLimit(0), "--limit must be 1 to 100, not 0");
        assertUsage(() -> GrantPage.checkLimit(101), "not 101");
        GrantPage.checkLimit(100);
    }

    @Test
    void grantShape_isAwsGrantListEntry() {
        KeyGrant g = new KeyGrant(ID, KEY, "", "app", null, "alice",
                Set.of(GrantOperation.RetireGrant, GrantOperation.Encrypt, GrantOperation.Decrypt),
                Map.of(), Map.of(), Instant.parse("2026-12-03T10:00:00Z"));
        Map<String, Object> shape = Shapes.grant(g);
        assertEquals(List.of("KeyId", "GrantId", "CreationDate", "GranteePrincipal", "IssuingAccount", "IssuingPrincipal",
                "Operations"), List.copyOf(shape.keySet()), "no Name, RetiringPrincipal or Constraints when there are none");
        assertEquals("arn:aws:kms:local:000000000000:key/" + KEY, shape.get("KeyId"));
        assertEquals("2026-12-03T10:00:00Z", shape.get("CreationDate"));
        assertEquals("arn:aws:iam::000000000000:root", shape.get("IssuingAccount"));
        assertEquals(List.of("Decrypt", "Encrypt", "RetireGrant"), shape.get("Operations"), "AWS's order, always the same");
    }

    // ---------------------------------------------------------------- the commands, before they open a store

    @Test
    void unknownOperation_isAUsageErrorNamingIt() throws Exception {
        Run r = run("create-grant", "--key-id", "k", "--grantee-principal", "app", "--operations", "Decrypt", "Decrpyt");
        assertEquals(ExitCode.USAGE, r.code, r.err);
        assertTrue(r.err.contains("unknown grant operation 'Decrpyt'"), r.err);
    }

    @Test
    void badConstraints_isAUsageError() throws Exception {
        Run r = run("create-grant", "--key-id", "k", "--grantee-principal", "app", "--operations", "Decrypt",
                "--constraints", "EncryptionContextSubset=Department=IT");
        assertEquals(ExitCode.USAGE, r.code, r.err);
        assertTrue(r.err.contains("bad --constraints"), r.err);
    }

    @Test
    void policyName_otherThanDefault_isAUsageError() throws Exception {
        Run put = run("put-key-policy", "--key-id", "k", "--policy-name", "mine", "--policy", "{}");
        assertEquals(ExitCode.USAGE, put.code, put.err);
        assertTrue(put.err.contains("--policy-name must be default"), put.err);
        Run get = run("get-key-policy", "--key-id", "k", "--policy-name", "Default");
        assertEquals(ExitCode.USAGE, get.code, get.err);
    }

    @Test
    void policyFile_thatIsNotUtf8_orMissing_isRefused() throws Exception {
        Path dir = Files.createTempDirectory("policy");
        Path latin1 = Files.write(dir.resolve("p.json"), "{\"Sid\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1));
        Run notUtf8 = run("put-key-policy", "--key-id", "k", "--policy", "file://" + latin1);
        assertEquals(ExitCode.USAGE, notUtf8.code, notUtf8.err);
        assertTrue(notUtf8.err.contains("is not UTF-8 text"), notUtf8.err);
        Run missing = run("put-store-policy", "--policy", "file://" + dir.resolve("none.json"));
        assertEquals(ExitCode.USAGE, missing.code, missing.err);
        assertTrue(missing.err.contains("no such file"), missing.err);
        Path big = Files.write(dir.resolve("big.json"), new byte[Inputs.MAX_TEXT_BYTES + 1]);
        Run tooBig = run("put-store-policy", "--policy", "file://" + big);
        assertTrue(tooBig.err.contains("is larger than " + Inputs.MAX_TEXT_BYTES + " bytes"), tooBig.err);
        assertEquals("{\"Sid\":\"caf\u00e9\"}", new Inputs.Text().convert("file://" + Files.writeString(dir.resolve("ok.json"),
                "{\"Sid\":\"caf\u00e9\"}", StandardCharsets.UTF_8)));
        assertEquals("{\"Version\":\"2012-10-17\"}", new Inputs.Text().convert("{\"Version\":\"2012-10-17\"}"));
    }

    @Test
    void grantNotFound_pointsAtListGrants_notAtTheKeys() {
        CliException e = Failures.explain(KeyNotFoundException.grant(ID, KEY.toString()));
        assertEquals(ExitCode.NOT_FOUND, e.exitCode());
        assertTrue(e.getMessage().contains("kms list-grants"), e.getMessage());
        assertFalse(e.getMessage().contains("list-aliases"), e.getMessage());
    }

    // ---------------------------------------------------------------- helpers

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    private static void assertUsage(org.junit.jupiter.api.function.Executable call, String message) {
        CliException e = assertThrows(CliException.class, call);
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    private static String id(String n) {
        return n.repeat(64);
    }

    private static KeyGrant grant(String n) {
        return new KeyGrant(id(n), KEY, "", "app", null, "alice", Set.of(GrantOperation.Decrypt), Map.of(), Map.of(),
                Instant.parse("2026-12-03T10:00:00Z"));
    }

    @SuppressWarnings("unchecked")
    private static List<String> ids(Shapes.Result page) {
        return ((List<Map<String, Object>>) page.get("Grants")).stream().map(g -> (String) g.get("GrantId")).toList();
    }
}
