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
