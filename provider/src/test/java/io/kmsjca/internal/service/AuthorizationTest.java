package io.kmsjca.internal.service;

import io.kmsjca.audit.KmsAuditContext;
import io.kmsjca.keys.DataKeyCache;
import io.kmsjca.keys.GrantOperation;
import io.kmsjca.keys.GrantRequest;
import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyAccessDeniedException;
import io.kmsjca.keys.KeyGrant;
import io.kmsjca.keys.KeyState;
import io.kmsjca.keys.KeyUseDeniedException;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsEnvelopeSpec;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import java.nio.file.Path;
import java.security.KeyStoreException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.kmsjca.internal.service.AsPrincipal.as;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Key policies, the store policy and grants decide every request (issue #17): on the JCA ciphers,
 * on the key service, and for a data key taken from a cache another principal filled. Real file
 * stores, real ciphers; the principal is named with {@link KmsAuditContext#runAs}.
 */
class AuthorizationTest {

    /** Shaped like the AWS KMS developer guide's default console policy: administrators manage, users use. */
    static final String ADMINS_AND_USERS = """
            {
              "Version": "2012-10-17",
              "Id": "key-consolepolicy-3",
              "Statement": [
                {
                  "Sid": "Allow access for Key Administrators",
                  "Effect": "Allow",
                  "Principal": {"AWS": ["alice"]},
                  "Action": ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
                             "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource",
                             "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
                             "kms:RotateKeyOnDemand"],
                  "Resource": "*"
                },
                {
                  "Sid": "Allow use of the key",
                  "Effect": "Allow",
                  "Principal": {"AWS": "app"},
                  "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                  "Resource": "*"
                }
              ]
            }""";

    @TempDir
    Path dir;
    LifecycleFixture f;
    KmsKeyHandle orders;

    @BeforeEach
    void setUp() throws Exception {
        f = new LifecycleFixture(dir);
        orders = f.keys.createKey("orders", "");
    }

    /** Only alice may do anything with the key. */
    static final String ALICE_ONLY = """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Principal": {"AWS": "alice"}, "Action": "kms:*", "Resource": "*"}]}""";

    /** Puts a policy as {@code principal}, with the lockout check: the policy must let that principal put it again. */
    private void putKeyPolicyAs(String principal, String key, String policy) throws Exception {
        as(principal, () -> f.keys.putKeyPolicy(key, policy, false));
    }


    private AuditEvent lastEvent(AuditOperation op) {
        f.keys.auditRecorder().flush();
        List<AuditEvent> events = f.audit.stream().filter(e -> e.operation() == op).toList();
        assertFalse(events.isEmpty(), "no " + op + " event");
        return events.get(events.size() - 1);
    }

    @Test
    void aStoreWithoutPoliciesLetsEveryoneDoEverythingAsBefore() throws Exception {
        byte[] blob = as("anyone", () -> f.wrap("orders"));
        assertEquals(32, as("someone-else", () -> f.unwrap("orders", blob)).length);
        as("someone-else", () -> f.keys.disableKey("orders"));
        assertEquals(KeyState.DISABLED, f.keys.describeKey("orders").state());
        assertEquals(List.of("default"), f.keys.listKeyPolicies("orders"));
        assertTrue(f.keys.getStorePolicy().isEmpty());
    }

    @Test
    void theDefaultKeyPolicyIsAwssAndDefersToTheStore() throws Exception {
        String policy = f.keys.getKeyPolicy("orders");
        assertTrue(policy.contains("\"Enable IAM User Permissions\""), policy);
        assertTrue(policy.contains("arn:aws:iam::" + KeyAccess.ACCOUNT + ":root"), policy);
        assertTrue(policy.contains("\"kms:*\""), policy);
    }

    /**
     * A store-policy statement naming one key by its ARN applies to that key and to no other: the
     * key service matches a request's resource, the key's ARN in the store's region and account,
     * against it. (Every other test uses "Resource": "*"; a wrong ARN would make such a Deny
     * silently never apply.)
     */
    @Test
    void aStorePolicyDenyNamingAKeysArn_refusesThatKeyAlone() throws Exception {
        KmsKeyHandle billing = f.keys.createKey("billing", "");
        byte[] ordersBlob = as("app", () -> f.wrap("orders"));
        byte[] billingBlob = as("app", () -> f.wrap("billing"));
        f.keys.putStorePolicy("""
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": ["root", "app"]}, "Action": "kms:*", "Resource": "*"},
                  {"Sid": "NoBillingForApp", "Effect": "Deny", "Principal": {"AWS": "app"}, "Action": "kms:Decrypt",
                   "Resource": "%s"}]}""".formatted(KeyAccess.arn(KeyAccess.REGION, KeyAccess.ACCOUNT, billing.keyId())), false);

        assertEquals(32, as("app", () -> f.unwrap("orders", ordersBlob)).length, "another key: the Deny does not name it");
        var refused = assertThrows(KeyUseDeniedException.class, () -> as("app", () -> f.unwrap("billing", billingBlob)));
        assertTrue(refused.getMessage().contains("NoBillingForApp"), refused.getMessage());
    }

    @Test
    void keyUsersUseAndKeyAdministratorsManageButNotTheOtherWayRound() throws Exception {
        f.keys.putKeyPolicy("orders", ADMINS_AND_USERS, true);
        byte[] blob = as("app", () -> f.wrap("orders"));
        assertEquals(32, as("app", () -> f.unwrap("orders", blob)).length);

        var refused = assertThrows(KeyUseDeniedException.class, () -> as("alice", () -> f.unwrap("orders", blob)));
        assertEquals("alice", refused.denial().principal());
        assertEquals("kms:Decrypt", refused.denial().action());
        assertEquals(orders.keyId().toString(), refused.denial().keyId());
        assertTrue(refused.getMessage().contains("'alice' may not kms:Decrypt on key " + orders.keyId()), refused.getMessage());
        AuditEvent denied = lastEvent(AuditOperation.UNWRAP_KEY);
        assertEquals(AuditOutcome.DENIED, denied.outcome());
        assertEquals("alice", denied.principal());

        var notAdmin = assertThrows(KeyAccessDeniedException.class, () -> as("app", () -> f.keys.disableKey("orders")));
        assertEquals("kms:DisableKey", notAdmin.denial().action());
        assertEquals(AuditOutcome.DENIED, lastEvent(AuditOperation.DISABLE_KEY).outcome());
        assertEquals(KeyState.ENABLED, as("alice", () -> f.keys.describeKey("orders")).state(), "nothing changed");

        as("alice", () -> f.keys.disableKey("orders"));
        assertEquals(KeyState.DISABLED, as("app", () -> f.keys.describeKey("orders")).state());
        assertThrows(KeyAccessDeniedException.class, () -> as("mallory", () -> f.keys.describeKey("orders")));
    }

    @Test
    void anEncryptionContextConditionAllowsOnlyThatContext() throws Exception {
        putKeyPolicyAs("alice", "orders", """
                {"Version": "2012-10-17", "Statement": [
                  {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": "alice"}, "Action": "kms:*", "Resource": "*"},
                  {"Sid": "Tenant42", "Effect": "Allow", "Principal": {"AWS": "app"},
                   "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*",
                   "Condition": {"StringEquals": {"kms:EncryptionContext:tenant": "42"}}}]}""");
        byte[] mine = as("app", () -> f.wrap("orders", Map.of("tenant", "42")));
        assertEquals(32, as("app", () -> f.unwrap("orders", mine, Map.of("tenant", "42"))).length);
        byte[] other = as("alice", () -> f.wrap("orders", Map.of("tenant", "7")));
        assertThrows(KeyUseDeniedException.class, () -> as("app", () -> f.unwrap("orders", other, Map.of("tenant", "7"))));
        assertThrows(KeyUseDeniedException.class, () -> as("app", () -> f.wrap("orders")), "no context: the condition is not met");
    }

    @Test
    void anExplicitDenyWinsAndIsNamedInTheRefusalAndTheAudit() throws Exception {
        f.keys.putKeyPolicy("orders", """
                {"Version": "2012-10-17", "Statement": [
                  {"Sid": "Everyone", "Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"},
                  {"Sid": "NoDecryptForMallory", "Effect": "Deny", "Principal": {"AWS": "mallory"},
                   "Action": "kms:Decrypt", "Resource": "*"}]}""", false);
        byte[] blob = as("mallory", () -> f.wrap("orders"));
        var refused = assertThrows(KeyUseDeniedException.class, () -> as("mallory", () -> f.unwrap("orders", blob)));
        assertEquals("NoDecryptForMallory", refused.denial().statementId());
        assertTrue(lastEvent(AuditOperation.UNWRAP_KEY).errorMessage().contains("NoDecryptForMallory"));
        f.keys.createGrant("orders", GrantRequest.to("mallory", Set.of(GrantOperation.Decrypt)));
        assertThrows(KeyUseDeniedException.class, () -> as("mallory", () -> f.unwrap("orders", blob)),
                "a grant does not override an explicit deny");
    }

    @Test
    void theLockoutSafetyCheckRefusesAPolicyThatLocksTheCallerOutUnlessBypassed() throws Exception {
        String usersOnly = """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": "app"}, "Action": "kms:Decrypt", "Resource": "*"}]}""";
        var locked = assertThrows(InvalidKeyRequestException.class,
                () -> as("alice", () -> f.keys.putKeyPolicy("orders", usersOnly, false)));
        assertTrue(locked.getMessage().contains("'alice'"), locked.getMessage());
        assertTrue(f.keys.getKeyPolicy("orders").contains("Enable IAM User Permissions"), "nothing changed");

        as("alice", () -> f.keys.putKeyPolicy("orders", usersOnly, true));
        assertThrows(KeyAccessDeniedException.class, () -> as("alice", () -> f.keys.putKeyPolicy("orders", ADMINS_AND_USERS, true)));
    }

    @Test
    void aPolicyWithAnUnsupportedOperatorIsRefusedByName() throws Exception {
        var bad = assertThrows(InvalidKeyRequestException.class, () -> f.keys.putKeyPolicy("orders", """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*",
                   "Condition": {"NumericLessThan": {"kms:EncryptionContext:n": "3"}}}]}""", false));
        assertTrue(bad.getMessage().contains("NumericLessThan"), bad.getMessage());
        assertEquals(AuditOutcome.FAILED, lastEvent(AuditOperation.PUT_KEY_POLICY).outcome());
    }

    @Test
    void theStorePolicyDecidesStoreOperationsAndWhatDefaultKeyPoliciesDelegate() throws Exception {
        f.keys.putStorePolicy("""
                {"Version": "2012-10-17", "Statement": [
                  {"Sid": "AliceRunsTheStore", "Effect": "Allow", "Principal": {"AWS": "alice"}, "Action": "kms:*", "Resource": "*"}]}""",
                true);
        assertThrows(KeyAccessDeniedException.class, () -> as("bob", () -> f.keys.createKey("bobs", "")));
        assertThrows(KeyAccessDeniedException.class, () -> as("bob", () -> f.keys.listKeys()));
        assertThrows(KeyUseDeniedException.class, () -> as("bob", () -> f.wrap("orders")),
                "the default key policy defers to the store policy, which does not name bob");
        as("alice", () -> f.keys.createKey("alices", ""));
        as("alice", () -> f.wrap("orders"));
        as("alice", () -> f.keys.putKeyPolicy("alices", """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": "alice", "Action": "kms:*", "Resource": "*"},
                  {"Effect": "Allow", "Principal": "bob", "Action": "kms:Encrypt", "Resource": "*"}]}""", false));
        assertNotNull(as("bob", () -> f.wrap("alices")), "a key policy naming bob allows him whatever the store policy");
        var refused = assertThrows(KeyAccessDeniedException.class, () -> f.keys.getStorePolicy());
        assertTrue(refused.getMessage().endsWith("on the key store: the store policy does not allow it"), refused.getMessage());
        assertTrue(as("alice", () -> f.keys.getStorePolicy()).orElseThrow().contains("AliceRunsTheStore"));
        assertFalse(as("alice", () -> f.keys.listKeys()).stream().anyMatch(k -> k.keyId().equals(KeyAccess.STORE_POLICY_KEY)),
                "the key that holds the store policy is the provider's: never listed");
    }

    @Test
    void aGrantLetsItsGranteeUseTheKeyWithinItsConstraintsUntilRetired() throws Exception {
        putKeyPolicyAs("alice", "orders", ALICE_ONLY);
        assertThrows(KeyUseDeniedException.class, () -> as("app", () -> f.wrap("orders", Map.of("tenant", "42"))));
        KeyGrant grant = as("alice", () -> f.keys.createGrant("orders",
                GrantRequest.to("app", Set.of(GrantOperation.Encrypt, GrantOperation.Decrypt))
                        .retiringPrincipal("ops").contextSubset(Map.of("tenant", "42")).name("app-42")));
        assertEquals("alice", grant.issuingPrincipal());
        byte[] blob = as("app", () -> f.wrap("orders", Map.of("tenant", "42", "file", "a")));
        assertEquals(32, as("app", () -> f.unwrap("orders", blob, Map.of("tenant", "42", "file", "a"))).length);
        assertThrows(KeyUseDeniedException.class, () -> as("app", () -> f.wrap("orders", Map.of("tenant", "7"))));
        assertEquals(grant, as("alice", () -> f.keys.createGrant("orders",
                GrantRequest.to("app", Set.of(GrantOperation.Encrypt, GrantOperation.Decrypt))
                        .retiringPrincipal("ops").contextSubset(Map.of("tenant", "42")).name("app-42"))),
                "the same named grant again is the same grant");
        assertEquals(List.of(grant), as("alice", () -> f.keys.listGrants("orders")));
        assertEquals(List.of(grant), f.keys.listRetirableGrants("ops"));

        f.reopen();
        assertEquals(List.of(grant), as("alice", () -> f.keys.listGrants("orders")), "grants are kept in the key's record");
        assertEquals(32, as("app", () -> f.unwrap("orders", blob, Map.of("tenant", "42", "file", "a"))).length);

        assertThrows(KeyAccessDeniedException.class, () -> as("mallory", () -> f.keys.retireGrant("orders", grant.grantId())));
        as("ops", () -> f.keys.retireGrant("orders", grant.grantId()));
        assertEquals(List.of(), as("alice", () -> f.keys.listGrants("orders")));
        assertThrows(KeyUseDeniedException.class, () -> as("app", () -> f.unwrap("orders", blob, Map.of("tenant", "42", "file", "a"))));
        assertEquals(AuditOutcome.SUCCESS, lastEvent(AuditOperation.RETIRE_GRANT).outcome());
    }

    @Test
    void aGranteeMayPassOnNoMoreThanItsGrantHolds() throws Exception {
        putKeyPolicyAs("alice", "orders", ALICE_ONLY);
        as("alice", () -> f.keys.createGrant("orders", GrantRequest.to("svc",
                Set.of(GrantOperation.Decrypt, GrantOperation.CreateGrant)).contextSubset(Map.of("tenant", "42"))));
        as("svc", () -> f.keys.createGrant("orders", GrantRequest.to("worker", Set.of(GrantOperation.Decrypt))
                .contextSubset(Map.of("tenant", "42", "job", "7"))));
        assertThrows(KeyAccessDeniedException.class, () -> as("svc", () -> f.keys.createGrant("orders",
                GrantRequest.to("worker", Set.of(GrantOperation.Encrypt)).contextSubset(Map.of("tenant", "42")))),
                "an operation the parent grant lacks");
        assertThrows(KeyAccessDeniedException.class, () -> as("svc", () -> f.keys.createGrant("orders",
                GrantRequest.to("worker", Set.of(GrantOperation.Decrypt)))), "without the parent's constraint");
        assertEquals(2, as("alice", () -> f.keys.listGrants("orders")).size());
    }

    /** A grantee whose grant holds EncryptionContextEquals passes on only grants with that very constraint. */
    @Test
    void aGranteeBoundToAnExactContextPassesOnOnlyThatExactContext() throws Exception {
        putKeyPolicyAs("alice", "orders", ALICE_ONLY);
        as("alice", () -> f.keys.createGrant("orders", GrantRequest.to("svc",
                Set.of(GrantOperation.Decrypt, GrantOperation.CreateGrant)).contextEquals(Map.of("tenant", "42"))));
        as("svc", () -> f.keys.createGrant("orders", GrantRequest.to("worker", Set.of(GrantOperation.Decrypt))
                .contextEquals(Map.of("tenant", "42"))));
        for (GrantRequest wider : List.of(
                GrantRequest.to("worker", Set.of(GrantOperation.Decrypt)).contextEquals(Map.of("tenant", "7")),
                GrantRequest.to("worker", Set.of(GrantOperation.Decrypt)).contextSubset(Map.of("tenant", "42")),
                GrantRequest.to("worker", Set.of(GrantOperation.Decrypt)))) {
            assertThrows(KeyAccessDeniedException.class, () -> as("svc", () -> f.keys.createGrant("orders", wider)),
                    wider.toString());
        }
        assertEquals(2, as("alice", () -> f.keys.listGrants("orders")).size());
    }

    /** Grant principals and constraints of exactly the most bytes are accepted; the bounds refuse only what is longer. */
    @Test
    void grantPrincipalsAndConstraintsOfExactlyTheMostBytesAreAccepted() throws Exception {
        f.keys.createGrant("orders", GrantRequest.to("a".repeat(256), Set.of(GrantOperation.Decrypt)));
        f.keys.createGrant("orders", GrantRequest.to("app", Set.of(GrantOperation.Decrypt)).retiringPrincipal("r".repeat(256)));
        f.keys.createGrant("orders", GrantRequest.to("app", Set.of(GrantOperation.Encrypt))
                .contextSubset(Map.of("k", "v".repeat(1023))));
        assertEquals(3, f.reopen().listGrants("orders").size(), "and kept in the record");
    }

    /** ListRetirableGrants is a store operation the store policy decides: a principal it does not allow is refused. */
    @Test
    void listingRetirableGrantsNeedsTheStorePolicysLeave() throws Exception {
        f.keys.createGrant("orders", GrantRequest.to("app", Set.of(GrantOperation.Decrypt)).retiringPrincipal("ops"));
        as("alice", () -> f.keys.putStorePolicy("""
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": "alice"}, "Action": "kms:*", "Resource": "*"}]}""", false));
        var refused = assertThrows(KeyAccessDeniedException.class, () -> as("bob", () -> f.keys.listRetirableGrants("ops")));
        assertEquals("kms:ListRetirableGrants", refused.denial().action());
        assertEquals(1, as("alice", () -> f.keys.listRetirableGrants("ops")).size());
    }

    /** Retirable grants are listed oldest first, whichever keys they are on. */
    @Test
    void retirableGrantsAreListedOldestFirst_acrossKeys() throws Exception {
        f.keys.createKey("billing", "");
        KeyGrant first = f.keys.createGrant("orders", GrantRequest.to("app", Set.of(GrantOperation.Decrypt)).retiringPrincipal("ops"));
        f.clock.advance(java.time.Duration.ofSeconds(1));
        KeyGrant second = f.keys.createGrant("billing", GrantRequest.to("app", Set.of(GrantOperation.Decrypt)).retiringPrincipal("ops"));
        f.clock.advance(java.time.Duration.ofSeconds(1));
        KeyGrant third = f.keys.createGrant("orders", GrantRequest.to("app", Set.of(GrantOperation.Encrypt)).retiringPrincipal("ops"));
        assertEquals(List.of(first, second, third), f.keys.listRetirableGrants("ops"));
    }

    @Test
    void revokingAGrantNeedsThePolicyAndAnUnknownGrantIsNotFound() throws Exception {
        KeyGrant grant = f.keys.createGrant("orders", GrantRequest.to("app", Set.of(GrantOperation.Decrypt)));
        putKeyPolicyAs("alice", "orders", ADMINS_AND_USERS);
        assertThrows(KeyAccessDeniedException.class, () -> as("app", () -> f.keys.revokeGrant("orders", grant.grantId())));
        as("alice", () -> f.keys.revokeGrant("orders", grant.grantId()));
        assertEquals(List.of(), as("alice", () -> f.keys.listGrants("orders")));
        assertThrows(io.kmsjca.keys.KeyNotFoundException.class, () -> as("alice", () -> f.keys.revokeGrant("orders", grant.grantId())));
    }

    @Test
    void grantRequestsOutsideTheLimitsAreRefusedAndChangeNothing() throws Exception {
        assertThrows(InvalidKeyRequestException.class, () -> f.keys.createGrant("orders",
                GrantRequest.to("", Set.of(GrantOperation.Decrypt))));
        assertThrows(InvalidKeyRequestException.class, () -> f.keys.createGrant("orders",
                GrantRequest.to("app", Set.of())));
        assertThrows(InvalidKeyRequestException.class, () -> f.keys.createGrant("orders",
                GrantRequest.to("app", Set.of(GrantOperation.DescribeKey)).contextSubset(Map.of("a", "b"))));
        assertThrows(InvalidKeyRequestException.class, () -> f.keys.createGrant("orders",
                GrantRequest.to("app", Set.of(GrantOperation.Decrypt)).name("no spaces")));
        var tooLong = assertThrows(InvalidKeyRequestException.class, () -> f.keys.createGrant("orders",
                GrantRequest.to("a".repeat(257), Set.of(GrantOperation.Decrypt))));
        assertTrue(tooLong.getMessage().contains("256 bytes"), tooLong.getMessage());
        assertThrows(InvalidKeyRequestException.class, () -> f.keys.createGrant("orders",
                GrantRequest.to("app", Set.of(GrantOperation.Decrypt)).retiringPrincipal("é".repeat(129))),
                "257 characters' worth of UTF-8 bytes: bounded in bytes, as the record stores them");
        var bigConstraint = assertThrows(InvalidKeyRequestException.class, () -> f.keys.createGrant("orders",
                GrantRequest.to("app", Set.of(GrantOperation.Decrypt)).contextSubset(Map.of("k", "v".repeat(1024)))));
        assertTrue(bigConstraint.getMessage().contains("1024 bytes"), bigConstraint.getMessage());
        assertThrows(InvalidKeyRequestException.class, () -> f.keys.createGrant("orders",
                GrantRequest.to("app", Set.of(GrantOperation.Decrypt)).contextEquals(Map.of("a", "b"))
                        .contextSubset(Map.of("c", "d"))), "one kind of constraint, not both");
        assertEquals(List.of(), f.keys.listGrants("orders"), "nothing was created by a refused request");
        for (int i = 0; i < io.kmsjca.internal.model.AccessRules.MAX_GRANTS; i++) {
            f.keys.createGrant("orders", GrantRequest.to("app" + i, Set.of(GrantOperation.Decrypt)));
        }
        var full = assertThrows(InvalidKeyRequestException.class, () -> f.keys.createGrant("orders",
                GrantRequest.to("one-more", Set.of(GrantOperation.Decrypt))));
        assertTrue(full.getMessage().contains("LimitExceeded"), full.getMessage());
        assertEquals(io.kmsjca.internal.model.AccessRules.MAX_GRANTS, f.keys.listGrants("orders").size());
    }

    @Test
    void aCachedDataKeyIsNotReusedForAPrincipalThePolicyRefuses() throws Exception {
        f.keys.putKeyPolicy("orders", ADMINS_AND_USERS, true);
        DataKeyCache cache = new DataKeyCache(10, 1 << 20, Duration.ofMinutes(5), f.clock);
        KmsEnvelopeSpec spec = KmsEnvelopeSpec.withContext(Map.of("file", "x")).withDataKeyCache(cache);
        byte[] first = as("app", () -> {
            Cipher c = Cipher.getInstance("KMSEnvelope", LifecycleFixture.PROVIDER);
            c.init(Cipher.ENCRYPT_MODE, orders, spec);
            return c.doFinal(new byte[]{1, 2, 3});
        });
        assertNotNull(first);
        Cipher mallorys = Cipher.getInstance("KMSEnvelope", LifecycleFixture.PROVIDER);
        assertThrows(KeyUseDeniedException.class, () -> as("mallory", () -> mallorys.init(Cipher.ENCRYPT_MODE, orders, spec)));
        // a cipher initialised by the key user, then used by another principal: the reuse is decided at use
        Cipher shared = as("app", () -> {
            Cipher c = Cipher.getInstance("KMSEnvelope", LifecycleFixture.PROVIDER);
            c.init(Cipher.ENCRYPT_MODE, orders, spec);
            return c;
        });
        long reusesBefore = f.audit.stream().filter(e -> e.operation() == AuditOperation.REUSE_CACHED_DATA_KEY).count();
        assertThrows(Exception.class, () -> as("mallory", () -> shared.doFinal(new byte[]{4})));
        f.keys.auditRecorder().flush();
        assertEquals(reusesBefore, f.audit.stream().filter(e -> e.operation() == AuditOperation.REUSE_CACHED_DATA_KEY
                && e.outcome() == AuditOutcome.SUCCESS).count(), "no data key reused for mallory");
    }

    @Test
    void deletingAKeysLastAliasNeedsTheRightToScheduleItsDeletion() throws Exception {
        putKeyPolicyAs("alice", "orders", """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": "alice", "Action": "kms:*", "Resource": "*"},
                  {"Effect": "Allow", "Principal": "bob", "Action": "kms:DeleteAlias", "Resource": "*"}]}""");
        var refused = assertThrows(KeyAccessDeniedException.class, () -> as("bob", () -> f.keys.deleteAlias("orders")));
        assertEquals("kms:ScheduleKeyDeletion", refused.denial().action());
        assertEquals(KeyState.ENABLED, as("alice", () -> f.keys.describeKey("orders")).state());
        assertTrue(f.keys.hasAlias("orders"));
    }

    /** Deleting an alias that is not the key's last needs kms:DeleteAlias itself: the right to schedule deletion is not it. */
    @Test
    void deletingAnAliasNeedsTheRightToDeleteAliases_evenWhenItIsNotTheKeysLast() throws Exception {
        f.keys.createAlias("orders-2", "orders");
        putKeyPolicyAs("alice", "orders", """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": "alice", "Action": "kms:*", "Resource": "*"},
                  {"Effect": "Allow", "Principal": "bob", "Action": "kms:ScheduleKeyDeletion", "Resource": "*"}]}""");
        var refused = assertThrows(KeyAccessDeniedException.class, () -> as("bob", () -> f.keys.deleteAlias("orders-2")));
        assertEquals("kms:DeleteAlias", refused.denial().action());
        assertEquals(AuditOutcome.DENIED, lastEvent(AuditOperation.DELETE_ALIAS).outcome());
        assertTrue(f.keys.hasAlias("orders-2"));
        assertTrue(as("alice", () -> f.keys.deleteAlias("orders-2")), "alice may");
    }

    @Test
    void reEncryptNeedsReEncryptFromOnTheSourceAndReEncryptToOnTheDestination() throws Exception {
        f.keys.createKey("archive", "");
        byte[] blob = f.wrap("orders");
        putKeyPolicyAs("alice", "archive", """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": "alice", "Action": "kms:*", "Resource": "*"},
                  {"Effect": "Allow", "Principal": "mover", "Action": "kms:ReEncryptFrom", "Resource": "*"}]}""");
        assertThrows(KeyUseDeniedException.class, () -> as("mover", () -> f.keys.reEncrypt(blob, Map.of(), "archive", Map.of())),
                "ReEncryptFrom on the destination is not ReEncryptTo");
        byte[] moved = as("alice", () -> f.keys.reEncrypt(blob, Map.of(), "archive", Map.of()));
        assertArrayEquals(f.unwrap("orders", blob), as("alice", () -> f.unwrap("archive", moved)));
    }

    @Test
    void aKeyWithoutPoliciesIsWrittenAsBeforeAndOneWithThemRoundTrips() throws Exception {
        assertNull(f.keys.registry().snapshot().byId().get(orders.keyId()).access().policy());
        f.keys.putKeyPolicy("orders", ADMINS_AND_USERS, true);
        f.reopen();
        assertEquals(ADMINS_AND_USERS, as("alice", () -> f.keys.getKeyPolicy("orders")), "a key policy is returned as it was put");
    }

    @Test
    void aRememberedDecisionEndsWithTheGrantThePolicyOrThePrincipal() throws Exception {
        putKeyPolicyAs("alice", "orders", ALICE_ONLY);
        KeyGrant grant = as("alice", () -> f.keys.createGrant("orders", GrantRequest.to("app", Set.of(GrantOperation.Encrypt))));
        Cipher wrapper = as("app", () -> {
            Cipher c = Cipher.getInstance("KMSWrap", LifecycleFixture.PROVIDER);
            c.init(Cipher.WRAP_MODE, orders);
            return c;
        });
        for (int i = 0; i < 3; i++) { // the same cipher, context and principal: decided once, then remembered
            assertNotNull(as("app", () -> wrapper.wrap(LifecycleFixture.DATA_KEY)));
        }
        assertThrows(KeyUseDeniedException.class, () -> as("mallory", () -> wrapper.wrap(LifecycleFixture.DATA_KEY)),
                "another principal on the same thread and cipher is decided anew");
        as("alice", () -> f.keys.revokeGrant("orders", grant.grantId()));
        assertThrows(KeyUseDeniedException.class, () -> as("app", () -> wrapper.wrap(LifecycleFixture.DATA_KEY)),
                "a revoked grant ends the remembered decision");

        as("alice", () -> f.keys.createGrant("orders", GrantRequest.to("app", Set.of(GrantOperation.Encrypt))));
        assertNotNull(as("app", () -> wrapper.wrap(LifecycleFixture.DATA_KEY)));
        putKeyPolicyAs("alice", "orders", """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": "alice"}, "Action": "kms:*", "Resource": "*"},
                  {"Effect": "Deny", "Principal": {"AWS": "app"}, "Action": "kms:*", "Resource": "*"}]}""");
        assertThrows(KeyUseDeniedException.class, () -> as("app", () -> wrapper.wrap(LifecycleFixture.DATA_KEY)),
                "a new key policy ends it");

        f.keys.createKey("other", "");
        Cipher other = as("app", () -> {
            Cipher c = Cipher.getInstance("KMSWrap", LifecycleFixture.PROVIDER);
            c.init(Cipher.WRAP_MODE, f.keys.findKey("other").orElseThrow());
            return c;
        });
        assertNotNull(as("app", () -> other.wrap(LifecycleFixture.DATA_KEY)));
        f.keys.putStorePolicy("""
                {"Version": "2012-10-17", "Statement": [
                  {"Sid": "OnlyAlice", "Effect": "Allow", "Principal": "alice", "Action": "kms:*", "Resource": "*"}]}""", true);
        assertThrows(KeyUseDeniedException.class, () -> as("app", () -> other.wrap(LifecycleFixture.DATA_KEY)),
                "a new store policy ends it");
    }
}
