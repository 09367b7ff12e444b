package io.kmsjca.internal.service;

import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.util.List;

import static io.kmsjca.internal.service.AsPrincipal.as;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Findings of the security review of asymmetric keys (#19), each a proof: what an attacker
 * holding a key-user credential, a handle or an imported key could do that it should not.
 */
class AsymmetricReviewFindingsTest {

    @TempDir
    Path dir;
    LifecycleFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new LifecycleFixture(dir);
    }

    /**
     * Finding 1: an RSA private key whose CRT components do not agree with its modulus and
     * exponents (a corrupted dP, as a faulty export or a hand-made PKCS#8 gives) is imported as a
     * key that can never sign or decrypt (the JDK checks each CRT result and refuses it; without
     * that check one faulty signature would reveal a prime factor, Boneh-DeMillo-Lipton). AWS KMS
     * validates imported key material; an import must check the pair (pairwise consistency).
     */
    @Test
    void anInconsistentRsaCrtKeyIsRefusedOnImport() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        RSAPrivateCrtKey good = (RSAPrivateCrtKey) g.generateKeyPair().getPrivate();
        PrivateKey corrupted = KeyFactory.getInstance("RSA").generatePrivate(new RSAPrivateCrtKeySpec(
                good.getModulus(), good.getPublicExponent(), good.getPrivateExponent(), good.getPrimeP(),
                good.getPrimeQ(), good.getPrimeExponentP().add(BigInteger.TWO), good.getPrimeExponentQ(),
                good.getCrtCoefficient()));

        KmsPrivateKeyHandle imported;
        try {
            imported = f.keys.importKeyPair("faulty", KeyUsage.SIGN_VERIFY, corrupted, List.of());
        } catch (InvalidKeyRequestException refused) {
            assertEquals(AuditOutcome.FAILED, lastOutcome(AuditOperation.IMPORT_KEY_MATERIAL));
            assertTrue(f.keys.findPrivateKey("faulty").isEmpty());
            return; // the fix: refused, audited, nothing stored
        }
        // without the check the key is stored, and every signature it makes is refused by the JDK's own
        // check of its CRT result (a faulty CRT signature would give a factor of n away: gcd(s^e - m, n))
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(new byte[] {1, 2, 3});
        Exception signing = assertThrows(Exception.class, () -> f.keys.sign("faulty", digest, MessageType.DIGEST,
                SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_256));
        fail("imported " + imported + " although its CRT components are inconsistent: it cannot sign (" + signing + ")");
    }

    private AuditOutcome lastOutcome(AuditOperation op) {
        f.keys.auditRecorder().flush();
        return f.last(op).outcome();
    }

    /** Checked sound: importing a key pair under an alias in use neither replaces nor joins the key it names. */
    @Test
    void importingUnderAnAliasInUseLeavesItsKeyAsItWas() throws Exception {
        KmsPrivateKeyHandle signer = f.keys.createKeyPair(CreateKeyRequest.withAlias("signer").keySpec(KeySpec.ECC_NIST_P256));
        f.keys.createKey("aes", "");
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        PrivateKey other = g.generateKeyPair().getPrivate();
        assertThrows(java.security.KeyStoreException.class,
                () -> f.keys.importKeyPair("signer", KeyUsage.SIGN_VERIFY, other, List.of()));
        assertThrows(java.security.KeyStoreException.class,
                () -> f.keys.importKeyPair("aes", KeyUsage.SIGN_VERIFY, other, List.of()));
        KmsPrivateKeyHandle found = f.keys.findPrivateKey("signer").orElseThrow();
        assertEquals(signer.keyId(), found.keyId());
        assertArrayEquals(signer.publicKey().getEncoded(), f.keys.getPublicKey("signer").getEncoded());
        assertTrue(f.keys.findPrivateKey("aes").isEmpty(), "the symmetric key's alias names no key pair");
    }
}
