package io.kmsjca.conformance;

import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.keys.StorePasswordRequiredException;
import io.kmsjca.provider.KmsLoadParameter;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.InvalidAlgorithmParameterException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.PrivateKey;
import java.security.Security;
import java.security.Signature;
import java.security.UnrecoverableEntryException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.NamedParameterSpec;

import javax.crypto.Cipher;

import static io.kmsjca.conformance.AsymmetricFixtures.withKmsInstalled;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code KeyStore "KMS"} with asymmetric keys: private-key entries with their certificate chains,
 * key pairs from the KMS {@code KeyPairGenerator} stored by {@code setKeyEntry}, a PKCS#12 key
 * migrated in; the private key never comes out.
 */
class PrivateKeyEntryTest {

    private static final char[] UNUSED = "ignored".toCharArray();
    private static final byte[] MESSAGE = "signed".getBytes(StandardCharsets.UTF_8);

    @Test
    void aKeyPairWithItsChain_isAPrivateKeyEntry() throws Exception {
        var store = AsymmetricFixtures.newStore();
        KmsPrivateKeyHandle key = store.create("tls", KeySpec.ECC_NIST_P256);
        KeyStore ks = store.keyStore();
        assertTrue(ks.isKeyEntry("tls"));
        assertNull(ks.getCertificateChain("tls"), "no chain yet");
        var noChain = assertThrows(UnrecoverableEntryException.class, () -> ks.getEntry("tls", null));
        assertTrue(noChain.getMessage().contains("no certificate chain"), noChain.getMessage());

        X509Certificate cert = withKms(() -> AsymmetricFixtures.selfSigned(key, "tls.example", "SHA256withECDSA"));
        ks.setKeyEntry("tls", ks.getKey("tls", UNUSED), UNUSED, new Certificate[] {cert});
        assertEquals(1, store.events(AuditOperation.SET_CERTIFICATE_CHAIN, AuditOutcome.SUCCESS, key));

        PrivateKey fromStore = (PrivateKey) ks.getKey("tls", UNUSED);
        assertInstanceOf(KmsPrivateKeyHandle.class, fromStore);
        assertEquals(key.keyId(), ((KmsPrivateKeyHandle) fromStore).keyId());
        assertNull(fromStore.getEncoded(), "the private key never comes out");
        assertNull(fromStore.getFormat());
        assertArrayEquals(new Certificate[] {cert}, ks.getCertificateChain("tls"));
        assertEquals(cert, ks.getCertificate("tls"));
        assertEquals("tls", ks.getCertificateAlias(cert));
        assertTrue(ks.entryInstanceOf("tls", KeyStore.PrivateKeyEntry.class));
        assertFalse(ks.entryInstanceOf("tls", KeyStore.SecretKeyEntry.class));
        assertFalse(ks.isCertificateEntry("tls"));
        var entry = (KeyStore.PrivateKeyEntry) ks.getEntry("tls", new KeyStore.PasswordProtection(UNUSED));
        assertEquals(cert, entry.getCertificate());
        assertEquals(key.keyId(), ((KmsPrivateKeyHandle) entry.getPrivateKey()).keyId());
    }

    @Test
    void symmetricKeys_stayJustAsTheyWere() throws Exception {
        var store = AsymmetricFixtures.newStore();
        store.service().createKey("orders", "aes");
        store.create("tls", KeySpec.ECC_NIST_P256);
        KeyStore ks = store.keyStore();
        assertInstanceOf(KmsKeyHandle.class, ks.getKey("orders", null));
        assertTrue(ks.entryInstanceOf("orders", KeyStore.SecretKeyEntry.class));
        assertFalse(ks.entryInstanceOf("orders", KeyStore.PrivateKeyEntry.class));
        assertInstanceOf(KeyStore.SecretKeyEntry.class, ks.getEntry("orders", null));
        assertNull(ks.getCertificateChain("orders"));
        assertEquals(2, ks.size());
    }

    @Test
    void aHandleTakesANewChain_onlyUnderItsOwnAlias() throws Exception {
        var store = AsymmetricFixtures.newStore();
        KmsPrivateKeyHandle key = store.create("tls", KeySpec.ECC_NIST_P256);
        store.create("other", KeySpec.ECC_NIST_P256);
        X509Certificate cert = withKms(() -> AsymmetricFixtures.selfSigned(key, "tls.example", "SHA256withECDSA"));
        var elsewhere = assertThrows(KeyStoreException.class,
                () -> store.keyStore().setKeyEntry("other", key, UNUSED, new Certificate[] {cert}));
        assertTrue(elsewhere.getMessage().contains("its own alias"), elsewhere.getMessage());
        assertThrows(KeyStoreException.class, () -> store.keyStore().setKeyEntry("new", key, UNUSED, new Certificate[] {cert}));
        assertNull(store.keyStore().getCertificateChain("other"));
        assertFalse(store.keyStore().containsAlias("new"));
    }

    @Test
    void keyPairGenerator_makesAPendingPair_thatSigns_andSetKeyEntryStoresIt() throws Exception {
        var store = AsymmetricFixtures.newStore();
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", Fixtures.PROVIDER);
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = g.generateKeyPair();
        KmsPrivateKeyHandle pending = assertInstanceOf(KmsPrivateKeyHandle.class, pair.getPrivate());
        assertNull(pending.getEncoded());
        assertEquals(KeySpec.ECC_NIST_P256, pending.keySpec());
        assertEquals("X.509", pair.getPublic().getFormat());

        X509Certificate cert = withKms(() -> AsymmetricFixtures.certificate("made", pair.getPublic(), "made",
                pair.getPrivate(), "SHA256withECDSA"));
        cert.verify(pair.getPublic()); // signed by the pending key, checked by the JDK

        store.keyStore().setKeyEntry("made", pending, UNUSED, new Certificate[] {cert});
        assertTrue(pending.isDestroyed(), "the pending pair is the store's now");
        var stored = (KmsPrivateKeyHandle) store.keyStore().getKey("made", UNUSED);
        assertEquals(pair.getPublic(), stored.publicKey());
        assertEquals(KeyUsage.SIGN_VERIFY, stored.keyUsage());
        assertEquals(cert, store.keyStore().getCertificate("made"));

        withKms(() -> {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(stored);
            s.update(MESSAGE);
            Signature v = Signature.getInstance("SHA256withECDSA", "SunEC");
            v.initVerify(cert);
            v.update(MESSAGE);
            assertTrue(v.verify(s.sign()), "the stored key is the generated one");
            assertThrows(InvalidKeyException.class, () -> Signature.getInstance("SHA256withECDSA", Fixtures.PROVIDER)
                    .initSign(pending), "a stored pending pair signs no more");
            return null;
        });
        assertThrows(KeyStoreException.class, () -> store.keyStore().setKeyEntry("again", pending, UNUSED,
                new Certificate[] {cert}), "and cannot be stored twice");
    }

    @Test
    void keyPairGenerator_makesAwsSpecsOnly_andSignsOnly() throws Exception {
        var rsa = KeyPairGenerator.getInstance("RSA", Fixtures.PROVIDER);
        var small = assertThrows(InvalidParameterException.class, () -> rsa.initialize(1024));
        assertTrue(small.getMessage().contains("2048, 3072 or 4096"), small.getMessage());
        var ec = KeyPairGenerator.getInstance("EC", Fixtures.PROVIDER);
        assertThrows(InvalidParameterException.class, () -> ec.initialize(224));
        assertThrows(InvalidAlgorithmParameterException.class, () -> ec.initialize(new ECGenParameterSpec("secp224r1")));
        ec.initialize(new NamedParameterSpec("secp384r1")); // as keytool's CertAndKeyGen asks first
        assertEquals(KeySpec.ECC_NIST_P384, ((KmsPrivateKeyHandle) ec.generateKeyPair().getPrivate()).keySpec());
        var mlDsa = KeyPairGenerator.getInstance("ML-DSA", Fixtures.PROVIDER);
        mlDsa.initialize(new NamedParameterSpec("ML-DSA-44"));
        assertEquals(KeySpec.ML_DSA_44, ((KmsPrivateKeyHandle) mlDsa.generateKeyPair().getPrivate()).keySpec());
        assertEquals(KeySpec.ECC_NIST_EDWARDS25519, ((KmsPrivateKeyHandle) KeyPairGenerator.getInstance("Ed25519",
                Fixtures.PROVIDER).generateKeyPair().getPrivate()).keySpec());

        rsa.initialize(2048);
        KmsPrivateKeyHandle pending = (KmsPrivateKeyHandle) rsa.generateKeyPair().getPrivate();
        assertThrows(InvalidKeyException.class, () -> Cipher.getInstance("RSA/ECB/OAEPPadding", Fixtures.PROVIDER)
                .init(Cipher.DECRYPT_MODE, pending), "a pending pair only signs");
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "KMS installed {0} (1: first, 0: last)")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 0})
    void keyPairGenerator_withoutAProviderName_isTheJdks(int position) throws Exception {
        withKmsInstalled(position, () -> {
            assertEquals("SunEC", KeyPairGenerator.getInstance("EC").getProvider().getName());
            assertEquals("SunRsaSign", KeyPairGenerator.getInstance("RSA").getProvider().getName());
            assertEquals("SunEC", KeyPairGenerator.getInstance("Ed25519").getProvider().getName());
            assertEquals("KMS", KeyPairGenerator.getInstance("EC", "KMS").getProvider().getName());
            assertEquals("KMS", KeyPairGenerator.getInstance("EC", Security.getProvider("KMS")).getProvider().getName());

            // JDK 17's SunEC refuses a NamedParameterSpec (keytool tries it first); the JCA's failover
            // must not move the unnamed request on to KMS, whose pairs no PKCS12 store can hold
            KeyPairGenerator unnamed = KeyPairGenerator.getInstance("EC");
            try {
                unnamed.initialize(new NamedParameterSpec("secp256r1"));
            } catch (InvalidAlgorithmParameterException refusedByTheJdk) {
                unnamed.initialize(new ECGenParameterSpec("secp256r1"));
            }
            KeyPair pair = unnamed.generateKeyPair();
            assertFalse(pair.getPrivate() instanceof KmsPrivateKeyHandle, "a JDK key pair, not a KMS one");
            assertNotNull(pair.getPrivate().getEncoded());

            // fails closed: a generator asked for outside the named getInstance (here the service
            // itself) is refused, so no other route of a future JDK hands out KMS pairs unasked
            var direct = assertThrows(java.security.NoSuchAlgorithmException.class,
                    () -> Security.getProvider("KMS").getService("KeyPairGenerator", "EC").newInstance(null));
            assertTrue(direct.getMessage().contains("getInstance(\"EC\", \"KMS\")"), direct.getMessage());
        });
    }

    @Test
    void aJdkPrivateKey_isMigratedIn_andTheCallersCopyIsUntouched() throws Exception {
        var store = AsymmetricFixtures.newStore();
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair jdk = g.generateKeyPair();
        byte[] before = jdk.getPrivate().getEncoded();
        X509Certificate cert = AsymmetricFixtures.certificate("migrated", jdk.getPublic(), "migrated", jdk.getPrivate(),
                "SHA256withECDSA");
        store.keyStore().setEntry("migrated", new KeyStore.PrivateKeyEntry(jdk.getPrivate(), new Certificate[] {cert}),
                new KeyStore.PasswordProtection(UNUSED));

        assertArrayEquals(before, jdk.getPrivate().getEncoded(), "the caller's key is as it was");
        var handle = (KmsPrivateKeyHandle) store.keyStore().getKey("migrated", UNUSED);
        assertEquals(KeyUsage.SIGN_VERIFY, handle.keyUsage());
        assertNull(handle.getEncoded());
        assertEquals(cert, store.keyStore().getCertificate("migrated"));
        withKms(() -> {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(handle);
            assertEquals("KMS", s.getProvider().getName());
            s.update(MESSAGE);
            Signature v = Signature.getInstance("SHA256withECDSA", "SunEC");
            v.initVerify(jdk.getPublic());
            v.update(MESSAGE);
            assertTrue(v.verify(s.sign()));
            return null;
        });
    }

    @Test
    void trustedCertificates_areRefused_andAKeysOnlyStoreChangesNothing() throws Exception {
        var store = AsymmetricFixtures.newStore();
        KmsPrivateKeyHandle key = store.create("tls", KeySpec.ECC_NIST_P256);
        X509Certificate cert = withKms(() -> AsymmetricFixtures.selfSigned(key, "tls.example", "SHA256withECDSA"));
        var trusted = assertThrows(KeyStoreException.class, () -> store.keyStore().setCertificateEntry("ca", cert));
        assertTrue(trusted.getMessage().contains("not trusted certificates"), trusted.getMessage());

        KeyStore keysOnly = KeyStore.getInstance("KMS", Fixtures.PROVIDER);
        keysOnly.load(KmsLoadParameter.of(store.service()));
        assertThrows(StorePasswordRequiredException.class,
                () -> keysOnly.setKeyEntry("tls", key, UNUSED, new Certificate[] {cert}));
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", Fixtures.PROVIDER);
        PrivateKey pending = g.generateKeyPair().getPrivate();
        assertThrows(StorePasswordRequiredException.class,
                () -> keysOnly.setKeyEntry("new", pending, UNUSED, new Certificate[] {cert}));
        assertNull(keysOnly.getCertificateChain("tls"));
        assertFalse(keysOnly.containsAlias("new"));
        assertInstanceOf(KmsPrivateKeyHandle.class, keysOnly.getKey("tls", null), "it may use the keys");
    }

    private interface Body<T> {
        T run() throws Exception;
    }

    /** {@code body} with the KMS provider installed (last), so certificates are signed through it. */
    private static <T> T withKms(Body<T> body) throws Exception {
        Object[] result = new Object[1];
        withKmsInstalled(0, () -> result[0] = body.run());
        @SuppressWarnings("unchecked")
        T t = (T) result[0];
        return t;
    }
}
