package io.kmsjca.internal.policy;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.function.LongSupplier;

import static io.kmsjca.internal.policy.PolicyTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PolicyDocumentTest {

    @Test
    void defaultKeyPolicy_isAwsDefault_andDelegatesEverythingToTheStore() throws Exception {
        String json = PolicyDocument.defaultKeyPolicy(ACCOUNT);
        Object parsed = PolicyJson.parse(json);
        assertEquals(PolicyJson.parse(j("{'Version':'2012-10-17','Id':'key-default-1','Statement':[{"
                + "'Sid':'Enable IAM User Permissions','Effect':'Allow','Principal':{'AWS':'arn:aws:iam::" + ACCOUNT + ":root'},"
                + "'Action':'kms:*','Resource':'*'}]}")), parsed);
        PolicyDocument doc = PolicyDocument.parse(json);
        for (String action : List.of("kms:Decrypt", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion")) {
            PolicyEvaluation e = doc.evaluate(req("alice", action).build());
            assertEquals(PolicyEvaluation.Outcome.ALLOW_IF_STORE_ALLOWS, e.outcome(), action);
            assertEquals("Enable IAM User Permissions", e.statementId());
        }
    }

    @Test
    void theExamplesOfTheGrammarSection_parse_andTheDefaultIsTheOneWeWrite() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "authorization.md"));
        int start = doc.indexOf("## Key policy grammar");
        int end = doc.indexOf("\n## ", start + 1);
        String section = doc.substring(start, end < 0 ? doc.length() : end);
        List<String> examples = new ArrayList<>();
        for (int at = section.indexOf("```json\n"); at >= 0; at = section.indexOf("```json\n", at + 1)) {
            examples.add(section.substring(at + 8, section.indexOf("```", at + 8)));
        }
        assertEquals(2, examples.size());
        assertEquals(PolicyJson.parse(PolicyDocument.defaultKeyPolicy(ACCOUNT)), PolicyJson.parse(examples.get(0)));
        PolicyDocument separated = PolicyDocument.parse(examples.get(1));
        assertEquals("NO_MATCH", show(separated.evaluate(req("arn:aws:iam::" + ACCOUNT + ":role/KMSKeyAdmin", "kms:Decrypt").build())));
        assertEquals("ALLOW Allow use of the key", show(separated.evaluate(req("arn:aws:iam::" + ACCOUNT + ":role/KMSKeyUser", "kms:Decrypt")
                .ec("AppName", "ExampleApp").build())));
    }

    @Test
    void defaultKeyPolicy_refusesAnAccountThatIsNotTwelveDigits() {
        assertThrows(IllegalArgumentException.class, () -> PolicyDocument.defaultKeyPolicy("1234"));
        assertThrows(IllegalArgumentException.class, () -> PolicyDocument.defaultKeyPolicy("11112222333\""));
        assertThrows(IllegalArgumentException.class, () -> PolicyDocument.defaultKeyPolicy(null));
    }

    @Test
    void json_isTheDocumentAsPut() throws Exception {
        String asPut = "{ \"Statement\" : {\"Effect\":\"Allow\",\"Principal\":\"alice\",\n\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"} }\n";
        assertEquals(asPut, PolicyDocument.parse(asPut).json());
    }

    @Test
    void allows_combinesTheOutcomeWithTheStorePolicy() {
        var allow = new PolicyEvaluation(PolicyEvaluation.Outcome.ALLOW, "s");
        var delegated = new PolicyEvaluation(PolicyEvaluation.Outcome.ALLOW_IF_STORE_ALLOWS, "s");
        var deny = new PolicyEvaluation(PolicyEvaluation.Outcome.EXPLICIT_DENY, "s");
        assertTrue(allow.allows(false));
        assertTrue(delegated.allows(true));
        assertFalse(delegated.allows(false));
        assertFalse(deny.allows(true));
        assertFalse(PolicyEvaluation.NO_MATCH.allows(true));
    }

    @Test
    void kmsActions_holdAwsNames_uniqueAndWithinTheMask() {
        assertEquals(KmsActions.ALL.size(), new HashSet<>(KmsActions.ALL).size());
        assertTrue(KmsActions.ALL.size() <= 64);
        // every action the brief lists, at least
        for (String name : ("Encrypt Decrypt ReEncryptFrom ReEncryptTo GenerateDataKey GenerateDataKeyWithoutPlaintext "
                + "GenerateDataKeyPair GenerateDataKeyPairWithoutPlaintext GenerateRandom GenerateMac VerifyMac Sign Verify "
                + "GetPublicKey DeriveSharedSecret CreateKey DescribeKey ListKeys ListAliases CreateAlias UpdateAlias "
                + "DeleteAlias EnableKey DisableKey ScheduleKeyDeletion CancelKeyDeletion EnableKeyRotation "
                + "DisableKeyRotation GetKeyRotationStatus RotateKeyOnDemand ListKeyRotations TagResource UntagResource "
                + "ListResourceTags PutKeyPolicy GetKeyPolicy ListKeyPolicies CreateGrant ListGrants ListRetirableGrants "
                + "RetireGrant RevokeGrant GetParametersForImport ImportKeyMaterial DeleteImportedKeyMaterial "
                + "UpdateKeyDescription").split(" ")) {
            String a = "kms:" + name;
            assertEquals(a, KmsActions.canonical(a.toUpperCase(java.util.Locale.ROOT)), a);
        }
        assertNull(KmsActions.canonical("kms:Decrpyt"));
        assertEquals(Long.bitCount(KmsActions.ALL_MASK), KmsActions.ALL.size());
    }

    @Test
    void evaluate_allocatesNothing_forAPolicyWithoutConditions() {
        LongSupplier allocatedBytes = threadAllocationCounter();
        PolicyDocument doc = parse(policy(
                "{'Sid':'admins','Effect':'Allow','Principal':{'AWS':['admin1','admin2']},'Action':['kms:Create*','kms:Put*','kms:Describe*'],'Resource':'*'}",
                "{'Sid':'noDelete','Effect':'Deny','Principal':{'AWS':'" + ROOT + "'},'Action':'kms:ScheduleKeyDeletion','Resource':'*'}",
                "{'Sid':'users','Effect':'Allow','Principal':{'AWS':['alice','bob']},'Action':['kms:Encrypt','kms:Decrypt','kms:GenerateDataKey*'],'Resource':'" + KEY_ARN + "'}",
                "{'Sid':'account','Effect':'Allow','Principal':{'AWS':'" + ROOT + "'},'Action':'kms:*','Resource':'*'}"));
        AccessRequest[] requests = {
                req("alice", "kms:Decrypt").build(), req("carol", "kms:Encrypt").build(),
                req("admin1", "kms:ScheduleKeyDeletion").build(), req("admin2", "kms:PutKeyPolicy").build()};
        assertEquals(List.of("ALLOW users", "ALLOW_IF_STORE_ALLOWS account", "EXPLICIT_DENY noDelete", "ALLOW admins"),
                java.util.Arrays.stream(requests).map(r -> show(doc.evaluate(r))).toList());
        int sink = 0;
        for (int i = 0; i < 20_000; i++) { // warm up
            sink += doc.evaluate(requests[i & 3]).outcome().ordinal();
        }
        long before = allocatedBytes.getAsLong();
        for (int i = 0; i < 100_000; i++) {
            sink += doc.evaluate(requests[i & 3]).outcome().ordinal();
        }
        long allocated = allocatedBytes.getAsLong() - before;
        assertEquals(120_000 / 4 * (1 + 2 + 0 + 1), sink); // the outcomes' ordinals, as asserted above
        assertTrue(allocated < 4_096, "evaluate allocated " + allocated + " bytes over 100000 calls");
    }

    /**
     * This thread's allocated bytes, from HotSpot's com.sun.management.ThreadMXBean (reached
     * reflectively: the test code compiles in the provider's module, which does not read
     * jdk.management); the test is skipped on a JVM without it.
     */
    private static LongSupplier threadAllocationCounter() {
        Object bean = ManagementFactory.getThreadMXBean();
        Method current;
        try {
            Class<?> type = Class.forName("com.sun.management.ThreadMXBean");
            assumeTrue(type.isInstance(bean), "no per-thread allocation counter");
            assumeTrue((Boolean) type.getMethod("isThreadAllocatedMemoryEnabled").invoke(bean));
            current = type.getMethod("getThreadAllocatedBytes", long.class);
        } catch (ReflectiveOperationException e) {
            assumeTrue(false, "no per-thread allocation counter: " + e);
            return null;
        }
        long thread = Thread.currentThread().getId();
        return () -> {
            try {
                return (Long) current.invoke(bean, thread);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        };
    }
}
