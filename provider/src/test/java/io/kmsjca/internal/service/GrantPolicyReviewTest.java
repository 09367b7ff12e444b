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
import io.kmsjca.provider.KmsDataKey;
import io.kmsjca.provider.KmsDataKeySpec;
import io.kmsjca.provider.KmsEnvelopeSpec;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import java.nio.file.Path;
import java.security.ProviderException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.kmsjca.internal.service.AsPrincipal.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security review h3: key policies, the store policy and grants, attacked as a key user, a
 * grantee and a retiring principal, against AWS KMS's definitions (docs/authorization.md).
 * Tests named {@code finding_...} fail on the code as reviewed; every other test is an attack the
 * code refuses, kept as a regression net. Real file stores; principals named with
 * {@link KmsAuditContext#runAs}.
 */
class GrantPolicyReviewTest {

    /** Alice administers and uses the key; nobody else is named. */
    static final String ALICE_ONLY = """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Principal": {"AWS": "alice"}, "Action": "kms:*", "Resource": "*"}]}""";

    /** Alice administers, app uses (the console's separation of duties). */
    static final String ADMIN_ALICE_USER_APP = """
            {"Version": "2012-10-17", "Statement": [
              {"Sid": "Admins", "Effect": "Allow", "Principal": {"AWS": "alice"},
               "Action": ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
                          "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource",
                          "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
                          "kms:RotateKeyOnDemand"], "Resource": "*"},
              {"Sid": "Users", "Effect": "Allow", "Principal": {"AWS": "app"},
               "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
               "Resource": "*"}]}""";

    /** Alice may do everything; {@code extra} adds statements. */
    static String aliceAnd(String extra) {
        return """
                {"Version": "2012-10-17", "Statement": [
                  {"Sid": "Alice", "Effect": "Allow", "Principal": {"AWS": "alice"}, "Action": "kms:*", "Resource": "*"},
                  %s]}""".formatted(extra);
    }

    @TempDir
    Path dir;
    LifecycleFixture f;
    KmsKeyHandle orders;

    @BeforeEach
    void setUp() throws Exception {
        f = new LifecycleFixture(dir);
        orders = f.keys.createKey("orders", "");
    }

    private void policy(String key, String json) throws Exception {
        as("alice", () -> f.keys.putKeyPolicy(key, json, false));
    }

    private AuditEvent lastEvent(AuditOperation op) {
        f.keys.auditRecorder().flush();
        List<AuditEvent> events = f.audit.stream().filter(e -> e.operation() == op).toList();
        assertFalse(events.isEmpty(), "no " + op + " event");
        return events.get(events.size() - 1);
    }

    private long count(AuditOperation op) {
        f.keys.auditRecorder().flush();
        return f.audit.stream().filter(e -> e.operation() == op).count();
    }

    private long successes(AuditOperation op) {
        f.keys.auditRecorder().flush();
        return f.audit.stream().filter(e -> e.operation() == op && e.outcome() == AuditOutcome.SUCCESS).count();
    }

    private static Set<GrantOperation> ops(GrantOperation... o) {
        return Set.of(o);
    }

    // ------------------------------------------------------------------ findings

    /**
     * FINDING. AWS evaluates {@code kms:EncryptionContext:KEY} on CreateGrant against the
     * encryption context of the new grant's constraint (the service authorization reference lists
     * it for kms:CreateGrant). The key service passes an empty context with CreateGrant, so a Deny
     * written to stop principals from delegating grants for a sensitive context never applies: bob
     * grants mallory Decrypt for tenant "secret" although the key policy denies exactly that.
     */
    @Test
    void finding_aDenyOnCreateGrantByTheNewGrantsEncryptionContext_applies() throws Exception {
        policy("orders", aliceAnd("""
                {"Effect": "Allow", "Principal": "bob", "Action": "kms:CreateGrant", "Resource": "*"},
                {"Sid": "NoSecretGrants", "Effect": "Deny", "Principal": "*", "Action": "kms:CreateGrant", "Resource": "*",
                 "Condition": {"StringEquals": {"kms:EncryptionContext:tenant": "secret"}}}"""));
        as("bob", () -> f.keys.createGrant("orders", GrantRequest.to("worker", ops(GrantOperation.Decrypt))
                .contextSubset(Map.of("tenant", "public"))));
        KeyAccessDeniedException e = assertThrows(KeyAccessDeniedException.class, () -> as("bob", () ->
                f.keys.createGrant("orders", GrantRequest.to("mallory", ops(GrantOperation.Decrypt))
                        .contextSubset(Map.of("tenant", "secret")))));
        assertEquals("NoSecretGrants", e.denial().statementId());
        assertEquals(1, as("alice", () -> f.keys.listGrants("orders")).size(), "no grant for tenant secret was made");
    }

    /**
     * FINDING. The same with {@code kms:EncryptionContextKeys}, which AWS also evaluates on
     * CreateGrant against the grant constraint's keys: a Deny of grants whose constraint names the
     * context key "classified" never applies.
     */
    @Test
    void finding_aDenyOnCreateGrantByTheNewGrantsEncryptionContextKeys_applies() throws Exception {
        policy("orders", aliceAnd("""
                {"Effect": "Allow", "Principal": "bob", "Action": "kms:CreateGrant", "Resource": "*"},
                {"Sid": "NoClassifiedGrants", "Effect": "Deny", "Principal": "*", "Action": "kms:CreateGrant", "Resource": "*",
                 "Condition": {"ForAnyValue:StringEquals": {"kms:EncryptionContextKeys": "classified"}}}"""));
        KeyAccessDeniedException e = assertThrows(KeyAccessDeniedException.class, () -> as("bob", () ->
                f.keys.createGrant("orders", GrantRequest.to("mallory", ops(GrantOperation.Decrypt))
                        .contextEquals(Map.of("classified", "yes")))));
        assertEquals("NoClassifiedGrants", e.denial().statementId());
        assertEquals(List.of(), as("alice", () -> f.keys.listGrants("orders")));
    }

    /**
     * FINDING (low). docs/audit.md: every configuration change request produces exactly one event,
     * success or not. A named CreateGrant that matches an existing grant is allowed and returns
     * that grant, but records nothing: a principal probing or re-issuing grants leaves no trace.
     */
    @Test
    void finding_aRepeatedNamedCreateGrant_isAudited() throws Exception {
        GrantRequest req = GrantRequest.to("app", ops(GrantOperation.Decrypt)).name("app-decrypt");
        KeyGrant first = f.keys.createGrant("orders", req);
        long before = count(AuditOperation.CREATE_GRANT);
        assertEquals(first, f.keys.createGrant("orders", req));
        assertEquals(before + 1, count(AuditOperation.CREATE_GRANT), "the second CreateGrant request left no audit event");
    }

    // ------------------------------------------------------------------ a grantee widening its grant (refused)

    @Test
    void aGranteeWithoutCreateGrant_orAskingForAnOperationItLacks_isRefused_andAuditedDenied() throws Exception {
        policy("orders", ALICE_ONLY);
        as("alice", () -> f.keys.createGrant("orders", GrantRequest.to("svc", ops(GrantOperation.Decrypt))));
        var noCreate = assertThrows(KeyAccessDeniedException.class, () -> as("svc", () -> f.keys.createGrant("orders",
                GrantRequest.to("worker", ops(GrantOperation.Decrypt)))));
        assertEquals("kms:CreateGrant", noCreate.denial().action());
        AuditEvent denied = lastEvent(AuditOperation.CREATE_GRANT);
        assertEquals(AuditOutcome.DENIED, denied.outcome());
        assertEquals("svc", denied.principal());

        as("alice", () -> f.keys.createGrant("orders", GrantRequest.to("svc2",
                ops(GrantOperation.Decrypt, GrantOperation.CreateGrant))));
        for (GrantRequest wider : List.of(
                GrantRequest.to("svc2", ops(GrantOperation.Encrypt)),
                GrantRequest.to("worker", ops(GrantOperation.Decrypt, GrantOperation.RetireGrant)),
                GrantRequest.to("worker", ops(GrantOperation.Decrypt, GrantOperation.DescribeKey)))) {
            assertThrows(KeyAccessDeniedException.class, () -> as("svc2", () -> f.keys.createGrant("orders", wider)),
                    wider.toString());
        }
        // the grant's own CreateGrant is not kms:CreateGrant on the key: svc2's self-widening through a grant to itself fails too
        assertEquals(2, as("alice", () -> f.keys.listGrants("orders")).size());
        assertFalse(as("svc2", () -> {
            try {
                f.keys.listGrants("orders");
                return true;
            } catch (KeyAccessDeniedException e) {
                return false;
            }
        }), "a grant gives no ListGrants");
    }

    @Test
    void aGranteeBoundToASubset_cannotPassOnAnotherValue_anotherKeyCase_orNoConstraint() throws Exception {
        policy("orders", ALICE_ONLY);
        as("alice", () -> f.keys.createGrant("orders", GrantRequest.to("svc",
                ops(GrantOperation.Decrypt, GrantOperation.Encrypt, GrantOperation.CreateGrant))
                .contextSubset(Map.of("tenant", "42"))));
        for (GrantRequest wider : List.of(
                GrantRequest.to("worker", ops(GrantOperation.Decrypt)),
                GrantRequest.to("worker", ops(GrantOperation.Decrypt)).contextSubset(Map.of("tenant", "7")),
                GrantRequest.to("worker", ops(GrantOperation.Decrypt)).contextSubset(Map.of("Tenant", "42")),
                GrantRequest.to("worker", ops(GrantOperation.Decrypt)).contextSubset(Map.of("other", "42")),
                GrantRequest.to("worker", ops(GrantOperation.Decrypt)).contextEquals(Map.of("tenant", "7")),
                GrantRequest.to("worker", ops(GrantOperation.Decrypt)).contextSubset(Map.of("tenant", "42 ")))) {
            assertThrows(KeyAccessDeniedException.class, () -> as("svc", () -> f.keys.createGrant("orders", wider)),
                    wider.toString());
        }
        // stricter is fine: Equals that contains the pair, or Subset with more pairs
        as("svc", () -> f.keys.createGrant("orders", GrantRequest.to("worker", ops(GrantOperation.Decrypt))
                .contextEquals(Map.of("tenant", "42", "job", "1"))));
        as("svc", () -> f.keys.createGrant("orders", GrantRequest.to("worker", ops(GrantOperation.Encrypt))
                .contextSubset(Map.of("tenant", "42", "job", "2"))));
        assertEquals(3, as("alice", () -> f.keys.listGrants("orders")).size());
    }

    /** An explicit Deny of kms:CreateGrant stops a grantee passing on its grant, whatever the grant says. */
    @Test
    void anExplicitDenyOfCreateGrant_stopsAGranteesCreateGrantOperation() throws Exception {
        policy("orders", aliceAnd("""
                {"Sid": "NoDelegation", "Effect": "Deny", "Principal": "svc", "Action": "kms:CreateGrant", "Resource": "*"}"""));
        as("alice", () -> f.keys.createGrant("orders", GrantRequest.to("svc",
                ops(GrantOperation.Decrypt, GrantOperation.CreateGrant))));
        var e = assertThrows(KeyAccessDeniedException.class, () -> as("svc", () -> f.keys.createGrant("orders",
                GrantRequest.to("worker", ops(GrantOperation.Decrypt)))));
        assertEquals("NoDelegation", e.denial().statementId());
    }

    // ------------------------------------------------------------------ grant constraints (refused)

    @Test
    void anEqualsConstraint_refusesExtraPairs_anEmptyContext_aKeyOfOtherCase_andAnotherValue() throws Exception {
        policy("orders", ALICE_ONLY);
        as("alice", () -> f.keys.createGrant("orders", GrantRequest.to("app",
                ops(GrantOperation.Encrypt, GrantOperation.Decrypt)).contextEquals(Map.of("tenant", "42"))));
        byte[] blob = as("app", () -> f.wrap("orders", Map.of("tenant", "42")));
        assertEquals(32, as("app", () -> f.unwrap("orders", blob, Map.of("tenant", "42"))).length);
        for (Map<String, String> ctx : List.of(Map.<String, String>of(), Map.of("tenant", "42", "x", "1"),
                Map.of("Tenant", "42"), Map.of("tenant", "7"), Map.of("tenant", "42", "TENANT", "42"))) {
            assertThrows(KeyUseDeniedException.class, () -> as("app", () -> f.wrap("orders", ctx)), ctx.toString());
        }
        assertEquals(AuditOutcome.DENIED, lastEvent(AuditOperation.WRAP_KEY).outcome());
    }

    @Test
    void aSubsetConstraint_refusesAnEmptyContext_aKeyOfOtherCase_andAnotherValue_butAllowsExtraPairs() throws Exception {
        policy("orders", ALICE_ONLY);
        as("alice", () -> f.keys.createGrant("orders", GrantRequest.to("app",
                ops(GrantOperation.Encrypt)).contextSubset(Map.of("tenant", "42"))));
        assertNotNull(as("app", () -> f.wrap("orders", Map.of("tenant", "42", "file", "a"))));
        for (Map<String, String> ctx : List.of(Map.<String, String>of(), Map.of("Tenant", "42"), Map.of("tenant", "4"),
                Map.of("file", "a"))) {
            assertThrows(KeyUseDeniedException.class, () -> as("app", () -> f.wrap("orders", ctx)), ctx.toString());
        }
    }

    @Test
    void reEncrypt_grantConstraintsHoldOnTheSourceAndTheDestinationContexts() throws Exception {
        f.keys.createKey("archive", "");
        policy("orders", ALICE_ONLY);
        policy("archive", ALICE_ONLY);
        byte[] b42 = as("alice", () -> f.wrap("orders", Map.of("tenant", "42")));
        byte[] b7 = as("alice", () -> f.wrap("orders", Map.of("tenant", "7")));
        as("alice", () -> f.keys.createGrant("orders", GrantRequest.to("mover", ops(GrantOperation.ReEncryptFrom))
                .contextSubset(Map.of("tenant", "42"))));
        as("alice", () -> f.keys.createGrant("archive", GrantRequest.to("mover", ops(GrantOperation.ReEncryptTo))
                .contextSubset(Map.of("archive", "yes"))));

        assertThrows(KeyUseDeniedException.class, () -> as("mover", () ->
                f.keys.reEncrypt(b7, Map.of("tenant", "7"), "archive", Map.of("archive", "yes"))), "source context outside the grant");
        assertThrows(KeyUseDeniedException.class, () -> as("mover", () ->
                f.keys.reEncrypt(b42, Map.of("tenant", "42"), "archive", Map.of("tenant", "42"))), "destination context outside the grant");
        assertThrows(KeyUseDeniedException.class, () -> as("mover", () ->
                f.keys.reEncrypt(b42, Map.of("tenant", "42"), null, Map.of("archive", "yes"))),
                "back under the source key: ReEncryptFrom is not ReEncryptTo");
        assertEquals(AuditOutcome.DENIED, lastEvent(AuditOperation.RE_ENCRYPT).outcome());
        byte[] moved = as("mover", () -> f.keys.reEncrypt(b42, Map.of("tenant", "42"), "archive", Map.of("archive", "yes")));
        assertThrows(KeyUseDeniedException.class, () -> as("mover", () -> f.unwrap("archive", moved, Map.of("archive", "yes"))),
                "ReEncryptTo is not Decrypt");
    }

    @Test
    void dataKeys_aGrantForWithoutPlaintextGivesNoPlaintext_andItsConstraintHolds() throws Exception {
        policy("orders", ALICE_ONLY);
        as("alice", () -> f.keys.createGrant("orders", GrantRequest.to("app",
                ops(GrantOperation.GenerateDataKeyWithoutPlaintext)).contextSubset(Map.of("tenant", "42"))));
        KmsDataKey ok = as("app", () -> {
            KeyGenerator g = KeyGenerator.getInstance("KMSDataKey", LifecycleFixture.PROVIDER);
            g.init(KmsDataKeySpec.aes256(orders).withContext(Map.of("tenant", "42")).withoutPlaintext());
            return (KmsDataKey) g.generateKey();
        });
        assertNull(ok.getEncoded());
        for (KmsDataKeySpec spec : List.of(KmsDataKeySpec.aes256(orders).withContext(Map.of("tenant", "42")),
                KmsDataKeySpec.aes256(orders).withContext(Map.of("tenant", "7")).withoutPlaintext(),
                KmsDataKeySpec.aes256(orders).withoutPlaintext())) {
            ProviderException e = assertThrows(ProviderException.class, () -> as("app", () -> {
                KeyGenerator g = KeyGenerator.getInstance("KMSDataKey", LifecycleFixture.PROVIDER);
                g.init(spec);
                return g.generateKey();
            }));
            assertInstanceOf(KeyUseDeniedException.class, e.getCause(), e.toString());
        }
    }

    /** A data key cached while a grant allowed Encrypt is not reused once the grant is revoked, even by a cipher already initialised. */
    @Test
    void aCachedDataKeyIsNotReusedAfterTheGrantThatAllowedItIsRevoked() throws Exception {
        policy("orders", ALICE_ONLY);
        KeyGrant grant = as("alice", () -> f.keys.createGrant("orders", GrantRequest.to("app", ops(GrantOperation.Encrypt))
                .contextSubset(Map.of("tenant", "42"))));
        DataKeyCache cache = new DataKeyCache(10, 1 << 20, Duration.ofMinutes(5), f.clock);
        KmsEnvelopeSpec spec = KmsEnvelopeSpec.withContext(Map.of("tenant", "42")).withDataKeyCache(cache);
        Cipher warm = as("app", () -> {
            Cipher c = Cipher.getInstance("KMSEnvelope", LifecycleFixture.PROVIDER);
            c.init(Cipher.ENCRYPT_MODE, orders, spec);
            c.doFinal(new byte[]{1});
            c.init(Cipher.ENCRYPT_MODE, orders, spec);
            return c;
        });
        // the same cache, another context: a different entry, and the grant does not allow it
        assertThrows(KeyUseDeniedException.class, () -> as("app", () -> {
            Cipher c = Cipher.getInstance("KMSEnvelope", LifecycleFixture.PROVIDER);
            c.init(Cipher.ENCRYPT_MODE, orders, KmsEnvelopeSpec.withContext(Map.of("tenant", "7")).withDataKeyCache(cache));
        }));
        as("alice", () -> f.keys.revokeGrant("orders", grant.grantId()));
        long reuses = successes(AuditOperation.REUSE_CACHED_DATA_KEY);
        assertThrows(Exception.class, () -> as("app", () -> warm.doFinal(new byte[]{2})));
        assertThrows(KeyUseDeniedException.class, () -> as("app", () -> {
            Cipher c = Cipher.getInstance("KMSEnvelope", LifecycleFixture.PROVIDER);
            c.init(Cipher.ENCRYPT_MODE, orders, spec);
        }));
        assertEquals(reuses, successes(AuditOperation.REUSE_CACHED_DATA_KEY), "no data key reused after the revocation");
    }

    // ------------------------------------------------------------------ retiring and revoking (refused)

    @Test
    void retireGrant_isRefusedToWhoIsNeitherRetiringPrincipal_norAGranteeWithRetireGrant_andAuditedDenied() throws Exception {
        policy("orders", ALICE_ONLY);
        KeyGrant a = as("alice", () -> f.keys.createGrant("orders", GrantRequest.to("app", ops(GrantOperation.Decrypt))
                .retiringPrincipal("ops")));
        KeyGrant b = as("alice", () -> f.keys.createGrant("orders", GrantRequest.to("svc", ops(GrantOperation.Decrypt))));
        KeyGrant c = as("alice", () -> f.keys.createGrant("orders", GrantRequest.to("svc2",
                ops(GrantOperation.Decrypt, GrantOperation.RetireGrant))));

        var mallory = assertThrows(KeyAccessDeniedException.class, () -> as("mallory", () -> f.keys.retireGrant("orders", a.grantId())));
        assertEquals("kms:RetireGrant", mallory.denial().action());
        AuditEvent denied = lastEvent(AuditOperation.RETIRE_GRANT);
        assertEquals(AuditOutcome.DENIED, denied.outcome());
        assertEquals("mallory", denied.principal());
        assertThrows(KeyAccessDeniedException.class, () -> as("app", () -> f.keys.retireGrant("orders", a.grantId())),
                "a grantee whose grant lacks RetireGrant");
        assertThrows(KeyAccessDeniedException.class, () -> as("ops", () -> f.keys.retireGrant("orders", b.grantId())),
                "the retiring principal of another grant");
        assertThrows(KeyAccessDeniedException.class, () -> as("svc2", () -> f.keys.retireGrant("orders", a.grantId())),
                "a grantee with RetireGrant, on another principal's grant");
        assertThrows(KeyAccessDeniedException.class, () -> as("OPS", () -> f.keys.retireGrant("orders", a.grantId())),
                "principals are case-sensitive");
        assertEquals(3, as("alice", () -> f.keys.listGrants("orders")).size());

        as("svc2", () -> f.keys.retireGrant("orders", c.grantId()));
        as("ops", () -> f.keys.retireGrant("orders", a.grantId()));
        assertEquals(List.of(b), as("alice", () -> f.keys.listGrants("orders")));
    }

    @Test
    void revokeGrant_isRefusedToTheGrantee_theRetiringPrincipal_andAKeyUser() throws Exception {
        policy("orders", ADMIN_ALICE_USER_APP);
        KeyGrant g = as("alice", () -> f.keys.createGrant("orders", GrantRequest.to("svc",
                ops(GrantOperation.Decrypt, GrantOperation.RetireGrant)).retiringPrincipal("ops")));
        for (String who : List.of("svc", "ops", "app")) {
            var e = assertThrows(KeyAccessDeniedException.class, () -> as(who, () -> f.keys.revokeGrant("orders", g.grantId())), who);
            assertEquals("kms:RevokeGrant", e.denial().action());
            assertEquals(AuditOutcome.DENIED, lastEvent(AuditOperation.REVOKE_GRANT).outcome());
        }
        assertEquals(List.of(g), as("alice", () -> f.keys.listGrants("orders")));
    }

    /** A grant is on a key id: it does not follow the alias to a new key made under the old key's alias. */
    @Test
    void aGrantDoesNotFollowItsKeysAliasToANewKey() throws Exception {
        policy("orders", ALICE_ONLY);
        as("alice", () -> f.keys.createGrant("orders", GrantRequest.to("app", ops(GrantOperation.Encrypt, GrantOperation.Decrypt))));
        assertNotNull(as("app", () -> f.wrap("orders")));
        assertTrue(as("alice", () -> f.keys.deleteAlias("orders")));
        assertEquals(KeyState.PENDING_DELETION, as("alice", () -> f.keys.describeKey(orders.keyId().toString())).state());
        f.keys.createKey("orders", "");
        f.keys.putKeyPolicy("orders", ALICE_ONLY, true);
        assertThrows(KeyUseDeniedException.class, () -> as("app", () -> f.wrap("orders")));
        assertEquals(List.of(), as("alice", () -> f.keys.listGrants("orders")));
    }

    // ------------------------------------------------------------------ Deny statements (they apply)

    @Test
    void aDenyWithNotAction_refusesEveryOtherAction_overAGrant() throws Exception {
        policy("orders", aliceAnd("""
                {"Sid": "AppEncryptsOnly", "Effect": "Deny", "Principal": "app", "NotAction": "kms:Encrypt", "Resource": "*"}"""));
        as("alice", () -> f.keys.createGrant("orders", GrantRequest.to("app",
                ops(GrantOperation.Encrypt, GrantOperation.Decrypt, GrantOperation.DescribeKey))));
        byte[] blob = as("app", () -> f.wrap("orders"));
        var e = assertThrows(KeyUseDeniedException.class, () -> as("app", () -> f.unwrap("orders", blob)));
        assertEquals("AppEncryptsOnly", e.denial().statementId());
        var d = assertThrows(KeyAccessDeniedException.class, () -> as("app", () -> f.keys.describeKey("orders")));
        assertEquals("AppEncryptsOnly", d.denial().statementId());
        assertEquals(AuditOutcome.DENIED, lastEvent(AuditOperation.DESCRIBE_KEY).outcome());
    }

    @Test
    void aDenyWithIfExists_appliesWhenTheContextKeyIsAbsent() throws Exception {
        policy("orders", aliceAnd("""
                {"Effect": "Allow", "Principal": "app", "Action": "kms:Encrypt", "Resource": "*"},
                {"Sid": "Only42", "Effect": "Deny", "Principal": "app", "Action": "kms:Encrypt", "Resource": "*",
                 "Condition": {"StringNotEqualsIfExists": {"kms:EncryptionContext:tenant": "42"}}}"""));
        assertNotNull(as("app", () -> f.wrap("orders", Map.of("tenant", "42"))));
        for (Map<String, String> ctx : List.of(Map.<String, String>of(), Map.of("tenant", "7"), Map.of("other", "42"))) {
            var e = assertThrows(KeyUseDeniedException.class, () -> as("app", () -> f.wrap("orders", ctx)), ctx.toString());
            assertEquals("Only42", e.denial().statementId());
        }
    }

    @Test
    void aDenyOnNull_refusesAnEmptyContext_andAForAllValuesAllowNeedsIt() throws Exception {
        policy("orders", aliceAnd("""
                {"Effect": "Allow", "Principal": "app", "Action": "kms:Encrypt", "Resource": "*",
                 "Condition": {"ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["tenant"]}}},
                {"Sid": "NeedContext", "Effect": "Deny", "Principal": "app", "Action": "kms:Encrypt", "Resource": "*",
                 "Condition": {"Null": {"kms:EncryptionContextKeys": "true"}}}"""));
        assertNotNull(as("app", () -> f.wrap("orders", Map.of("tenant", "1"))));
        var e = assertThrows(KeyUseDeniedException.class, () -> as("app", () -> f.wrap("orders")));
        assertEquals("NeedContext", e.denial().statementId());
        assertThrows(KeyUseDeniedException.class, () -> as("app", () -> f.wrap("orders", Map.of("tenant", "1", "x", "2"))),
                "a key outside the ForAllValues list");
    }

    @Test
    void aDenyOnAContextKey_matchesTheKeyIgnoringCase_andIgnoreCaseOperatorsTheValue() throws Exception {
        policy("orders", aliceAnd("""
                {"Effect": "Allow", "Principal": "app", "Action": "kms:Encrypt", "Resource": "*"},
                {"Sid": "NoTenant7", "Effect": "Deny", "Principal": "app", "Action": "kms:Encrypt", "Resource": "*",
                 "Condition": {"StringEquals": {"kms:EncryptionContext:TENANT": "7"}}},
                {"Sid": "NoSecret", "Effect": "Deny", "Principal": "app", "Action": "kms:Encrypt", "Resource": "*",
                 "Condition": {"ForAnyValue:StringEqualsIgnoreCase": {"kms:EncryptionContextKeys": "secret"}}}"""));
        assertEquals("NoTenant7", assertThrows(KeyUseDeniedException.class,
                () -> as("app", () -> f.wrap("orders", Map.of("tenant", "7")))).denial().statementId());
        assertEquals("NoTenant7", assertThrows(KeyUseDeniedException.class,
                () -> as("app", () -> f.wrap("orders", Map.of("Tenant", "7", "x", "1")))).denial().statementId());
        assertEquals("NoSecret", assertThrows(KeyUseDeniedException.class,
                () -> as("app", () -> f.wrap("orders", Map.of("SeCrEt", "1")))).denial().statementId());
        assertNotNull(as("app", () -> f.wrap("orders", Map.of("tenant", "8"))));
    }

    @Test
    void aStorePolicyDeny_beatsAKeyPolicyAllowAndAGrant() throws Exception {
        policy("orders", aliceAnd("""
                {"Effect": "Allow", "Principal": "app", "Action": "kms:Decrypt", "Resource": "*"}"""));
        as("alice", () -> f.keys.createGrant("orders", GrantRequest.to("app", ops(GrantOperation.Decrypt))));
        byte[] blob = as("alice", () -> f.wrap("orders"));
        f.keys.putStorePolicy("""
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": "alice", "Action": "kms:*", "Resource": "*"},
                  {"Sid": "AppOff", "Effect": "Deny", "Principal": "app", "Action": "kms:*", "Resource": "*"}]}""", true);
        var e = assertThrows(KeyUseDeniedException.class, () -> as("app", () -> f.unwrap("orders", blob)));
        assertEquals("AppOff", e.denial().statementId());
        assertEquals("store policy", e.denial().policy());
    }

    // ------------------------------------------------------------------ principals (exact)

    @Test
    void principals_noNotPrincipal_noWildcardNames_andNamesMatchExactly() throws Exception {
        for (String bad : List.of("""
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Deny", "NotPrincipal": {"AWS": "alice"}, "Action": "kms:*", "Resource": "*"}]}""", """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": "app*"}, "Action": "kms:*", "Resource": "*"}]}""", """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": "*app"}, "Action": "kms:*", "Resource": "*"}]}""")) {
            assertThrows(InvalidKeyRequestException.class, () -> f.keys.putKeyPolicy("orders", bad, true), bad);
        }
        policy("orders", aliceAnd("""
                {"Effect": "Allow", "Principal": "app", "Action": "kms:Encrypt", "Resource": "*"},
                {"Effect": "Allow", "Principal": "job?", "Action": "kms:Encrypt", "Resource": "*"}"""));
        as("alice", () -> f.keys.createGrant("orders", GrantRequest.to("svc", ops(GrantOperation.Encrypt))));
        assertNotNull(as("job?", () -> f.wrap("orders")), "'?' in a principal is a literal character, not a wildcard");
        assertThrows(KeyUseDeniedException.class, () -> as("job1", () -> f.wrap("orders")));
        assertNotNull(as("app", () -> f.wrap("orders")));
        assertNotNull(as("svc", () -> f.wrap("orders")));
        for (String other : List.of("ap", "app2", "APP", "app ", "svc-1", "Svc", "sv")) {
            assertThrows(KeyUseDeniedException.class, () -> as(other, () -> f.wrap("orders")), other);
        }
    }

    // ------------------------------------------------------------------ the lockout safety check

    @Test
    void theLockoutCheck_refusesAPolicyAllowingPutKeyPolicyOnlyWithABypass_orOnlyThroughAStoreThatRefuses() throws Exception {
        f.keys.putKeyPolicy("orders", """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": "bob", "Action": "kms:*", "Resource": "*"}]}""", true);
        String onlyWithBypass = """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": "bob", "NotAction": "kms:PutKeyPolicy", "Resource": "*"},
                  {"Effect": "Allow", "Principal": "bob", "Action": "kms:PutKeyPolicy", "Resource": "*",
                   "Condition": {"Bool": {"kms:BypassPolicyLockoutSafetyCheck": "true"}}}]}""";
        assertThrows(InvalidKeyRequestException.class, () -> as("bob", () -> f.keys.putKeyPolicy("orders", onlyWithBypass, false)));

        f.keys.putStorePolicy("""
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": "ops", "Action": "kms:*", "Resource": "*"}]}""", true);
        String delegatedOnly = """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root"}, "Action": "kms:*", "Resource": "*"}]}"""
                .formatted(KeyAccess.ACCOUNT);
        var e = assertThrows(InvalidKeyRequestException.class, () -> as("bob", () -> f.keys.putKeyPolicy("orders", delegatedOnly, false)));
        assertTrue(e.getMessage().contains("'bob'"), e.getMessage());
        assertEquals(AuditOutcome.FAILED, lastEvent(AuditOperation.PUT_KEY_POLICY).outcome());
        assertTrue(as("bob", () -> f.keys.getKeyPolicy("orders")).contains("\"bob\""), "nothing changed");
    }

    // ------------------------------------------------------------------ administration by key users (refused)

    @Test
    void aKeyUser_cannotAdministerTheKey_andEachRefusalIsAuditedDenied() throws Exception {
        policy("orders", ADMIN_ALICE_USER_APP);
        f.keys.createKey("mine", "");
        record Attempt(String action, AuditOperation op, AsPrincipal.ThrowingRunnable call) {
        }
        List<Attempt> attempts = List.of(
                new Attempt("kms:PutKeyPolicy", AuditOperation.PUT_KEY_POLICY,
                        () -> f.keys.putKeyPolicy("orders", ADMIN_ALICE_USER_APP, true)),
                new Attempt("kms:ScheduleKeyDeletion", AuditOperation.SCHEDULE_KEY_DELETION,
                        () -> f.keys.scheduleKeyDeletion("orders", 7)),
                new Attempt("kms:DisableKey", AuditOperation.DISABLE_KEY, () -> f.keys.disableKey("orders")),
                new Attempt("kms:CreateAlias", AuditOperation.CREATE_ALIAS, () -> f.keys.createAlias("apps-own", "orders")),
                new Attempt("kms:CreateGrant", AuditOperation.CREATE_GRANT, () -> f.keys.createGrant("orders",
                        GrantRequest.to("friend", ops(GrantOperation.Decrypt)))),
                new Attempt("kms:TagResource", AuditOperation.TAG_KEY, () -> f.keys.tagKey("orders", Map.of("a", "b"))),
                new Attempt("kms:RotateKeyOnDemand", AuditOperation.ROTATE_KEY, () -> f.keys.rotateKeyOnDemand("orders")));
        for (Attempt a : attempts) {
            var e = assertThrows(KeyAccessDeniedException.class, () -> as("app", a.call()), a.action());
            assertEquals(a.action(), e.denial().action());
            AuditEvent ev = lastEvent(a.op());
            assertEquals(AuditOutcome.DENIED, ev.outcome(), a.action());
            assertEquals("app", ev.principal());
        }
        assertEquals(KeyState.ENABLED, as("alice", () -> f.keys.describeKey("orders")).state());
        assertEquals(List.of("orders"), as("alice", () -> f.keys.describeKey("orders")).aliases());
        assertEquals(List.of(), as("alice", () -> f.keys.listGrants("orders")));
    }

    /** UpdateAlias needs kms:UpdateAlias on the key the alias leaves and on the key it goes to, as in AWS. */
    @Test
    void updateAlias_needsTheRightOnBothKeys() throws Exception {
        policy("orders", ALICE_ONLY);
        f.keys.createKey("bobs", "");
        f.keys.putKeyPolicy("bobs", """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": "bob", "Action": "kms:*", "Resource": "*"}]}""", true);
        var alice = assertThrows(KeyAccessDeniedException.class, () -> as("alice", () -> f.keys.updateAlias("orders", "bobs")));
        assertEquals("kms:UpdateAlias", alice.denial().action());
        assertEquals(AuditOutcome.DENIED, lastEvent(AuditOperation.UPDATE_ALIAS).outcome());
        var bob = assertThrows(KeyAccessDeniedException.class, () -> as("bob", () -> f.keys.updateAlias("orders", "bobs")));
        assertEquals(orders.keyId().toString(), bob.denial().keyId());
        assertEquals(List.of("orders"), as("alice", () -> f.keys.describeKey(orders.keyId().toString())).aliases());
        assertEquals(List.of("bobs"), as("bob", () -> f.keys.describeKey("bobs")).aliases());
    }
}
