package io.kmsjca.internal.crypto;

import io.kmsjca.keys.KeySpec;
import org.bouncycastle.jcajce.interfaces.MLDSAPrivateKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigInteger;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.*;

class KeyPairsTest {

    @ParameterizedTest
    @MethodSource("io.kmsjca.internal.crypto.TestKeyPairs#asymmetricSpecs")
    void everySpec_generates_encodes_decodes_andIsRecognised(KeySpec spec) throws Exception {
        KeyPair pair = TestKeyPairs.of(spec);
        assertEquals(spec, KeySpecs.of(pair.getPrivate()));
        assertEquals(spec, KeySpecs.of(pair.getPublic()));
        byte[] pkcs8 = pair.getPrivate().getEncoded();
        byte[] x509 = pair.getPublic().getEncoded();
        assertEquals("PKCS#8", pair.getPrivate().getFormat());
        assertEquals("X.509", pair.getPublic().getFormat());
        assertArrayEquals(pkcs8, KeyPairs.decodePrivate(spec, pkcs8).getEncoded());
        assertArrayEquals(x509, KeyPairs.decodePublic(spec, x509).getEncoded());
        assertArrayEquals(x509, KeyPairs.publicOf(spec, pair.getPrivate()).getEncoded());
        assertArrayEquals(x509, KeyPairs.publicOf(spec, KeyPairs.decodePrivate(spec, pkcs8)).getEncoded());
    }

    @ParameterizedTest
    @MethodSource("io.kmsjca.internal.crypto.TestKeyPairs#asymmetricSpecs")
    void twoGeneratedPairs_differ(KeySpec spec) {
        if (spec.family() == KeySpec.Family.RSA && spec != KeySpec.RSA_2048) {
            return; // slow to generate, and RSA_2048 shows the generator is random
        }
        assertFalse(Arrays.equals(KeyPairs.generate(spec).getPublic().getEncoded(),
                KeyPairs.generate(spec).getPublic().getEncoded()));
    }

    @Test
    void rsa_publicExponent_is65537() {
        for (KeySpec spec : new KeySpec[] {KeySpec.RSA_2048, KeySpec.RSA_3072, KeySpec.RSA_4096}) {
            RSAPublicKey pub = (RSAPublicKey) TestKeyPairs.of(spec).getPublic();
            assertEquals(BigInteger.valueOf(65537), pub.getPublicExponent());
            assertEquals(spec.bits(), pub.getModulus().bitLength());
        }
    }

    @ParameterizedTest
    @EnumSource(value = KeySpec.class, names = {"ML_DSA_44", "ML_DSA_65", "ML_DSA_87"})
    void mlDsa_privateKeyIsSeedForm_andKeysCarryTheStandardOids(KeySpec spec) {
        KeyPair pair = TestKeyPairs.of(spec);
        String oid = switch (spec) { // id-ml-dsa-44/65/87, 2.16.840.1.101.3.4.3.17/18/19, DER
            case ML_DSA_44 -> "0609608648016503040311";
            case ML_DSA_65 -> "0609608648016503040312";
            default -> "0609608648016503040313";
        };
        String pkcs8 = HexFormat.of().formatHex(pair.getPrivate().getEncoded());
        // RFC 9881: PrivateKeyInfo { version 0, { id-ml-dsa-* }, OCTET STRING { seed [0] 32 bytes } }
        assertEquals(54, pair.getPrivate().getEncoded().length);
        assertTrue(pkcs8.startsWith("3034020100300b" + oid + "04228020"), pkcs8);
        assertNotNull(((MLDSAPrivateKey) pair.getPrivate()).getSeed());
        String x509 = HexFormat.of().formatHex(pair.getPublic().getEncoded());
        assertTrue(x509.startsWith("3082") && x509.substring(8).startsWith("300b" + oid + "0382"), x509);
    }

    @Test
    void mlDsa_privateKeyInTheSeedAndExpandedForm_isReadToo() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("ML-DSA", AsymmetricProviders.BC);
        g.initialize(org.bouncycastle.jcajce.spec.MLDSAParameterSpec.ml_dsa_65);
        KeyPair both = g.generateKeyPair(); // Bouncy Castle's default encoding: seed and expanded key
        byte[] pkcs8 = both.getPrivate().getEncoded();
        assertTrue(pkcs8.length > 1000, "expected the long form, got " + pkcs8.length);
        var decoded = KeyPairs.decodePrivate(KeySpec.ML_DSA_65, pkcs8);
        assertArrayEquals(both.getPublic().getEncoded(), KeyPairs.publicOf(KeySpec.ML_DSA_65, decoded).getEncoded());
        assertThrows(InvalidKeyException.class, () -> KeyPairs.decodePrivate(KeySpec.ML_DSA_44, pkcs8));
    }

    @Test
    void specOf_unsupportedKeys_isRejected_namingThem() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        var e = assertThrows(InvalidKeyException.class, () -> KeySpecs.of(rsa.generateKeyPair().getPublic()));
        assertTrue(e.getMessage().contains("RSA-1024"), e.getMessage());

        KeyPairGenerator p224 = KeyPairGenerator.getInstance("EC", AsymmetricProviders.BC);
        p224.initialize(new ECGenParameterSpec("secp224r1"));
        KeyPair k224 = p224.generateKeyPair();
        assertThrows(InvalidKeyException.class, () -> KeySpecs.of(k224.getPublic()));
        assertThrows(InvalidKeyException.class, () -> KeySpecs.of(k224.getPrivate()));

        KeyPair ed448 = KeyPairGenerator.getInstance("Ed448").generateKeyPair();
        e = assertThrows(InvalidKeyException.class, () -> KeySpecs.of(ed448.getPublic()));
        assertTrue(e.getMessage().contains("Ed448"), e.getMessage());
        assertThrows(InvalidKeyException.class, () -> KeySpecs.of(ed448.getPrivate()));
    }

    @Test
    void specOf_comparesTheCurve_notTheProvider() throws Exception {
        // secp256r1 from Bouncy Castle (its own key classes and parameter spec) is still P-256
        KeyPairGenerator bc = KeyPairGenerator.getInstance("EC", AsymmetricProviders.BC);
        bc.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = bc.generateKeyPair();
        assertEquals(KeySpec.ECC_NIST_P256, KeySpecs.of(pair.getPublic()));
        assertEquals(KeySpec.ECC_NIST_P256, KeySpecs.of(pair.getPrivate()));
    }

    @Test
    void decodePublic_ofAnotherSpec_isRejected() {
        byte[] p256 = TestKeyPairs.of(KeySpec.ECC_NIST_P256).getPublic().getEncoded();
        assertThrows(InvalidKeyException.class, () -> KeyPairs.decodePublic(KeySpec.ECC_NIST_P384, p256));
        assertThrows(InvalidKeyException.class, () -> KeyPairs.decodePublic(KeySpec.ECC_SECG_P256K1, p256));
        assertThrows(InvalidKeyException.class, () -> KeyPairs.decodePublic(KeySpec.RSA_2048, p256));
        byte[] rsa = TestKeyPairs.of(KeySpec.RSA_2048).getPublic().getEncoded();
        assertThrows(InvalidKeyException.class, () -> KeyPairs.decodePublic(KeySpec.RSA_3072, rsa));
        byte[] ml44 = TestKeyPairs.of(KeySpec.ML_DSA_44).getPublic().getEncoded();
        assertThrows(InvalidKeyException.class, () -> KeyPairs.decodePublic(KeySpec.ML_DSA_65, ml44));
        assertThrows(InvalidKeyException.class, () -> KeyPairs.decodePublic(KeySpec.SYMMETRIC_DEFAULT, ml44));
    }

    @Test
    void decodePrivate_ofAnotherSpec_isRejected() {
        byte[] p256 = TestKeyPairs.of(KeySpec.ECC_NIST_P256).getPrivate().getEncoded();
        assertThrows(InvalidKeyException.class, () -> KeyPairs.decodePrivate(KeySpec.ECC_NIST_P384, p256));
        assertThrows(InvalidKeyException.class, () -> KeyPairs.decodePrivate(KeySpec.ECC_NIST_EDWARDS25519, p256));
        byte[] rsa = TestKeyPairs.of(KeySpec.RSA_2048).getPrivate().getEncoded();
        assertThrows(InvalidKeyException.class, () -> KeyPairs.decodePrivate(KeySpec.RSA_4096, rsa));
        byte[] ml65 = TestKeyPairs.of(KeySpec.ML_DSA_65).getPrivate().getEncoded();
        assertThrows(InvalidKeyException.class, () -> KeyPairs.decodePrivate(KeySpec.ML_DSA_87, ml65));
        byte[] trailing = Arrays.copyOf(p256, p256.length + 1);
        assertThrows(InvalidKeyException.class, () -> KeyPairs.decodePrivate(KeySpec.ECC_NIST_P256, trailing));
        assertThrows(InvalidKeyException.class,
                () -> KeyPairs.decodePrivate(KeySpec.ECC_NIST_P256, new byte[KeyPairs.MAX_PRIVATE_KEY_BYTES + 1]));
    }

    @ParameterizedTest
    @EnumSource(value = KeySpec.class, names = {"ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1"})
    void decodePublic_pointNotOnCurve_isRejected(KeySpec spec) {
        byte[] x509 = TestKeyPairs.of(spec).getPublic().getEncoded();
        x509[x509.length - 1] ^= 1; // y changed: (x, y') is not on the curve
        var e = assertThrows(InvalidKeyException.class, () -> KeyPairs.decodePublic(spec, x509));
        if (spec != KeySpec.ECC_SECG_P256K1) { // Bouncy Castle's KeyFactory refuses it first; the JDK's takes any point
            assertTrue(e.getMessage().contains("not on the curve"), e.getMessage());
        }
    }

    @Test
    void checkOnCurve_pointOfAnotherCurve_orOutOfRange_isRejected() throws Exception {
        ECPoint k1 = ((ECPublicKey) TestKeyPairs.of(KeySpec.ECC_SECG_P256K1).getPublic()).getW();
        assertThrows(InvalidKeyException.class, () -> NamedCurves.checkOnCurve(KeySpec.ECC_NIST_P256, k1));
        assertThrows(InvalidKeyException.class, () -> NamedCurves.checkOnCurve(KeySpec.ECC_NIST_P256, ECPoint.POINT_INFINITY));
        ECPoint w = ((ECPublicKey) TestKeyPairs.of(KeySpec.ECC_NIST_P256).getPublic()).getW();
        NamedCurves.checkOnCurve(KeySpec.ECC_NIST_P256, w);
        BigInteger p = ((java.security.spec.ECFieldFp) NamedCurves.parameters(KeySpec.ECC_NIST_P256).getCurve().getField()).getP();
        // x + p is the same point modulo p, but not a canonical coordinate
        assertThrows(InvalidKeyException.class, () -> NamedCurves.checkOnCurve(KeySpec.ECC_NIST_P256,
                new ECPoint(w.getAffineX().add(p), w.getAffineY())));
    }

    @Test
    void decodePublic_trailingBytes_oversize_nonDer_compressed_areRejected() {
        byte[] x509 = TestKeyPairs.of(KeySpec.ECC_NIST_P256).getPublic().getEncoded();
        assertThrows(InvalidKeyException.class,
                () -> KeyPairs.decodePublic(KeySpec.ECC_NIST_P256, Arrays.copyOf(x509, x509.length + 1)));
        assertThrows(InvalidKeyException.class,
                () -> KeyPairs.decodePublic(KeySpec.ML_DSA_87, new byte[KeyPairs.MAX_PUBLIC_KEY_BYTES + 1]));
        assertThrows(InvalidKeyException.class, () -> KeyPairs.decodePublic(KeySpec.ECC_NIST_P256, null));
        // the outer length in a long form (0x81 0x59 for 0x59): BER, not DER
        byte[] ber = new byte[x509.length + 1];
        ber[0] = 0x30;
        ber[1] = (byte) 0x81;
        System.arraycopy(x509, 1, ber, 2, x509.length - 1);
        assertThrows(InvalidKeyException.class, () -> KeyPairs.decodePublic(KeySpec.ECC_NIST_P256, ber));
        // the same key as a compressed point (0x02/0x03 || x): refused, AWS returns uncompressed points
        ECPoint w = ((ECPublicKey) TestKeyPairs.of(KeySpec.ECC_NIST_P256).getPublic()).getW();
        byte[] compressed = HexFormat.of().parseHex("3039301306072a8648ce3d020106082a8648ce3d030107032200"
                + (w.getAffineY().testBit(0) ? "03" : "02") + HexFormat.of().formatHex(Arrays.copyOfRange(x509, 27, 59)));
        assertThrows(InvalidKeyException.class, () -> KeyPairs.decodePublic(KeySpec.ECC_NIST_P256, compressed));
    }

    /** Every single-byte change of a valid key is refused with InvalidKeyException or yields a key of the spec. */
    @ParameterizedTest
    @EnumSource(value = KeySpec.class, names = {"ECC_NIST_P256", "ECC_SECG_P256K1", "ECC_NIST_EDWARDS25519", "RSA_2048"})
    void decodePublic_everyByteMutated_isRefusedOrOfTheSpec(KeySpec spec) throws Exception {
        byte[] x509 = TestKeyPairs.of(spec).getPublic().getEncoded();
        int refused = 0;
        for (int i = 0; i < x509.length; i++) {
            byte[] mutated = x509.clone();
            mutated[i] ^= 0x01;
            try {
                PublicKey k = KeyPairs.decodePublic(spec, mutated);
                assertEquals(spec, KeySpecs.of(k));
                assertArrayEquals(mutated, k.getEncoded());
            } catch (InvalidKeyException expected) {
                refused++;
            }
        }
        assertTrue(refused > 0);
    }

    @Test
    void invalidPointFromAKeyFactory_isStillRefusedByDecode() throws Exception {
        // the JDK's KeyFactory accepts any coordinates; decodePublic must not
        ECPublicKey good = (ECPublicKey) TestKeyPairs.of(KeySpec.ECC_NIST_P256).getPublic();
        PublicKey bad = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(
                new ECPoint(good.getW().getAffineX(), good.getW().getAffineY().add(BigInteger.ONE)), good.getParams()));
        assertThrows(InvalidKeyException.class, () -> KeyPairs.decodePublic(KeySpec.ECC_NIST_P256, bad.getEncoded()));
    }

    /** FIPS 140-3 IG 10.3.A: a pair that works passes; a private key with another pair's public key is refused. */
    @ParameterizedTest
    @EnumSource(value = KeySpec.class, names = {"ECC_NIST_P256", "ECC_NIST_EDWARDS25519", "RSA_2048", "ML_DSA_44"})
    void checkPairwise_aWorkingPair_passes_andAnotherPairsPublicKey_isRefused(KeySpec spec) throws Exception {
        KeyPair pair = TestKeyPairs.of(spec);
        KeyPairs.checkPairwise(spec, pair.getPrivate(), pair.getPublic());
        PublicKey other = KeyPairs.generate(spec).getPublic();
        var e = assertThrows(InvalidKeyException.class, () -> KeyPairs.checkPairwise(spec, pair.getPrivate(), other));
        assertTrue(e.getMessage().contains("pairwise consistency"), e.getMessage());
    }

    @Test
    void aSymmetricOrMissingSpec_isRefusedWithInvalidKeyException_byEveryEntryPoint() {
        KeyPair p256 = TestKeyPairs.of(KeySpec.ECC_NIST_P256);
        for (KeySpec spec : new KeySpec[] {KeySpec.SYMMETRIC_DEFAULT, null}) {
            assertThrows(InvalidKeyException.class, () -> KeyPairs.checkPairwise(spec, p256.getPrivate(), p256.getPublic()));
            assertThrows(InvalidKeyException.class, () -> KeyPairs.publicOf(spec, p256.getPrivate()));
            assertThrows(InvalidKeyException.class, () -> KeyPairs.decodePrivate(spec, p256.getPrivate().getEncoded()));
            assertThrows(InvalidKeyException.class, () -> KeyPairs.decodePublic(spec, p256.getPublic().getEncoded()));
        }
    }

    @Test
    void publicOf_aPrivateKeyOfAnotherCurve_isRefused_notMultipliedOnTheNamedOne() throws Exception {
        KeyPair p256 = TestKeyPairs.of(KeySpec.ECC_NIST_P256);
        assertEquals(p256.getPublic(), KeyPairs.publicOf(KeySpec.ECC_NIST_P256, p256.getPrivate()));
        assertThrows(InvalidKeyException.class, () -> KeyPairs.publicOf(KeySpec.ECC_NIST_P384, p256.getPrivate()));
        assertThrows(InvalidKeyException.class, () -> KeyPairs.publicOf(KeySpec.ECC_SECG_P256K1, p256.getPrivate()));
    }

    /**
     * SEC 1 section 3.2.2: coordinates are integers in [0, p-1]. Where the curve's b is a square,
     * (0, sqrt(b)) is a point of the curve and must pass; (p, sqrt(b)) is the same point written with
     * a non-canonical x and must not.
     */
    @Test
    void checkOnCurve_xZero_isAPoint_andXEqualToP_isRefused() throws Exception {
        int curvesWithSuchAPoint = 0;
        for (KeySpec spec : new KeySpec[] {KeySpec.ECC_NIST_P256, KeySpec.ECC_NIST_P384, KeySpec.ECC_NIST_P521,
                KeySpec.ECC_SECG_P256K1}) {
            var curve = NamedCurves.parameters(spec).getCurve();
            BigInteger p = ((java.security.spec.ECFieldFp) curve.getField()).getP();
            BigInteger b = curve.getB();
            assertEquals(3, p.mod(BigInteger.valueOf(4)).intValue()); // so b^((p+1)/4) is a square root when there is one
            BigInteger y = b.modPow(p.add(BigInteger.ONE).shiftRight(2), p);
            if (!y.multiply(y).mod(p).equals(b.mod(p))) {
                continue; // b is not a square: x = 0 is on no point of this curve
            }
            curvesWithSuchAPoint++;
            NamedCurves.checkOnCurve(spec, new ECPoint(BigInteger.ZERO, y));
            var e = assertThrows(InvalidKeyException.class, () -> NamedCurves.checkOnCurve(spec, new ECPoint(p, y)));
            assertTrue(e.getMessage().contains("out of range"), e.getMessage());
        }
        assertTrue(curvesWithSuchAPoint > 0, "no curve here has a point with x = 0");
    }

    /** SEC 1 section 3.2.1: a private scalar is in [1, n-1]; 0 and n are refused, 1 and n-1 are keys. */
    @ParameterizedTest
    @EnumSource(value = KeySpec.class, names = {"ECC_NIST_P256", "ECC_SECG_P256K1"})
    void decodePrivate_scalarZeroOrTheOrder_isRefused_oneAndOrderMinusOneAreKeys(KeySpec spec) throws Exception {
        BigInteger n = NamedCurves.parameters(spec).getOrder();
        assertNotNull(KeyPairs.decodePrivate(spec, ecPkcs8(spec, BigInteger.ONE)));
        assertNotNull(KeyPairs.decodePrivate(spec, ecPkcs8(spec, n.subtract(BigInteger.ONE))));
        assertThrows(InvalidKeyException.class, () -> KeyPairs.decodePrivate(spec, ecPkcs8(spec, n)));
        assertThrows(InvalidKeyException.class, () -> KeyPairs.decodePrivate(spec, ecPkcs8(spec, BigInteger.ZERO)));
    }

    /** RFC 5915 ECPrivateKey of scalar {@code s} (no public key) in a PKCS#8 with the spec's named curve. */
    private static byte[] ecPkcs8(KeySpec spec, BigInteger s) throws Exception {
        String oid = spec == KeySpec.ECC_SECG_P256K1 ? "1.3.132.0.10" : "1.2.840.10045.3.1.7";
        var algorithm = new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                org.bouncycastle.asn1.x9.X9ObjectIdentifiers.id_ecPublicKey, new org.bouncycastle.asn1.ASN1ObjectIdentifier(oid));
        var ecKey = new org.bouncycastle.asn1.sec.ECPrivateKey(256, s);
        return new org.bouncycastle.asn1.pkcs.PrivateKeyInfo(algorithm, ecKey).getEncoded("DER");
    }
}
