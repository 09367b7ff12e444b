package io.kmsjca.internal.service;

import io.kmsjca.audit.KmsAuditContext;
import io.kmsjca.keys.GrantOperation;
import io.kmsjca.keys.GrantRequest;
import io.kmsjca.keys.KeyAccessDeniedException;
import io.kmsjca.keys.KeyGrant;
import io.kmsjca.keys.KeyNotFoundException;
import io.kmsjca.keys.KeyUseDeniedException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kmsjca.provider.KmsEncryptionContextSpec;

import javax.crypto.Cipher;
import javax.security.auth.Subject;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.kmsjca.internal.service.AsPrincipal.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The security review of the access model (issue #17): each test is a request the documented
 * model (docs/authorization.md) must refuse, which the code as reviewed allowed. Real file
 * stores; principals named with {@link KmsAuditContext#runAs}.
 */
class AccessReviewFindingsTest {

    /** Alice administers and uses the key; nobody else is named. */
    static final String ALICE_ONLY = """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Principal": {"AWS": "alice"}, "Action": "kms:*", "Resource": "*"}]}""";

    /** Everyone may do everything, except what the given statement denies. */
    static String everyoneExcept(String denyStatement) {
        return """
                {"Version": "2012-10-17", "Statement": [
                  {"Sid": "Everyone", "Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"},
                  %s]}""".formatted(denyStatement);
    }

    @TempDir
    Path dir;
    LifecycleFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new LifecycleFixture(dir);
        f.keys.createKey("orders", "");
    }


    // ------------------------------------------------------------ grants

    /**
     * A grant allowing RetireGrant lets its grantee retire that grant (AWS's rule), not every
     * other principal's grant on the key: the grant's RetireGrant is not kms:RetireGrant on the key.
     */
    @Test
    void aGranteeWithRetireGrantCannotRetireAnotherPrincipalsGrant() throws Exception {
        as("alice", () -> f.keys.putKeyPolicy("orders", ALICE_ONLY, false));
        KeyGrant bobs = as("alice", () -> f.keys.createGrant("orders",
                GrantRequest.to("bob", Set.of(GrantOperation.Decrypt, GrantOperation.RetireGrant))));
        KeyGrant carols = as("alice", () -> f.keys.createGrant("orders",
                GrantRequest.to("carol", Set.of(GrantOperation.Decrypt))));

        KeyAccessDeniedException e = assertThrows(KeyAccessDeniedException.class,
                () -> as("bob", () -> f.keys.retireGrant("orders", carols.grantId())));
        assertEquals("kms:RetireGrant", e.denial().action());
        assertEquals(List.of(bobs.grantId(), carols.grantId()),
                as("alice", () -> f.keys.listGrants("orders")).stream().map(KeyGrant::grantId).toList());

        as("bob", () -> f.keys.retireGrant("orders", bobs.grantId())); // its own grant: AWS's rule
        assertEquals(List.of(carols.grantId()),
                as("alice", () -> f.keys.listGrants("orders")).stream().map(KeyGrant::grantId).toList());
    }

    // ------------------------------------------------------------ condition keys the key service must supply

    /** AWS's documented way to forbid bypassing the lockout check: a Deny on kms:BypassPolicyLockoutSafetyCheck. */
    @Test
    void aDenyOnBypassPolicyLockoutSafetyCheckStopsTheBypass() throws Exception {
        as("admin", () -> f.keys.putStorePolicy(everyoneExcept("""
                {"Sid": "NoBypass", "Effect": "Deny", "Principal": "*", "Action": ["kms:PutKeyPolicy", "kms:CreateKey"],
                 "Resource": "*", "Condition": {"Bool": {"kms:BypassPolicyLockoutSafetyCheck": "true"}}}"""), false));

        KeyAccessDeniedException e = assertThrows(KeyAccessDeniedException.class,
                () -> as("bob", () -> f.keys.putKeyPolicy("orders", ALICE_ONLY, true)));
        assertEquals("NoBypass", e.denial().statementId());
        as("alice", () -> f.keys.putKeyPolicy("orders", ALICE_ONLY, false)); // without the bypass: allowed
    }

    /** The Deny form of AWS's "persistent resources" condition: grants only for AWS services, which here are none. */
    @Test
    void aDenyOnGrantIsForAwsResourceStopsCreateGrant() throws Exception {
        as("admin", () -> f.keys.putStorePolicy(everyoneExcept("""
                {"Sid": "GrantsOnlyForServices", "Effect": "Deny", "Principal": "*", "Action": "kms:CreateGrant",
                 "Resource": "*", "Condition": {"Bool": {"kms:GrantIsForAWSResource": "false"}}}"""), false));

        KeyAccessDeniedException e = assertThrows(KeyAccessDeniedException.class, () -> as("bob",
                () -> f.keys.createGrant("orders", GrantRequest.to("mallory", Set.of(GrantOperation.Decrypt)))));
        assertEquals("GrantsOnlyForServices", e.denial().statementId());
        assertTrue(as("admin", () -> f.keys.listGrants("orders")).isEmpty());
    }

    /** Grants only with an encryption-context constraint: a Deny on kms:GrantConstraintType absent. */
    @Test
    void aDenyOnGrantConstraintTypeDecidesByTheRequestsConstraint() throws Exception {
        as("admin", () -> f.keys.putStorePolicy(everyoneExcept("""
                {"Sid": "SubsetOnly", "Effect": "Deny", "Principal": "*", "Action": "kms:CreateGrant",
                 "Resource": "*", "Condition": {"StringNotEqualsIfExists":
                   {"kms:GrantConstraintType": "EncryptionContextSubset"}}}"""), false));

        assertThrows(KeyAccessDeniedException.class, () -> as("bob", () -> f.keys.createGrant("orders",
                GrantRequest.to("mallory", Set.of(GrantOperation.Decrypt)).contextEquals(Map.of("tenant", "1")))));
        KeyGrant subset = as("bob", () -> f.keys.createGrant("orders",
                GrantRequest.to("carol", Set.of(GrantOperation.Decrypt)).contextSubset(Map.of("tenant", "1"))));
        assertEquals(List.of(subset.grantId()),
                as("admin", () -> f.keys.listGrants("orders")).stream().map(KeyGrant::grantId).toList());
    }

    /** No imported key material in this store: a Deny on kms:KeyOrigin EXTERNAL. */
    @Test
    void aDenyOnKeyOriginExternalStopsImportingKeyMaterial() throws Exception {
        as("admin", () -> f.keys.putStorePolicy(everyoneExcept("""
                {"Sid": "NoImport", "Effect": "Deny", "Principal": "*", "Action": ["kms:CreateKey", "kms:ImportKeyMaterial"],
                 "Resource": "*", "Condition": {"StringEquals": {"kms:KeyOrigin": "EXTERNAL"}}}"""), false));

        KeyAccessDeniedException e = assertThrows(KeyAccessDeniedException.class,
                () -> as("bob", () -> f.keys.importKeyMaterial("imported", new byte[32])));
        assertEquals("NoImport", e.denial().statementId());
        assertFalse(f.keys.hasAlias("imported"));
        as("bob", () -> f.keys.createKey("generated", "")); // a generated key's origin is AWS_KMS: allowed
    }

    /** A cryptographic request carries kms:EncryptionAlgorithm and kms:KeySpec, as in AWS. */
    @Test
    void aDenyOnTheKeySpecOrAlgorithmDecidesCryptographicRequests() throws Exception {
        byte[] blob = f.wrap("orders");
        as("admin", () -> f.keys.putStorePolicy(everyoneExcept("""
                {"Sid": "NoSymmetricDecrypt", "Effect": "Deny", "Principal": {"AWS": "bob"}, "Action": "kms:Decrypt",
                 "Resource": "*", "Condition": {"StringEquals": {"kms:KeySpec": "SYMMETRIC_DEFAULT",
                                                                 "kms:EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}}}"""),
                false));

        KeyUseDeniedException e = assertThrows(KeyUseDeniedException.class, () -> as("bob", () -> f.unwrap("orders", blob)));
        assertEquals("NoSymmetricDecrypt", e.denial().statementId());
        assertEquals(32, as("carol", () -> f.unwrap("orders", blob)).length);
    }

    // ------------------------------------------------------------ requests that reached no check

    /** managedKey creates a key: kms:CreateKey, which the store policy decides. */
    @Test
    void managedKeyCreatesAKeyOnlyForWhomTheStorePolicyAllowsCreateKey() throws Exception {
        as("alice", () -> f.keys.putStorePolicy("""
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": "alice"}, "Action": "kms:*", "Resource": "*"}]}""", false));

        KeyAccessDeniedException e = assertThrows(KeyAccessDeniedException.class,
                () -> as("bob", () -> f.keys.managedKey("billing")));
        assertEquals("kms:CreateKey", e.denial().action());
        assertFalse(f.keys.hasAlias("kms/billing"));

        var made = as("alice", () -> f.keys.managedKey("billing"));
        assertEquals(made.keyId(), as("bob", () -> f.keys.managedKey("billing")).keyId()); // an existing one: a handle, as findKey
    }

    /** ListKeyRotations reads a key's versions: kms:ListKeyRotations, as every other read. */
    @Test
    void listKeyRotationsNeedsItsPermission() throws Exception {
        as("alice", () -> f.keys.putKeyPolicy("orders", ALICE_ONLY, false));
        as("alice", () -> f.keys.rotateKeyOnDemand("orders"));

        KeyAccessDeniedException e = assertThrows(KeyAccessDeniedException.class,
                () -> as("bob", () -> f.keys.listKeyRotations("orders")));
        assertEquals("kms:ListKeyRotations", e.denial().action());
        assertEquals(1, as("alice", () -> f.keys.listKeyRotations("orders")).size());
    }

    /** The deprecated aliases() lists what listAliases() lists, so the store policy decides it too. */
    @Test
    @SuppressWarnings("deprecation")
    void theDeprecatedAliasListNeedsListAliases() throws Exception {
        as("alice", () -> f.keys.putStorePolicy("""
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": "alice"}, "Action": "kms:*", "Resource": "*"}]}""", false));

        assertThrows(KeyAccessDeniedException.class, () -> as("bob", () -> f.keys.listAliases()));
        assertEquals(List.of(), as("bob", () -> f.keys.aliases()));
        assertEquals(List.of("orders"), as("alice", () -> f.keys.aliases()));
    }

    /**
     * CreateAlias with a taken alias said which key the alias names before it checked the caller
     * may do anything: a principal with no rights learned alias-to-key mappings that ListAliases
     * and DescribeKey refuse it.
     */
    @Test
    void createAliasSaysWhichKeyAnAliasNamesOnlyToWhomMayCreateTheAlias() throws Exception {
        java.util.UUID orders = f.keys.findKey("orders").orElseThrow().keyId();
        as("alice", () -> f.keys.putKeyPolicy("orders", ALICE_ONLY, false));
        as("alice", () -> f.keys.putStorePolicy("""
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": "alice"}, "Action": "kms:*", "Resource": "*"}]}""", false));

        KeyAccessDeniedException e = assertThrows(KeyAccessDeniedException.class,
                () -> as("bob", () -> f.keys.createAlias("orders", orders.toString())));
        assertFalse(e.getMessage().contains("already names"), e.getMessage());
        assertEquals("kms:CreateAlias", e.denial().action());
    }

    /**
     * A caller who may create aliases on a key of its own, and nothing on another key, learns that
     * an alias is taken, not which key it names (CreateAlias and CreateKey with an alias said "alias
     * orders already names key ..."; AWS says only that it exists).
     */
    @Test
    void aTakenAlias_isRefusedWithoutNamingItsKey_toACallerWithNoRightOnThatKey() throws Exception {
        java.util.UUID orders = f.keys.findKey("orders").orElseThrow().keyId();
        as("alice", () -> f.keys.putKeyPolicy("orders", ALICE_ONLY, false));
        as("alice", () -> f.keys.putStorePolicy("""
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": "alice"}, "Action": "kms:*", "Resource": "*"},
                  {"Effect": "Allow", "Principal": {"AWS": "bob"}, "Action": ["kms:CreateKey", "kms:CreateAlias"],
                   "Resource": "*"}]}""", false));
        String bobs = as("bob", () -> f.keys.createKey(io.kmsjca.keys.CreateKeyRequest.withoutAlias())).keyId().toString();

        var alias = assertThrows(io.kmsjca.keys.InvalidKeyRequestException.class,
                () -> as("bob", () -> f.keys.createAlias("orders", bobs)));
        var key = assertThrows(io.kmsjca.keys.InvalidKeyRequestException.class,
                () -> as("bob", () -> f.keys.createKey(io.kmsjca.keys.CreateKeyRequest.withAlias("orders"))));
        for (Exception e : List.of(alias, key)) {
            assertTrue(e.getMessage().contains("already exists"), e.getMessage());
            assertFalse(e.getMessage().contains(orders.toString()), e.getMessage());
        }
    }

    // ------------------------------------------------------------ principals

    /**
     * A JAAS login gives a Subject several principals (the user and its groups). The request's
     * principal is their names joined ("mallory,staff"), which no statement naming "mallory"
     * matches: a Deny naming the user did not apply once the login added a group. A request is now
     * decided for each name: a Deny of any refuses.
     */
    @Test
    void aDenyNamingAUserAppliesWhenItsSubjectAlsoHasAGroup() throws Exception {
        byte[] blob = f.wrap("orders");
        as("admin", () -> f.keys.putStorePolicy(everyoneExcept("""
                {"Sid": "NotMallory", "Effect": "Deny", "Principal": {"AWS": "mallory"}, "Action": "kms:Decrypt",
                 "Resource": "*"}"""), false));
        Principal user = () -> "mallory";
        Principal group = () -> "staff";

        assertThrows(KeyUseDeniedException.class, () -> asSubject(Set.of(user), () -> f.unwrap("orders", blob)));
        KeyUseDeniedException e = assertThrows(KeyUseDeniedException.class,
                () -> asSubject(Set.of(user, group), () -> f.unwrap("orders", blob)));
        assertEquals("NotMallory", e.denial().statementId());
    }

    @SuppressWarnings("removal") // Subject.callAs is JDK 18+; doAs sets Subject.current() on every JDK that has it
    private static <T> T asSubject(Set<Principal> principals, PrivilegedExceptionAction<T> action) throws Exception {
        Subject subject = new Subject(true, principals, Set.of(), Set.of());
        try {
            return Subject.doAs(subject, action);
        } catch (java.security.PrivilegedActionException e) {
            throw e.getException();
        }
    }

    // ------------------------------------------------------------ remembered decisions

    /**
     * A decision that rests on aws:CurrentTime is never remembered, however the policy spells the
     * key: JSON lets a policy write it with an escape (a backslash-u escape of its last letter), which
     * names the same key to the engine.
     */
    @Test
    void anAllowUntilADateEndsOnACipherInUseWhateverTheKeysSpelling() throws Exception {
        as("alice", () -> f.keys.putKeyPolicy("orders", """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": "alice"}, "Action": "kms:*", "Resource": "*"},
                  {"Sid": "UntilFebruary", "Effect": "Allow", "Principal": {"AWS": "bob"}, "Action": "kms:Encrypt",
                   "Resource": "*", "Condition": {"DateLessThan": {"aws:CurrentTim\\u0065": "2026-02-01T00:00:00Z"}}}]}""",
                false));
        Cipher c = Cipher.getInstance("KMSWrap", LifecycleFixture.PROVIDER);
        as("bob", () -> c.init(Cipher.WRAP_MODE, f.keys.findKey("orders").orElseThrow(),
                new KmsEncryptionContextSpec(Map.of())));
        as("bob", () -> c.wrap(LifecycleFixture.DATA_KEY)); // January: allowed, and (wrongly) remembered

        f.clock.advance(Duration.ofDays(40));
        KeyUseDeniedException e = assertThrows(KeyUseDeniedException.class, () -> as("bob", () -> c.wrap(LifecycleFixture.DATA_KEY)));
        assertEquals("kms:Encrypt", e.denial().action());
    }

    /**
     * A remembered Allow rests on the store policy's revision too: a store policy that comes to
     * deny the caller ends the next use of a cipher that was allowed (on the same thread, with
     * the same key and context as the remembered decision).
     */
    @Test
    void aStorePolicyThatComesToDeny_endsARememberedAllow() throws Exception {
        as("admin", () -> f.keys.putStorePolicy(everyoneExcept("""
                {"Sid": "NotMallory", "Effect": "Deny", "Principal": {"AWS": "mallory"}, "Action": "kms:Decrypt",
                 "Resource": "*"}"""), false));
        Cipher c = Cipher.getInstance("KMSWrap", LifecycleFixture.PROVIDER);
        as("bob", () -> c.init(Cipher.WRAP_MODE, f.keys.findKey("orders").orElseThrow(),
                new KmsEncryptionContextSpec(Map.of())));
        as("bob", () -> c.wrap(LifecycleFixture.DATA_KEY)); // allowed, and remembered
        as("bob", () -> c.wrap(LifecycleFixture.DATA_KEY));

        as("admin", () -> f.keys.putStorePolicy(everyoneExcept("""
                {"Sid": "NotBob", "Effect": "Deny", "Principal": {"AWS": "bob"}, "Action": "kms:Encrypt",
                 "Resource": "*"}"""), false));
        KeyUseDeniedException e = assertThrows(KeyUseDeniedException.class, () -> as("bob", () -> c.wrap(LifecycleFixture.DATA_KEY)));
        assertEquals("NotBob", e.denial().statementId());
    }

    // ------------------------------------------------------------ checked and sound: kept as regressions

    /**
     * The provider-owned keys (the store policy's holder, the audit key) are reachable by no
     * customer API under their ids: not found, so nobody can describe, tag, disable, delete, alias,
     * grant on or put a policy on the key that carries the store policy.
     */
    @Test
    void theProviderOwnedKeysAreFoundByNoCustomerApi() throws Exception {
        as("admin", () -> f.keys.putStorePolicy(everyoneExcept("""
                {"Sid": "NobodyCreatesKeys", "Effect": "Deny", "Principal": "*", "Action": "kms:CreateKey", "Resource": "*"}"""),
                false));
        for (String id : List.of(KeyAccess.STORE_POLICY_KEY.toString(), OwnedKeys.id(AuditKeys.PURPOSE).toString())) {
            assertTrue(f.keys.registry().snapshot().byId().containsKey(java.util.UUID.fromString(id)), id);
            assertTrue(f.keys.findKey(id).isEmpty());
            assertThrows(KeyNotFoundException.class, () -> f.keys.describeKey(id));
            assertThrows(KeyNotFoundException.class, () -> f.keys.putKeyPolicy(id, ALICE_ONLY, true));
            assertThrows(KeyNotFoundException.class, () -> f.keys.getKeyPolicy(id));
            assertThrows(KeyNotFoundException.class, () -> f.keys.tagKey(id, Map.of("a", "b")));
            assertThrows(KeyNotFoundException.class, () -> f.keys.untagKey(id, List.of("kms:purpose")));
            assertThrows(KeyNotFoundException.class, () -> f.keys.disableKey(id));
            assertThrows(KeyNotFoundException.class, () -> f.keys.scheduleKeyDeletion(id, 7));
            assertThrows(KeyNotFoundException.class, () -> f.keys.createAlias("grab", id));
            assertEquals("kms:CreateKey", assertThrows(KeyAccessDeniedException.class, // a new key, not the owned one
                    () -> f.keys.importKeyMaterial(id, new byte[32])).denial().action());
            assertThrows(KeyNotFoundException.class,
                    () -> f.keys.createGrant(id, GrantRequest.to("bob", Set.of(GrantOperation.Decrypt))));
            assertThrows(KeyNotFoundException.class, () -> f.keys.listKeyRotations(id));
        }
        assertEquals(List.of("orders"), f.keys.listKeys().stream().flatMap(k -> k.aliases().stream()).toList());
        KeyAccessDeniedException e = assertThrows(KeyAccessDeniedException.class, () -> f.keys.createKey("other", ""));
        assertEquals("NobodyCreatesKeys", e.denial().statementId()); // the store policy still in force
    }

    /** As docs/authorization.md now says: nothing stands behind the store policy, so its Allow naming the account allows all. */
    @Test
    void aStorePolicyAllowNamingTheAccountAllowsEveryPrincipal() throws Exception {
        as("alice", () -> f.keys.putStorePolicy("""
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"}, "Action": "kms:*", "Resource": "*"},
                  {"Sid": "NotMallory", "Effect": "Deny", "Principal": {"AWS": "mallory"}, "Action": "kms:CreateKey", "Resource": "*"}]}""",
                false));
        as("bob", () -> f.keys.createKey("bobs", ""));
        assertTrue(f.keys.hasAlias("bobs"));
        assertEquals("NotMallory", assertThrows(KeyAccessDeniedException.class,
                () -> as("mallory", () -> f.keys.createKey("mallorys", ""))).denial().statementId());
    }
}
