package io.kmsjca.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AlgorithmSpec;
import software.amazon.awssdk.services.kms.model.ExpirationModelType;
import software.amazon.awssdk.services.kms.model.GetParametersForImportResponse;
import software.amazon.awssdk.services.kms.model.IncorrectKeyMaterialException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.InvalidImportTokenException;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.OriginType;
import software.amazon.awssdk.services.kms.model.UnsupportedOperationException;
import software.amazon.awssdk.services.kms.model.WrappingKeySpec;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Bring your own key through the AWS SDK for Java v2: CreateKey Origin EXTERNAL, GetParametersForImport,
 * the material encrypted in the test with the JDK's RSA-OAEP SHA-256, ImportKeyMaterial, the key
 * used, DeleteImportedKeyMaterial, and AWS's errors for each refusal.
 */
class ImportOperationsTest {

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

    private static byte[] oaepSha256(SdkBytes publicKey, byte[] material) throws Exception {
        PublicKey pub = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(publicKey.asByteArray()));
        Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
        c.init(Cipher.ENCRYPT_MODE, pub, new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
                PSource.PSpecified.DEFAULT));
        return c.doFinal(material);
    }

    private GetParametersForImportResponse parameters(String keyId) {
        return kms.getParametersForImport(b -> b.keyId(keyId).wrappingAlgorithm(AlgorithmSpec.RSAES_OAEP_SHA_256)
                .wrappingKeySpec(WrappingKeySpec.RSA_2048));
    }

    @Test
    void importThroughTheSdk_thenUse_deleteAndReimport() throws Exception {
        KeyMetadata created = kms.createKey(b -> b.origin(OriginType.EXTERNAL)).keyMetadata();
        assertEquals(OriginType.EXTERNAL, created.origin());
        assertEquals(KeyState.PENDING_IMPORT, created.keyState());
        String keyId = created.keyId();
        byte[] material = new byte[32];
        new SecureRandom().nextBytes(material);

        GetParametersForImportResponse p = parameters(keyId);
        assertTrue(p.parametersValidTo().isAfter(Instant.now().plus(23, ChronoUnit.HOURS)));
        Instant validTo = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        SdkBytes first = SdkBytes.fromByteArray(oaepSha256(p.publicKey(), material));
        kms.importKeyMaterial(b -> b.keyId(keyId).importToken(p.importToken()).encryptedKeyMaterial(first)
                .expirationModel(ExpirationModelType.KEY_MATERIAL_EXPIRES).validTo(validTo));
        KeyMetadata m = kms.describeKey(b -> b.keyId(keyId)).keyMetadata();
        assertEquals(KeyState.ENABLED, m.keyState());
        assertEquals(ExpirationModelType.KEY_MATERIAL_EXPIRES, m.expirationModel());
        assertEquals(validTo, m.validTo());

        SdkBytes blob = kms.encrypt(b -> b.keyId(keyId).plaintext(SdkBytes.fromUtf8String("hello"))).ciphertextBlob();
        assertEquals("hello", kms.decrypt(b -> b.ciphertextBlob(blob)).plaintext().asUtf8String());

        kms.deleteImportedKeyMaterial(b -> b.keyId(keyId));
        assertEquals(KeyState.PENDING_IMPORT, kms.describeKey(b -> b.keyId(keyId)).keyMetadata().keyState());

        GetParametersForImportResponse again = parameters(keyId);
        byte[] other = new byte[32];
        new SecureRandom().nextBytes(other);
        SdkBytes otherEncrypted = SdkBytes.fromByteArray(oaepSha256(again.publicKey(), other));
        SdkBytes sameEncrypted = SdkBytes.fromByteArray(oaepSha256(again.publicKey(), material));
        assertThrows(IncorrectKeyMaterialException.class, () -> kms.importKeyMaterial(b -> b.keyId(keyId)
                .importToken(again.importToken()).encryptedKeyMaterial(otherEncrypted)
                .expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE)));
        assertThrows(InvalidCiphertextException.class, () -> kms.importKeyMaterial(b -> b.keyId(keyId)
                .importToken(again.importToken()).encryptedKeyMaterial(SdkBytes.fromByteArray(new byte[256]))
                .expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE)));
        byte[] altered = again.importToken().asByteArray();
        altered[7] ^= 1;
        assertThrows(InvalidImportTokenException.class, () -> kms.importKeyMaterial(b -> b.keyId(keyId)
                .importToken(SdkBytes.fromByteArray(altered))
                .encryptedKeyMaterial(sameEncrypted)
                .expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE)));
        kms.importKeyMaterial(b -> b.keyId(keyId).importToken(again.importToken())
                .encryptedKeyMaterial(sameEncrypted)
                .expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE));
        assertEquals("hello", kms.decrypt(b -> b.ciphertextBlob(blob)).plaintext().asUtf8String(),
                "the same material again: the old ciphertext decrypts");
    }

    @Test
    void aKeyOfOriginAwsKms_refusesImport_asUnsupported() {
        String keyId = kms.createKey(b -> b.description("generated")).keyMetadata().keyId();
        assertThrows(UnsupportedOperationException.class, () -> parameters(keyId));
        assertThrows(UnsupportedOperationException.class, () -> kms.deleteImportedKeyMaterial(b -> b.keyId(keyId)));
    }

    @Test
    void anEccKeyOfOriginExternal_importsItsPkcs8_withAesKeyWrap_andSigns() throws Exception {
        KeyMetadata created = kms.createKey(b -> b.origin(OriginType.EXTERNAL).keySpec("ECC_NIST_P256")
                .keyUsage("SIGN_VERIFY")).keyMetadata();
        assertEquals(KeyState.PENDING_IMPORT, created.keyState());
        String keyId = created.keyId();
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
        g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        java.security.KeyPair pair = g.generateKeyPair();
        GetParametersForImportResponse p = kms.getParametersForImport(b -> b.keyId(keyId)
                .wrappingAlgorithm(AlgorithmSpec.RSA_AES_KEY_WRAP_SHA_256).wrappingKeySpec(WrappingKeySpec.RSA_3072));
        byte[] aes = new byte[32];
        new SecureRandom().nextBytes(aes);
        Cipher kwp = Cipher.getInstance("AES/KWP/NoPadding");
        kwp.init(Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(aes, "AES"));
        byte[] wrapped = kwp.doFinal(pair.getPrivate().getEncoded());
        byte[] head = oaepSha256(p.publicKey(), aes);
        byte[] all = java.util.Arrays.copyOf(head, head.length + wrapped.length);
        System.arraycopy(wrapped, 0, all, head.length, wrapped.length);
        kms.importKeyMaterial(b -> b.keyId(keyId).importToken(p.importToken()).encryptedKeyMaterial(SdkBytes.fromByteArray(all))
                .expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE));
        byte[] message = "imported signer".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        SdkBytes signature = kms.sign(b -> b.keyId(keyId).message(SdkBytes.fromByteArray(message))
                .signingAlgorithm("ECDSA_SHA_256")).signature();
        java.security.Signature v = java.security.Signature.getInstance("SHA256withECDSA");
        v.initVerify(pair.getPublic());
        v.update(message);
        assertTrue(v.verify(signature.asByteArray()), "signed with the imported private key");
    }
}
