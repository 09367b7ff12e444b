package io.kmsjca.internal.remote;

import io.kmsjca.internal.format.WrappedKeyBlob;
import io.kmsjca.keys.EncryptionAlgorithm;
import io.kmsjca.keys.KeyAgreementAlgorithm;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.BadPaddingException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.KeyPairGenerator;
import java.security.KeyStoreException;
import java.security.PublicKey;
import java.security.SignatureException;
import java.security.interfaces.ECKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The remote client's asymmetric requests against a scripted server: what it sends, how it reads
 * AWS's answers and errors (Verify's KMSInvalidSignatureException is false), and the answers it
 * refuses because they do not answer the request (another key, another algorithm, a public key or
 * a shared secret that cannot be the key's, a data key pair sealed under another key).
 */
class RemoteAsymmetricKeysTest {

    private static final UUID KEY = UUID.fromString("2a0c2b5e-7a41-4b8e-9a1d-3c5e6f708193");
    private static final UUID OTHER = UUID.fromString("3b0c2b5e-7a41-4b8e-9a1d-3c5e6f708194");

    private FakeKmsServer server;
    private RemoteKeyService service;

    @BeforeEach
    void start() throws IOException {
        server = new FakeKmsServer();
        service = RemoteKeyService.open(RemoteSettings.of(server.url(), "eu-west-1", "AKIAKMSJCATEST0002",
                "kms-jca-test-secret/asymmetric-0123456789".getBytes(StandardCharsets.UTF_8))
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(20), 3, Duration.ZERO));
    }

    @AfterEach
    void stop() throws IOException {
        service.close();
        server.close();
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static PublicKey ecPublicKey(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair().getPublic();
    }

    private static String describe(UUID id, String spec, String usage) {
        return "{\"KeyMetadata\":{\"KeyId\":\"" + id + "\",\"KeyState\":\"Enabled\",\"CreationDate\":1.7e9,\"KeySpec\":\""
                + spec + "\",\"KeyUsage\":\"" + usage + "\"}}";
    }

    private static String publicKeyAnswer(UUID id, String spec, String usage, PublicKey key) {
        return "{\"KeyId\":\"arn:aws:kms:eu-west-1:0:key/" + id + "\",\"KeySpec\":\"" + spec + "\",\"KeyUsage\":\"" + usage
                + "\",\"PublicKey\":\"" + b64(key.getEncoded()) + "\"}";
    }

    @Test
    void sign_sendsAwsMembers_andRefusesAnAnswerAboutAnotherKeyOrAlgorithm() throws Exception {
        byte[] digest = new byte[32];
        byte[] signature = new byte[70];
        signature[0] = 0x30;
        server.answer(200, "{\"KeyId\":\"" + KEY + "\",\"Signature\":\"" + b64(signature) + "\",\"SigningAlgorithm\":\"ECDSA_SHA_256\"}");
        assertArrayEquals(signature, service.sign(KEY.toString(), digest, MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_256));
        FakeKmsServer.Request sent = server.requests().get(0);
        assertEquals("TrentService.Sign", sent.target());
        assertEquals("{\"KeyId\":\"" + KEY + "\",\"Message\":\"" + b64(digest) + "\",\"MessageType\":\"DIGEST\","
                + "\"SigningAlgorithm\":\"ECDSA_SHA_256\"}", sent.body());

        server.answer(200, "{\"KeyId\":\"" + OTHER + "\",\"Signature\":\"MAEC\",\"SigningAlgorithm\":\"ECDSA_SHA_256\"}");
        InvalidKeyException other = assertThrows(InvalidKeyException.class,
                () -> service.sign(KEY.toString(), digest, MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_256));
        assertTrue(other.getMessage().contains("not about key " + KEY), other.getMessage());
        server.answer(200, "{\"KeyId\":\"" + KEY + "\",\"Signature\":\"MAEC\",\"SigningAlgorithm\":\"ECDSA_SHA_384\"}");
        assertThrows(InvalidKeyException.class, () -> service.sign(KEY.toString(), digest, MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_256));
        // AWS's refusals: a bad message is the caller's SignatureException, a usage refusal an InvalidKeyException
        server.error(400, "ValidationException", "Digest is invalid length for algorithm ECDSA_SHA_256.");
        assertThrows(SignatureException.class, () -> service.sign(KEY.toString(), new byte[20], MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_256));
        server.error(400, "InvalidKeyUsageException", "not a signing key");
        InvalidKeyException usage = assertThrows(InvalidKeyException.class,
                () -> service.sign("alias/inbox", digest, MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_256));
        assertTrue(usage.getMessage().contains("InvalidKeyUsageException"), usage.getMessage());
        // Sign changes nothing: sent again after a 5xx
        server.error(503, "KMSInternalException", "busy").answer(200, "{\"KeyId\":\"" + KEY + "\",\"Signature\":\"" + b64(signature) + "\"}");
        service.sign(KEY.toString(), digest, MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_256);
        assertEquals(7, server.requests().size());
    }

    @Test
    void verify_isFalseOnKmsInvalidSignature_andAnAnswerThatIsNeither_isRefused() throws Exception {
        server.answer(200, "{\"KeyId\":\"" + KEY + "\",\"SignatureValid\":true,\"SigningAlgorithm\":\"ECDSA_SHA_256\"}");
        assertTrue(service.verify(KEY.toString(), new byte[3], MessageType.RAW, new byte[8], SigningAlgorithm.ECDSA_SHA_256));
        server.error(400, "KMSInvalidSignatureException", "invalid");
        assertFalse(service.verify(KEY.toString(), new byte[3], MessageType.RAW, new byte[8], SigningAlgorithm.ECDSA_SHA_256));
        server.answer(200, "{\"KeyId\":\"" + KEY + "\",\"SignatureValid\":false}");
        assertThrows(InvalidKeyException.class, () -> service.verify(KEY.toString(), new byte[3], MessageType.RAW, new byte[8],
                SigningAlgorithm.ECDSA_SHA_256));
    }

    @Test
    void findPrivateKey_isDescribeKeyThenGetPublicKey_andEmptyForASymmetricKey() throws Exception {
        PublicKey p256 = ecPublicKey("secp256r1");
        server.answer(200, describe(KEY, "ECC_NIST_P256", "KEY_AGREEMENT"))
                .answer(200, publicKeyAnswer(KEY, "ECC_NIST_P256", "KEY_AGREEMENT", p256));
        KmsPrivateKeyHandle handle = service.findPrivateKey("agree").orElseThrow();
        assertEquals(KEY, handle.keyId());
        assertEquals("agree", handle.alias());
        assertEquals(p256, handle.publicKey());
        assertEquals(p256.getAlgorithm(), handle.getAlgorithm());
        assertEquals(256, assertInstanceOf(ECKey.class, handle).getParams().getCurve().getField().getFieldSize());
        assertEquals(List.of("TrentService.DescribeKey", "TrentService.GetPublicKey"),
                server.requests().stream().map(FakeKmsServer.Request::target).toList());
        assertTrue(server.requests().get(0).body().contains("\"alias/agree\""), server.requests().get(0).body());

        server.answer(200, describe(OTHER, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"));
        assertTrue(service.findPrivateKey("orders").isEmpty());
        server.error(400, "NotFoundException", "no such key");
        assertTrue(service.findPrivateKey("nothing").isEmpty());
        assertEquals(4, server.requests().size(), "a symmetric or unknown key costs one DescribeKey");
    }

    @Test
    void aPublicKeyNotOfTheSpecTheAnswerNames_isRefused() throws Exception {
        server.answer(200, publicKeyAnswer(KEY, "ECC_NIST_P256", "SIGN_VERIFY", ecPublicKey("secp384r1")));
        KeyStoreException e = assertThrows(KeyStoreException.class, () -> service.getPublicKey(KEY.toString()));
        assertTrue(e.getMessage().contains("not a ECC_NIST_P256 public key"), e.getMessage());
        server.answer(200, publicKeyAnswer(OTHER, "ECC_NIST_P256", "SIGN_VERIFY", ecPublicKey("secp256r1")));
        assertThrows(KeyStoreException.class, () -> service.getPublicKey(KEY.toString()));
        server.answer(200, publicKeyAnswer(KEY, "ECC_NIST_P256", "ENCRYPT_DECRYPT", ecPublicKey("secp256r1")));
        assertThrows(KeyStoreException.class, () -> service.getPublicKey(KEY.toString()));
    }

    @Test
    void deriveSharedSecret_andRsaDecrypt_holdTheirAnswersToTheRequest() throws Exception {
        byte[] peer = ecPublicKey("secp256r1").getEncoded();
        server.answer(200, "{\"KeyId\":\"" + KEY + "\",\"SharedSecret\":\"" + b64(new byte[32]) + "\",\"KeyAgreementAlgorithm\":\"ECDH\"}");
        assertEquals(32, service.deriveSharedSecret(KEY.toString(), KeyAgreementAlgorithm.ECDH, peer).length);
        assertTrue(server.requests().get(0).body().contains("\"PublicKey\":\"" + b64(peer) + "\""));
        server.answer(200, "{\"KeyId\":\"" + KEY + "\",\"SharedSecret\":\"" + b64(new byte[67]) + "\"}");
        assertThrows(InvalidKeyException.class, () -> service.deriveSharedSecret(KEY.toString(), KeyAgreementAlgorithm.ECDH, peer));

        server.error(400, "InvalidCiphertextException", "does not decrypt");
        assertThrows(BadPaddingException.class, () -> service.decrypt(KEY.toString(), new byte[256], EncryptionAlgorithm.RSAES_OAEP_SHA_256));
        server.answer(200, "{\"KeyId\":\"" + KEY + "\",\"Plaintext\":\"AQID\",\"EncryptionAlgorithm\":\"RSAES_OAEP_SHA_1\"}");
        assertThrows(InvalidKeyException.class, () -> service.decrypt(KEY.toString(), new byte[256], EncryptionAlgorithm.RSAES_OAEP_SHA_256));
        assertTrue(server.requests().get(3).body().contains("\"EncryptionAlgorithm\":\"RSAES_OAEP_SHA_256\""));
    }

    @Test
    void aDataKeyPairSealedUnderAnotherKey_orOfAnotherSpec_isRefused() throws Exception {
        byte[] publicKey = ecPublicKey("secp256r1").getEncoded();
        byte[] sealedUnderOther = WrappedKeyBlob.newBlob(OTHER, 1, new byte[32], new byte[32], 0L, 138);
        server.answer(200, "{\"KeyId\":\"" + KEY + "\",\"KeyPairSpec\":\"ECC_NIST_P256\",\"PublicKey\":\"" + b64(publicKey)
                + "\",\"PrivateKeyCiphertextBlob\":\"" + b64(sealedUnderOther) + "\"}");
        assertThrows(InvalidKeyException.class, () -> service.generateDataKeyPair(KEY.toString(), KeySpec.ECC_NIST_P256, Map.of(), false));
        byte[] sealed = WrappedKeyBlob.newBlob(KEY, 1, new byte[32], new byte[32], 0L, 138);
        server.answer(200, "{\"KeyId\":\"" + KEY + "\",\"KeyPairSpec\":\"ECC_NIST_P384\",\"PublicKey\":\"" + b64(publicKey)
                + "\",\"PrivateKeyCiphertextBlob\":\"" + b64(sealed) + "\"}");
        assertThrows(InvalidKeyException.class, () -> service.generateDataKeyPair(KEY.toString(), KeySpec.ECC_NIST_P256, Map.of(), false));
        server.answer(200, "{\"KeyId\":\"" + KEY + "\",\"KeyPairSpec\":\"ECC_NIST_P256\",\"PublicKey\":\"" + b64(publicKey)
                + "\",\"PrivateKeyCiphertextBlob\":\"" + b64(sealed) + "\"}");
        var pair = service.generateDataKeyPair(KEY.toString(), KeySpec.ECC_NIST_P256, Map.of("device", "7"), false);
        assertArrayEquals(sealed, pair.privateKeyCiphertext());
        assertArrayEquals(publicKey, pair.publicKey());
        assertEquals("TrentService.GenerateDataKeyPairWithoutPlaintext", server.requests().get(2).target());
        assertTrue(server.requests().get(2).body().endsWith("\"EncryptionContext\":{\"device\":\"7\"}}"), server.requests().get(2).body());
    }

    @Test
    void aDataKeyPairWhosePlaintextPrivateKeyIsNotThePublicKeys_isRefused() throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
        g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        java.security.KeyPair mine = g.generateKeyPair();
        java.security.KeyPair other = g.generateKeyPair();
        byte[] sealed = WrappedKeyBlob.newBlob(KEY, 1, new byte[32], new byte[32], 0L, 138);
        String answer = "{\"KeyId\":\"" + KEY + "\",\"KeyPairSpec\":\"ECC_NIST_P256\",\"PublicKey\":\"%s\","
                + "\"PrivateKeyPlaintext\":\"" + b64(mine.getPrivate().getEncoded()) + "\",\"PrivateKeyCiphertextBlob\":\""
                + b64(sealed) + "\"}";
        server.answer(200, answer.formatted(b64(other.getPublic().getEncoded())));
        InvalidKeyException e = assertThrows(InvalidKeyException.class,
                () -> service.generateDataKeyPair(KEY.toString(), KeySpec.ECC_NIST_P256, Map.of(), true));
        assertTrue(String.valueOf(e.getMessage()).contains("not the private key of its PublicKey"), e.getMessage());
        server.answer(200, answer.formatted(b64(mine.getPublic().getEncoded())));
        var pair = service.generateDataKeyPair(KEY.toString(), KeySpec.ECC_NIST_P256, Map.of(), true);
        assertArrayEquals(mine.getPublic().getEncoded(), pair.publicKey());
    }
}
