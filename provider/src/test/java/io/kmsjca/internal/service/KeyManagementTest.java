package io.kmsjca.internal.service;

import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.KeyAlias;
import io.kmsjca.keys.KeyManagerType;
import io.kmsjca.keys.KeyMetadata;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeyPage;
import io.kmsjca.keys.KeyRotation;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyState;
import io.kmsjca.keys.KeyStateException;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.RotationReason;

import io.kmsjca.internal.model.MasterKey;

import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.KeyStoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Creation, aliases, tags, paging, provider-managed and provider-owned keys. */
class KeyManagementTest {

    @TempDir
    Path dir;
    LifecycleFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new LifecycleFixture(dir);
    }

    @Test
    void createKey_withDescriptionTagsAndRotation() throws Exception {
        var h = f.keys.createKey(CreateKeyRequest.withAlias("orders").description("order rows")
                .tags(Map.of("team", "shop")).rotationPeriodDays(365));
        KeyMetadata m = f.reopen().describeKey("alias/orders");
        assertEquals(h.keyId(), m.keyId());
        assertEquals("order rows", m.description());
        assertEquals(Map.of("team", "shop"), m.tags());
        assertEquals(365, m.rotationPeriodDays());
        assertEquals(KeySpec.SYMMETRIC_DEFAULT, m.keySpec());
        assertEquals(KeyUsage.ENCRYPT_DECRYPT, m.keyUsage());
        assertEquals(KeyOrigin.GENERATED, m.origin());
        assertEquals(KeyManagerType.CUSTOMER, m.manager());
    }

    @Test
    void severalAliases_updateMovesOne_deleteRemovesOne() throws Exception {
        String a = f.keys.createKey("orders", "").keyId().toString();
        String b = f.keys.createKey("billing", "").keyId().toString();
        f.keys.createAlias("orders-v2", "orders");
        assertEquals(a, f.keys.describeKey("orders-v2").keyId().toString());
        assertThrows(KeyStoreException.class, () -> f.keys.createAlias("billing", a), "aliases are unique");
        f.keys.updateAlias("orders-v2", b);
        f.reopen();
        assertEquals(b, f.keys.describeKey("orders-v2").keyId().toString());
        assertEquals(List.of("orders"), f.keys.describeKey(a).aliases());
        assertEquals(List.of(new KeyAlias("billing", java.util.UUID.fromString(b)),
                new KeyAlias("orders", java.util.UUID.fromString(a)),
                new KeyAlias("orders-v2", java.util.UUID.fromString(b))), f.keys.listAliases());
        assertTrue(f.keys.deleteAlias("orders-v2"));
        assertEquals(KeyState.ENABLED, f.keys.describeKey(b).state(), "billing still has an alias");
        assertEquals(AuditOutcome.SUCCESS, f.last(AuditOperation.UPDATE_ALIAS).outcome());
    }

    @Test
    void createKey_withARotationPeriodOutOfRange_isRefusedAndCreatesNothing() throws Exception {
        var e = assertThrows(KeyStoreException.class,
                () -> f.keys.createKey(CreateKeyRequest.withAlias("r").rotationPeriodDays(50)));
        assertTrue(e.getMessage().contains("rotation period"), e.getMessage());
        assertTrue(f.keys.listKeys().isEmpty());
        assertEquals(AuditOutcome.FAILED, f.last(AuditOperation.CREATE_KEY).outcome());
    }

    @Test
    void reservedAliases_areRefusedToCustomers() {
        assertThrows(KeyStoreException.class, () -> f.keys.createKey("kms/managed/mine", ""));
        assertThrows(KeyStoreException.class, () -> f.keys.createKey("alias/kms/x", ""));
    }

    /** alias/alias/x would be the alias 'alias/x', which lists as the AWS spelling of the alias x (server review). */
    @Test
    void anAliasSpelledWithTheAliasPrefixTwice_isRefused_andNamesNoOtherAlias() throws Exception {
        String orders = f.keys.createKey("orders", "").keyId().toString();
        String other = f.keys.createKey("other", "").keyId().toString();
        assertThrows(io.kmsjca.keys.InvalidKeyRequestException.class, () -> f.keys.createAlias("alias/alias/orders", other));
        assertThrows(io.kmsjca.keys.InvalidKeyRequestException.class, () -> f.keys.createKey("ALIAS/alias/orders", ""));
        assertEquals(orders, f.keys.describeKey("alias/orders").keyId().toString());
        assertEquals(java.util.List.of("orders", "other"), f.keys.listAliases().stream().map(a -> a.alias()).sorted().toList());
    }

    @Test
    void tags_addReplaceRemove_andAreBounded() throws Exception {
        String id = f.keys.createKey("orders", "").keyId().toString();
        f.keys.tagKey(id, Map.of("a", "1", "b", "2"));
        f.keys.tagKey(id, Map.of("a", "3"));
        f.keys.untagKey(id, List.of("b"));
        assertEquals(Map.of("a", "3"), f.reopen().describeKey(id).tags());
        assertThrows(KeyStoreException.class, () -> f.keys.tagKey(id, Map.of("kms:purpose", "x")));
        var many = new java.util.HashMap<String, String>();
        for (int i = 0; i < 50; i++) {
            many.put("t" + i, "v");
        }
        assertThrows(KeyStoreException.class, () -> f.keys.tagKey(id, many), "51 tags with the existing one");
    }

    @Test
    void tagsOfNonAsciiCharacters_atTheirLongest_areKept_andTheStoreStillOpens() throws Exception {
        String id = f.keys.createKey("orders", "").keyId().toString();
        // 128 and 256 characters, as AWS KMS counts them: 3 UTF-8 bytes each, and 4 for a surrogate pair
        String key = "\u20ac".repeat(127) + "k";
        String value = "\ud83d\udd11".repeat(128);
        f.keys.tagKey(id, Map.of(key, value));
        assertEquals(Map.of(key, value), f.reopen().describeKey(id).tags(), "the record reads back");
        assertThrows(KeyStoreException.class, () -> f.keys.tagKey(id, Map.of(key + "x", "v")), "129 characters");
        assertThrows(KeyStoreException.class, () -> f.keys.tagKey(id, Map.of("k", "\ud800")), "an unpaired surrogate");
    }

    @Test
    void listKeys_pagesThroughEveryKeyOnce() throws Exception {
        for (int i = 0; i < 25; i++) {
            f.keys.createKey("k" + i, "");
        }
        Set<String> seen = new HashSet<>();
        List<Integer> sizes = new ArrayList<>();
        String marker = null;
        do {
            KeyPage page = f.keys.listKeys(10, marker);
            page.keys().forEach(k -> assertTrue(seen.add(k.keyId().toString()), "listed twice"));
            sizes.add(page.keys().size());
            marker = page.nextMarker();
        } while (marker != null);
        assertEquals(List.of(10, 10, 5), sizes);
        assertEquals(25, seen.size());
        assertThrows(IllegalArgumentException.class, () -> f.keys.listKeys(0, null));
        assertThrows(IllegalArgumentException.class, () -> f.keys.listKeys(1001, null));
    }

    @Test
    void providerManagedKey_isCreatedOnFirstUse_rotatedYearly_andItsUsersCannotChangeItsLife() throws Exception {
        var h = f.keys.managedKey("orders");
        assertEquals(h.keyId(), f.keys.managedKey("orders").keyId(), "the same key on every later use");
        KeyMetadata m = f.keys.describeKey("alias/kms/managed/orders");
        assertEquals(KeyManagerType.PROVIDER, m.manager());
        assertEquals(365, m.rotationPeriodDays());
        assertTrue(f.keys.listKeys().stream().anyMatch(k -> k.keyId().equals(h.keyId())), "managed keys are listed");

        String id = h.keyId().toString();
        for (LifecycleTestSupport.Call refused : List.<LifecycleTestSupport.Call>of(
                () -> f.keys.disableKey(id), () -> f.keys.scheduleKeyDeletion(id), () -> f.keys.enableKeyRotation(id, 90),
                () -> f.keys.disableKeyRotation(id), () -> f.keys.rotateKeyOnDemand(id),
                () -> f.keys.deleteAlias("kms/managed/orders"), () -> f.keys.revokeKeyVersion(id, 1),
                () -> f.keys.putKeyPolicy(id, io.kmsjca.internal.policy.PolicyDocument.defaultKeyPolicy(KeyAccess.ACCOUNT), true),
                () -> f.keys.importKeyMaterial("kms/managed/orders", new byte[32]))) {
            var e = assertThrows(KeyStateException.class, refused::run);
            assertTrue(e.getMessage().contains("provider-managed"), e.getMessage());
        }
        assertEquals(AuditOutcome.DENIED, f.last(AuditOperation.DISABLE_KEY).outcome());

        f.clock.advance(Duration.ofDays(365));
        assertEquals(1, f.keys.runMaintenance().rotated());
        assertEquals(List.of(RotationReason.SCHEDULED),
                f.keys.listKeyRotations(id).stream().map(KeyRotation::reason).toList());
    }

    @Test
    void providerOwnedKey_isNeverListedNorReturned() throws Exception {
        MasterKey owned = f.keys.ownedKey("audit-log");
        assertEquals(owned.id(), f.keys.ownedKey("audit-log").id());
        f.keys.createKey("visible", "");
        f.reopen();
        assertEquals(owned.id(), f.keys.ownedKey("audit-log").id(), "found again after a restart");
        assertEquals(1, f.keys.listKeys().size());
        assertTrue(f.keys.findKey(owned.id().toString()).isEmpty());
        assertThrows(KeyStoreException.class, () -> f.keys.describeKey(owned.id().toString()));
        assertThrows(KeyStoreException.class, () -> f.keys.disableKey(owned.id().toString()));
        assertEquals(List.of("visible"), f.keys.listAliases().stream().map(KeyAlias::alias).toList());
    }
}
