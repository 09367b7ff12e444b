package io.kmsjca.server;

import io.kmsjca.internal.engine.PrivateKeyOperations;
import io.kmsjca.internal.remote.RemotePrivateKeyHandle;
import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.DataKeyPair;
import io.kmsjca.keys.EncryptionAlgorithm;
import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyAgreementAlgorithm;
import io.kmsjca.keys.KeyMetadata;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUnavailableException;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KeyUseDeniedException;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;
import io.kmsjca.provider.KmsAdmin;
import io.kmsjca.provider.KmsEncryptionContextSpec;
import io.kmsjca.provider.KmsProvider;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import java.io.ByteArrayOutputStream;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The provider as a client of a server's asymmetric keys (issue #19): a provider configured by
 * kms.conf with {@code store.url}, its KeyService creating key pairs, its private-key handles
 * (public key from GetPublicKey) whose operations are Sign, Decrypt and DeriveSharedSecret
 * requests; each answer checked with the JDK's own primitives; refusals as the embedded mode's
 * exceptions.
 */
class RemoteAsymmetricTest {

    static final byte[] MESSAGE = "a release to sign".getBytes(StandardCharsets.UTF_8);

    /** {@code app} may read keys and verify, not sign; {@code alice} may do anything. */
    static final String STORE_POLICY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"admins\",\"Effect\":\"Allow\","
            + "\"Principal\":{\"AWS\":[\"root\",\"alice\"]},\"Action\":\"kms:*\",\"Resource\":\"*\"},{\"Sid\":\"verifiers\","
            + "\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"app\"]},\"Action\":[\"kms:ListAliases\",\"kms:DescribeKey\","
            + "\"kms:GetPublicKey\",\"kms:Verify\"],\"Resource\":\"*\"}]}";

    @TempDir
    Path dir;
    ServerFixture fixture;
    KeyService remote;

    @BeforeEach
    void start() throws Exception {
        fixture = new ServerFixture(dir);
        try (KeyService store = KmsAdmin.open(fixture.file, ServerFixture.ADMIN_PASSWORD, fixture.options())) {
            store.putStorePolicy(STORE_POLICY, false);
        }
        fixture.start();
        remote = service(fixture.alice);
        remote.createKey("orders", "a symmetric key");
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    /** The KeyService of a provider configured the way an application is: kms.conf naming the server. */
    private KeyService service(ServerFixture.AccessKey key) throws Exception {
        Path secret = Files.writeString(dir.resolve(key.id() + ".secret"), key.secret() + "\n");
        if (Files.getFileAttributeView(secret, java.nio.file.attribute.PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
        Path conf = Files.writeString(dir.resolve(key.id() + ".conf"), "store.url=" + fixture.server.endpoint()
                + "\naccess-key-id=" + key.id() + "\nsecret-access-key-file=" + secret.getFileName() + "\nregion="
                + ServerFixture.REGION + "\nretry-base-delay-ms=1\n");
        Provider p = new KmsProvider().configure(conf.toString());
        KeyStore ks = KeyStore.getInstance("KMS", p);
        ks.load(null, null);
        return KmsAdmin.open(ks, "ignored".toCharArray());
    }

    private KmsPrivateKeyHandle createKeyPair(String alias, KeySpec spec, KeyUsage usage) throws KeyStoreException {
        return remote.createKeyPair(CreateKeyRequest.withAlias(alias).keySpec(spec).keyUsage(usage));
    }

    private static boolean jdkVerifies(String algorithm, java.security.PublicKey key, byte[] message, byte[] signature)
            throws Exception {
        Signature s = Signature.getInstance(algorithm);
        s.initVerify(key);
        s.update(message);
        return s.verify(signature);
    }

    private static byte[] sha256(byte[] message) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(message);
    }

    @Test
    void aKeyPairCreatedRemotely_isAHandleWithItsPublicKey_andSignsWhatTheJdkVerifies() throws Exception {
        KmsPrivateKeyHandle signer = createKeyPair("signer", KeySpec.ECC_NIST_P256, KeyUsage.SIGN_VERIFY);
        RemotePrivateKeyHandle handle = assertInstanceOf(RemotePrivateKeyHandle.class, signer);
        assertEquals("signer", handle.alias());
        assertEquals(KeySpec.ECC_NIST_P256, handle.keySpec());
        assertEquals(KeyUsage.SIGN_VERIFY, handle.keyUsage());
        assertNull(handle.getEncoded());
        assertNull(handle.getFormat());
        assertEquals("EC", handle.getAlgorithm());
        assertEquals(256, assertInstanceOf(ECKey.class, handle).getParams().getCurve().getField().getFieldSize());
        assertTrue(handle.toString().endsWith(" on " + fixture.server.endpoint() + "]"), handle.toString());
        assertThrows(NotSerializableException.class, () -> new ObjectOutputStream(new ByteArrayOutputStream()).writeObject(handle));
        // the server's own store holds the same key, and the same public key
        assertEquals(fixture.service.getPublicKey(handle.keyId().toString()), handle.publicKey());
        assertEquals(handle.publicKey(), remote.getPublicKey("signer"));

        int from = fixture.audit.size();
        byte[] signature = remote.sign("signer", sha256(MESSAGE), MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_256);
        assertTrue(jdkVerifies("SHA256withECDSA", handle.publicKey(), MESSAGE, signature));
        assertFalse(jdkVerifies("SHA256withECDSA", handle.publicKey(), "another release".getBytes(StandardCharsets.UTF_8), signature));
        assertTrue(fixture.eventsSince(from).stream().anyMatch(e -> e.operation() == AuditOperation.SIGN
                && e.outcome() == AuditOutcome.SUCCESS && "alice".equals(e.principal())), fixture.eventsSince(from).toString());

        // the handle's operations, as Signature "SHA256withECDSA" calls them: Sign of a slice of its buffer
        PrivateKeyOperations ops = PrivateKeyOperations.of(handle, null);
        byte[] buffer = new byte[40];
        System.arraycopy(sha256(MESSAGE), 0, buffer, 5, 32);
        ops.checkUsable(handle, AuditOperation.SIGN);
        byte[] viaHandle = ops.sign(handle, buffer, 5, 32, MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_256);
        assertTrue(jdkVerifies("SHA256withECDSA", handle.publicKey(), MESSAGE, viaHandle));

        assertTrue(remote.verify("signer", MESSAGE, MessageType.RAW, signature, SigningAlgorithm.ECDSA_SHA_256));
        assertFalse(remote.verify("signer", "another".getBytes(StandardCharsets.UTF_8), MessageType.RAW, signature,
                SigningAlgorithm.ECDSA_SHA_256));
    }

    /**
     * An input the JCA object refuses for its length alone (an Ed25519 message over 4096 bytes, an
     * RSA-OAEP input over 512) goes to the server as a request one byte over the bound, which the
     * server refuses: the caller gets the JCA exception of that refusal, with the server's as its
     * cause. (The server refuses it at its API's bounds, before its key service, so it audits it no
     * more than any other request past those bounds: docs/server.md.)
     */
    @Test
    void anInputRefusedForItsLength_isRefusedByTheServer() throws Exception {
        KmsPrivateKeyHandle ed = createKeyPair("ed", KeySpec.ECC_NIST_EDWARDS25519, KeyUsage.SIGN_VERIFY);
        KmsPrivateKeyHandle inbox = createKeyPair("inbox", KeySpec.RSA_2048, KeyUsage.ENCRYPT_DECRYPT);
        Provider kms = new KmsProvider();

        Signature ed25519 = Signature.getInstance("Ed25519", kms);
        ed25519.initSign(ed);
        assertThrows(SignatureException.class, () -> ed25519.update(new byte[4097]));
        SignatureException signRefused = assertThrows(SignatureException.class, ed25519::sign);
        assertTrue(String.valueOf(signRefused.getCause()).contains(fixture.server.endpoint().toString()),
                "the server's refusal is the cause: " + signRefused.getCause());

        Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding", kms);
        oaep.init(Cipher.DECRYPT_MODE, inbox);
        javax.crypto.IllegalBlockSizeException decryptRefused =
                assertThrows(javax.crypto.IllegalBlockSizeException.class, () -> oaep.doFinal(new byte[513]));
        assertTrue(String.valueOf(decryptRefused.getCause()).contains(fixture.server.endpoint().toString()),
                "the server's refusal is the cause: " + decryptRefused.getCause());
        // the cipher is ready for the next message
        Cipher toInbox = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding", "SunJCE");
        toInbox.init(Cipher.ENCRYPT_MODE, inbox.publicKey(), new OAEPParameterSpec("SHA-256", "MGF1",
                MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
        assertArrayEquals(MESSAGE, oaep.doFinal(toInbox.doFinal(MESSAGE)));
    }

    /**
     * The standard JCA names with no provider named: delayed provider selection passes the server's
     * handle to KMS (the JDK's providers refuse it), whose services send Sign, Decrypt and
     * DeriveSharedSecret; the JDK checks every result with the public key.
     */
    @Test
    void theJcaServices_withoutAProviderName_useTheServersKeys() throws Exception {
        KmsPrivateKeyHandle ec = createKeyPair("ec-signer", KeySpec.ECC_NIST_P256, KeyUsage.SIGN_VERIFY);
        KmsPrivateKeyHandle rsa = createKeyPair("rsa-signer", KeySpec.RSA_2048, KeyUsage.SIGN_VERIFY);
        KmsPrivateKeyHandle inbox = createKeyPair("inbox", KeySpec.RSA_3072, KeyUsage.ENCRYPT_DECRYPT);
        KmsPrivateKeyHandle agree = createKeyPair("agree", KeySpec.ECC_NIST_P256, KeyUsage.KEY_AGREEMENT);
        boolean added = Security.addProvider(new KmsProvider()) > 0; // after the JDK's: KMS only for its handles
        try {
            int from = fixture.audit.size();
            Signature ecdsa = Signature.getInstance("SHA256withECDSA");
            ecdsa.initSign(ec);
            ecdsa.update(MESSAGE);
            byte[] signature = ecdsa.sign();
            assertEquals("KMS", ecdsa.getProvider().getName());
            assertTrue(jdkVerifies("SHA256withECDSA", ec.publicKey(), MESSAGE, signature));
            assertEquals(1, fixture.eventsSince(from).stream().filter(e -> e.operation() == AuditOperation.SIGN
                    && e.outcome() == AuditOutcome.SUCCESS && ec.keyId().toString().equals(e.keyId())).count());

            Signature pkcs1 = Signature.getInstance("SHA256withRSA");
            pkcs1.initSign(rsa);
            pkcs1.update(MESSAGE);
            assertTrue(jdkVerifies("SHA256withRSA", rsa.publicKey(), MESSAGE, pkcs1.sign()));

            byte[] secret = "a session key of 32 bytes, fine.".getBytes(StandardCharsets.US_ASCII);
            Cipher toInbox = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding", "SunJCE");
            toInbox.init(Cipher.ENCRYPT_MODE, inbox.publicKey(), new OAEPParameterSpec("SHA-256", "MGF1",
                    MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
            byte[] ciphertext = toInbox.doFinal(secret);
            Cipher fromInbox = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding");
            fromInbox.init(Cipher.DECRYPT_MODE, inbox, new OAEPParameterSpec("SHA-256", "MGF1",
                    MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
            assertArrayEquals(secret, fromInbox.doFinal(ciphertext));

            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair peer = g.generateKeyPair();
            KeyAgreement mine = KeyAgreement.getInstance("ECDH");
            mine.init(agree);
            mine.doPhase(peer.getPublic(), true);
            KeyAgreement theirs = KeyAgreement.getInstance("ECDH", "SunEC");
            theirs.init(peer.getPrivate());
            theirs.doPhase(agree.publicKey(), true);
            assertArrayEquals(theirs.generateSecret(), mine.generateSecret());
        } finally {
            if (added) {
                Security.removeProvider("KMS");
            }
        }
    }

    @Test
    void findPrivateKey_describesThenFetchesThePublicKey_andIsEmptyForSymmetricOrUnknownKeys() throws Exception {
        KmsPrivateKeyHandle made = createKeyPair("tls", KeySpec.RSA_2048, KeyUsage.SIGN_VERIFY);
        KmsPrivateKeyHandle found = remote.findPrivateKey("alias/tls").orElseThrow();
        assertEquals(made.keyId(), found.keyId());
        assertEquals("tls", found.alias());
        assertEquals(made.publicKey(), found.publicKey());
        assertEquals(((RSAPublicKey) found.publicKey()).getModulus(), assertInstanceOf(RSAKey.class, found).getModulus());
        KmsPrivateKeyHandle byId = remote.findPrivateKey(made.keyId().toString()).orElseThrow();
        assertNull(byId.alias());
        assertEquals(KeySpec.RSA_2048, byId.keySpec());

        assertTrue(remote.findPrivateKey("orders").isEmpty());
        assertTrue(remote.findPrivateKey("no-such-key").isEmpty());
        KeyMetadata m = remote.describeKey("tls");
        assertEquals(KeySpec.RSA_2048, m.keySpec());
        assertEquals(KeyUsage.SIGN_VERIFY, m.keyUsage());
        assertEquals(KeySpec.SYMMETRIC_DEFAULT, remote.describeKey("orders").keySpec());
    }

    @Test
    void rsaOaep_encryptsAndDecryptsRemotely_andTheHandleDecrypts() throws Exception {
        KmsPrivateKeyHandle rsa = createKeyPair("inbox", KeySpec.RSA_2048, KeyUsage.ENCRYPT_DECRYPT);
        byte[] secret = "a session key of 32 bytes, fine.".getBytes(StandardCharsets.US_ASCII);
        byte[] ciphertext = remote.encrypt("inbox", secret, EncryptionAlgorithm.RSAES_OAEP_SHA_256);
        assertEquals(256, ciphertext.length);
        assertArrayEquals(secret, remote.decrypt("inbox", ciphertext, EncryptionAlgorithm.RSAES_OAEP_SHA_256));
        assertArrayEquals(secret, PrivateKeyOperations.of(rsa, null).decrypt(rsa, ciphertext, EncryptionAlgorithm.RSAES_OAEP_SHA_256));
        // the other hash, or an altered ciphertext, does not decrypt: BadPaddingException, as embedded
        assertThrows(BadPaddingException.class, () -> remote.decrypt("inbox", ciphertext, EncryptionAlgorithm.RSAES_OAEP_SHA_1));
        byte[] altered = ciphertext.clone();
        altered[100] ^= 1;
        assertThrows(BadPaddingException.class, () -> remote.decrypt("inbox", altered, EncryptionAlgorithm.RSAES_OAEP_SHA_256));
    }

    @Test
    void deriveSharedSecret_remotely_equalsTheJdksEcdh() throws Exception {
        KmsPrivateKeyHandle agreeing = createKeyPair("agree", KeySpec.ECC_NIST_P384, KeyUsage.KEY_AGREEMENT);
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp384r1"));
        KeyPair peer = g.generateKeyPair();
        KeyAgreement ecdh = KeyAgreement.getInstance("ECDH");
        ecdh.init(peer.getPrivate());
        ecdh.doPhase(agreeing.publicKey(), true);
        byte[] expected = ecdh.generateSecret();
        assertEquals(48, expected.length);

        assertArrayEquals(expected, remote.deriveSharedSecret("agree", KeyAgreementAlgorithm.ECDH, peer.getPublic().getEncoded()));
        assertArrayEquals(expected, PrivateKeyOperations.of(agreeing, null).deriveSharedSecret(agreeing, peer.getPublic()));
        // a peer of another curve: the server's ValidationException, an InvalidKeyException here
        KeyPairGenerator p256 = KeyPairGenerator.getInstance("EC");
        p256.initialize(new ECGenParameterSpec("secp256r1"));
        assertThrows(InvalidKeyException.class, () -> remote.deriveSharedSecret("agree", KeyAgreementAlgorithm.ECDH,
                p256.generateKeyPair().getPublic().getEncoded()));
        // a key agreement key does not sign: refused before any request
        int from = fixture.audit.size();
        assertThrows(InvalidKeyException.class, () -> PrivateKeyOperations.of(agreeing, null).checkUsable(agreeing, AuditOperation.SIGN));
        assertEquals(List.of(), fixture.eventsSince(from));
    }

    @Test
    void generateDataKeyPair_remotely_givesAMatchingPairSealedUnderTheSymmetricKey() throws Exception {
        DataKeyPair pair = remote.generateDataKeyPair("orders", KeySpec.ECC_NIST_P256, Map.of("device", "7"), true);
        try {
            assertEquals(remote.describeKey("orders").keyId(), pair.keyId());
            assertEquals(KeySpec.ECC_NIST_P256, pair.keyPairSpec());
            PrivateKey priv = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pair.privateKeyPlaintext()));
            ECPublicKey pub = (ECPublicKey) KeyFactory.getInstance("EC")
                    .generatePublic(new java.security.spec.X509EncodedKeySpec(pair.publicKey()));
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(priv);
            s.update(MESSAGE);
            assertTrue(jdkVerifies("SHA256withECDSA", pub, MESSAGE, s.sign()));
            // the sealed private key opens on the server's store to the same PKCS#8, under the same context only
            Cipher open = Cipher.getInstance("KMSWrap", new KmsProvider());
            open.init(Cipher.DECRYPT_MODE, fixture.service.findKey("orders").orElseThrow(),
                    new KmsEncryptionContextSpec(Map.of("device", "7")));
            assertArrayEquals(pair.privateKeyPlaintext(), open.doFinal(pair.privateKeyCiphertext()));
            open.init(Cipher.DECRYPT_MODE, fixture.service.findKey("orders").orElseThrow(),
                    new KmsEncryptionContextSpec(Map.of("device", "8")));
            assertThrows(AEADBadTagException.class, () -> open.doFinal(pair.privateKeyCiphertext()));
        } finally {
            pair.wipe();
        }
        DataKeyPair sealedOnly = remote.generateDataKeyPair("orders", KeySpec.RSA_2048, Map.of(), false);
        assertNull(sealedOnly.privateKeyPlaintext());
        assertEquals(2048, ((RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new java.security.spec.X509EncodedKeySpec(sealedOnly.publicKey()))).getModulus().bitLength());
    }

    @Test
    void refusals_comeBackAsTheEmbeddedModesExceptions() throws Exception {
        KmsPrivateKeyHandle signer = createKeyPair("signer", KeySpec.ECC_NIST_P256, KeyUsage.SIGN_VERIFY);
        byte[] digest = sha256(MESSAGE);
        // an algorithm the key does not have (InvalidKeyUsageException)
        assertThrows(InvalidKeyException.class, () -> remote.sign("signer", digest, MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_384));
        // a digest of the wrong length (ValidationException)
        assertThrows(SignatureException.class, () -> remote.sign("signer", Arrays.copyOf(digest, 20), MessageType.DIGEST,
                SigningAlgorithm.ECDSA_SHA_256));
        // another principal the policy lets verify but not sign
        KeyService app = service(fixture.app);
        assertThrows(KeyUseDeniedException.class, () -> app.sign("signer", digest, MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_256));
        byte[] signature = remote.sign("signer", digest, MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_256);
        assertTrue(app.verify("signer", digest, MessageType.DIGEST, signature, SigningAlgorithm.ECDSA_SHA_256));
        // a disabled key
        remote.disableKey("signer");
        assertThrows(KeyUnavailableException.class, () -> PrivateKeyOperations.of(signer, null)
                .sign(signer, digest, 0, digest.length, MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_256));
        remote.enableKey("signer");
        // a destroyed handle sends nothing
        signer.destroy();
        assertThrows(InvalidKeyException.class, () -> PrivateKeyOperations.of(signer, null)
                .sign(signer, digest, 0, digest.length, MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_256));
        // what the API has no operation for, or AWS does not allow
        assertEquals(List.of(), remote.certificateChain("signer"));
        KeyStoreException chain = assertThrows(KeyStoreException.class, () -> remote.setCertificateChain("signer", List.of()));
        assertTrue(chain.getMessage().contains("keeps no certificates"), chain.getMessage());
        assertThrows(InvalidKeyRequestException.class, () -> remote.createKeyPair(CreateKeyRequest.withoutAlias()
                .keySpec(KeySpec.RSA_2048).keyUsage(KeyUsage.SIGN_VERIFY).rotationPeriodDays(365)));
        assertThrows(InvalidKeyRequestException.class, () -> remote.createKey(CreateKeyRequest.withoutAlias()
                .keySpec(KeySpec.ECC_NIST_P256)));
        assertThrows(InvalidKeyRequestException.class, () -> remote.createKeyPair(CreateKeyRequest.withoutAlias()
                .keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsage.ENCRYPT_DECRYPT)));
    }
}
