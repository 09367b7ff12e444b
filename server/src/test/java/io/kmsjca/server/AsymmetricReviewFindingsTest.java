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

    /**
     * Finding 4: a caller with no right on a key learned its spec and usage (DescribeKey's answer)
     * from the refusal of a use it does not fit: Sign with an RSA ENCRYPT_DECRYPT key, Encrypt of
     * too long a plaintext, GetPublicKey of a symmetric key, GenerateDataKeyPair under a key pair. The rights come first, as in AWS.
     */
    @Test
    void aCallerWithNoRightOnAKeyLearnsNeitherItsSpecNorItsUsage() throws Exception {
        KmsClient admin = fixture.client(fixture.alice);
        String rsa = admin.createKey(b -> b.keySpec("RSA_2048").keyUsage("ENCRYPT_DECRYPT")).keyMetadata().keyId();
        String aes = admin.createKey(b -> b.description("symmetric")).keyMetadata().keyId();
        KmsClient app = fixture.client(fixture.app);

        int from = fixture.audit.size();
        KmsException sign = assertThrows(KmsException.class, () -> app.sign(b -> b.keyId(rsa)
                .message(SdkBytes.fromByteArray(new byte[32])).messageType("DIGEST").signingAlgorithm("RSASSA_PSS_SHA_256")));
        assertEquals("AccessDeniedException", sign.awsErrorDetails().errorCode(), sign.getMessage());
        assertFalse(sign.getMessage().contains("ENCRYPT_DECRYPT"), sign.getMessage());
        assertTrue(fixture.eventsSince(from).stream().anyMatch(e -> e.operation() == AuditOperation.SIGN
                && e.outcome() == AuditOutcome.DENIED), fixture.eventsSince(from).toString());

        KmsException encrypt = assertThrows(KmsException.class, () -> app.encrypt(b -> b.keyId(rsa)
                .plaintext(SdkBytes.fromByteArray(new byte[300])).encryptionAlgorithm("RSAES_OAEP_SHA_256")));
        assertEquals("AccessDeniedException", encrypt.awsErrorDetails().errorCode(), encrypt.getMessage());
        assertFalse(encrypt.getMessage().contains("RSA_2048"), encrypt.getMessage());

        KmsException publicKey = assertThrows(KmsException.class, () -> app.getPublicKey(b -> b.keyId(aes)));
        assertEquals("AccessDeniedException", publicKey.awsErrorDetails().errorCode(), publicKey.getMessage());

        KmsException dataKeyPair = assertThrows(KmsException.class, () -> app.generateDataKeyPair(b -> b.keyId(rsa)
                .keyPairSpec("ECC_NIST_P256")));
        assertEquals("AccessDeniedException", dataKeyPair.awsErrorDetails().errorCode(), dataKeyPair.getMessage());
        assertFalse(dataKeyPair.getMessage().contains("RSA_2048"), dataKeyPair.getMessage());
    }
}
