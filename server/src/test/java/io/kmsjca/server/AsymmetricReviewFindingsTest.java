package io.kmsjca.server;

import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyAgreementAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.KmsException;

import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Review of asymmetric keys over the server (#19). Finding 3: DeriveSharedSecret decoded the
 * peer's public key against the key's spec before the key service decided the caller's rights,
 * so a caller with no right on the key was answered a ValidationException naming the key's spec
 * (and the refusal was not audited) instead of AccessDeniedException, which AWS and every other
 * operation here answer first.
 */
class AsymmetricReviewFindingsTest {

    @TempDir
    Path dir;
    ServerFixture fixture;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new ServerFixture(dir).start();
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    @Test
    void deriveSharedSecret_decidesTheCallersRightsBeforeLookingAtThePeerKey() throws Exception {
        KmsClient admin = fixture.client(fixture.alice);
        String keyId = admin.createKey(b -> b.keySpec("ECC_NIST_P256").keyUsage("KEY_AGREEMENT")).keyMetadata().keyId();
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        byte[] p256 = g.generateKeyPair().getPublic().getEncoded();
        g.initialize(new ECGenParameterSpec("secp384r1"));
        byte[] p384 = g.generateKeyPair().getPublic().getEncoded();
        KmsClient app = fixture.client(fixture.app);

        KmsException sameCurve = assertThrows(KmsException.class, () -> app.deriveSharedSecret(b -> b.keyId(keyId)
                .keyAgreementAlgorithm(KeyAgreementAlgorithmSpec.ECDH).publicKey(SdkBytes.fromByteArray(p256))));
        assertEquals("AccessDeniedException", sameCurve.awsErrorDetails().errorCode(), sameCurve.getMessage());

        int from = fixture.audit.size();
        KmsException otherCurve = assertThrows(KmsException.class, () -> app.deriveSharedSecret(b -> b.keyId(keyId)
                .keyAgreementAlgorithm(KeyAgreementAlgorithmSpec.ECDH).publicKey(SdkBytes.fromByteArray(p384))));
        assertEquals("AccessDeniedException", otherCurve.awsErrorDetails().errorCode(), otherCurve.getMessage());
        assertFalse(otherCurve.getMessage().contains("ECC_NIST_P256"), otherCurve.getMessage());
        assertTrue(fixture.eventsSince(from).stream().anyMatch(e -> e.operation() == AuditOperation.DERIVE_SHARED_SECRET
                && e.outcome() == AuditOutcome.DENIED), fixture.eventsSince(from).toString());
    }
}
