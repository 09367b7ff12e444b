package io.kmsjca.internal.service;

import io.kmsjca.internal.engine.PrivateKeyEngine;
import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.EncryptionAlgorithm;
import io.kmsjca.keys.GrantOperation;
import io.kmsjca.keys.GrantRequest;
import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyAccessDeniedException;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyStateException;
import io.kmsjca.keys.KeyUnavailableException;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KeyUseDeniedException;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;
import io.kmsjca.keys.KeyAgreementAlgorithm;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.SignatureException;
import java.util.Map;
import java.util.Set;

import static io.kmsjca.internal.service.AsPrincipal.as;
import static org.junit.jupiter.api.Assertions.*;

/**
 * What asymmetric keys refuse, each with the exact exception, a message that names the key and
 * the reason (never material), and an audit event FAILED or DENIED: wrong usage, symmetric and
 * asymmetric keys mixed up, unusable states, rotation, bad peer keys, long messages, and the
 * caller's rights under key policies and grants.
 */
class AsymmetricKeyRulesTest {

    @TempDir
    Path dir;
    LifecycleFixture f;
    KmsPrivateKeyHandle signer;
    KmsPrivateKeyHandle rsa;
    KmsPrivateKeyHandle agreement;
    byte[] digest = new byte[32];

    @BeforeEach
    void setUp() throws Exception {
        f = new LifecycleFixture(dir);
        signer = f.keys.createKeyPair(CreateKeyRequest.withAlias("signer").keySpec(KeySpec.ECC_NIST_P256));
        rsa = f.keys.createKeyPair(CreateKeyRequest.withAlias("rsa").keySpec(KeySpec.RSA_2048)
                .keyUsage(KeyUsage.ENCRYPT_DECRYPT));
        agreement = f.keys.createKeyPair(CreateKeyRequest.withAlias("agreement").keySpec(KeySpec.ECC_NIST_P256)
                .keyUsage(KeyUsage.KEY_AGREEMENT));
        f.keys.createKey("aes", "");
        digest[0] = 7;
    }

    private AuditEvent last(AuditOperation op, AuditOutcome expected) {
        f.keys.auditRecorder().flush();
        AuditEvent e = f.last(op);
        assertEquals(expected, e.outcome(), e.toString());
        return e;
    }

    @Test
    void aKeyIsUsedOnlyForItsUsage() throws Exception {
        var e = assertThrows(InvalidKeyException.class,
                () -> f.keys.sign("rsa", digest, MessageType.DIGEST, SigningAlgorithm.RSASSA_PSS_SHA_256));
        assertTrue(e.getMessage().contains("RSA_2048 ENCRYPT_DECRYPT") && e.getMessage().contains(rsa.keyId().toString()),
                e.getMessage());
        assertEquals(rsa.keyId().toString(), last(AuditOperation.SIGN, AuditOutcome.FAILED).keyId());

        e = assertThrows(InvalidKeyException.class, () -> f.keys.decrypt("signer", new byte[256],
                EncryptionAlgorithm.RSAES_OAEP_SHA_256));
        assertTrue(e.getMessage().contains("ECC_NIST_P256 SIGN_VERIFY"), e.getMessage());
        last(AuditOperation.DECRYPT, AuditOutcome.FAILED);

        e = assertThrows(InvalidKeyException.class, () -> f.keys.deriveSharedSecret("signer", KeyAgreementAlgorithm.ECDH,
                agreement.publicKey().getEncoded()));
        assertTrue(e.getMessage().contains("KEY_AGREEMENT"), e.getMessage());
        last(AuditOperation.DERIVE_SHARED_SECRET, AuditOutcome.FAILED);

        e = assertThrows(InvalidKeyException.class,
                () -> f.keys.sign("agreement", digest, MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_256));
        assertTrue(e.getMessage().contains("ECC_NIST_P256 KEY_AGREEMENT"), e.getMessage());

        // through the engine the JCA services use: the same rule
        assertThrows(InvalidKeyException.class, () -> new PrivateKeyEngine().checkUsable(rsa, AuditOperation.SIGN));
        last(AuditOperation.SIGN, AuditOutcome.FAILED);
    }

    @Test
    void creationRefusesUsagesTheSpecDoesNotAllowAndRotationPeriods() throws Exception {
        var e = assertThrows(InvalidKeyRequestException.class, () -> f.keys.createKeyPair(
                CreateKeyRequest.withAlias("x").keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsage.ENCRYPT_DECRYPT)));
        assertTrue(e.getMessage().contains("ECC_NIST_P256") && e.getMessage().contains("ENCRYPT_DECRYPT"), e.getMessage());
        last(AuditOperation.CREATE_KEY, AuditOutcome.FAILED);
        assertThrows(InvalidKeyRequestException.class, () -> f.keys.createKeyPair(
                CreateKeyRequest.withAlias("x").keySpec(KeySpec.ML_DSA_65).keyUsage(KeyUsage.KEY_AGREEMENT)));
        e = assertThrows(InvalidKeyRequestException.class, () -> f.keys.createKeyPair(
                CreateKeyRequest.withAlias("x").keySpec(KeySpec.RSA_2048).rotationPeriodDays(365)));
        assertTrue(e.getMessage().contains("do not rotate"), e.getMessage());
        e = assertThrows(InvalidKeyRequestException.class, () -> f.keys.createKeyPair(CreateKeyRequest.withAlias("x")));
        assertTrue(e.getMessage().contains("SYMMETRIC_DEFAULT"), e.getMessage());
        e = assertThrows(InvalidKeyRequestException.class,
                () -> f.keys.createKey(CreateKeyRequest.withAlias("x").keySpec(KeySpec.RSA_2048)));
        assertTrue(e.getMessage().contains("createKeyPair"), e.getMessage());
        assertFalse(f.keys.hasAlias("x"), "nothing was created");
    }

    @Test
    void symmetricAndAsymmetricKeysAreNotMixedUp() throws Exception {
        var e = assertThrows(InvalidKeyException.class,
                () -> f.keys.sign("aes", digest, MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_256));
        assertTrue(e.getMessage().contains("SYMMETRIC_DEFAULT ENCRYPT_DECRYPT"), e.getMessage());
        last(AuditOperation.SIGN, AuditOutcome.FAILED);
        assertThrows(InvalidKeyRequestException.class, () -> f.keys.getPublicKey("aes"));
        last(AuditOperation.GET_PUBLIC_KEY, AuditOutcome.FAILED);
        assertTrue(f.keys.findPrivateKey("aes").isEmpty());
        assertTrue(f.keys.certificateChain("aes").isEmpty());

        // KMSWrap with a handle on an asymmetric key
        e = assertThrows(InvalidKeyException.class, () -> f.wrap("signer"));
        assertTrue(e.getMessage().contains("ECC_NIST_P256 SIGN_VERIFY") && e.getMessage().contains("SYMMETRIC_DEFAULT"),
                e.getMessage());
        last(AuditOperation.WRAP_KEY, AuditOutcome.FAILED);
        // a data key pair wrapped under an asymmetric key
        e = assertThrows(InvalidKeyException.class,
                () -> f.keys.generateDataKeyPair("rsa", KeySpec.ECC_NIST_P256, Map.of(), true));
        assertTrue(e.getMessage().contains("RSA_2048"), e.getMessage());
        last(AuditOperation.GENERATE_DATA_KEY_PAIR, AuditOutcome.FAILED);
        // re-encryption to an asymmetric key
        byte[] blob = f.wrap("aes");
        e = assertThrows(InvalidKeyException.class, () -> f.keys.reEncrypt(blob, Map.of(), "signer", Map.of()));
        assertTrue(e.getMessage().contains("ECC_NIST_P256"), e.getMessage());
        // a data key pair of a spec AWS does not make
        assertThrows(InvalidAlgorithmParameterException.class,
                () -> f.keys.generateDataKeyPair("aes", KeySpec.ML_DSA_44, Map.of(), true));
        assertThrows(InvalidAlgorithmParameterException.class,
                () -> f.keys.generateDataKeyPair("aes", KeySpec.SYMMETRIC_DEFAULT, Map.of(), true));
        last(AuditOperation.GENERATE_DATA_KEY_PAIR, AuditOutcome.FAILED);
    }

    @Test
    void disabledAndPendingDeletionKeysAreRefusedAndDenied() throws Exception {
        f.keys.disableKey("signer");
        var e = assertThrows(KeyUnavailableException.class,
                () -> f.keys.sign("signer", digest, MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_256));
        assertTrue(e.getMessage().contains("Disabled"), e.getMessage());
        last(AuditOperation.SIGN, AuditOutcome.DENIED);
        assertThrows(KeyUnavailableException.class, () -> new PrivateKeyEngine().sign(signer, digest, 0, 32,
                MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_256));
        assertThrows(KeyStateException.class, () -> f.keys.getPublicKey("signer"));
        last(AuditOperation.GET_PUBLIC_KEY, AuditOutcome.DENIED);
        assertTrue(f.keys.findPrivateKey("signer").isPresent(), "a disabled key still has its handle, as in a KeyStore");
        f.keys.enableKey("signer");
        byte[] again = f.keys.sign("signer", digest, MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_256);
        assertTrue(f.keys.verify("signer", digest, MessageType.DIGEST, again, SigningAlgorithm.ECDSA_SHA_256),
                "enabled again, it signs");

        f.keys.scheduleKeyDeletion("rsa");
        e = assertThrows(KeyUnavailableException.class,
                () -> f.keys.encrypt("rsa", new byte[16], EncryptionAlgorithm.RSAES_OAEP_SHA_256));
        assertTrue(e.getMessage().contains("PendingDeletion"), e.getMessage());
        last(AuditOperation.ENCRYPT, AuditOutcome.DENIED);
    }

    @Test
    void aDestroyedKeyPairIsWipedAndGoneAfterReopening() throws Exception {
        var pair = f.keys.registry().snapshot().byId().get(signer.keyId()).keyPair().orElseThrow();
        f.keys.scheduleKeyDeletion("signer", 7);
        f.clock.advance(java.time.Duration.ofDays(8));
        f.keys.runMaintenance();
        assertEquals(io.kmsjca.keys.KeyState.DESTROYED, f.keys.describeKey(signer.keyId().toString()).state());
        assertTrue(pair.isWiped(), "the private key's PKCS#8 is zeroed once the destruction is durable");
        assertThrows(InvalidKeyException.class, pair::privateKey);
        assertTrue(f.keys.findPrivateKey(signer.keyId().toString()).isEmpty());
        assertThrows(KeyUnavailableException.class, () -> new PrivateKeyEngine().sign(signer, digest, 0, 32,
                MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_256));
        EmbeddedKeyService reopened = f.reopen();
        assertEquals(io.kmsjca.keys.KeyState.DESTROYED, reopened.describeKey(signer.keyId().toString()).state());
        assertTrue(reopened.registry().snapshot().byId().get(signer.keyId()).keyPair().isEmpty(),
                "the record keeps no key pair");
        assertTrue(reopened.certificateChain(signer.keyId().toString()).isEmpty());
    }

    @Test
    void closingTheStoreWipesEveryKeyPair() throws Exception {
        var pairs = f.keys.registry().snapshot().byId().values().stream().filter(k -> k.isAsymmetric())
                .map(k -> k.keyPair().orElseThrow()).toList();
        assertEquals(3, pairs.size());
        pairs.forEach(p -> assertFalse(p.isWiped()));
        f.keys.close();
        pairs.forEach(p -> assertTrue(p.isWiped(), p.toString()));
        assertThrows(InvalidKeyException.class, () -> new PrivateKeyEngine().sign(signer, digest, 0, 32,
                MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_256));
    }

    @Test
    void asymmetricKeysDoNotRotateOrRetireVersions() throws Exception {
        for (LifecycleTestSupport.Call refused : new LifecycleTestSupport.Call[] {
                () -> f.keys.rotateKeyOnDemand("signer"), () -> f.keys.enableKeyRotation("signer", 365),
                () -> f.keys.disableKeyRotation("signer"), () -> f.keys.setMinDecryptionVersion("signer", 1),
                () -> f.keys.revokeKeyVersion("signer", 1)}) {
            var e = assertThrows(KeyStateException.class, refused::run);
            assertTrue(e.getMessage().contains("ECC_NIST_P256") && e.getMessage().contains("do not rotate"), e.getMessage());
        }
        last(AuditOperation.ROTATE_KEY, AuditOutcome.DENIED);
        last(AuditOperation.ENABLE_KEY_ROTATION, AuditOutcome.DENIED);
        last(AuditOperation.SET_MIN_DECRYPTION_VERSION, AuditOutcome.DENIED);
        last(AuditOperation.REVOKE_KEY_VERSION, AuditOutcome.DENIED);
        assertEquals(1, f.keys.describeKey("signer").versionCount());
        // what works for symmetric keys works here: tags, aliases, description of state
        f.keys.tagKey("signer", Map.of("team", "web"));
        f.keys.createAlias("web-signer", "signer");
        assertEquals(Map.of("team", "web"), f.keys.describeKey("web-signer").tags());
    }

    @Test
    void badPeerKeysAndLongMessagesAndForeignAlgorithmsAreRefused() throws Exception {
        byte[] p384 = AsymmetricTestSupport.peer(KeySpec.ECC_NIST_P384).getPublic().getEncoded();
        assertThrows(InvalidKeyException.class,
                () -> f.keys.deriveSharedSecret("agreement", KeyAgreementAlgorithm.ECDH, p384));
        last(AuditOperation.DERIVE_SHARED_SECRET, AuditOutcome.FAILED);
        assertThrows(InvalidKeyException.class,
                () -> f.keys.deriveSharedSecret("agreement", KeyAgreementAlgorithm.ECDH, new byte[] {0x30, 0x03, 1, 2, 3}));
        assertThrows(InvalidKeyException.class,
                () -> new PrivateKeyEngine().deriveSharedSecret(agreement, AsymmetricTestSupport.peer(KeySpec.ECC_NIST_P521).getPublic()));

        var e = assertThrows(SignatureException.class, () -> f.keys.sign("signer", new byte[MessageType.MAX_RAW_BYTES + 1],
                MessageType.RAW, SigningAlgorithm.ECDSA_SHA_256));
        assertTrue(e.getMessage().contains("4096"), e.getMessage());
        last(AuditOperation.SIGN, AuditOutcome.FAILED);
        byte[] longest = f.keys.sign("signer", new byte[MessageType.MAX_RAW_BYTES], MessageType.RAW,
                SigningAlgorithm.ECDSA_SHA_256);
        assertTrue(f.keys.verify("signer", new byte[MessageType.MAX_RAW_BYTES], MessageType.RAW, longest,
                SigningAlgorithm.ECDSA_SHA_256), "4096 bytes are signed");
        var a = assertThrows(InvalidAlgorithmParameterException.class,
                () -> f.keys.sign("signer", new byte[48], MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_384));
        assertTrue(a.getMessage().contains("ECDSA_SHA_256") && a.getMessage().contains("ECDSA_SHA_384"), a.getMessage());
        assertThrows(SignatureException.class,
                () -> f.keys.sign("signer", new byte[31], MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_256));
        assertThrows(InvalidAlgorithmParameterException.class,
                () -> f.keys.encrypt("rsa", new byte[16], EncryptionAlgorithm.SYMMETRIC_DEFAULT));
        assertThrows(javax.crypto.BadPaddingException.class,
                () -> f.keys.decrypt("rsa", new byte[256], EncryptionAlgorithm.RSAES_OAEP_SHA_256));
        last(AuditOperation.DECRYPT, AuditOutcome.FAILED);
        assertThrows(InvalidKeyException.class,
                () -> f.keys.sign("no-such-key", digest, MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_256));
        assertNull(last(AuditOperation.SIGN, AuditOutcome.FAILED).keyId());
    }

    /** AWS's condition keys of asymmetric requests: kms:SigningAlgorithm, kms:MessageType, kms:EncryptionAlgorithm. */
    @Test
    void policiesMayNameTheAlgorithmsARequestUses() throws Exception {
        KmsPrivateKeyHandle rsaSigner = f.keys.createKeyPair(CreateKeyRequest.withAlias("rsa-signer")
                .keySpec(KeySpec.RSA_2048).keyUsage(KeyUsage.SIGN_VERIFY));
        f.keys.putKeyPolicy("rsa-signer", """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": "admin"}, "Action": "kms:*", "Resource": "*"},
                  {"Effect": "Allow", "Principal": {"AWS": "app"}, "Action": "kms:Sign", "Resource": "*",
                   "Condition": {"StringEquals": {"kms:SigningAlgorithm": "RSASSA_PSS_SHA_256", "kms:MessageType": "DIGEST"}}}]}""",
                true);
        // init does not know the algorithm: it checks state and usage, each request the rights
        as("app", () -> new PrivateKeyEngine().checkUsable(rsaSigner, AuditOperation.SIGN));
        assertNotNull(as("app", () -> f.keys.sign("rsa-signer", digest, MessageType.DIGEST,
                SigningAlgorithm.RSASSA_PSS_SHA_256)));
        var denied = assertThrows(KeyUseDeniedException.class, () -> as("app", () -> new PrivateKeyEngine().sign(rsaSigner,
                digest, 0, 32, MessageType.DIGEST, SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_256)));
        assertEquals("kms:Sign", denied.denial().action());
        last(AuditOperation.SIGN, AuditOutcome.DENIED);
        assertThrows(KeyUseDeniedException.class, () -> as("app", () -> f.keys.sign("rsa-signer", digest, MessageType.RAW,
                SigningAlgorithm.RSASSA_PSS_SHA_256)));
        assertThrows(KeyUseDeniedException.class, () -> as("other", () -> new PrivateKeyEngine().sign(rsaSigner, digest, 0,
                32, MessageType.DIGEST, SigningAlgorithm.RSASSA_PSS_SHA_256)));

        f.keys.putKeyPolicy("rsa", """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": "admin"}, "Action": "kms:*", "Resource": "*"},
                  {"Effect": "Allow", "Principal": {"AWS": "app"}, "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*",
                   "Condition": {"StringEquals": {"kms:EncryptionAlgorithm": "RSAES_OAEP_SHA_256"}}}]}""", true);
        byte[] sealed = as("app", () -> f.keys.encrypt("rsa", new byte[16], EncryptionAlgorithm.RSAES_OAEP_SHA_256));
        assertArrayEquals(new byte[16], as("app", () -> f.keys.decrypt("rsa", sealed, EncryptionAlgorithm.RSAES_OAEP_SHA_256)));
        assertThrows(KeyUseDeniedException.class, () -> as("app", () -> f.keys.encrypt("rsa", new byte[16],
                EncryptionAlgorithm.RSAES_OAEP_SHA_1)));
    }

    /**
     * A key-agreement request carries kms:KeyAgreementAlgorithm, as AWS's does: a policy that
     * allows kms:DeriveSharedSecret for ECDH only lets ECDH through, by alias and by handle.
     */
    @Test
    void policiesMayNameTheKeyAgreementAlgorithm() throws Exception {
        f.keys.putKeyPolicy("agreement", """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": "admin"}, "Action": "kms:*", "Resource": "*"},
                  {"Effect": "Allow", "Principal": {"AWS": "app"}, "Action": "kms:DeriveSharedSecret", "Resource": "*",
                   "Condition": {"StringEquals": {"kms:KeyAgreementAlgorithm": "ECDH"}}}]}""", true);
        var peer = AsymmetricTestSupport.peer(KeySpec.ECC_NIST_P256).getPublic();

        byte[] byAlias = as("app", () -> f.keys.deriveSharedSecret("agreement", KeyAgreementAlgorithm.ECDH,
                peer.getEncoded()));
        byte[] byHandle = as("app", () -> new PrivateKeyEngine().deriveSharedSecret(agreement, peer));

        assertArrayEquals(byAlias, byHandle);
        last(AuditOperation.DERIVE_SHARED_SECRET, AuditOutcome.SUCCESS);
        assertThrows(KeyUseDeniedException.class, () -> as("other", () -> f.keys.deriveSharedSecret("agreement",
                KeyAgreementAlgorithm.ECDH, peer.getEncoded())));
    }

    /**
     * The check a JCA object makes at init ({@code Signature.initSign}, {@code Cipher.init}) is
     * audited when it refuses, with the key; and RSA-OAEP decrypts through a handle as by alias.
     */
    @Test
    void aRefusalAtInit_isAudited_andAHandleDecrypts() throws Exception {
        f.keys.disableKey("signer");
        f.audit.clear();

        assertThrows(KeyUnavailableException.class, () -> new PrivateKeyEngine().checkUsable(signer, AuditOperation.SIGN));

        AuditEvent refused = last(AuditOperation.SIGN, AuditOutcome.DENIED);
        assertEquals(signer.keyId().toString(), refused.keyId());
        assertEquals("signer", refused.alias());
        byte[] sealed = f.keys.encrypt("rsa", new byte[] {1, 2, 3}, EncryptionAlgorithm.RSAES_OAEP_SHA_256);
        assertArrayEquals(new byte[] {1, 2, 3},
                new PrivateKeyEngine().decrypt(rsa, sealed, EncryptionAlgorithm.RSAES_OAEP_SHA_256));
        last(AuditOperation.DECRYPT, AuditOutcome.SUCCESS);
    }

    /** The RSA key's users may encrypt, not decrypt; its signer's may sign and read the public key, not verify. */
    @Test
    void keyPoliciesDecideEachOperationByItsAction() throws Exception {
        f.keys.putKeyPolicy("rsa", """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": "admin"}, "Action": "kms:*", "Resource": "*"},
                  {"Effect": "Allow", "Principal": {"AWS": "app"}, "Action": ["kms:Encrypt", "kms:GetPublicKey"], "Resource": "*"}]}""",
                true);
        byte[] ciphertext = as("app", () -> f.keys.encrypt("rsa", new byte[16], EncryptionAlgorithm.RSAES_OAEP_SHA_256));
        assertNotNull(as("app", () -> f.keys.getPublicKey("rsa")));
        var denied = assertThrows(KeyUseDeniedException.class,
                () -> as("app", () -> f.keys.decrypt("rsa", ciphertext, EncryptionAlgorithm.RSAES_OAEP_SHA_256)));
        assertEquals("kms:Decrypt", denied.denial().action());
        assertEquals("app", denied.denial().principal());
        assertEquals(rsa.keyId().toString(), last(AuditOperation.DECRYPT, AuditOutcome.DENIED).keyId());
        assertArrayEquals(new byte[16], as("admin", () -> f.keys.decrypt("rsa", ciphertext,
                EncryptionAlgorithm.RSAES_OAEP_SHA_256)));

        f.keys.putKeyPolicy("signer", """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": "admin"}, "Action": "kms:*", "Resource": "*"},
                  {"Effect": "Allow", "Principal": {"AWS": "app"}, "Action": "kms:Sign", "Resource": "*"}]}""", true);
        byte[] sig = as("app", () -> f.keys.sign("signer", digest, MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_256));
        // the engine the JCA Signature uses decides the same way
        assertNotNull(as("app", () -> new PrivateKeyEngine().sign(signer, digest, 0, 32, MessageType.DIGEST,
                SigningAlgorithm.ECDSA_SHA_256)));
        denied = assertThrows(KeyUseDeniedException.class, () -> as("app", () -> f.keys.verify("signer", digest,
                MessageType.DIGEST, sig, SigningAlgorithm.ECDSA_SHA_256)));
        assertEquals("kms:Verify", denied.denial().action());
        last(AuditOperation.VERIFY, AuditOutcome.DENIED);
        var refused = assertThrows(KeyAccessDeniedException.class, () -> as("app", () -> f.keys.getPublicKey("signer")));
        assertEquals("kms:GetPublicKey", refused.denial().action());
        last(AuditOperation.GET_PUBLIC_KEY, AuditOutcome.DENIED);
        assertThrows(KeyUseDeniedException.class, () -> as("other", () -> new PrivateKeyEngine().sign(signer, digest, 0, 32,
                MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_256)));

        // a grant lets another principal verify, and nothing else
        as("admin", () -> f.keys.createGrant("signer", GrantRequest.to("auditor", Set.of(GrantOperation.Verify))));
        assertTrue(as("auditor", () -> f.keys.verify("signer", digest, MessageType.DIGEST, sig, SigningAlgorithm.ECDSA_SHA_256)));
        assertThrows(KeyUseDeniedException.class, () -> as("auditor", () -> f.keys.sign("signer", digest, MessageType.DIGEST,
                SigningAlgorithm.ECDSA_SHA_256)));
    }
}
