package io.kmsjca.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.CreateKeyResponse;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.EncryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.GetKeyRotationStatusResponse;
import software.amazon.awssdk.services.kms.model.GrantListEntry;
import software.amazon.awssdk.services.kms.model.GrantOperation;
import software.amazon.awssdk.services.kms.model.KeyListEntry;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.ListKeysResponse;
import software.amazon.awssdk.services.kms.model.ReEncryptResponse;
import software.amazon.awssdk.services.kms.model.RotationsListEntry;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionResponse;
import software.amazon.awssdk.services.kms.model.Tag;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every operation the server serves, driven by the AWS SDK for Java v2's KmsClient over loopback HTTP. */
class KmsServerOperationsTest {

    static final String ARN_PREFIX = "arn:aws:kms:local:000000000000:";

    @TempDir
    Path dir;
    ServerFixture fixture;
    KmsClient kms;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new ServerFixture(dir).start();
        kms = fixture.client(fixture.alice);
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    String createKey(String description) {
        return kms.createKey(b -> b.description(description)).keyMetadata().keyId();
    }

    @Test
    void createKeyAndDescribeKeyGiveAwsKeyMetadata() {
        Instant before = Instant.now().minusSeconds(1);
        CreateKeyResponse created = kms.createKey(b -> b.description("orders").keySpec("SYMMETRIC_DEFAULT")
                .keyUsage("ENCRYPT_DECRYPT").tags(Tag.builder().tagKey("team").tagValue("shop").build()));
        KeyMetadata m = created.keyMetadata();
        assertEquals(ARN_PREFIX + "key/" + m.keyId(), m.arn());
        assertEquals("000000000000", m.awsAccountId());
        assertEquals("orders", m.description());
        assertEquals(KeyState.ENABLED, m.keyState());
        assertTrue(m.enabled());
        assertEquals("ENCRYPT_DECRYPT", m.keyUsageAsString());
        assertEquals("SYMMETRIC_DEFAULT", m.keySpecAsString());
        assertEquals("AWS_KMS", m.originAsString());
        assertEquals("CUSTOMER", m.keyManagerAsString());
        assertEquals(List.of("SYMMETRIC_DEFAULT"), m.encryptionAlgorithmsAsStrings());
        assertTrue(!m.creationDate().isBefore(before) && m.creationDate().isBefore(Instant.now().plusSeconds(1)),
                m.creationDate().toString());

        KeyMetadata byId = kms.describeKey(b -> b.keyId(m.keyId())).keyMetadata();
        KeyMetadata byArn = kms.describeKey(b -> b.keyId(m.arn())).keyMetadata();
        assertEquals(m, byId);
        assertEquals(m, byArn);
        assertEquals(List.of(Tag.builder().tagKey("team").tagValue("shop").build()),
                kms.listResourceTags(b -> b.keyId(m.keyId())).tags());
    }

    @Test
    void listKeysPagesWithLimitAndMarker() {
        Set<String> made = Set.of(createKey("a"), createKey("b"), createKey("c"));
        List<String> seen = new ArrayList<>();
        String marker = null;
        int pages = 0;
        do {
            String m = marker;
            ListKeysResponse page = kms.listKeys(b -> b.limit(2).marker(m));
            page.keys().forEach(k -> assertEquals(ARN_PREFIX + "key/" + k.keyId(), k.keyArn()));
            seen.addAll(page.keys().stream().map(KeyListEntry::keyId).toList());
            assertEquals(page.nextMarker() != null, page.truncated());
            marker = page.nextMarker();
            pages++;
        } while (marker != null);
        assertEquals(made, Set.copyOf(seen));
        assertEquals(3, seen.size());
        assertEquals(2, pages);
    }

    @Test
    void aliasesAreCreatedListedMovedAndDeleted() {
        String one = createKey("one");
        String two = createKey("two");
        kms.createAlias(b -> b.aliasName("alias/orders").targetKeyId(one));
        kms.createAlias(b -> b.aliasName("alias/payments").targetKeyId(ARN_PREFIX + "key/" + two));
        assertEquals(one, kms.describeKey(b -> b.keyId("alias/orders")).keyMetadata().keyId());
        assertEquals(one, kms.describeKey(b -> b.keyId(ARN_PREFIX + "alias/orders")).keyMetadata().keyId());

        List<AliasListEntry> all = kms.listAliases(b -> { }).aliases();
        assertEquals(Map.of("alias/orders", one, "alias/payments", two),
                all.stream().collect(Collectors.toMap(AliasListEntry::aliasName, AliasListEntry::targetKeyId)));
        all.forEach(a -> assertEquals(ARN_PREFIX + a.aliasName(), a.aliasArn()));
        assertEquals(List.of("alias/payments"),
                kms.listAliases(b -> b.keyId(two)).aliases().stream().map(AliasListEntry::aliasName).toList());
        var firstPage = kms.listAliases(b -> b.limit(1));
        assertTrue(firstPage.truncated());
        assertEquals("alias/orders", firstPage.aliases().get(0).aliasName());
        assertEquals(List.of("alias/payments"), kms.listAliases(b -> b.limit(1).marker(firstPage.nextMarker()))
                .aliases().stream().map(AliasListEntry::aliasName).toList());

        kms.updateAlias(b -> b.aliasName("alias/orders").targetKeyId(two));
        assertEquals(two, kms.describeKey(b -> b.keyId("alias/orders")).keyMetadata().keyId());
        kms.deleteAlias(b -> b.aliasName("alias/orders"));
        assertEquals(List.of("alias/payments"),
                kms.listAliases(b -> { }).aliases().stream().map(AliasListEntry::aliasName).toList());
    }

    @Test
    void keysAreDisabledEnabledScheduledForDeletionAndRecovered() {
        String key = createKey("states");
        kms.disableKey(b -> b.keyId(key));
        assertEquals(KeyState.DISABLED, kms.describeKey(b -> b.keyId(key)).keyMetadata().keyState());
        kms.enableKey(b -> b.keyId(key));
        assertEquals(KeyState.ENABLED, kms.describeKey(b -> b.keyId(key)).keyMetadata().keyState());

        ScheduleKeyDeletionResponse scheduled = kms.scheduleKeyDeletion(b -> b.keyId(key).pendingWindowInDays(7));
        assertEquals(ARN_PREFIX + "key/" + key, scheduled.keyId());
        assertEquals(KeyState.PENDING_DELETION, scheduled.keyState());
        assertEquals(7, scheduled.pendingWindowInDays());
        KeyMetadata pending = kms.describeKey(b -> b.keyId(key)).keyMetadata();
        assertEquals(KeyState.PENDING_DELETION, pending.keyState());
        assertEquals(scheduled.deletionDate(), pending.deletionDate());

        assertEquals(ARN_PREFIX + "key/" + key, kms.cancelKeyDeletion(b -> b.keyId(key)).keyId());
        assertEquals(KeyState.DISABLED, kms.describeKey(b -> b.keyId(key)).keyMetadata().keyState(),
                "a cancelled deletion leaves the key disabled, as in AWS KMS");
    }

    @Test
    void rotationIsTurnedOnAndOffAndDoneOnDemand() {
        String key = createKey("rotating");
        assertFalse(kms.getKeyRotationStatus(b -> b.keyId(key)).keyRotationEnabled());
        kms.enableKeyRotation(b -> b.keyId(key).rotationPeriodInDays(180));
        GetKeyRotationStatusResponse on = kms.getKeyRotationStatus(b -> b.keyId(key));
        assertTrue(on.keyRotationEnabled());
        assertEquals(180, on.rotationPeriodInDays());
        assertNotNull(on.nextRotationDate());
        kms.disableKeyRotation(b -> b.keyId(key));
        assertFalse(kms.getKeyRotationStatus(b -> b.keyId(key)).keyRotationEnabled());

        byte[] before = kms.encrypt(b -> b.keyId(key).plaintext(SdkBytes.fromUtf8String("v1"))).ciphertextBlob().asByteArray();
        assertEquals(key, kms.rotateKeyOnDemand(b -> b.keyId(key)).keyId());
        kms.rotateKeyOnDemand(b -> b.keyId(key));
        List<RotationsListEntry> rotations = kms.listKeyRotations(b -> b.keyId(key)).rotations();
        assertEquals(2, rotations.size());
        rotations.forEach(r -> assertEquals("ON_DEMAND", r.rotationTypeAsString()));
        rotations.forEach(r -> assertEquals(ARN_PREFIX + "key/" + key, r.keyId()));
        var first = kms.listKeyRotations(b -> b.keyId(key).limit(1));
        assertTrue(first.truncated());
        assertEquals(1, kms.listKeyRotations(b -> b.keyId(key).limit(1).marker(first.nextMarker())).rotations().size());
        assertEquals("v1", kms.decrypt(b -> b.ciphertextBlob(SdkBytes.fromByteArray(before))).plaintext().asUtf8String(),
                "a blob of the first version still decrypts after rotations");
    }

    @Test
    void tagsAreAddedReplacedAndRemoved() {
        String key = createKey("tagged");
        kms.tagResource(b -> b.keyId(key).tags(Tag.builder().tagKey("a").tagValue("1").build(),
                Tag.builder().tagKey("b").tagValue("2").build()));
        kms.tagResource(b -> b.keyId(key).tags(Tag.builder().tagKey("a").tagValue("3").build()));
        kms.untagResource(b -> b.keyId(key).tagKeys("b"));
        assertEquals(List.of(Tag.builder().tagKey("a").tagValue("3").build()), kms.listResourceTags(b -> b.keyId(key)).tags());
    }

    @Test
    void keyPoliciesArePutAndRead() {
        String key = createKey("policed");
        assertEquals(List.of("default"), kms.listKeyPolicies(b -> b.keyId(key)).policyNames());
        String policy = """
                {"Version": "2012-10-17", "Statement": [
                  {"Sid": "alice", "Effect": "Allow", "Principal": {"AWS": "alice"}, "Action": "kms:*", "Resource": "*"}]}""";
        kms.putKeyPolicy(b -> b.keyId(key).policyName("default").policy(policy));
        String read = kms.getKeyPolicy(b -> b.keyId(key).policyName("default")).policy();
        assertTrue(read.contains("\"Sid\": \"alice\"") || read.contains("\"Sid\":\"alice\""), read);
    }

    @Test
    void grantsAreCreatedListedRetiredAndRevoked() {
        String key = createKey("granted");
        var made = kms.createGrant(b -> b.keyId(key).granteePrincipal("app").retiringPrincipal("ops")
                .operations(GrantOperation.ENCRYPT, GrantOperation.DECRYPT).name("app-crypto")
                .constraints(c -> c.encryptionContextSubset(Map.of("tenant", "42"))));
        assertNotNull(made.grantToken());
        List<GrantListEntry> grants = kms.listGrants(b -> b.keyId(key)).grants();
        assertEquals(1, grants.size());
        GrantListEntry g = grants.get(0);
        assertEquals(made.grantId(), g.grantId());
        assertEquals(ARN_PREFIX + "key/" + key, g.keyId());
        assertEquals("app", g.granteePrincipal());
        assertEquals("ops", g.retiringPrincipal());
        assertEquals("app-crypto", g.name());
        assertEquals(Set.of(GrantOperation.ENCRYPT, GrantOperation.DECRYPT), Set.copyOf(g.operations()));
        assertEquals(Map.of("tenant", "42"), g.constraints().encryptionContextSubset());
        assertEquals(List.of(made.grantId()), kms.listRetirableGrants(b -> b.retiringPrincipal("ops")).grants().stream()
                .map(GrantListEntry::grantId).toList());

        kms.retireGrant(b -> b.grantToken(made.grantToken()));
        assertTrue(kms.listGrants(b -> b.keyId(key)).grants().isEmpty());

        var second = kms.createGrant(b -> b.keyId(key).granteePrincipal("app").operations(GrantOperation.ENCRYPT));
        kms.revokeGrant(b -> b.keyId(key).grantId(second.grantId()));
        assertTrue(kms.listGrants(b -> b.keyId(key)).grants().isEmpty());
    }

    @Test
    void encryptDecryptAndReEncryptRoundTrip() {
        String one = createKey("one");
        String two = createKey("two");
        kms.createAlias(b -> b.aliasName("alias/two").targetKeyId(two));
        Map<String, String> context = Map.of("tenant", "acme");
        byte[] secret = "attack at dawn".getBytes(StandardCharsets.UTF_8);
        EncryptResponse enc = kms.encrypt(b -> b.keyId(one).plaintext(SdkBytes.fromByteArray(secret)).encryptionContext(context));
        assertEquals(ARN_PREFIX + "key/" + one, enc.keyId());
        assertEquals("SYMMETRIC_DEFAULT", enc.encryptionAlgorithmAsString());

        DecryptResponse dec = kms.decrypt(b -> b.ciphertextBlob(enc.ciphertextBlob()).encryptionContext(context));
        assertArrayEquals(secret, dec.plaintext().asByteArray());
        assertEquals(ARN_PREFIX + "key/" + one, dec.keyId());
        assertArrayEquals(secret, kms.decrypt(b -> b.ciphertextBlob(enc.ciphertextBlob()).encryptionContext(context)
                .keyId(ARN_PREFIX + "key/" + one)).plaintext().asByteArray(), "with the right KeyId too");

        ReEncryptResponse re = kms.reEncrypt(b -> b.ciphertextBlob(enc.ciphertextBlob()).sourceEncryptionContext(context)
                .destinationKeyId("alias/two").destinationEncryptionContext(Map.of("tenant", "globex")));
        assertEquals(ARN_PREFIX + "key/" + one, re.sourceKeyId());
        assertEquals(ARN_PREFIX + "key/" + two, re.keyId());
        DecryptResponse again = kms.decrypt(b -> b.ciphertextBlob(re.ciphertextBlob())
                .encryptionContext(Map.of("tenant", "globex")));
        assertArrayEquals(secret, again.plaintext().asByteArray());
        assertEquals(ARN_PREFIX + "key/" + two, again.keyId());
    }

    @Test
    void aCiphertextFromTheServerIsAKmsWrapBlobTheEmbeddedProviderDecrypts() throws Exception {
        String key = createKey("interop");
        byte[] blob = kms.encrypt(b -> b.keyId(key).plaintext(SdkBytes.fromUtf8String("same format"))
                .encryptionContext(Map.of("tenant", "acme"))).ciphertextBlob().asByteArray();
        javax.crypto.Cipher cipher = javax.crypto.Cipher.getInstance("KMSWrap", new io.kmsjca.provider.KmsProvider());
        try (var admin = io.kmsjca.provider.KmsAdmin.open(fixture.file, ServerFixture.ADMIN_PASSWORD, fixture.options())) {
            cipher.init(javax.crypto.Cipher.DECRYPT_MODE, admin.findKey(key).orElseThrow(),
                    new io.kmsjca.provider.KmsEncryptionContextSpec(Map.of("tenant", "acme")));
            assertEquals("same format", new String(cipher.doFinal(blob), StandardCharsets.UTF_8));
        }
    }

    @Test
    void dataKeysComeWithAndWithoutPlaintextAndDecryptToTheSameKey() {
        String key = createKey("data keys");
        Map<String, String> context = Map.of("file", "report.pdf");
        GenerateDataKeyResponse dk = kms.generateDataKey(b -> b.keyId(key).keySpec(DataKeySpec.AES_256).encryptionContext(context));
        assertEquals(32, dk.plaintext().asByteArray().length);
        assertEquals(ARN_PREFIX + "key/" + key, dk.keyId());
        assertArrayEquals(dk.plaintext().asByteArray(), kms.decrypt(b -> b.ciphertextBlob(dk.ciphertextBlob())
                .encryptionContext(context)).plaintext().asByteArray());

        var small = kms.generateDataKey(b -> b.keyId(key).numberOfBytes(16));
        assertEquals(16, small.plaintext().asByteArray().length);

        var wrapped = kms.generateDataKeyWithoutPlaintext(b -> b.keyId(key).keySpec(DataKeySpec.AES_128));
        assertEquals(ARN_PREFIX + "key/" + key, wrapped.keyId());
        byte[] recovered = kms.decrypt(b -> b.ciphertextBlob(wrapped.ciphertextBlob())).plaintext().asByteArray();
        assertEquals(16, recovered.length);
        assertNotEquals(dk.plaintext().asByteArray().length, recovered.length);
    }

    @Test
    void generateRandomGivesTheBytesAskedFor() {
        byte[] a = kms.generateRandom(b -> b.numberOfBytes(1024)).plaintext().asByteArray();
        byte[] b2 = kms.generateRandom(b -> b.numberOfBytes(1024)).plaintext().asByteArray();
        assertEquals(1024, a.length);
        assertFalse(java.util.Arrays.equals(a, b2));
        assertEquals(1, kms.generateRandom(b -> b.numberOfBytes(1)).plaintext().asByteArray().length);
    }

    @Test
    void createKeyWithAPolicyAppliesIt() {
        String policy = """
                {"Version": "2012-10-17", "Statement": [
                  {"Sid": "only-alice", "Effect": "Allow", "Principal": {"AWS": "alice"}, "Action": "kms:*", "Resource": "*"}]}""";
        String key = kms.createKey(b -> b.policy(policy)).keyMetadata().keyId();
        assertTrue(kms.getKeyPolicy(b -> b.keyId(key)).policy().contains("only-alice"));
        assertNull(kms.describeKey(b -> b.keyId(key)).keyMetadata().deletionDate());
    }
}
