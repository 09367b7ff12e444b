package io.kmsjca.conformance;

import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The security review of asymmetric keys through the JCA (#19): what it checked and found sound,
 * kept as regression tests. A {@code Signature} decides the key's state at each {@code sign}, not
 * only at {@code initSign}; a caller's {@code SecureRandom} is never drawn from.
 */
class AsymmetricReviewFindingsTest {

    private static final byte[] MESSAGE = "review #19".getBytes();

    /** A key disabled, or scheduled for deletion, after initSign: the next sign is refused and audited; re-enabled, it signs. */
    @Test
    void aSignatureInitializedBeforeTheKeyIsDisabledRefusesToSign() throws Exception {
        var store = AsymmetricFixtures.newStore();
        KmsPrivateKeyHandle key = store.create("signer", KeySpec.ECC_NIST_P256);
        Signature signer = Signature.getInstance("SHA256withECDSA", Fixtures.PROVIDER);
        signer.initSign(key);
        signer.update(MESSAGE);
        store.service().disableKey("signer");
        long before = store.audit().stream().filter(e -> e.operation() == AuditOperation.SIGN
                && e.outcome() != AuditOutcome.SUCCESS).count();
        var refused = assertThrows(SignatureException.class, signer::sign);
        assertTrue(refused.getMessage().contains("Disabled"), refused.getMessage());
        assertEquals(before + 1, store.audit().stream().filter(e -> e.operation() == AuditOperation.SIGN
                && e.outcome() != AuditOutcome.SUCCESS).count(), "the refused sign is audited once");

        store.service().enableKey("signer");
        signer.update(MESSAGE);
        byte[] signature = signer.sign();
        Signature jdk = Signature.getInstance("SHA256withECDSA", "SunEC");
        jdk.initVerify(key.publicKey());
        jdk.update(MESSAGE);
        assertTrue(jdk.verify(signature));
        assertEquals(1, store.events(AuditOperation.SIGN, AuditOutcome.SUCCESS, key));

        store.service().scheduleKeyDeletion("signer");
        signer.update(MESSAGE);
        assertThrows(SignatureException.class, signer::sign);
        assertEquals(1, store.events(AuditOperation.SIGN, AuditOutcome.SUCCESS, key));
    }

    /**
     * The product's promise: a caller's SecureRandom (seeded, predictable) is never used. ECDSA
     * nonces, RSA-PSS salts, OAEP and the KMS KeyPairGenerator draw from KmsRandom only.
     */
    @Test
    void aCallersSecureRandomIsNeverDrawnFrom() throws Exception {
        var store = AsymmetricFixtures.newStore();
        AtomicInteger draws = new AtomicInteger();
        SecureRandom callers = new CountingRandom(draws);

        KmsPrivateKeyHandle ec = store.create("ec", KeySpec.ECC_NIST_P256);
        Signature ecdsa = Signature.getInstance("SHA256withECDSA", Fixtures.PROVIDER);
        ecdsa.initSign(ec, callers);
        ecdsa.update(MESSAGE);
        byte[] first = ecdsa.sign();
        ecdsa.update(MESSAGE);
        assertFalse(java.util.Arrays.equals(first, ecdsa.sign()), "ECDSA nonces are fresh");

        KmsPrivateKeyHandle rsa = store.create("rsa", KeySpec.RSA_2048, KeyUsage.ENCRYPT_DECRYPT);
        Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding", Fixtures.PROVIDER);
        oaep.init(Cipher.DECRYPT_MODE, rsa, callers);

        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", Fixtures.PROVIDER);
        generator.initialize(new ECGenParameterSpec("secp256r1"), callers);
        KeyPair pending = generator.generateKeyPair();
        Signature pendingSigner = Signature.getInstance("SHA256withECDSA", Fixtures.PROVIDER);
        pendingSigner.initSign(pending.getPrivate(), callers);
        pendingSigner.update(MESSAGE);
        assertNotNull(pendingSigner.sign());

        assertEquals(0, draws.get(), "the caller's SecureRandom was drawn from");
    }

    /**
     * Finding 5 (low): a pending key pair could be stored into two key stores. Storing
     * takes its private key, imports it, then destroys the pending handle; a second store made
     * meanwhile (here from inside the first, as the first reads its chain) took the same key, so
     * two stores held one private key under two key ids, though the pair "becomes a stored key" once.
     */
    @Test
    void aPendingKeyPairBecomesAStoredKeyOfOneStoreOnly() throws Exception {
        var first = AsymmetricFixtures.newStore();
        var second = AsymmetricFixtures.newStore();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", Fixtures.PROVIDER);
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pending = generator.generateKeyPair();
        KeyPairGenerator caGenerator = KeyPairGenerator.getInstance("EC");
        caGenerator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair ca = caGenerator.generateKeyPair();
        X509Certificate certificate = AsymmetricFixtures.certificate("pending", pending.getPublic(), "CA", ca.getPrivate(),
                "SHA256withECDSA");
        java.util.List<Object> nested = new java.util.ArrayList<>();
        X509Certificate meanwhile = new DelegatingCertificate(certificate, () -> {
            if (nested.isEmpty()) {
                try {
                    second.keyStore().setKeyEntry("copy", pending.getPrivate(), null, new Certificate[] {certificate});
                    nested.add("stored");
                } catch (java.security.KeyStoreException refused) {
                    nested.add(refused);
                }
            }
        });
        boolean firstStored;
        try {
            first.keyStore().setKeyEntry("original", pending.getPrivate(), null, new Certificate[] {meanwhile});
            firstStored = true;
        } catch (java.security.KeyStoreException refused) {
            firstStored = false;
        }
        assertEquals(1, nested.size(), "the second store was tried while the first stored the pair");
        boolean secondStored = second.service().findPrivateKey("copy").isPresent();
        assertEquals(firstStored, first.service().findPrivateKey("original").isPresent());
        assertTrue(firstStored || secondStored, "one store holds the pair");
        assertFalse(firstStored && secondStored, "both stores hold the one private key of the pending pair");
        assertTrue(pending.getPrivate().isDestroyed());
    }

    /** A certificate that runs {@code hook} each time its DER is read, else the certificate it wraps. */
    private static final class DelegatingCertificate extends X509Certificate {
        private final X509Certificate c;
        private final Runnable hook;

        DelegatingCertificate(X509Certificate c, Runnable hook) {
            this.c = c;
            this.hook = hook;
        }

        @Override public byte[] getEncoded() throws java.security.cert.CertificateEncodingException {
            hook.run();
            return c.getEncoded();
        }
        @Override public void checkValidity() throws java.security.cert.CertificateExpiredException,
                java.security.cert.CertificateNotYetValidException { c.checkValidity(); }
        @Override public void checkValidity(java.util.Date date) throws java.security.cert.CertificateExpiredException,
                java.security.cert.CertificateNotYetValidException { c.checkValidity(date); }
        @Override public int getVersion() { return c.getVersion(); }
        @Override public java.math.BigInteger getSerialNumber() { return c.getSerialNumber(); }
        @SuppressWarnings("deprecation") @Override public java.security.Principal getIssuerDN() { return c.getIssuerDN(); }
        @SuppressWarnings("deprecation") @Override public java.security.Principal getSubjectDN() { return c.getSubjectDN(); }
        @Override public javax.security.auth.x500.X500Principal getSubjectX500Principal() { return c.getSubjectX500Principal(); }
        @Override public javax.security.auth.x500.X500Principal getIssuerX500Principal() { return c.getIssuerX500Principal(); }
        @Override public java.util.Date getNotBefore() { return c.getNotBefore(); }
        @Override public java.util.Date getNotAfter() { return c.getNotAfter(); }
        @Override public byte[] getTBSCertificate() throws java.security.cert.CertificateEncodingException { return c.getTBSCertificate(); }
        @Override public byte[] getSignature() { return c.getSignature(); }
        @Override public String getSigAlgName() { return c.getSigAlgName(); }
        @Override public String getSigAlgOID() { return c.getSigAlgOID(); }
        @Override public byte[] getSigAlgParams() { return c.getSigAlgParams(); }
        @Override public boolean[] getIssuerUniqueID() { return c.getIssuerUniqueID(); }
        @Override public boolean[] getSubjectUniqueID() { return c.getSubjectUniqueID(); }
        @Override public boolean[] getKeyUsage() { return c.getKeyUsage(); }
        @Override public int getBasicConstraints() { return c.getBasicConstraints(); }
        @Override public void verify(java.security.PublicKey key) throws java.security.cert.CertificateException,
                java.security.NoSuchAlgorithmException, java.security.InvalidKeyException,
                java.security.NoSuchProviderException, SignatureException { c.verify(key); }
        @Override public void verify(java.security.PublicKey key, String sigProvider) throws java.security.cert.CertificateException,
                java.security.NoSuchAlgorithmException, java.security.InvalidKeyException,
                java.security.NoSuchProviderException, SignatureException { c.verify(key, sigProvider); }
        @Override public String toString() { return c.toString(); }
        @Override public java.security.PublicKey getPublicKey() { return c.getPublicKey(); }
        @Override public boolean hasUnsupportedCriticalExtension() { return c.hasUnsupportedCriticalExtension(); }
        @Override public java.util.Set<String> getCriticalExtensionOIDs() { return c.getCriticalExtensionOIDs(); }
        @Override public java.util.Set<String> getNonCriticalExtensionOIDs() { return c.getNonCriticalExtensionOIDs(); }
        @Override public byte[] getExtensionValue(String oid) { return c.getExtensionValue(oid); }
    }

    /** A SecureRandom that counts every draw and gives zeros (a predictable source). */
    private static final class CountingRandom extends SecureRandom {
        CountingRandom(AtomicInteger draws) {
            super(new SecureRandomSpi() {
                @Override
                protected void engineSetSeed(byte[] seed) {
                }

                @Override
                protected void engineNextBytes(byte[] bytes) {
                    draws.incrementAndGet();
                    java.util.Arrays.fill(bytes, (byte) 0);
                }

                @Override
                protected byte[] engineGenerateSeed(int n) {
                    draws.incrementAndGet();
                    return new byte[n];
                }
            }, null);
        }
    }
}
