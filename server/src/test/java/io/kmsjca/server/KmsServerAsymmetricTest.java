package io.kmsjca.server;

import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeyPairSpec;
import software.amazon.awssdk.services.kms.model.DeriveSharedSecretResponse;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.EncryptResponse;
import software.amazon.awssdk.services.kms.model.EncryptionAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyPairResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyPairWithoutPlaintextResponse;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.InvalidKeyUsageException;
import software.amazon.awssdk.services.kms.model.KeyAgreementAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.KmsInvalidSignatureException;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SignResponse;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.UnsupportedOperationException;
import software.amazon.awssdk.services.kms.model.VerifyResponse;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Asymmetric keys over the AWS KMS API (issue #19), driven by the AWS SDK for Java v2's KmsClient:
 * every signature, ciphertext, shared secret and data key pair is checked with the JDK's own
 * primitives on the key GetPublicKey returns (or on a local key pair), never against the server's
 * own answers alone; refusals come back as AWS's exception classes.
 */
class KmsServerAsymmetricTest {

    static final byte[] MESSAGE = "the order of 3 December".getBytes(StandardCharsets.UTF_8);

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

    private KeyMetadata createKey(String spec, String usage) {
        return kms.createKey(b -> b.keySpec(spec).keyUsage(usage).description(spec + " " + usage)).keyMetadata();
    }

    private PublicKey publicKey(String keyId, String algorithm) throws Exception {
        GetPublicKeyResponse r = kms.getPublicKey(b -> b.keyId(keyId));
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(r.publicKey().asByteArray()));
    }

    private byte[] sign(String keyId, byte[] message, MessageType type, SigningAlgorithmSpec algorithm) {
        SignResponse r = kms.sign(b -> b.keyId(keyId).message(SdkBytes.fromByteArray(message)).messageType(type)
                .signingAlgorithm(algorithm));
        assertEquals(algorithm, r.signingAlgorithm());
        assertEquals(KmsServerOperationsTest.ARN_PREFIX + "key/" + keyId, r.keyId());
        return r.signature().asByteArray();
    }

    private static boolean jdkVerifies(String algorithm, PublicKey key, byte[] message, byte[] signature) throws Exception {
        Signature s = Signature.getInstance(algorithm);
        if (algorithm.equals("RSASSA-PSS")) {
            s.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        }
        s.initVerify(key);
        s.update(message);
        return s.verify(signature);
    }

    private static KmsException refused(Class<? extends KmsException> type, String code, Executable call) {
        KmsException e = assertThrows(type, call);
        assertEquals(400, e.statusCode());
        assertEquals(code, e.awsErrorDetails().errorCode(), e.getMessage());
        return e;
    }

    @Test
    void anEccP256Key_signsRawAndDigest_andTheJdkVerifiesTheDerSignatures() throws Exception {
        KeyMetadata m = createKey("ECC_NIST_P256", "SIGN_VERIFY");
        assertEquals("ECC_NIST_P256", m.keySpecAsString());
        assertEquals("ECC_NIST_P256", m.customerMasterKeySpecAsString());
        assertEquals("SIGN_VERIFY", m.keyUsageAsString());
        assertEquals(List.of("ECDSA_SHA_256"), m.signingAlgorithmsAsStrings());
        assertFalse(m.hasEncryptionAlgorithms());
        assertFalse(m.hasKeyAgreementAlgorithms());
        assertEquals(m, kms.describeKey(b -> b.keyId(m.keyId())).keyMetadata());

        PublicKey pub = publicKey(m.keyId(), "EC");
        assertEquals(256, ((ECPublicKey) pub).getParams().getCurve().getField().getFieldSize());
        byte[] raw = sign(m.keyId(), MESSAGE, MessageType.RAW, SigningAlgorithmSpec.ECDSA_SHA_256);
        assertTrue(jdkVerifies("SHA256withECDSA", pub, MESSAGE, raw));
        assertFalse(jdkVerifies("SHA256withECDSA", pub, "another order".getBytes(StandardCharsets.UTF_8), raw));

        byte[] digest = MessageDigest.getInstance("SHA-256").digest(MESSAGE);
        byte[] overDigest = sign(m.keyId(), digest, MessageType.DIGEST, SigningAlgorithmSpec.ECDSA_SHA_256);
        assertTrue(jdkVerifies("SHA256withECDSA", pub, MESSAGE, overDigest));
        assertEquals(0x30, overDigest[0] & 0xff); // DER SEQUENCE, as AWS returns ECDSA signatures
    }

    @Test
    void anRsa2048Key_signsPkcs1AndPss_andTheJdkVerifies() throws Exception {
        KeyMetadata m = createKey("RSA_2048", "SIGN_VERIFY");
        assertEquals(List.of("RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256",
                "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512"), m.signingAlgorithmsAsStrings());
        PublicKey pub = publicKey(m.keyId(), "RSA");
        assertEquals(2048, ((RSAPublicKey) pub).getModulus().bitLength());

        byte[] pkcs1 = sign(m.keyId(), MESSAGE, MessageType.RAW, SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_256);
        assertTrue(jdkVerifies("SHA256withRSA", pub, MESSAGE, pkcs1));
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(MESSAGE);
        byte[] pss = sign(m.keyId(), digest, MessageType.DIGEST, SigningAlgorithmSpec.RSASSA_PSS_SHA_256);
        assertTrue(jdkVerifies("RSASSA-PSS", pub, MESSAGE, pss));
        assertFalse(jdkVerifies("SHA256withRSA", pub, MESSAGE, pss));
    }

    /**
     * ML-DSA-87 (the longest signature Verify takes, 4627 bytes) and Ed25519 (served as AWS's
     * ECC_NIST_EDWARDS25519), which this SDK version names only as strings: Bouncy Castle and the JDK
     * verify what the server signs, and the server's Verify agrees.
     */
    @Test
    void mlDsaAndEd25519Keys_signRawMessages_thatBouncyCastleAndTheJdkVerify() throws Exception {
        for (String[] c : new String[][]{{"ML_DSA_87", "ML_DSA_SHAKE_256", "ML-DSA"}, {"ECC_NIST_EDWARDS25519", "ED25519_SHA_512", "Ed25519"}}) {
            KeyMetadata m = createKey(c[0], "SIGN_VERIFY");
            assertEquals(c[0], m.keySpecAsString());
            byte[] der = kms.getPublicKey(b -> b.keyId(m.keyId())).publicKey().asByteArray();
            java.security.Provider bc = new org.bouncycastle.jce.provider.BouncyCastleProvider();
            PublicKey pub = KeyFactory.getInstance(c[2], bc).generatePublic(new X509EncodedKeySpec(der));
            SignResponse r = kms.sign(b -> b.keyId(m.keyId()).message(SdkBytes.fromByteArray(MESSAGE)).messageType(MessageType.RAW)
                    .signingAlgorithm(c[1]));
            assertEquals(c[1], r.signingAlgorithmAsString());
            byte[] signature = r.signature().asByteArray();
            if (c[0].equals("ML_DSA_87")) {
                assertEquals(4627, signature.length);
            }
            Signature verifier = Signature.getInstance(c[2], bc);
            verifier.initVerify(pub);
            verifier.update(MESSAGE);
            assertTrue(verifier.verify(signature), c[0]);
            assertTrue(kms.verify(b -> b.keyId(m.keyId()).message(SdkBytes.fromByteArray(MESSAGE)).messageType(MessageType.RAW)
                    .signature(SdkBytes.fromByteArray(signature)).signingAlgorithm(c[1])).signatureValid(), c[0]);
            byte[] other = "another order".getBytes(StandardCharsets.UTF_8);
            refused(KmsInvalidSignatureException.class, "KMSInvalidSignatureException", () -> kms.verify(b -> b.keyId(m.keyId())
                    .message(SdkBytes.fromByteArray(other)).messageType(MessageType.RAW)
                    .signature(SdkBytes.fromByteArray(signature)).signingAlgorithm(c[1])));
        }
    }

    @Test
    void verify_isTrueForAValidSignature_andKmsInvalidSignatureOtherwise() throws Exception {
        KeyMetadata m = createKey("ECC_NIST_P256", "SIGN_VERIFY");
        byte[] signature = sign(m.keyId(), MESSAGE, MessageType.RAW, SigningAlgorithmSpec.ECDSA_SHA_256);
        VerifyResponse ok = kms.verify(b -> b.keyId(m.keyId()).message(SdkBytes.fromByteArray(MESSAGE))
                .signature(SdkBytes.fromByteArray(signature)).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256));
        assertTrue(ok.signatureValid());
        assertEquals(SigningAlgorithmSpec.ECDSA_SHA_256, ok.signingAlgorithm());

        // a signature made with a key the server does not hold, a message not signed, a malformed signature: not valid
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        Signature other = Signature.getInstance("SHA256withECDSA");
        other.initSign(g.generateKeyPair().getPrivate());
        other.update(MESSAGE);
        byte[] foreign = other.sign();
        refused(KmsInvalidSignatureException.class, "KMSInvalidSignatureException", () -> kms.verify(b -> b.keyId(m.keyId())
                .message(SdkBytes.fromByteArray(MESSAGE)).signature(SdkBytes.fromByteArray(foreign))
                .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)));
        byte[] tampered = "the order of 4 December".getBytes(StandardCharsets.UTF_8);
        refused(KmsInvalidSignatureException.class, "KMSInvalidSignatureException", () -> kms.verify(b -> b.keyId(m.keyId())
                .message(SdkBytes.fromByteArray(tampered)).signature(SdkBytes.fromByteArray(signature))
                .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)));
        refused(KmsInvalidSignatureException.class, "KMSInvalidSignatureException", () -> kms.verify(b -> b.keyId(m.keyId())
                .message(SdkBytes.fromByteArray(MESSAGE)).signature(SdkBytes.fromByteArray(new byte[]{0x30, 0x00}))
                .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)));
    }

    @Test
    void anRsaEncryptionKey_encryptsWithOaep_theSdkDecrypts_andAJdkCiphertextDecryptsToo() throws Exception {
        KeyMetadata m = createKey("RSA_2048", "ENCRYPT_DECRYPT");
        assertEquals(List.of("RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"), m.encryptionAlgorithmsAsStrings());
        assertFalse(m.hasSigningAlgorithms());
        byte[] secret = "a 32-byte secret for the tenant!".getBytes(StandardCharsets.US_ASCII);

        EncryptResponse e = kms.encrypt(b -> b.keyId(m.keyId()).plaintext(SdkBytes.fromByteArray(secret))
                .encryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256));
        assertEquals(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256, e.encryptionAlgorithm());
        assertEquals(256, e.ciphertextBlob().asByteArray().length);
        byte[] back = kms.decrypt(b -> b.keyId(m.keyId()).ciphertextBlob(e.ciphertextBlob())
                .encryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256)).plaintext().asByteArray();
        assertArrayEquals(secret, back);

        // standard OAEP: a ciphertext the JDK makes with the public key decrypts on the server
        for (String hash : List.of("SHA-1", "SHA-256")) {
            Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
            MGF1ParameterSpec mgf = hash.equals("SHA-1") ? MGF1ParameterSpec.SHA1 : MGF1ParameterSpec.SHA256;
            oaep.init(Cipher.ENCRYPT_MODE, publicKey(m.keyId(), "RSA"), new OAEPParameterSpec(hash, "MGF1", mgf, PSource.PSpecified.DEFAULT));
            byte[] ciphertext = oaep.doFinal(secret);
            EncryptionAlgorithmSpec algorithm = hash.equals("SHA-1") ? EncryptionAlgorithmSpec.RSAES_OAEP_SHA_1
                    : EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256;
            assertArrayEquals(secret, kms.decrypt(b -> b.keyId(m.keyId()).ciphertextBlob(SdkBytes.fromByteArray(ciphertext))
                    .encryptionAlgorithm(algorithm)).plaintext().asByteArray(), hash);
        }

        // the other OAEP hash does not decrypt it
        refused(InvalidCiphertextException.class, "InvalidCiphertextException", () -> kms.decrypt(b -> b.keyId(m.keyId())
                .ciphertextBlob(e.ciphertextBlob()).encryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_1)));
        // an RSA ciphertext names no key: AWS requires the KeyId
        refused(KmsException.class, "ValidationException", () -> kms.decrypt(b -> b.ciphertextBlob(e.ciphertextBlob())
                .encryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256)));
        // SYMMETRIC_DEFAULT (the default) is not an RSA key's
        refused(InvalidKeyUsageException.class, "InvalidKeyUsageException", () -> kms.encrypt(b -> b.keyId(m.keyId())
                .plaintext(SdkBytes.fromByteArray(secret))));
        // more than OAEP-SHA-256 takes with a 2048-bit key (256 - 2*32 - 2 = 190 bytes)
        refused(KmsException.class, "ValidationException", () -> kms.encrypt(b -> b.keyId(m.keyId())
                .plaintext(SdkBytes.fromByteArray(new byte[191])).encryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256)));
        assertEquals(256, kms.encrypt(b -> b.keyId(m.keyId()).plaintext(SdkBytes.fromByteArray(new byte[190]))
                .encryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256)).ciphertextBlob().asByteArray().length);
    }

    @Test
    void deriveSharedSecret_equalsTheJdksEcdhWithTheKeysPublicHalf() throws Exception {
        KeyMetadata m = createKey("ECC_NIST_P256", "KEY_AGREEMENT");
        assertEquals(List.of("ECDH"), m.keyAgreementAlgorithmsAsStrings());
        assertFalse(m.hasSigningAlgorithms());
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair mine = g.generateKeyPair();

        DeriveSharedSecretResponse r = kms.deriveSharedSecret(b -> b.keyId(m.keyId())
                .keyAgreementAlgorithm(KeyAgreementAlgorithmSpec.ECDH).publicKey(SdkBytes.fromByteArray(mine.getPublic().getEncoded())));
        KeyAgreement ecdh = KeyAgreement.getInstance("ECDH");
        ecdh.init(mine.getPrivate());
        ecdh.doPhase(publicKey(m.keyId(), "EC"), true);
        byte[] expected = ecdh.generateSecret();
        assertEquals(32, expected.length);
        assertArrayEquals(expected, r.sharedSecret().asByteArray());
        assertEquals(KeyAgreementAlgorithmSpec.ECDH, r.keyAgreementAlgorithm());
        assertEquals("AWS_KMS", r.keyOriginAsString());

        // a peer key of another curve is the caller's error
        KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
        p384.initialize(new ECGenParameterSpec("secp384r1"));
        byte[] otherCurve = p384.generateKeyPair().getPublic().getEncoded();
        refused(KmsException.class, "ValidationException", () -> kms.deriveSharedSecret(b -> b.keyId(m.keyId())
                .keyAgreementAlgorithm(KeyAgreementAlgorithmSpec.ECDH).publicKey(SdkBytes.fromByteArray(otherCurve))));
        refused(KmsException.class, "ValidationException", () -> kms.deriveSharedSecret(b -> b.keyId(m.keyId())
                .keyAgreementAlgorithm(KeyAgreementAlgorithmSpec.ECDH).publicKey(SdkBytes.fromByteArray(new byte[]{0x30, 0x03, 1, 2, 3}))));
        // a signing key does not agree
        KeyMetadata signer = createKey("ECC_NIST_P256", "SIGN_VERIFY");
        refused(InvalidKeyUsageException.class, "InvalidKeyUsageException", () -> kms.deriveSharedSecret(b -> b.keyId(signer.keyId())
                .keyAgreementAlgorithm(KeyAgreementAlgorithmSpec.ECDH).publicKey(SdkBytes.fromByteArray(mine.getPublic().getEncoded()))));
    }

    @Test
    void generateDataKeyPair_givesAMatchingPair_whosePrivateKeyTheSdksDecryptOpens() throws Exception {
        String wrapping = kms.createKey(b -> b.description("wraps data key pairs")).keyMetadata().keyId();
        Map<String, String> context = Map.of("purpose", "device-7");
        GenerateDataKeyPairResponse r = kms.generateDataKeyPair(b -> b.keyId(wrapping).keyPairSpec(DataKeyPairSpec.ECC_NIST_P256)
                .encryptionContext(context));
        assertEquals(DataKeyPairSpec.ECC_NIST_P256, r.keyPairSpec());
        assertEquals(KmsServerOperationsTest.ARN_PREFIX + "key/" + wrapping, r.keyId());
        byte[] pkcs8 = r.privateKeyPlaintext().asByteArray();
        PrivateKey priv = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        PublicKey pub = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(r.publicKey().asByteArray()));
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(priv);
        s.update(MESSAGE);
        assertTrue(jdkVerifies("SHA256withECDSA", pub, MESSAGE, s.sign()));

        byte[] opened = kms.decrypt(b -> b.ciphertextBlob(r.privateKeyCiphertextBlob()).encryptionContext(context))
                .plaintext().asByteArray();
        assertArrayEquals(pkcs8, opened);
        refused(InvalidCiphertextException.class, "InvalidCiphertextException", () -> kms.decrypt(b -> b
                .ciphertextBlob(r.privateKeyCiphertextBlob()).encryptionContext(Map.of("purpose", "device-8"))));

        GenerateDataKeyPairWithoutPlaintextResponse sealedOnly = kms.generateDataKeyPairWithoutPlaintext(b -> b.keyId(wrapping)
                .keyPairSpec(DataKeyPairSpec.RSA_2048));
        assertEquals(DataKeyPairSpec.RSA_2048, sealedOnly.keyPairSpec());
        byte[] rsaPkcs8 = kms.decrypt(b -> b.ciphertextBlob(sealedOnly.privateKeyCiphertextBlob())).plaintext().asByteArray();
        RSAPrivateCrtKey rsa = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(rsaPkcs8));
        RSAPublicKey rsaPub = (RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new X509EncodedKeySpec(sealedOnly.publicKey().asByteArray()));
        assertEquals(rsaPub.getModulus(), rsa.getModulus());
        assertEquals(rsaPub.getPublicExponent(), rsa.getPublicExponent());
        assertEquals(2048, rsa.getModulus().bitLength());

        int from = fixture.audit.size();
        kms.generateDataKeyPair(b -> b.keyId(wrapping).keyPairSpec(DataKeyPairSpec.ECC_NIST_P384));
        assertTrue(fixture.eventsSince(from).stream().anyMatch(e -> e.operation() == AuditOperation.GENERATE_DATA_KEY_PAIR
                && e.outcome() == AuditOutcome.SUCCESS && "alice".equals(e.principal())), fixture.eventsSince(from).toString());
        Arrays.fill(pkcs8, (byte) 0);
    }

    @Test
    void getPublicKey_namesTheKeysSpecUsageAndAlgorithms() throws Exception {
        KeyMetadata m = createKey("ECC_NIST_P384", "SIGN_VERIFY");
        GetPublicKeyResponse r = kms.getPublicKey(b -> b.keyId(m.arn()));
        assertEquals(m.arn(), r.keyId());
        assertEquals("ECC_NIST_P384", r.keySpecAsString());
        assertEquals("SIGN_VERIFY", r.keyUsageAsString());
        assertEquals(List.of("ECDSA_SHA_384"), r.signingAlgorithmsAsStrings());
        assertFalse(r.hasEncryptionAlgorithms());
        ECPublicKey pub = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(r.publicKey().asByteArray()));
        assertEquals(384, pub.getParams().getCurve().getField().getFieldSize());
        String symmetric = kms.createKey(b -> b.description("aes")).keyMetadata().keyId();
        refused(UnsupportedOperationException.class, "UnsupportedOperationException", () -> kms.getPublicKey(b -> b.keyId(symmetric)));
    }

    @Test
    void wrongUsageAlgorithmOrKeyType_isInvalidKeyUsage() {
        KeyMetadata p256 = createKey("ECC_NIST_P256", "SIGN_VERIFY");
        KeyMetadata rsaEncrypt = createKey("RSA_2048", "ENCRYPT_DECRYPT");
        String aes = kms.createKey(b -> b.description("aes")).keyMetadata().keyId();
        SdkBytes digest = SdkBytes.fromByteArray(new byte[32]);
        // an algorithm the key's spec does not have
        refused(InvalidKeyUsageException.class, "InvalidKeyUsageException", () -> kms.sign(b -> b.keyId(p256.keyId())
                .message(digest).messageType(MessageType.DIGEST).signingAlgorithm(SigningAlgorithmSpec.RSASSA_PSS_SHA_256)));
        refused(InvalidKeyUsageException.class, "InvalidKeyUsageException", () -> kms.sign(b -> b.keyId(p256.keyId())
                .message(digest).messageType(MessageType.DIGEST).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_384)));
        // an ENCRYPT_DECRYPT key does not sign, and the key service audits the refusal; a symmetric key neither
        int from = fixture.audit.size();
        refused(InvalidKeyUsageException.class, "InvalidKeyUsageException", () -> kms.sign(b -> b.keyId(rsaEncrypt.keyId())
                .message(digest).messageType(MessageType.DIGEST).signingAlgorithm(SigningAlgorithmSpec.RSASSA_PSS_SHA_256)));
        assertTrue(fixture.eventsSince(from).stream().anyMatch(e -> e.operation() == AuditOperation.SIGN
                && e.outcome() != AuditOutcome.SUCCESS && rsaEncrypt.keyId().equals(e.keyId())), fixture.eventsSince(from).toString());
        refused(InvalidKeyUsageException.class, "InvalidKeyUsageException", () -> kms.sign(b -> b.keyId(aes)
                .message(digest).messageType(MessageType.DIGEST).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)));
        // a signing key does not encrypt, and is no data key's wrapping key
        refused(InvalidKeyUsageException.class, "InvalidKeyUsageException", () -> kms.encrypt(b -> b.keyId(p256.keyId())
                .plaintext(digest).encryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256)));
        refused(InvalidKeyUsageException.class, "InvalidKeyUsageException", () -> kms.generateDataKeyPair(b -> b
                .keyId(rsaEncrypt.keyId()).keyPairSpec(DataKeyPairSpec.ECC_NIST_P256)));
        refused(InvalidKeyUsageException.class, "InvalidKeyUsageException", () -> kms.generateDataKey(b -> b
                .keyId(p256.keyId()).numberOfBytes(32)));
        // the symmetric key refuses RSA's algorithms
        refused(InvalidKeyUsageException.class, "InvalidKeyUsageException", () -> kms.encrypt(b -> b.keyId(aes)
                .plaintext(digest).encryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256)));
    }

    @Test
    void badInputIsValidationException_andBoundedBeforeDecoding() {
        KeyMetadata p256 = createKey("ECC_NIST_P256", "SIGN_VERIFY");
        // a digest of the wrong length for ECDSA_SHA_256
        refused(KmsException.class, "ValidationException", () -> kms.sign(b -> b.keyId(p256.keyId())
                .message(SdkBytes.fromByteArray(new byte[20])).messageType(MessageType.DIGEST)
                .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)));
        // a RAW message over AWS's 4096 bytes
        refused(KmsException.class, "ValidationException", () -> kms.sign(b -> b.keyId(p256.keyId())
                .message(SdkBytes.fromByteArray(new byte[4097])).messageType(MessageType.RAW)
                .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)));
        assertEquals(0x30, sign(p256.keyId(), new byte[4096], MessageType.RAW, SigningAlgorithmSpec.ECDSA_SHA_256)[0]);
        // a signature over the 6 KiB Verify takes
        refused(KmsException.class, "ValidationException", () -> kms.verify(b -> b.keyId(p256.keyId())
                .message(SdkBytes.fromByteArray(MESSAGE)).signature(SdkBytes.fromByteArray(new byte[6 * 1024 + 1]))
                .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)));
        // no SigningAlgorithm, an unknown one
        refused(KmsException.class, "ValidationException", () -> kms.sign(b -> b.keyId(p256.keyId())
                .message(SdkBytes.fromByteArray(MESSAGE))));
        refused(KmsException.class, "ValidationException", () -> kms.sign(b -> b.keyId(p256.keyId())
                .message(SdkBytes.fromByteArray(MESSAGE)).signingAlgorithm("ECDSA_SHA_1")));
        // key specs and usages as AWS checks them at CreateKey
        refused(KmsException.class, "ValidationException", () -> kms.createKey(b -> b.keySpec("ECC_NIST_P256").keyUsage("ENCRYPT_DECRYPT")));
        refused(KmsException.class, "ValidationException", () -> kms.createKey(b -> b.keySpec("RSA_2048")));
        refused(KmsException.class, "ValidationException", () -> kms.createKey(b -> b.keySpec("RSA_1024").keyUsage("SIGN_VERIFY")));
        refused(KmsException.class, "ValidationException", () -> kms.createKey(b -> b.keySpec("HMAC_256"))); // usage required
    }

    @Test
    void aDisabledOrPendingDeletionKey_doesNotSign_andTheRefusalIsAudited() {
        KeyMetadata m = createKey("ECC_NIST_P256", "SIGN_VERIFY");
        SdkBytes digest = SdkBytes.fromByteArray(new byte[32]);
        kms.disableKey(b -> b.keyId(m.keyId()));
        int from = fixture.audit.size();
        refused(DisabledException.class, "DisabledException", () -> kms.sign(b -> b.keyId(m.keyId()).message(digest)
                .messageType(MessageType.DIGEST).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)));
        List<AuditEvent> events = fixture.eventsSince(from);
        assertTrue(events.stream().anyMatch(e -> e.operation() == AuditOperation.SIGN && e.outcome() != AuditOutcome.SUCCESS
                && m.keyId().equals(String.valueOf(e.keyId()))), events.toString());
        refused(DisabledException.class, "DisabledException", () -> kms.getPublicKey(b -> b.keyId(m.keyId())));
        kms.enableKey(b -> b.keyId(m.keyId()));
        kms.scheduleKeyDeletion(b -> b.keyId(m.keyId()).pendingWindowInDays(7));
        refused(KmsInvalidStateException.class, "KMSInvalidStateException", () -> kms.sign(b -> b.keyId(m.keyId()).message(digest)
                .messageType(MessageType.DIGEST).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)));
        // DescribeKey still works, and says so
        assertEquals("PendingDeletion", kms.describeKey(b -> b.keyId(m.keyId())).keyMetadata().keyStateAsString());
    }
}
