package io.kmsjca.internal.remote;

import io.kmsjca.internal.crypto.KeyPairs;
import io.kmsjca.keys.EncryptionAlgorithm;
import io.kmsjca.keys.KeyAgreementAlgorithm;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;
import io.kmsjca.provider.KmsProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server's answer of a size the key cannot give is refused, not handed to the caller: an RSA
 * signature one byte short (a leading zero dropped), an ECDH secret shorter than the curve's
 * field, an RSA-OAEP plaintext longer than the key decrypts. Through a handle the key's spec is
 * known and the size is exact; by key id alone it must be one some spec of the algorithm gives.
 */
class RemoteAnswerSizesTest {

    private static final UUID KEY = UUID.fromString("4c0c2b5e-7a41-4b8e-9a1d-3c5e6f708195");

    private FakeKmsServer server;
    private RemoteKeyService service;
    private final KmsProvider provider = new KmsProvider();

    @BeforeEach
    void start() throws IOException {
        server = new FakeKmsServer();
        service = RemoteKeyService.open(RemoteSettings.of(server.url(), "eu-west-1", "AKIAKMSJCATEST0003",
                "kms-jca-test-secret/sizes-0123456789".getBytes(StandardCharsets.UTF_8))
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

    /** A handle of a key of {@code spec} and {@code usage} on the scripted server. */
    private KmsPrivateKeyHandle handle(KeySpec spec, String usage) throws Exception {
        PublicKey publicKey = KeyPairs.generate(spec).getPublic();
        server.answer(200, "{\"KeyMetadata\":{\"KeyId\":\"" + KEY + "\",\"KeyState\":\"Enabled\",\"CreationDate\":1.7e9,"
                        + "\"KeySpec\":\"" + spec + "\",\"KeyUsage\":\"" + usage + "\"}}")
                .answer(200, "{\"KeyId\":\"" + KEY + "\",\"KeySpec\":\"" + spec + "\",\"KeyUsage\":\"" + usage
                        + "\",\"PublicKey\":\"" + b64(publicKey.getEncoded()) + "\"}");
        return service.findPrivateKey(KEY.toString()).orElseThrow();
    }

    private void answerSignature(int length, String algorithm) {
        byte[] signature = new byte[length];
        signature[0] = 0x30;
        server.answer(200, "{\"KeyId\":\"" + KEY + "\",\"Signature\":\"" + b64(signature) + "\",\"SigningAlgorithm\":\""
                + algorithm + "\"}");
    }

    @Test
    void anRsaSignatureOneByteShort_isRefusedBySignature() throws Exception {
        KmsPrivateKeyHandle rsa = handle(KeySpec.RSA_2048, "SIGN_VERIFY");
        Signature signer = Signature.getInstance("SHA256withRSA", provider);
        signer.initSign(rsa);
        signer.update(new byte[]{1, 2, 3});
        answerSignature(255, "RSASSA_PKCS1_V1_5_SHA_256");
        SignatureException e = assertThrows(SignatureException.class, signer::sign);
        assertTrue(e.getMessage().contains("signature of 255 bytes for a RSA_2048 key"), e.getMessage());

        signer.update(new byte[]{1, 2, 3});
        answerSignature(256, "RSASSA_PKCS1_V1_5_SHA_256");
        assertEquals(256, signer.sign().length);
    }

    @Test
    void byKeyIdAlone_aSignatureMustBeOfSomeSpecOfTheAlgorithm() throws Exception {
        byte[] digest = new byte[32];
        answerSignature(73, "ECDSA_SHA_256"); // longer than any P-256 or secp256k1 DER signature
        assertThrows(InvalidKeyException.class,
                () -> service.sign(KEY.toString(), digest, MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_256));
        answerSignature(72, "ECDSA_SHA_256");
        assertEquals(72, service.sign(KEY.toString(), digest, MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_256).length);
        answerSignature(2421, "ML_DSA_SHAKE_256");
        assertThrows(InvalidKeyException.class,
                () -> service.sign(KEY.toString(), new byte[64], MessageType.EXTERNAL_MU, SigningAlgorithm.ML_DSA_SHAKE_256));
        answerSignature(3309, "ML_DSA_SHAKE_256");
        assertEquals(3309, service.sign(KEY.toString(), new byte[64], MessageType.EXTERNAL_MU,
                SigningAlgorithm.ML_DSA_SHAKE_256).length);
    }

    @Test
    void anEcdhSecretShorterThanTheCurvesField_isRefusedByKeyAgreement() throws Exception {
        KmsPrivateKeyHandle p256 = handle(KeySpec.ECC_NIST_P256, "KEY_AGREEMENT");
        KeyAgreement ka = KeyAgreement.getInstance("ECDH", provider);
        ka.init(p256);
        PublicKey theirs = KeyPairs.generate(KeySpec.ECC_NIST_P256).getPublic();
        ka.doPhase(theirs, true);
        server.answer(200, "{\"KeyId\":\"" + KEY + "\",\"SharedSecret\":\"" + b64(new byte[31]) + "\",\"KeyAgreementAlgorithm\":\"ECDH\"}");
        ProviderException e = assertThrows(ProviderException.class, ka::generateSecret);
        assertTrue(e.getMessage().contains("a shared secret of 31 bytes"), e.getMessage());
        // P-384's length is some curve's, but not this key's (each generateSecret, refused or not, ends the agreement)
        ka.doPhase(theirs, true);
        server.answer(200, "{\"KeyId\":\"" + KEY + "\",\"SharedSecret\":\"" + b64(new byte[48]) + "\",\"KeyAgreementAlgorithm\":\"ECDH\"}");
        assertThrows(ProviderException.class, ka::generateSecret);
        ka.doPhase(theirs, true);
        server.answer(200, "{\"KeyId\":\"" + KEY + "\",\"SharedSecret\":\"" + b64(new byte[32]) + "\",\"KeyAgreementAlgorithm\":\"ECDH\"}");
        assertEquals(32, ka.generateSecret().length);

        // by key id alone: the length of some curve's field
        byte[] peer = KeyPairs.generate(KeySpec.ECC_NIST_P384).getPublic().getEncoded();
        server.answer(200, "{\"KeyId\":\"" + KEY + "\",\"SharedSecret\":\"" + b64(new byte[47]) + "\"}");
        assertThrows(InvalidKeyException.class, () -> service.deriveSharedSecret(KEY.toString(), KeyAgreementAlgorithm.ECDH, peer));
        server.answer(200, "{\"KeyId\":\"" + KEY + "\",\"SharedSecret\":\"" + b64(new byte[48]) + "\"}");
        assertEquals(48, service.deriveSharedSecret(KEY.toString(), KeyAgreementAlgorithm.ECDH, peer).length);
    }

    @Test
    void anOaepPlaintextLongerThanTheKeyDecrypts_isRefusedByCipher() throws Exception {
        KmsPrivateKeyHandle rsa = handle(KeySpec.RSA_2048, "ENCRYPT_DECRYPT");
        Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding", provider);
        oaep.init(Cipher.DECRYPT_MODE, rsa);
        int max = 256 - 2 * 32 - 2;
        server.answer(200, "{\"KeyId\":\"" + KEY + "\",\"Plaintext\":\"" + b64(new byte[max + 1]) + "\",\"EncryptionAlgorithm\":\"RSAES_OAEP_SHA_256\"}");
        Exception e = assertThrows(Exception.class, () -> oaep.doFinal(new byte[256]));
        assertTrue(String.valueOf(e.getMessage()).contains("a plaintext of 191 bytes"), e.toString());
        server.answer(200, "{\"KeyId\":\"" + KEY + "\",\"Plaintext\":\"" + b64(new byte[max]) + "\",\"EncryptionAlgorithm\":\"RSAES_OAEP_SHA_256\"}");
        assertEquals(max, oaep.doFinal(new byte[256]).length);

        // by key id alone: at most what the longest modulus (RSA-4096) decrypts
        server.answer(200, "{\"KeyId\":\"" + KEY + "\",\"Plaintext\":\"" + b64(new byte[447]) + "\",\"EncryptionAlgorithm\":\"RSAES_OAEP_SHA_256\"}");
        assertThrows(InvalidKeyException.class, () -> service.decrypt(KEY.toString(), new byte[512], EncryptionAlgorithm.RSAES_OAEP_SHA_256));
        server.answer(200, "{\"KeyId\":\"" + KEY + "\",\"Plaintext\":\"" + b64(new byte[446]) + "\",\"EncryptionAlgorithm\":\"RSAES_OAEP_SHA_256\"}");
        assertEquals(446, service.decrypt(KEY.toString(), new byte[512], EncryptionAlgorithm.RSAES_OAEP_SHA_256).length);
    }
}
