package io.kmsjca.server;

import io.kmsjca.keys.KeyService;
import io.kmsjca.provider.KmsAdmin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsException;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CreateKey with a Policy is one change, as in AWS KMS: it needs kms:CreateKey only, and a policy
 * that is malformed or fails the lockout check leaves no key behind, whatever else the caller may
 * do (the second server review found a key left enabled under the default policy when the caller
 * could not schedule its deletion).
 */
class CreateKeyWithPolicyTest {

    /** The store lets {@code app} create keys and list them, nothing else. */
    static final String STORE_POLICY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"admins\",\"Effect\":\"Allow\","
            + "\"Principal\":{\"AWS\":[\"root\",\"alice\"]},\"Action\":\"kms:*\",\"Resource\":\"*\"},{\"Sid\":\"creators\","
            + "\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"app\"]},\"Action\":[\"kms:CreateKey\",\"kms:ListKeys\"],"
            + "\"Resource\":\"*\"}]}";

    /** A key policy that gives {@code app} everything on the key. */
    static final String APPS_KEY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"app\",\"Effect\":\"Allow\","
            + "\"Principal\":{\"AWS\":[\"app\"]},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}";

    /** A key policy that lets {@code app} use the key but not change its policy: the lockout check refuses it. */
    static final String LOCKS_APP_OUT = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"use\",\"Effect\":\"Allow\","
            + "\"Principal\":{\"AWS\":[\"app\"]},\"Action\":[\"kms:Encrypt\",\"kms:Decrypt\"],\"Resource\":\"*\"}]}";

    @TempDir
    Path dir;
    ServerFixture fixture;
    KmsClient app;
    KmsClient alice;

    @BeforeEach
    void start() throws Exception {
        fixture = new ServerFixture(dir);
        try (KeyService store = KmsAdmin.open(fixture.file, ServerFixture.ADMIN_PASSWORD, fixture.options())) {
            store.putStorePolicy(STORE_POLICY, false);
        }
        fixture.start();
        app = fixture.client(fixture.app);
        alice = fixture.client(fixture.alice);
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    private int keys() {
        return alice.listKeys().keys().size();
    }

    @Test
    void aCallerAllowedOnlyCreateKey_createsAKeyUnderItsOwnPolicy() {
        String key = app.createKey(b -> b.description("mine").policy(APPS_KEY)).keyMetadata().keyId();
        assertTrue(app.getKeyPolicy(b -> b.keyId(key)).policy().contains("\"app\""), "the policy was set with the key");
        assertEquals("Enabled", app.describeKey(b -> b.keyId(key)).keyMetadata().keyStateAsString());
    }

    @Test
    void aMalformedPolicy_leavesNoKey() {
        int before = keys();
        KmsException e = assertThrows(KmsException.class, () -> app.createKey(b -> b.policy("{\"Version\":\"2012-10-17\"")));
        assertEquals("ValidationException", e.awsErrorDetails().errorCode());
        assertTrue(e.getMessage().contains("MalformedPolicyDocument"), e.getMessage());
        assertEquals(before, keys(), "no key was made");
    }

    @Test
    void aPolicyThatFailsTheLockoutCheck_leavesNoKey_andTheBypassMakesIt() {
        int before = keys();
        KmsException e = assertThrows(KmsException.class, () -> app.createKey(b -> b.policy(LOCKS_APP_OUT)));
        assertTrue(e.getMessage().contains("lockout safety check"), e.getMessage());
        assertEquals(before, keys(), "no key was made, although app may not schedule a key's deletion");

        String key = app.createKey(b -> b.policy(LOCKS_APP_OUT).bypassPolicyLockoutSafetyCheck(true)).keyMetadata().keyId();
        assertEquals(before + 1, keys());
        KmsException locked = assertThrows(KmsException.class, () -> app.getKeyPolicy(b -> b.keyId(key)));
        assertTrue(locked.getMessage().contains("may not kms:GetKeyPolicy"), "the key is under the policy asked for: "
                + locked.getMessage());
    }
}
