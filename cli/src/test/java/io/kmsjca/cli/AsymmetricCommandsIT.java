package io.kmsjca.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The asymmetric commands through the shaded jar, checked by the real {@code openssl}: signatures
 * of ECDSA P-256, RSA PKCS#1 v1.5 and PSS, and Ed25519 verify with openssl; openssl's RSA-OAEP
 * ciphertexts decrypt with {@code kms decrypt}; {@code derive-shared-secret} equals openssl's
 * ECDH; a data key pair's halves match (JDK). Refusals exit non-zero with AWS's exception names.
 * openssl must be installed (.ci/run installs it): without it these tests fail, they do not skip.
 */
@org.junit.jupiter.api.Tag("same-on-every-jdk") // openssl checks what the provider made: its signatures and OAEP are checked on JDK 25 by the provider tests (JDK and Bouncy Castle verifiers, Wycheproof) (README, "Supported JDKs")
class AsymmetricCommandsIT {

    @TempDir
    Path dir;
    Kms kms;

    @BeforeAll
    static void opensslIsInstalled() throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("openssl is not installed: these tests need it (apt-get install openssl)", e);
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "openssl version");
    }

    @BeforeEach
    void setUp() throws Exception {
        kms = Kms.withStore(dir);
    }

    // ---------------------------------------------------------------- create-key, describe-key

    @Test
    void createKey_keySpecAndUsage_metadataListsTheAlgorithmsAsAwsDoes() throws Exception {
        JsonObject ec = createKey("ECC_NIST_P256", "SIGN_VERIFY", "ec-sign");
        assertEquals("ECC_NIST_P256", ec.get("KeySpec").getAsString());
        assertEquals("SIGN_VERIFY", ec.get("KeyUsage").getAsString());
        assertEquals(List.of("ECDSA_SHA_256"), strings(ec.getAsJsonArray("SigningAlgorithms")));
        assertFalse(ec.has("EncryptionAlgorithms"), ec.toString());
        assertFalse(ec.has("KeyAgreementAlgorithms"), ec.toString());

        JsonObject rsa = createKey("RSA_2048", null, "rsa-default"); // AWS's default usage: ENCRYPT_DECRYPT
        assertEquals("ENCRYPT_DECRYPT", rsa.get("KeyUsage").getAsString());
        assertEquals(List.of("RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"), strings(rsa.getAsJsonArray("EncryptionAlgorithms")));
        assertFalse(rsa.has("SigningAlgorithms"), rsa.toString());

        JsonObject agreement = createKey("ECC_NIST_P384", "KEY_AGREEMENT", "exchange");
        assertEquals(List.of("ECDH"), strings(agreement.getAsJsonArray("KeyAgreementAlgorithms")));
        assertFalse(agreement.has("SigningAlgorithms"), agreement.toString());

        Kms.Result described = kms.run("describe-key", "--key-id", "alias/ec-sign");
        assertEquals(0, described.code(), described.toString());
        JsonObject metadata = described.json().getAsJsonObject("KeyMetadata");
        assertEquals(ec.get("KeyId").getAsString(), metadata.get("KeyId").getAsString());
        assertEquals(List.of("ECDSA_SHA_256"), strings(metadata.getAsJsonArray("SigningAlgorithms")));

        Kms.Result symmetric = kms.run("create-key", "--alias", "aes");
        JsonObject aes = symmetric.json().getAsJsonObject("KeyMetadata");
        assertEquals("SYMMETRIC_DEFAULT", aes.get("KeySpec").getAsString(), symmetric.toString());
        assertEquals(List.of("SYMMETRIC_DEFAULT"), strings(aes.getAsJsonArray("EncryptionAlgorithms")));
        assertFalse(aes.has("SigningAlgorithms"));

        Kms.Result wrongUsage = kms.run("create-key", "--key-spec", "ECC_NIST_P256", "--key-usage", "ENCRYPT_DECRYPT");
        assertEquals(2, wrongUsage.code(), wrongUsage.toString());
        assertTrue(wrongUsage.err().contains("ENCRYPT_DECRYPT"), wrongUsage.err());
        Kms.Result unknownSpec = kms.run("create-key", "--key-spec", "RSA_1024");
        assertEquals(2, unknownSpec.code(), unknownSpec.toString());
    }

    // ---------------------------------------------------------------- sign, verify, get-public-key

    @Test
    void ecdsaP256_signRawAndDigest_opensslVerifies_kmsVerifyRefusesAnotherMessage() throws Exception {
        String keyId = createKey("ECC_NIST_P256", "SIGN_VERIFY", "ec-sign").get("KeyId").getAsString();
        Path message = random("message.bin", 1000);

        Kms.Result signed = kms.run("sign", "--key-id", "alias/ec-sign", "--message", "fileb://message.bin",
                "--message-type", "RAW", "--signing-algorithm", "ECDSA_SHA_256");
        assertEquals(0, signed.code(), signed.toString());
        assertEquals("arn:aws:kms:local:000000000000:key/" + keyId, signed.field("KeyId"));
        assertEquals("ECDSA_SHA_256", signed.field("SigningAlgorithm"));
        Path signature = Files.write(dir.resolve("message.sig"), signed.blob("Signature"));

        Path pem = publicKeyPem("alias/ec-sign", "ec");
        assertOpenssl("dgst", "-sha256", "-verify", pem.toString(), "-signature", "message.sig", "message.bin");
        Path other = random("other.bin", 1000);
        assertNotEquals(0, openssl("dgst", "-sha256", "-verify", pem.toString(), "-signature", "message.sig", "other.bin").code(),
                "openssl refuses the signature for another message");

        Files.write(dir.resolve("message.sha256"), MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(message)));
        Kms.Result digestSigned = kms.run("sign", "--key-id", keyId, "--message", "fileb://message.sha256",
                "--message-type", "DIGEST", "--signing-algorithm", "ECDSA_SHA_256", "--query", "Signature", "--output", "text");
        assertEquals(0, digestSigned.code(), digestSigned.toString());
        Files.write(dir.resolve("digest.sig"), Base64.getDecoder().decode(digestSigned.out().strip()));
        assertOpenssl("dgst", "-sha256", "-verify", pem.toString(), "-signature", "digest.sig", "message.bin");

        Kms.Result valid = kms.run("verify", "--key-id", "alias/ec-sign", "--message", "fileb://message.bin",
                "--message-type", "RAW", "--signature", "fileb://" + signature, "--signing-algorithm", "ECDSA_SHA_256");
        assertEquals(0, valid.code(), valid.toString());
        assertTrue(valid.json().get("SignatureValid").getAsBoolean());
        assertEquals("arn:aws:kms:local:000000000000:key/" + keyId, valid.field("KeyId"));

        Kms.Result invalid = kms.run("verify", "--key-id", "alias/ec-sign", "--message", "fileb://" + other,
                "--signature", "fileb://" + signature, "--signing-algorithm", "ECDSA_SHA_256");
        assertEquals(1, invalid.code(), invalid.toString());
        assertTrue(invalid.err().contains("KMSInvalidSignatureException"), invalid.err());
        assertEquals("", invalid.out());
    }

    @Test
    void rsa2048_pkcs1AndPssSignatures_verifyWithOpenssl_getPublicKeyShape() throws Exception {
        String keyId = createKey("RSA_2048", "SIGN_VERIFY", "rsa-sign").get("KeyId").getAsString();
        random("message.bin", 4096); // the largest RAW message

        Kms.Result publicKey = kms.run("get-public-key", "--key-id", "alias/rsa-sign");
        assertEquals(0, publicKey.code(), publicKey.toString());
        assertEquals("arn:aws:kms:local:000000000000:key/" + keyId, publicKey.field("KeyId"));
        assertEquals("RSA_2048", publicKey.field("KeySpec"));
        assertEquals("SIGN_VERIFY", publicKey.field("KeyUsage"));
        assertEquals(List.of("RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256",
                "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512"), strings(publicKey.json().getAsJsonArray("SigningAlgorithms")));
        RSAPublicKey rsa = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(publicKey.blob("PublicKey")));
        assertEquals(2048, rsa.getModulus().bitLength());
        Path pem = publicKeyPem("alias/rsa-sign", "rsa");

        Kms.Result pkcs1 = kms.run("sign", "--key-id", "alias/rsa-sign", "--message", "fileb://message.bin",
                "--signing-algorithm", "RSASSA_PKCS1_V1_5_SHA_256");
        assertEquals(0, pkcs1.code(), pkcs1.toString());
        Files.write(dir.resolve("pkcs1.sig"), pkcs1.blob("Signature"));
        assertOpenssl("dgst", "-sha256", "-verify", pem.toString(), "-signature", "pkcs1.sig", "message.bin");

        Kms.Result pss = kms.run("sign", "--key-id", "alias/rsa-sign", "--message", "fileb://message.bin",
                "--signing-algorithm", "RSASSA_PSS_SHA_256");
        assertEquals(0, pss.code(), pss.toString());
        assertEquals("RSASSA_PSS_SHA_256", pss.field("SigningAlgorithm"));
        Files.write(dir.resolve("pss.sig"), pss.blob("Signature"));
        assertOpenssl("dgst", "-sha256", "-verify", pem.toString(), "-sigopt", "rsa_padding_mode:pss",
                "-sigopt", "rsa_pss_saltlen:-1", "-signature", "pss.sig", "message.bin");
        assertNotEquals(0, openssl("dgst", "-sha256", "-verify", pem.toString(), "-signature", "pss.sig", "message.bin").code(),
                "a PSS signature is not a PKCS#1 v1.5 one");
    }

    @Test
    void ed25519_signatureVerifiesWithOpenssl() throws Exception {
        createKey("ECC_NIST_EDWARDS25519", "SIGN_VERIFY", "ed");
        random("message.bin", 300);
        Kms.Result signed = kms.run("sign", "--key-id", "alias/ed", "--message", "fileb://message.bin",
                "--signing-algorithm", "ED25519_SHA_512");
        assertEquals(0, signed.code(), signed.toString());
        byte[] signature = signed.blob("Signature");
        assertEquals(64, signature.length);
        Files.write(dir.resolve("message.sig"), signature);
        Path pem = publicKeyPem("alias/ed", "ed");
        assertOpenssl("pkeyutl", "-verify", "-pubin", "-inkey", pem.toString(), "-rawin", "-in", "message.bin",
                "-sigfile", "message.sig");
    }

    @Test
    void mlDsa65_signatureVerifiesWithBouncyCastle_andWithKmsVerify() throws Exception {
        createKey("ML_DSA_65", "SIGN_VERIFY", "pq");
        Path message = random("message.bin", 2000);
        Kms.Result signed = kms.run("sign", "--key-id", "alias/pq", "--message", "fileb://message.bin",
                "--signing-algorithm", "ML_DSA_SHAKE_256");
        assertEquals(0, signed.code(), signed.toString());
        byte[] signature = signed.blob("Signature");
        assertEquals(3309, signature.length, "an ML-DSA-65 signature (FIPS 204)");

        Kms.Result publicKey = kms.run("get-public-key", "--key-id", "alias/pq");
        assertEquals(List.of("ML_DSA_SHAKE_256"), strings(publicKey.json().getAsJsonArray("SigningAlgorithms")), publicKey.toString());
        java.security.Provider bc = new org.bouncycastle.jce.provider.BouncyCastleProvider();
        PublicKey mlDsa = KeyFactory.getInstance("ML-DSA", bc).generatePublic(new X509EncodedKeySpec(publicKey.blob("PublicKey")));
        Signature verifier = Signature.getInstance("ML-DSA", bc); // pure ML-DSA, empty context, as AWS KMS signs RAW
        verifier.initVerify(mlDsa);
        verifier.update(Files.readAllBytes(message));
        assertTrue(verifier.verify(signature), "Bouncy Castle verifies kms's ML-DSA signature");

        Path sig = Files.write(dir.resolve("message.sig"), signature);
        Kms.Result valid = kms.run("verify", "--key-id", "alias/pq", "--message", "fileb://message.bin",
                "--signature", "fileb://" + sig, "--signing-algorithm", "ML_DSA_SHAKE_256");
        assertEquals(0, valid.code(), valid.toString());
        Kms.Result digest = kms.run("sign", "--key-id", "alias/pq", "--message", "fileb://message.bin", "--message-type", "DIGEST",
                "--signing-algorithm", "ML_DSA_SHAKE_256");
        assertEquals(2, digest.code(), digest.toString());
    }

    // ---------------------------------------------------------------- RSA-OAEP

    @Test
    void rsaOaep_opensslEncrypts_kmsDecrypts_andKmsEncryptRoundTrips() throws Exception {
        String keyId = createKey("RSA_2048", "ENCRYPT_DECRYPT", "inbox").get("KeyId").getAsString();
        Path pem = publicKeyPem("alias/inbox", "inbox");
        Path plaintext = random("token.bin", 190); // the most OAEP SHA-256 fits in 2048 bits

        assertOpenssl("pkeyutl", "-encrypt", "-pubin", "-inkey", pem.toString(), "-in", "token.bin", "-out", "token.sha256.enc",
                "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256");
        Kms.Result decrypted = kms.run("decrypt", "--key-id", "alias/inbox", "--ciphertext-blob", "fileb://token.sha256.enc",
                "--encryption-algorithm", "RSAES_OAEP_SHA_256");
        assertEquals(0, decrypted.code(), decrypted.toString());
        assertArrayEquals(Files.readAllBytes(plaintext), decrypted.blob("Plaintext"));
        assertEquals("RSAES_OAEP_SHA_256", decrypted.field("EncryptionAlgorithm"));
        assertEquals("arn:aws:kms:local:000000000000:key/" + keyId, decrypted.field("KeyId"));

        Kms.Result otherAlgorithm = kms.run("decrypt", "--key-id", "alias/inbox", "--ciphertext-blob", "fileb://token.sha256.enc",
                "--encryption-algorithm", "RSAES_OAEP_SHA_1");
        assertEquals(1, otherAlgorithm.code(), otherAlgorithm.toString());
        assertFalse(otherAlgorithm.out().contains("Plaintext"));

        Files.write(dir.resolve("short.bin"), "a short secret".getBytes(StandardCharsets.UTF_8));
        assertOpenssl("pkeyutl", "-encrypt", "-pubin", "-inkey", pem.toString(), "-in", "short.bin", "-out", "short.sha1.enc",
                "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha1", "-pkeyopt", "rsa_mgf1_md:sha1");
        Kms.Result sha1 = kms.run("decrypt", "--key-id", keyId, "--ciphertext-blob", "fileb://short.sha1.enc",
                "--encryption-algorithm", "RSAES_OAEP_SHA_1", "--query", "Plaintext", "--output", "text");
        assertEquals(0, sha1.code(), sha1.toString());
        assertEquals("a short secret", new String(Base64.getDecoder().decode(sha1.out().strip()), StandardCharsets.UTF_8));

        Kms.Result encrypted = kms.run("encrypt", "--key-id", "alias/inbox", "--plaintext", "fileb://short.bin",
                "--encryption-algorithm", "RSAES_OAEP_SHA_256");
        assertEquals(0, encrypted.code(), encrypted.toString());
        assertEquals(256, encrypted.blob("CiphertextBlob").length);
        assertEquals("RSAES_OAEP_SHA_256", encrypted.field("EncryptionAlgorithm"));
        Kms.Result back = kms.run("decrypt", "--key-id", "alias/inbox", "--ciphertext-blob", encrypted.field("CiphertextBlob"),
                "--encryption-algorithm", "RSAES_OAEP_SHA_256");
        assertEquals("a short secret", new String(back.blob("Plaintext"), StandardCharsets.UTF_8), back.toString());

        Kms.Result noKeyId = kms.run("decrypt", "--ciphertext-blob", "fileb://token.sha256.enc", "--encryption-algorithm", "RSAES_OAEP_SHA_256");
        assertEquals(2, noKeyId.code(), noKeyId.toString());
        assertTrue(noKeyId.err().contains("--key-id"), noKeyId.err());
        Kms.Result noAlgorithm = kms.run("decrypt", "--key-id", "alias/inbox", "--ciphertext-blob", "fileb://token.sha256.enc");
        assertEquals(2, noAlgorithm.code(), noAlgorithm.toString());
        assertTrue(noAlgorithm.err().contains("--encryption-algorithm"), noAlgorithm.err());
        random("long.bin", 191);
        Kms.Result tooLong = kms.run("encrypt", "--key-id", "alias/inbox", "--plaintext", "fileb://long.bin",
                "--encryption-algorithm", "RSAES_OAEP_SHA_256");
        assertEquals(2, tooLong.code(), tooLong.toString());
        assertTrue(tooLong.err().contains("190"), tooLong.err());
        Kms.Result withContext = kms.run("encrypt", "--key-id", "alias/inbox", "--plaintext", "fileb://short.bin",
                "--encryption-algorithm", "RSAES_OAEP_SHA_256", "--encryption-context", "app=x");
        assertEquals(2, withContext.code(), withContext.toString());
    }

    // ---------------------------------------------------------------- derive-shared-secret

    @Test
    void deriveSharedSecret_equalsWhatOpensslDerivesFromThePeerPrivateKey() throws Exception {
        String keyId = createKey("ECC_NIST_P256", "KEY_AGREEMENT", "exchange").get("KeyId").getAsString();
        assertOpenssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "peer.pem");
        assertOpenssl("pkey", "-in", "peer.pem", "-pubout", "-outform", "DER", "-out", "peer.der");

        Kms.Result derived = kms.run("derive-shared-secret", "--key-id", "alias/exchange", "--key-agreement-algorithm", "ECDH",
                "--public-key", "fileb://peer.der");
        assertEquals(0, derived.code(), derived.toString());
        assertEquals("arn:aws:kms:local:000000000000:key/" + keyId, derived.field("KeyId"));
        assertEquals("ECDH", derived.field("KeyAgreementAlgorithm"));
        assertEquals("AWS_KMS", derived.field("KeyOrigin"));
        byte[] secret = derived.blob("SharedSecret");
        assertEquals(32, secret.length);

        Path kmsPem = publicKeyPem("alias/exchange", "exchange");
        assertOpenssl("pkeyutl", "-derive", "-inkey", "peer.pem", "-peerkey", kmsPem.toString(), "-out", "shared.bin");
        assertArrayEquals(Files.readAllBytes(dir.resolve("shared.bin")), secret);

        Kms.Result signKey = kms.run("derive-shared-secret", "--key-id", createKey("ECC_NIST_P256", "SIGN_VERIFY", "signer")
                .get("KeyId").getAsString(), "--key-agreement-algorithm", "ECDH", "--public-key", "fileb://peer.der");
        assertEquals(1, signKey.code(), signKey.toString());
        assertTrue(signKey.err().contains("InvalidKeyUsageException"), signKey.err());
    }

    // ---------------------------------------------------------------- generate-data-key-pair

    @Test
    void generateDataKeyPair_publicKeyMatchesPrivateKey_andTheBlobDecryptsToIt() throws Exception {
        String keyId = kms.createKey("orders");
        Kms.Result pair = kms.run("generate-data-key-pair", "--key-id", "alias/orders", "--key-pair-spec", "ECC_NIST_P256",
                "--encryption-context", "app=tokens");
        assertEquals(0, pair.code(), pair.toString());
        assertEquals("arn:aws:kms:local:000000000000:key/" + keyId, pair.field("KeyId"));
        assertEquals("ECC_NIST_P256", pair.field("KeyPairSpec"));
        KeyFactory ec = KeyFactory.getInstance("EC");
        PrivateKey privateKey = ec.generatePrivate(new PKCS8EncodedKeySpec(pair.blob("PrivateKeyPlaintext")));
        PublicKey publicKey = ec.generatePublic(new X509EncodedKeySpec(pair.blob("PublicKey")));
        byte[] data = "data to sign".getBytes(StandardCharsets.UTF_8);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(privateKey);
        signer.update(data);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(publicKey);
        verifier.update(data);
        assertTrue(verifier.verify(signature), "the public key is the private key's");

        Kms.Result opened = kms.run("decrypt", "--ciphertext-blob", pair.field("PrivateKeyCiphertextBlob"),
                "--encryption-context", "app=tokens");
        assertEquals(0, opened.code(), opened.toString());
        assertArrayEquals(pair.blob("PrivateKeyPlaintext"), opened.blob("Plaintext"));
        Kms.Result wrongContext = kms.run("decrypt", "--ciphertext-blob", pair.field("PrivateKeyCiphertextBlob"));
        assertEquals(1, wrongContext.code(), wrongContext.toString());

        Kms.Result blobOnly = kms.run("generate-data-key-pair-without-plaintext", "--key-id", keyId, "--key-pair-spec", "RSA_2048");
        assertEquals(0, blobOnly.code(), blobOnly.toString());
        assertFalse(blobOnly.json().has("PrivateKeyPlaintext"), blobOnly.toString());
        assertEquals("RSA_2048", blobOnly.field("KeyPairSpec"));
        Kms.Result later = kms.run("decrypt", "--ciphertext-blob", blobOnly.field("PrivateKeyCiphertextBlob"));
        assertEquals(0, later.code(), later.toString());
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        RSAPrivateCrtKey rsaPrivate = (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(later.blob("Plaintext")));
        RSAPublicKey rsaPublic = (RSAPublicKey) rsa.generatePublic(new X509EncodedKeySpec(blobOnly.blob("PublicKey")));
        assertEquals(rsaPublic.getModulus(), rsaPrivate.getModulus());
        assertEquals(rsaPublic.getPublicExponent(), rsaPrivate.getPublicExponent());
        assertEquals(2048, rsaPublic.getModulus().bitLength());

        Kms.Result notAPair = kms.run("generate-data-key-pair", "--key-id", keyId, "--key-pair-spec", "SYMMETRIC_DEFAULT");
        assertEquals(2, notAPair.code(), notAPair.toString());
    }

    // ---------------------------------------------------------------- refusals

    @Test
    void refusals_wrongUsage_algorithmNotAllowed_symmetricKey_rawLongerThan4096() throws Exception {
        String inbox = createKey("RSA_2048", "ENCRYPT_DECRYPT", "inbox").get("KeyId").getAsString();
        createKey("ECC_NIST_P256", "SIGN_VERIFY", "ec-sign");
        kms.createKey("aes");
        random("message.bin", 100);

        Kms.Result wrongUsage = kms.run("sign", "--key-id", "alias/inbox", "--message", "fileb://message.bin",
                "--signing-algorithm", "RSASSA_PSS_SHA_256");
        assertEquals(1, wrongUsage.code(), wrongUsage.toString());
        assertTrue(wrongUsage.err().contains("ENCRYPT_DECRYPT") && wrongUsage.err().contains("InvalidKeyUsageException"),
                wrongUsage.err());
        assertEquals("", wrongUsage.out());
        List<String> refusedSigns = Files.readAllLines(dir.resolve("keys.kms.audit.jsonl")).stream()
                .filter(line -> line.contains("\"operation\":\"SIGN\"") && line.contains(inbox)).toList();
        assertEquals(1, refusedSigns.size(), "the refused Sign is audited once");
        assertTrue(refusedSigns.get(0).contains("\"outcome\":\"FAILED\"") || refusedSigns.get(0).contains("\"outcome\":\"DENIED\""),
                refusedSigns.get(0));

        Kms.Result notAllowed = kms.run("sign", "--key-id", "alias/ec-sign", "--message", "fileb://message.bin",
                "--signing-algorithm", "ECDSA_SHA_384");
        assertEquals(1, notAllowed.code(), notAllowed.toString());
        assertTrue(notAllowed.err().contains("ECDSA_SHA_384") && notAllowed.err().contains("ECDSA_SHA_256"), notAllowed.err());
        Kms.Result rsaOnEc = kms.run("sign", "--key-id", "alias/ec-sign", "--message", "fileb://message.bin",
                "--signing-algorithm", "RSASSA_PKCS1_V1_5_SHA_256");
        assertEquals(1, rsaOnEc.code(), rsaOnEc.toString());

        Kms.Result symmetric = kms.run("sign", "--key-id", "alias/aes", "--message", "fileb://message.bin",
                "--signing-algorithm", "ECDSA_SHA_256");
        assertEquals(1, symmetric.code(), symmetric.toString());
        assertTrue(symmetric.err().contains("symmetric"), symmetric.err());
        Kms.Result rsaAlgorithmOnAes = kms.run("encrypt", "--key-id", "alias/aes", "--plaintext", "fileb://message.bin",
                "--encryption-algorithm", "RSAES_OAEP_SHA_256");
        assertEquals(1, rsaAlgorithmOnAes.code(), rsaAlgorithmOnAes.toString());

        random("big.bin", 4097);
        Kms.Result tooLong = kms.run("sign", "--key-id", "alias/ec-sign", "--message", "fileb://big.bin",
                "--signing-algorithm", "ECDSA_SHA_256");
        assertEquals(2, tooLong.code(), tooLong.toString());
        assertTrue(tooLong.err().contains("4096") && tooLong.err().contains("ValidationException"), tooLong.err());
        Kms.Result tooLongVerify = kms.run("verify", "--key-id", "alias/ec-sign", "--message", "fileb://big.bin",
                "--signature", "AAAA", "--signing-algorithm", "ECDSA_SHA_256");
        assertEquals(2, tooLongVerify.code(), tooLongVerify.toString());

        Kms.Result unknown = kms.run("sign", "--key-id", "alias/absent", "--message", "fileb://message.bin",
                "--signing-algorithm", "ECDSA_SHA_256");
        assertEquals(4, unknown.code(), unknown.toString());
    }

    // ---------------------------------------------------------------- helpers

    /** Creates an asymmetric key and returns its KeyMetadata. */
    private JsonObject createKey(String spec, String usage, String alias) throws Exception {
        List<String> args = new ArrayList<>(List.of("create-key", "--key-spec", spec, "--alias", alias));
        if (usage != null) {
            args.addAll(List.of("--key-usage", usage));
        }
        Kms.Result r = kms.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.toString());
        return r.json().getAsJsonObject("KeyMetadata");
    }

    /** get-public-key --output text --query PublicKey, base64-decoded to DER as a shell would, then PEM by openssl. */
    private Path publicKeyPem(String keyId, String name) throws Exception {
        Kms.Result r = kms.run("get-public-key", "--key-id", keyId, "--output", "text", "--query", "PublicKey");
        assertEquals(0, r.code(), r.toString());
        Path der = Files.write(dir.resolve(name + ".der"), Base64.getDecoder().decode(r.out().strip()));
        Path pem = dir.resolve(name + ".pem");
        assertOpenssl("pkey", "-pubin", "-inform", "DER", "-in", der.toString(), "-out", pem.toString());
        return pem;
    }

    private Path random(String name, int length) throws IOException {
        byte[] bytes = new byte[length];
        new SecureRandom().nextBytes(bytes);
        return Files.write(dir.resolve(name), bytes);
    }

    private static List<String> strings(JsonArray array) {
        assertTrue(array != null, "no such list");
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.getAsString()));
        return values;
    }

    private record Run(int code, String output) {
    }

    private void assertOpenssl(String... args) throws Exception {
        Run run = openssl(args);
        assertEquals(0, run.code(), "openssl " + String.join(" ", args) + ": " + run.output());
    }

    private Run openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "openssl " + String.join(" ", args) + " did not finish");
        return new Run(p.exitValue(), output);
    }
}
