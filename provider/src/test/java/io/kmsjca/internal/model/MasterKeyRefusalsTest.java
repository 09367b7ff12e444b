package io.kmsjca.internal.model;

import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.keys.ExpirationModel;
import io.kmsjca.keys.GrantOperation;
import io.kmsjca.keys.KeyGrant;
import io.kmsjca.keys.KeyManagerType;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyState;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.RotationReason;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The refusals of {@link MasterKey} that the key service also checks before it gets there, checked
 * here on their own: the model must hold its rules whoever calls it. Each case is a state or an
 * origin a transition must refuse, beside the nearest one it must take.
 */
class MasterKeyRefusalsTest {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static final Instant LATER = NOW.plus(Duration.ofDays(30));

    private static KeyVersion aes(KeyOrigin origin, RotationReason reason) {
        byte[] material = new byte[32];
        KmsRandom.nextBytes(material);
        return new KeyVersion(1, NOW, origin, reason, material, 0);
    }

    private static MasterKey generated(KeyManagerType manager) {
        return MasterKey.create(UUID.randomUUID(), "", manager, NOW, List.of("orders"), Map.of(), 0,
                aes(KeyOrigin.GENERATED, RotationReason.CREATED));
    }

    private static MasterKey external() {
        return MasterKey.createExternal(UUID.randomUUID(), "", NOW, List.of("byok"), Map.of(), KeySpec.SYMMETRIC_DEFAULT,
                KeyUsage.ENCRYPT_DECRYPT);
    }

    private static MasterKey imported(ExpirationModel model, Instant validTo) {
        return external().materialImported(aes(KeyOrigin.IMPORTED, RotationReason.IMPORTED), new byte[ImportState.DIGEST_BYTES],
                model, validTo);
    }

    private static ImportState.WrappingParameters parameters() {
        return new ImportState.WrappingParameters(io.kmsjca.keys.WrappingAlgorithm.RSAES_OAEP_SHA_256, KeySpec.RSA_2048,
                new io.kmsjca.internal.crypto.SecretBytes(new byte[] {1}, "PKCS#8"), new byte[] {0x30}, LATER);
    }

    private static KeyGrant grant(UUID key) {
        return new KeyGrant("a".repeat(64), key, "g", "arn:aws:iam::111122223333:user/app", null,
                "arn:aws:iam::111122223333:root", EnumSet.of(GrantOperation.Encrypt), Map.of(), Map.of(), NOW);
    }

    @Test
    void aKeyOfAnotherOrigin_refusesEveryImportOperation() {
        MasterKey key = generated(KeyManagerType.CUSTOMER);
        assertThrows(ImportRefused.class, () -> key.requireExternal("import"));
        assertThrows(ImportRefused.class, key::requireImportParametersAllowed);
        assertThrows(ImportRefused.class, () -> key.withWrappingParameters(parameters()));
        assertThrows(ImportRefused.class, () -> key.materialImported(aes(KeyOrigin.IMPORTED, RotationReason.IMPORTED),
                new byte[ImportState.DIGEST_BYTES], ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null));
        assertThrows(ImportRefused.class, () -> key.materialRemoved(NOW));
        external().requireImportParametersAllowed(); // the nearest it takes
    }

    @Test
    void anExternalKeyPendingDeletion_takesNoImportParametersMaterialOrRemoval() {
        MasterKey pending = imported(ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null).deletionScheduled(LATER);
        assertThrows(TransitionRefused.class, pending::requireImportParametersAllowed);
        assertThrows(TransitionRefused.class, () -> pending.withWrappingParameters(parameters()));
        assertThrows(TransitionRefused.class, () -> pending.materialImported(aes(KeyOrigin.IMPORTED, RotationReason.IMPORTED),
                new byte[ImportState.DIGEST_BYTES], ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null));
        assertThrows(TransitionRefused.class, () -> pending.materialRemoved(NOW));
        MasterKey removed = imported(ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null).materialRemoved(NOW);
        assertEquals(KeyState.PENDING_IMPORT, removed.state());
    }

    @Test
    void expiringMaterial_isDueOnlyOnAKeyThatUsesIt() {
        MasterKey enabled = imported(ExpirationModel.KEY_MATERIAL_EXPIRES, LATER);
        assertTrue(enabled.materialExpiryDue(LATER));
        assertTrue(enabled.disabled().materialExpiryDue(LATER));
        assertFalse(enabled.deletionScheduled(LATER.plusSeconds(60)).materialExpiryDue(LATER),
                "a key pending deletion keeps its material until it is destroyed");
        assertFalse(imported(ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null).materialExpiryDue(LATER));
    }

    @Test
    void importParameters_areClearedOnlyOnceExpired() {
        MasterKey withParameters = external().withWrappingParameters(parameters());
        assertThrows(TransitionRefused.class, () -> withParameters.importParametersExpired(NOW));
        assertThrows(TransitionRefused.class, () -> external().importParametersExpired(LATER));
        assertEquals(null, withParameters.importParametersExpired(LATER).imports().orElseThrow().wrapping());
    }

    @Test
    void disabling_needsAKeyInUse_andSchedulingDeletion_aKeyNotAlreadyEnding() {
        MasterKey key = generated(KeyManagerType.CUSTOMER);
        assertEquals(KeyState.DISABLED, key.disabled().disabled().state());
        MasterKey pending = key.deletionScheduled(LATER);
        assertThrows(TransitionRefused.class, pending::disabled);
        assertThrows(TransitionRefused.class, () -> external().disabled());
        assertThrows(TransitionRefused.class, () -> pending.deletionScheduled(LATER));
        assertThrows(TransitionRefused.class, () -> pending.destroyed(LATER).deletionScheduled(LATER));
        assertEquals(KeyState.PENDING_DELETION, external().deletionScheduled(LATER).state());
        assertEquals(KeyState.PENDING_DELETION, key.disabled().deletionScheduled(LATER).state());
    }

    @Test
    void aKeyPendingDeletion_losesAliases_butTakesNoneInTheirPlace() {
        MasterKey pending = generated(KeyManagerType.CUSTOMER).deletionScheduled(LATER);
        assertEquals(List.of(), pending.withAliases(List.of()).aliases());
        assertThrows(TransitionRefused.class, () -> pending.withAliases(List.of("other")));
    }

    @Test
    void aGrant_goesOnlyOnACustomerKeyInUse() {
        MasterKey key = generated(KeyManagerType.CUSTOMER);
        assertEquals(1, key.withGrant(grant(key.id())).access().grants().size());
        assertEquals(1, key.disabled().withGrant(grant(key.id())).access().grants().size());
        MasterKey aws = generated(KeyManagerType.PROVIDER);
        assertThrows(TransitionRefused.class, () -> aws.withGrant(grant(aws.id())));
        MasterKey pending = key.deletionScheduled(LATER);
        assertThrows(TransitionRefused.class, () -> pending.withGrant(grant(pending.id())));
    }
}
