package io.kmsjca.internal.service;

import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static io.kmsjca.internal.service.AsPrincipal.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * KMS CreateKey with a Policy (CreateKeyRequest.policy): the key is made with its policy in one
 * change, for every kind of key; a malformed policy or one that fails the lockout check is refused,
 * audited, and leaves no key; creating a key with a policy needs kms:CreateKey alone, and the
 * bypass is what kms:BypassPolicyLockoutSafetyCheck sees.
 */
class CreateKeyWithPolicyTest {

    /** The store lets bob create keys, and nothing else. */
    static final String BOB_CREATES = """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Principal": {"AWS": "root"}, "Action": "kms:*", "Resource": "*"},
              {"Effect": "Allow", "Principal": {"AWS": "bob"}, "Action": "kms:CreateKey", "Resource": "*"}]}""";

    static final String BOBS_KEY = """
            {"Version": "2012-10-17", "Statement": [
              {"Sid": "bob", "Effect": "Allow", "Principal": {"AWS": "bob"}, "Action": "kms:*", "Resource": "*"}]}""";

    /** Lets bob use the key, not change its policy: the lockout check refuses it for bob. */
    static final String BOB_USES = """
            {"Version": "2012-10-17", "Statement": [
              {"Sid": "use", "Effect": "Allow", "Principal": {"AWS": "bob"}, "Action": "kms:Encrypt", "Resource": "*"}]}""";

    @TempDir
    Path dir;
    LifecycleFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new LifecycleFixture(dir);
        f.keys.putStorePolicy(BOB_CREATES, false);
    }

    private int keys() throws Exception {
        return f.keys.listKeys().size();
    }

    @Test
    void everyKindOfKey_isMadeWithItsPolicy_byACallerAllowedOnlyCreateKey() throws Exception {
        List<CreateKeyRequest> requests = List.of(CreateKeyRequest.withAlias("aes"),
                CreateKeyRequest.withAlias("hmac").keySpec(KeySpec.HMAC_256),
                CreateKeyRequest.withAlias("byok").origin(KeyOrigin.IMPORTED));
        for (CreateKeyRequest request : requests) {
            UUID id = as("bob", () -> f.keys.createKey(request.policy(BOBS_KEY)).keyId());
            assertTrue(as("bob", () -> f.keys.getKeyPolicy(id.toString())).contains("\"bob\""), request.alias());
        }
        UUID pair = as("bob", () -> f.keys.createKeyPair(CreateKeyRequest.withAlias("signing").keySpec(KeySpec.ECC_NIST_P256)
                .keyUsage(KeyUsage.SIGN_VERIFY).policy(BOBS_KEY)).keyId());
        assertTrue(as("bob", () -> f.keys.getKeyPolicy(pair.toString())).contains("\"bob\""));
    }

    @Test
    void aMalformedPolicy_isRefusedAndAudited_andLeavesNoKey() throws Exception {
        int before = keys();
        var e = assertThrows(InvalidKeyRequestException.class,
                () -> as("bob", () -> f.keys.createKey(CreateKeyRequest.withAlias("x").policy("{\"Version\": 1"))));
        assertTrue(e.getMessage().startsWith("MalformedPolicyDocument"), e.getMessage());
        assertEquals(before, keys());
        assertTrue(f.keys.findKey("alias/x").isEmpty(), "the alias was not taken");
        AuditEvent last = lastEvent(AuditOperation.CREATE_KEY);
        assertEquals(AuditOutcome.FAILED, last.outcome());
        assertEquals(InvalidKeyRequestException.class.getName(), last.errorClass());
    }

    @Test
    void aPolicyThatLocksTheCallerOut_isRefused_andLeavesNoKey_unlessTheCheckIsBypassed() throws Exception {
        int before = keys();
        var e = assertThrows(InvalidKeyRequestException.class, () -> as("bob", () -> f.keys.createKeyPair(
                CreateKeyRequest.withAlias("locked").keySpec(KeySpec.RSA_2048).keyUsage(KeyUsage.SIGN_VERIFY).policy(BOB_USES))));
        assertTrue(e.getMessage().contains("lockout safety check"), e.getMessage());
        assertEquals(before, keys(), "no key, though bob may not schedule a key's deletion");

        as("bob", () -> f.keys.createKey(CreateKeyRequest.withAlias("locked").policy(BOB_USES)
                .bypassPolicyLockoutSafetyCheck(true)));
        assertEquals(before + 1, keys());
    }

    @Test
    void theBypass_isWhatTheConditionKeySees() throws Exception {
        f.keys.putStorePolicy("""
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": "root"}, "Action": "kms:*", "Resource": "*"},
                  {"Effect": "Allow", "Principal": {"AWS": "bob"}, "Action": "kms:CreateKey", "Resource": "*"},
                  {"Effect": "Deny", "Principal": {"AWS": "bob"}, "Action": "kms:CreateKey", "Resource": "*",
                   "Condition": {"Bool": {"kms:BypassPolicyLockoutSafetyCheck": "true"}}}]}""", false);
        as("bob", () -> f.keys.createKey(CreateKeyRequest.withAlias("checked").policy(BOBS_KEY)));
        assertThrows(io.kmsjca.keys.KeyAccessDeniedException.class, () -> as("bob", () -> f.keys.createKey(
                CreateKeyRequest.withAlias("bypassed").policy(BOBS_KEY).bypassPolicyLockoutSafetyCheck(true))));
    }

    /** What a caller who may not describe the key it made is answered (server, kms): the key as DescribeKey gives it. */
    @Test
    void theMetadataAsRequested_isWhatDescribeKeyGives_butTheDate() throws Exception {
        for (CreateKeyRequest request : List.of(CreateKeyRequest.withAlias("hidden").description("d").tags(java.util.Map.of("t", "v"))
                        .rotationPeriodDays(365), CreateKeyRequest.withAlias("hidden-byok").origin(KeyOrigin.IMPORTED))) {
            var made = as("bob", () -> f.keys.createKey(request.policy(BOBS_KEY)));
            io.kmsjca.keys.KeyMetadata described = as("bob", () -> f.keys.describeKey(made.keyId().toString()));
            io.kmsjca.keys.KeyMetadata asRequested = io.kmsjca.keys.KeyMetadata.asRequested(made.keyId(), made.alias(),
                    request, described.creationDate());
            assertEquals(withoutNextRotation(described), asRequested, request.alias()); // the request knows no schedule
        }
    }

    private static io.kmsjca.keys.KeyMetadata withoutNextRotation(io.kmsjca.keys.KeyMetadata m) {
        return new io.kmsjca.keys.KeyMetadata(m.keyId(), m.aliases(), m.description(), m.state(), m.origin(), m.manager(),
                m.keySpec(), m.keyUsage(), m.creationDate(), m.deletionDate(), m.currentVersion(), m.versionCount(),
                m.rotationPeriodDays(), null, m.minDecryptionVersion(), m.tags(), m.expirationModel(), m.validTo());
    }

    private AuditEvent lastEvent(AuditOperation op) {
        f.keys.auditRecorder().flush();
        List<AuditEvent> events = f.audit.stream().filter(e -> e.operation() == op).toList();
        return events.get(events.size() - 1);
    }
}
