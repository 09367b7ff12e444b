package io.kmsjca.conformance;

import io.kmsjca.keys.KmsPrivateKeyHandle;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ObjectOutputStream;
import java.io.NotSerializableException;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.stream.Stream;

import static io.kmsjca.conformance.AsymmetricFixtures.withKmsInstalled;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Key pairs from the KMS {@code KeyPairGenerator} before any store holds them: their private key
 * is a handle that signs inside the provider with every signature service, routed there by the
 * JCA, and describes itself as JSSE and keytool need (RSA modulus, EC curve) without its secret.
 */
class PendingKeyPairSignatureTest {

    private static final Provider BC = new BouncyCastleProvider();
    private static final byte[] MESSAGE = "a certificate to be".getBytes(StandardCharsets.UTF_8);

    static Stream<Arguments> pairs() {
        return Stream.of(
                arguments("RSA", 2048, null, "SHA256withRSA", false),
                arguments("RSA", 2048, null, "SHA512withRSA", false),
                arguments("RSA", 3072, null, "RSASSA-PSS", false),
                arguments("EC", 0, new ECGenParameterSpec("secp256r1"), "SHA256withECDSA", false),
                arguments("EC", 384, null, "SHA384withECDSA", false),
                arguments("EC", 521, null, "SHA512withECDSA", false),
                arguments("EC", 0, new ECGenParameterSpec("secp256k1"), "SHA256withECDSA", true),
                arguments("Ed25519", 0, null, "Ed25519", false),
                arguments("ML-DSA", 0, new NamedParameterSpec("ML-DSA-44"), "ML-DSA-44", true),
                arguments("ML-DSA", 0, null, "ML-DSA", true));
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @MethodSource("pairs")
    void aPendingPair_signsThroughTheJca(String keyAlgorithm, int size, AlgorithmParameterSpec params, String signature,
                                         boolean bcVerifies) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(keyAlgorithm, Fixtures.PROVIDER);
        if (size > 0) {
            g.initialize(size);
        } else if (params != null) {
            g.initialize(params);
        }
        KeyPair pair = g.generateKeyPair();
        var pending = assertInstanceOf(KmsPrivateKeyHandle.class, pair.getPrivate());
        assertNull(pending.getEncoded());
        assertNull(pending.getFormat());
        assertEquals(pair.getPublic(), pending.publicKey());
        // the name a stored key's handle and a certificate's key report (the JDK's Ed25519 keys say EdDSA)
        assertEquals(keyAlgorithm.equals("Ed25519") ? "EdDSA" : keyAlgorithm, pending.getAlgorithm());
        PSSParameterSpec pss = new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);

        withKmsInstalled(0, () -> {
            Signature signer = Signature.getInstance(signature);
            signer.initSign(pending);
            assertEquals("KMS", signer.getProvider().getName());
            if (signature.equals("RSASSA-PSS")) {
                // after initSign: before it, delayed selection has no key and takes the first provider
                signer.setParameter(pss);
            }
            signer.update(MESSAGE);
            byte[] sig = signer.sign();

            PublicKey publicKey = bcVerifies ? KeyFactory.getInstance(keyAlgorithm, BC)
                    .generatePublic(new X509EncodedKeySpec(pair.getPublic().getEncoded())) : pair.getPublic();
            Signature verifier = bcVerifies ? Signature.getInstance(signature, BC) : Signature.getInstance(signature);
            if (signature.equals("RSASSA-PSS")) {
                verifier.setParameter(pss);
            }
            verifier.initVerify(publicKey);
            verifier.update(MESSAGE);
            assertTrue(verifier.verify(sig));
            verifier.initVerify(publicKey);
            verifier.update(new byte[] {1});
            assertFalse(verifier.verify(sig));
        });
    }

    @Test
    void aPendingKey_describesItsPublicParameters_andCannotBeSerialized() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA", Fixtures.PROVIDER);
        KeyPair rsaPair = rsa.generateKeyPair();
        assertEquals(2048, ((RSAKey) rsaPair.getPrivate()).getModulus().bitLength(), "RSA 2048 by default");
        assertEquals(((RSAKey) rsaPair.getPublic()).getModulus(), ((RSAKey) rsaPair.getPrivate()).getModulus());

        KeyPair ecPair = KeyPairGenerator.getInstance("EC", Fixtures.PROVIDER).generateKeyPair();
        assertEquals(((ECKey) ecPair.getPublic()).getParams().getOrder(), ((ECKey) ecPair.getPrivate()).getParams().getOrder());
        assertEquals(256, ((ECKey) ecPair.getPrivate()).getParams().getOrder().bitLength(), "P-256 by default");

        assertThrows(NotSerializableException.class, () -> new ObjectOutputStream(java.io.OutputStream.nullOutputStream())
                .writeObject(ecPair.getPrivate()));
        assertFalse(ecPair.getPrivate().toString().contains("="), ecPair.getPrivate().toString());
    }
}
