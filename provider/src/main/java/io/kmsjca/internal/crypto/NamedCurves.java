package io.kmsjca.internal.crypto;

import io.kmsjca.keys.KeySpec;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.EllipticCurve;
import java.util.EnumMap;
import java.util.Map;

/**
 * The named curves of the EC key specs (P-256, P-384, P-521, secp256k1): each one's JCA name, OID
 * and parameters as this JDK's provider gives them, which spec a caller's curve is, and whether a
 * point lies on it.
 */
final class NamedCurves {

    private static final Map<KeySpec, Curve> CURVES = new EnumMap<>(KeySpec.class);

    /** A named curve: its JCA name, its OID (RFC 5480), and its parameters as this JDK's provider gives them. */
    record Curve(String name, ASN1ObjectIdentifier oid, ECParameterSpec params, int fieldBytes) {
    }

    static {
        add(KeySpec.ECC_NIST_P256, "secp256r1", "1.2.840.10045.3.1.7");
        add(KeySpec.ECC_NIST_P384, "secp384r1", "1.3.132.0.34");
        add(KeySpec.ECC_NIST_P521, "secp521r1", "1.3.132.0.35");
        add(KeySpec.ECC_SECG_P256K1, "secp256k1", "1.3.132.0.10");
    }

    private static void add(KeySpec spec, String name, String oid) {
        try {
            AlgorithmParameters p = AlgorithmParameters.getInstance("EC", AsymmetricProviders.of(spec));
            p.init(new ECGenParameterSpec(name));
            ECParameterSpec params = p.getParameterSpec(ECParameterSpec.class);
            CURVES.put(spec, new Curve(name, new ASN1ObjectIdentifier(oid), params,
                    (params.getCurve().getField().getFieldSize() + 7) / 8));
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private NamedCurves() {
    }

    /** The curve of an EC spec; IllegalArgumentException for any other spec. */
    static Curve of(KeySpec spec) {
        Curve c = CURVES.get(spec);
        if (c == null) {
            throw new IllegalArgumentException(spec + " is not an EC key spec");
        }
        return c;
    }

    /** The named curve's parameters of an EC spec. */
    static ECParameterSpec parameters(KeySpec spec) {
        return of(spec).params();
    }

    /** Whether {@code w} is a finite point of {@code spec}'s curve (y^2 = x^3 + ax + b over F_p, cofactor 1). */
    static void checkOnCurve(KeySpec spec, ECPoint w) throws InvalidKeyException {
        ECParameterSpec params = of(spec).params();
        EllipticCurve c = params.getCurve();
        BigInteger p = ((ECFieldFp) c.getField()).getP();
        if (w == null || ECPoint.POINT_INFINITY.equals(w)) {
            throw new InvalidKeyException("invalid " + spec + " public key: the point at infinity");
        }
        BigInteger x = w.getAffineX();
        BigInteger y = w.getAffineY();
        if (x.signum() < 0 || x.compareTo(p) >= 0 || y.signum() < 0 || y.compareTo(p) >= 0) {
            throw new InvalidKeyException("invalid " + spec + " public key: coordinates out of range");
        }
        BigInteger right = x.pow(3).add(c.getA().multiply(x)).add(c.getB()).mod(p);
        if (!y.modPow(BigInteger.TWO, p).equals(right)) {
            throw new InvalidKeyException("invalid " + spec + " public key: the point is not on the curve");
        }
        // every curve here has cofactor 1: a finite point on the curve is in the prime-order group
    }

    /** The spec whose curve is {@code params}' curve: compared by field, coefficients, generator, order, cofactor. */
    static KeySpec specOf(ECParameterSpec params) throws InvalidKeyException {
        if (params != null) {
            for (Map.Entry<KeySpec, Curve> c : CURVES.entrySet()) {
                if (sameCurve(c.getValue().params(), params)) {
                    return c.getKey();
                }
            }
        }
        String bits = params == null ? "unknown" : Integer.toString(params.getCurve().getField().getFieldSize());
        throw new InvalidKeyException("unsupported key: an EC key on another curve (" + bits
                + "-bit field); supported curves: P-256, P-384, P-521 (NIST), secp256k1");
    }

    private static boolean sameCurve(ECParameterSpec a, ECParameterSpec b) {
        EllipticCurve ca = a.getCurve();
        EllipticCurve cb = b.getCurve();
        return ca.getField().equals(cb.getField()) && ca.getA().equals(cb.getA()) && ca.getB().equals(cb.getB())
                && a.getGenerator().equals(b.getGenerator()) && a.getOrder().equals(b.getOrder())
                && a.getCofactor() == b.getCofactor();
    }
}
