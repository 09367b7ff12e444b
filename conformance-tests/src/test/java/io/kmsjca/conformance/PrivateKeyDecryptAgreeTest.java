package io.kmsjca.conformance;

import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.SecretKey;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;

import static io.kmsjca.conformance.AsymmetricFixtures.withKmsInstalled;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code Cipher} RSA-OAEP decryption and {@code KeyAgreement "ECDH"} with KMS handles: the JDK
 * encrypts (or agrees) with the public key, KMS decrypts (or derives) inside; parameters that AWS
 * KMS does not use are refused; each use audited.
 */
class PrivateKeyDecryptAgreeTest {

    private static final byte[] PLAINTEXT = "the data key of a message".getBytes(StandardCharsets.UTF_8);
    private static final OAEPParameterSpec SHA256 = new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
            PSource.PSpecified.DEFAULT);

    private static AsymmetricFixtures.Store store;
    private static KmsPrivateKeyHandle rsa;
    private static KmsPrivateKeyHandle ecdh;

    @BeforeAll
    static void keys() throws Exception {
        store = AsymmetricFixtures.newStore();
        rsa = store.create("decrypting", KeySpec.RSA_2048, KeyUsage.ENCRYPT_DECRYPT);
        ecdh = store.create("agreeing", KeySpec.ECC_NIST_P256, KeyUsage.KEY_AGREEMENT);
    }

    private static byte[] jdkEncrypt(String transformation, OAEPParameterSpec params) throws Exception {
        Cipher c = Cipher.getInstance(transformation, "SunJCE");
        c.init(Cipher.ENCRYPT_MODE, rsa.publicKey(), params);
        return c.doFinal(PLAINTEXT);
    }

    @ParameterizedTest(name = "KMS installed {0} (1: first, 0: last)")
    @ValueSource(ints = {1, 0})
    void oaepSha256_theJdkEncrypts_kmsDecrypts(int position) throws Exception {
        byte[] ciphertext = jdkEncrypt("RSA/ECB/OAEPPadding", SHA256);
        withKmsInstalled(position, () -> {
            long before = store.events(AuditOperation.DECRYPT, AuditOutcome.SUCCESS, rsa);
            Cipher c = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding");
            c.init(Cipher.DECRYPT_MODE, rsa);
            assertEquals("KMS", c.getProvider().getName());
            assertArrayEquals(PLAINTEXT, c.doFinal(ciphertext));
            assertEquals(before + 1, store.events(AuditOperation.DECRYPT, AuditOutcome.SUCCESS, rsa));

            Cipher encrypt = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding");
            encrypt.init(Cipher.ENCRYPT_MODE, rsa.publicKey(), SHA256);
            assertEquals("SunJCE", encrypt.getProvider().getName(), "encryption with the public key is the JDK's");
        });
    }

    @Test
    void oaepSha1_andOaepPaddingWithParameters() throws Exception {
        byte[] sha1 = jdkEncrypt("RSA/ECB/OAEPWithSHA-1AndMGF1Padding", null);
        Cipher c = Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding", Fixtures.PROVIDER);
        c.init(Cipher.DECRYPT_MODE, rsa);
        assertArrayEquals(PLAINTEXT, c.doFinal(sha1));

        Cipher padding = Cipher.getInstance("RSA/ECB/OAEPPadding", Fixtures.PROVIDER);
        padding.init(Cipher.DECRYPT_MODE, rsa); // SHA-1, as the JDK's default
        assertArrayEquals(PLAINTEXT, padding.doFinal(sha1));
        padding.init(Cipher.DECRYPT_MODE, rsa, SHA256);
        assertArrayEquals(PLAINTEXT, padding.doFinal(jdkEncrypt("RSA/ECB/OAEPPadding", SHA256)));
        assertEquals("SHA-256", padding.getParameters().getParameterSpec(OAEPParameterSpec.class).getDigestAlgorithm());
    }

    @Test
    void sunJceDefaultSha256_usesMgf1Sha1_whichAwsKmsDoesNot() throws Exception {
        // SunJCE reads OAEPWithSHA-256AndMGF1Padding as MGF1 with SHA-1: not AWS's RSAES_OAEP_SHA_256
        byte[] sunJce = jdkEncrypt("RSA/ECB/OAEPWithSHA-256AndMGF1Padding", null);
        Cipher c = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding", Fixtures.PROVIDER);
        c.init(Cipher.DECRYPT_MODE, rsa);
        assertThrows(BadPaddingException.class, () -> c.doFinal(sunJce));
        var mixed = assertThrows(InvalidAlgorithmParameterException.class, () -> c.init(Cipher.DECRYPT_MODE, rsa,
                new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT)));
        assertTrue(mixed.getMessage().contains("RSAES_OAEP_SHA_256"), mixed.getMessage());
        assertThrows(InvalidAlgorithmParameterException.class, () -> c.init(Cipher.DECRYPT_MODE, rsa,
                new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, new PSource.PSpecified(new byte[] {1}))));
    }

    @Test
    void unwrap_givesTheWrappedKey() throws Exception {
        SecretKey dataKey = new SecretKeySpec(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, "AES");
        Cipher wrap = Cipher.getInstance("RSA/ECB/OAEPPadding", "SunJCE");
        wrap.init(Cipher.WRAP_MODE, rsa.publicKey(), SHA256);
        byte[] wrapped = wrap.wrap(dataKey);

        Cipher unwrap = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding", Fixtures.PROVIDER);
        unwrap.init(Cipher.UNWRAP_MODE, rsa);
        SecretKey back = (SecretKey) unwrap.unwrap(wrapped, "AES", Cipher.SECRET_KEY);
        assertArrayEquals(dataKey.getEncoded(), back.getEncoded());
        assertEquals("AES", back.getAlgorithm());
    }

    @Test
    void encryptionWithAHandle_andASigningKey_areRefused() throws Exception {
        Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding", Fixtures.PROVIDER);
        var encrypt = assertThrows(InvalidKeyException.class, () -> c.init(Cipher.ENCRYPT_MODE, rsa));
        assertTrue(encrypt.getMessage().contains("only decrypts"), encrypt.getMessage());

        var fresh = AsymmetricFixtures.newStore();
        KmsPrivateKeyHandle signing = fresh.create("signing", KeySpec.RSA_2048, KeyUsage.SIGN_VERIFY);
        assertThrows(InvalidKeyException.class, () -> c.init(Cipher.DECRYPT_MODE, signing));
        assertEquals(1, fresh.audit().stream().filter(e -> e.operation() == AuditOperation.DECRYPT
                && e.outcome() != AuditOutcome.SUCCESS && signing.keyId().toString().equals(e.keyId())).count(),
                "the refusal is audited");
        assertThrows(InvalidKeyException.class, () -> c.init(Cipher.DECRYPT_MODE, ecdh));
    }

    @ParameterizedTest(name = "KMS installed {0} (1: first, 0: last)")
    @ValueSource(ints = {1, 0})
    void ecdh_derivesTheSecretThePeerDerives(int position) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair peer = g.generateKeyPair();
        KeyAgreement theirs = KeyAgreement.getInstance("ECDH", "SunEC");
        theirs.init(peer.getPrivate());
        theirs.doPhase(ecdh.publicKey(), true);
        byte[] expected = theirs.generateSecret();

        withKmsInstalled(position, () -> {
            long before = store.events(AuditOperation.DERIVE_SHARED_SECRET, AuditOutcome.SUCCESS, ecdh);
            KeyAgreement ours = KeyAgreement.getInstance("ECDH");
            ours.init(ecdh);
            assertEquals("KMS", ours.getProvider().getName());
            ours.doPhase(peer.getPublic(), true);
            assertArrayEquals(expected, ours.generateSecret());
            assertEquals(before + 1, store.events(AuditOperation.DERIVE_SHARED_SECRET, AuditOutcome.SUCCESS, ecdh));

            ours.doPhase(peer.getPublic(), true);
            SecretKey tls = ours.generateSecret("TlsPremasterSecret");
            assertEquals("TlsPremasterSecret", tls.getAlgorithm());
            assertArrayEquals(expected, tls.getEncoded());
            ours.doPhase(peer.getPublic(), true);
            KeyAgreement agreed = ours;
            assertThrows(NoSuchAlgorithmException.class, () -> agreed.generateSecret("AES"),
                    "no key is made of a raw ECDH secret but a TLS premaster secret");
            long derived = store.events(AuditOperation.DERIVE_SHARED_SECRET, AuditOutcome.SUCCESS, ecdh);
            assertThrows(javax.crypto.ShortBufferException.class, () -> agreed.generateSecret(new byte[31], 0));
            assertEquals(derived, store.events(AuditOperation.DERIVE_SHARED_SECRET, AuditOutcome.SUCCESS, ecdh),
                    "a short buffer derives nothing");
            byte[] out = new byte[33];
            assertEquals(32, agreed.generateSecret(out, 1));
            assertArrayEquals(expected, java.util.Arrays.copyOfRange(out, 1, 33));

            KeyAgreement jdk = KeyAgreement.getInstance("ECDH");
            jdk.init(peer.getPrivate());
            assertEquals("SunEC", jdk.getProvider().getName(), "a JDK key goes to the JDK");
        });
    }

    @Test
    void ecdh_refusesAPeerOnAnotherCurve_andAKeyOfAnotherUsage() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
        g.initialize(new ECGenParameterSpec("secp384r1"));
        KeyAgreement ka = KeyAgreement.getInstance("ECDH", Fixtures.PROVIDER);
        ka.init(ecdh);
        var curve = assertThrows(InvalidKeyException.class, () -> ka.doPhase(g.generateKeyPair().getPublic(), true));
        assertTrue(curve.getMessage().contains("curve"), curve.getMessage());

        var fresh = AsymmetricFixtures.newStore();
        KmsPrivateKeyHandle signing = fresh.create("signing", KeySpec.ECC_NIST_P256, KeyUsage.SIGN_VERIFY);
        assertThrows(InvalidKeyException.class, () -> KeyAgreement.getInstance("ECDH", Fixtures.PROVIDER).init(signing));
        assertEquals(1, fresh.audit().stream().filter(e -> e.operation() == AuditOperation.DERIVE_SHARED_SECRET
                && e.outcome() != AuditOutcome.SUCCESS && signing.keyId().toString().equals(e.keyId())).count());
    }
}
