package io.kmsjca.internal.service;

import io.kmsjca.internal.crypto.KeyPairs;
import io.kmsjca.internal.model.CertificateChain;
import io.kmsjca.internal.model.KeyPairMaterial;
import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.RotationReason;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one path of every key's creation ({@link KeyChanges}): its bounds, its first version's reason, and what it wipes. */
class KeyChangesTest {

    @TempDir
    Path dir;
    LifecycleFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new LifecycleFixture(dir);
    }

    private RotationReason firstReason(UUID id) {
        return f.keys.registry().snapshot().byId().get(id).versions().get(0).reason();
    }

    /** A description of exactly the most bytes a record keeps is accepted; one byte more is refused, audited. */
    @Test
    void aDescriptionOfTheMostBytesIsKept_andOneByteMoreIsRefused() throws Exception {
        String most = "d".repeat(io.kmsjca.internal.store.MasterKeyCodec.MAX_DESCRIPTION_BYTES);
        var kept = f.keys.createKey(CreateKeyRequest.withAlias("longest").description(most));
        assertEquals(most, f.reopen().describeKey(kept.keyId().toString()).description());

        var refused = assertThrows(InvalidKeyRequestException.class,
                () -> f.keys.createKey(CreateKeyRequest.withAlias("too-long").description(most + "é")));
        assertTrue(refused.getMessage().contains("description"), refused.getMessage());
        assertEquals(AuditOutcome.FAILED, f.last(AuditOperation.CREATE_KEY).outcome());
        assertFalse(f.keys.hasAlias("too-long"));
    }

    /** An imported key's one version says IMPORTED, a generated one's CREATED: the key's history tells them apart. */
    @Test
    void anImportedKeysFirstVersionSaysImported_aGeneratedOnesSaysCreated() throws Exception {
        byte[] material = new byte[32];
        java.util.Arrays.fill(material, (byte) 7);
        UUID importedHmac = f.keys.importHmacKeyForTests("hmac-imported", KeySpec.HMAC_256, material).keyId();
        assertEquals(RotationReason.IMPORTED, firstReason(importedHmac));

        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        UUID importedPair = f.keys.importKeyPair("pair-imported", KeyUsage.SIGN_VERIFY, g.generateKeyPair().getPrivate(),
                List.of()).keyId();
        assertEquals(RotationReason.IMPORTED, firstReason(importedPair));

        UUID generatedPair = f.keys.createKeyPair(CreateKeyRequest.withAlias("pair-generated")
                .keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsage.SIGN_VERIFY)).keyId();
        assertEquals(RotationReason.CREATED, firstReason(generatedPair));
    }

    /** A key pair whose key is refused (its alias taken) is wiped at once; one whose key is made is kept. */
    @Test
    void aKeyPairWhoseKeyIsRefusedIsWiped_andOneWhoseKeyIsMadeIsKept() throws Exception {
        f.keys.createKey("orders", "");
        KeyChanges changes = changesOf(f.keys);
        String taken = changes.normalize("orders", AuditOperation.CREATE_KEY);
        KeyPairMaterial refused = KeyPairMaterial.of(KeySpec.ECC_NIST_P256, KeyPairs.generate(KeySpec.ECC_NIST_P256));
        assertThrows(InvalidKeyRequestException.class, () -> changes.newKeyPair(AuditOperation.CREATE_KEY, taken, "",
                Map.of(), KeySpec.ECC_NIST_P256, KeyUsage.SIGN_VERIFY, KeyOrigin.GENERATED, refused, CertificateChain.EMPTY,
                null));
        assertTrue(refused.isWiped(), "no key holds it: wiped now, not left to the garbage collector");

        KeyPairMaterial made = KeyPairMaterial.of(KeySpec.ECC_NIST_P256, KeyPairs.generate(KeySpec.ECC_NIST_P256));
        changes.newKeyPair(AuditOperation.CREATE_KEY, changes.normalize("signing", AuditOperation.CREATE_KEY), "", Map.of(),
                KeySpec.ECC_NIST_P256, KeyUsage.SIGN_VERIFY, KeyOrigin.GENERATED, made, CertificateChain.EMPTY, null);
        assertFalse(made.isWiped(), "the key made holds it");
    }

    private static KeyChanges changesOf(EmbeddedKeyService keys) throws ReflectiveOperationException {
        var field = EmbeddedKeyService.class.getDeclaredField("changes");
        field.setAccessible(true);
        return (KeyChanges) field.get(keys);
    }
}
