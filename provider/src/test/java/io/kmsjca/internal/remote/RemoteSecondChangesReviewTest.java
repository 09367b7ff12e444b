package io.kmsjca.internal.remote;

import io.kmsjca.internal.crypto.KeyPairs;
import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.EncryptionAlgorithm;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.KeyStoreException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Review of the remote client's answer sizes and key creation steps (changes since 1039650). */
class RemoteSecondChangesReviewTest {

    private static final UUID KEY = UUID.fromString("7f0c2b5e-7a41-4b8e-9a1d-3c5e6f708198");

    private FakeKmsServer server;
    private RemoteKeyService service;

    @BeforeEach
    void start() throws IOException {
        server = new FakeKmsServer();
        service = RemoteKeyService.open(RemoteSettings.of(server.url(), "eu-west-1", "AKIAKMSJCATEST0004",
                "kms-jca-test-secret/review-0123456789".getBytes(StandardCharsets.UTF_8))
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(20), 1, Duration.ZERO));
    }

    @AfterEach
    void stop() throws IOException {
        service.close();
        server.close();
    }

    /**
     * createKeyPair's last request, GetPublicKey for the handle, runs after CreateKey (and CreateAlias):
     * refused (a caller allowed kms:CreateKey but not kms:GetPublicKey, a server that stops answering),
     * the exception must name the key that now exists, as a refused CreateAlias's does.
     */
    @Test
    void createKeyPair_aGetPublicKeyRefusedAfterCreateKey_namesTheKeyItLeft() {
        server.error(400, "NotFoundException", "no alias/signer")
                .answer(200, "{\"KeyMetadata\":{\"KeyId\":\"" + KEY + "\",\"KeyState\":\"Enabled\",\"CreationDate\":1.7e9,"
                        + "\"KeySpec\":\"ECC_NIST_P256\",\"KeyUsage\":\"SIGN_VERIFY\"}}")
                .answer(200, "{}")
                .reset();
        KeyStoreException e = assertThrows(KeyStoreException.class, () -> service.createKeyPair(
                CreateKeyRequest.withAlias("signer").keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsage.SIGN_VERIFY)));
        assertEquals(List.of("TrentService.DescribeKey", "TrentService.CreateKey", "TrentService.CreateAlias",
                "TrentService.GetPublicKey"), server.requests().stream().map(FakeKmsServer.Request::target).toList());
        assertTrue(e.getMessage().contains(KEY.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("was created"), e.getMessage());
    }

    /**
     * KeyService.decrypt by key id with SYMMETRIC_DEFAULT (the interface is RSA-OAEP only, the embedded
     * store refuses it with InvalidAlgorithmParameterException): the size check asked
     * oaepMaxPlaintextBytes for it after the server had decrypted, which threw IllegalArgumentException
     * (no GeneralSecurityException, the plaintext never wiped). Refused before anything is sent.
     */
    @Test
    void decryptByKeyId_withSymmetricDefault_isRefusedBeforeTheServerDecrypts() {
        server.answer(200, "{\"KeyId\":\"" + KEY + "\",\"Plaintext\":\"" + Base64.getEncoder().encodeToString(new byte[32])
                + "\",\"EncryptionAlgorithm\":\"SYMMETRIC_DEFAULT\"}");
        assertThrows(InvalidAlgorithmParameterException.class,
                () -> service.decrypt(KEY.toString(), new byte[100], EncryptionAlgorithm.SYMMETRIC_DEFAULT));
        assertEquals(0, server.requests().size());
    }

    /** Sound: the longest DER ECDSA signature a correct server gives (a sign byte only where the order fills its top byte) and the shortest are accepted. */
    @Test
    void sizesOfEveryCorrectAnswerAreAccepted() throws GeneralSecurityException {
        // an ECDSA signature of each curve at its shortest and longest is accepted (checked directly)
        for (KeySpec spec : new KeySpec[]{KeySpec.ECC_NIST_P256, KeySpec.ECC_SECG_P256K1, KeySpec.ECC_NIST_P384,
                KeySpec.ECC_NIST_P521}) {
            int order = (spec.bits() + 7) / 8;
            boolean topBitPossible = spec.bits() % 8 == 0;
            int integer = 2 + order + (topBitPossible ? 1 : 0);
            int content = 2 * integer;
            int longest = content + (content < 128 ? 2 : 3);
            assertTrue(io.kmsjca.internal.crypto.AsymmetricSizes.isSignatureLength(spec, longest), spec + " " + longest);
            assertTrue(io.kmsjca.internal.crypto.AsymmetricSizes.isSignatureLength(spec, 8), spec + " 8");
            assertTrue(KeyPairs.generate(spec) != null);
        }
    }
}
