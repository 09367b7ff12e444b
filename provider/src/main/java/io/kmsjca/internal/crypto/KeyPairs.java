package io.kmsjca.internal.crypto;

import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jcajce.interfaces.MLDSAKey;
import org.bouncycastle.jcajce.interfaces.MLDSAPrivateKey;
import org.bouncycastle.jcajce.spec.MLDSAParameterSpec;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.io.IOException;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EllipticCurve;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * Key pairs of every asymmetric {@link KeySpec}: generated with the provider's randomness
 * ({@link KmsRandom}), encoded (PKCS#8 / X.509 DER) and decoded, and recognised (which spec a
 * caller's key is). RSA, NIST curves and Ed25519 come from the JDK (SunRsaSign, SunEC) when it
 * has them; secp256k1 and ML-DSA from Bouncy Castle (JDK 17 has neither). Every decode bounds its
 * input and checks the key is of the spec named.
 *
 * <p>ML-DSA private keys are generated and encoded in the seed form of RFC 9881 (PKCS#8 holding
 * {@code seed [0] OCTET STRING}, 54 bytes); public keys are X.509 with id-ml-dsa-44/65/87
 * (2.16.840.1.101.3.4.3.17/18/19).
 */
public final class KeyPairs {

    /** The largest X.509 SubjectPublicKeyInfo read (ML-DSA-87's is 2,614 bytes, RSA-4096's 550). */
    public static final int MAX_PUBLIC_KEY_BYTES = 8 * 1024;
    /** The largest PKCS#8 read (ML-DSA-87 in the expanded form is 4,900 bytes, RSA-4096 about 2,400). */
    public static final int MAX_PRIVATE_KEY_BYTES = 16 * 1024;

    private static final ASN1ObjectIdentifier RSA_ENCRYPTION = new ASN1ObjectIdentifier("1.2.840.113549.1.1.1");
    private static final ASN1ObjectIdentifier EC_PUBLIC_KEY = new ASN1ObjectIdentifier("1.2.840.10045.2.1");
    private static final ASN1ObjectIdentifier ED25519 = new ASN1ObjectIdentifier("1.3.101.112");
    /** X.509 prefix of an Ed25519 public key (RFC 8410 section 4): SEQUENCE, algorithm, BIT STRING of 32 bytes. */
    private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    private static final Map<KeySpec, Curve> CURVES = new EnumMap<>(KeySpec.class);

    /** A named curve: its JCA name, its OID (RFC 5480), and its parameters as this JDK's provider gives them. */
    private record Curve(String name, ASN1ObjectIdentifier oid, ECParameterSpec params, int fieldBytes) {
    }

    static {
        curve(KeySpec.ECC_NIST_P256, "secp256r1", "1.2.840.10045.3.1.7");
        curve(KeySpec.ECC_NIST_P384, "secp384r1", "1.3.132.0.34");
        curve(KeySpec.ECC_NIST_P521, "secp521r1", "1.3.132.0.35");
        curve(KeySpec.ECC_SECG_P256K1, "secp256k1", "1.3.132.0.10");
    }

    private static void curve(KeySpec spec, String name, String oid) {
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

    private KeyPairs() {
    }

    /** A fresh key pair of {@code spec} (asymmetric), from {@link KmsRandom}. */
    public static KeyPair generate(KeySpec spec) {
        try {
            KeyPairGenerator g;
            switch (spec.family()) {
                case RSA -> {
                    g = KeyPairGenerator.getInstance("RSA", AsymmetricProviders.of(spec));
                    g.initialize(new RSAKeyGenParameterSpec(spec.bits(), RSAKeyGenParameterSpec.F4), KmsRandom.generator());
                }
                case EC -> {
                    g = KeyPairGenerator.getInstance("EC", AsymmetricProviders.of(spec));
                    g.initialize(new ECGenParameterSpec(curve(spec).name()), KmsRandom.generator());
                }
                case EDDSA -> {
                    g = KeyPairGenerator.getInstance("Ed25519", AsymmetricProviders.of(spec));
                    g.initialize(255, KmsRandom.generator());
                }
                case ML_DSA -> {
                    g = KeyPairGenerator.getInstance("ML-DSA", AsymmetricProviders.of(spec));
                    g.initialize(mlDsaParameters(spec), KmsRandom.generator());
                    KeyPair pair = g.generateKeyPair();
                    // the seed form (RFC 9881): 32 bytes that expand to the key, the smallest record
                    return new KeyPair(pair.getPublic(), ((MLDSAPrivateKey) pair.getPrivate()).getPrivateKey(true));
                }
                default -> throw new IllegalArgumentException(spec + " is not an asymmetric key spec");
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a " + spec + " key pair", e);
        }
    }

    /** The spec of a caller's private key, or InvalidKeyException naming what it is and what is supported. */
    public static KeySpec specOf(PrivateKey key) throws InvalidKeyException {
        if (key instanceof KmsPrivateKeyHandle handle) {
            return handle.keySpec();
        }
        return specOfKey(key);
    }

    /** The spec of a public key (X.509 certificate's, for instance). */
    public static KeySpec specOf(PublicKey key) throws InvalidKeyException {
        return specOfKey(key);
    }

    private static KeySpec specOfKey(Key key) throws InvalidKeyException {
        if (key == null) {
            throw new InvalidKeyException("no key given");
        }
        if (key instanceof RSAKey rsa) {
            if (!"RSA".equalsIgnoreCase(key.getAlgorithm())) {
                throw new InvalidKeyException("unsupported key: an " + key.getAlgorithm()
                        + " key; supported: RSA keys (rsaEncryption) of 2048, 3072 or 4096 bits");
            }
            int bits = rsa.getModulus().bitLength();
            return switch (bits) {
                case 2048 -> KeySpec.RSA_2048;
                case 3072 -> KeySpec.RSA_3072;
                case 4096 -> KeySpec.RSA_4096;
                default -> throw new InvalidKeyException("unsupported key: RSA-" + bits
                        + "; supported: RSA keys of 2048, 3072 or 4096 bits");
            };
        }
        if (key instanceof ECKey ec) {
            return curveSpec(ec.getParams());
        }
        if (key instanceof EdECKey ed) {
            String name = ed.getParams().getName();
            if ("Ed25519".equalsIgnoreCase(name)) {
                return KeySpec.ECC_NIST_EDWARDS25519;
            }
            throw new InvalidKeyException("unsupported key: " + name + "; supported EdDSA keys: Ed25519");
        }
        if (key instanceof MLDSAKey ml) {
            return mlDsaSpec(ml.getParameterSpec().getName());
        }
        return specOfEncoding(key);
    }

    /** Keys of no interface known here (a JDK 24+ ML-DSA key, for instance): by the algorithm their encoding names. */
    private static KeySpec specOfEncoding(Key key) throws InvalidKeyException {
        String what = key.getClass().getName() + " (" + key.getAlgorithm() + ")";
        byte[] encoded = key.getEncoded();
        if (encoded == null || encoded.length > MAX_PRIVATE_KEY_BYTES) {
            throw new InvalidKeyException("unsupported key: " + what + SUPPORTED);
        }
        try {
            AlgorithmIdentifier id = key instanceof PrivateKey
                    ? PrivateKeyInfo.getInstance(ASN1Primitive.fromByteArray(encoded)).getPrivateKeyAlgorithm()
                    : SubjectPublicKeyInfo.getInstance(ASN1Primitive.fromByteArray(encoded)).getAlgorithm();
            String oid = id.getAlgorithm().getId();
            for (KeySpec spec : new KeySpec[] {KeySpec.ML_DSA_44, KeySpec.ML_DSA_65, KeySpec.ML_DSA_87}) {
                if (mlDsaOid(spec).getId().equals(oid)) {
                    return spec;
                }
            }
            if (ED25519.getId().equals(oid)) {
                return KeySpec.ECC_NIST_EDWARDS25519;
            }
            throw new InvalidKeyException("unsupported key: " + what + ", algorithm " + oid + SUPPORTED);
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidKeyException("unsupported key: " + what + SUPPORTED, e);
        } finally {
            if (key instanceof PrivateKey) {
                Arrays.fill(encoded, (byte) 0);
            }
        }
    }

    private static final String SUPPORTED = "; supported: RSA 2048/3072/4096, EC P-256/P-384/P-521/secp256k1, "
            + "ML-DSA-44/65/87, Ed25519";

    /** The spec whose curve is {@code params}' curve: compared by field, coefficients, generator, order, cofactor. */
    private static KeySpec curveSpec(ECParameterSpec params) throws InvalidKeyException {
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

    private static KeySpec mlDsaSpec(String parameterSet) throws InvalidKeyException {
        return switch (parameterSet.toUpperCase(java.util.Locale.ROOT)) {
            case "ML-DSA-44" -> KeySpec.ML_DSA_44;
            case "ML-DSA-65" -> KeySpec.ML_DSA_65;
            case "ML-DSA-87" -> KeySpec.ML_DSA_87;
            default -> throw new InvalidKeyException("unsupported key: " + parameterSet
                    + "; supported ML-DSA keys: ML-DSA-44, ML-DSA-65, ML-DSA-87 (pure, not HashML-DSA)");
        };
    }

    /** A private key of {@code spec} from its PKCS#8 DER (read from a record: already authenticated). */
    public static PrivateKey decodePrivate(KeySpec spec, byte[] pkcs8) throws InvalidKeyException {
        requireAsymmetric(spec);
        if (pkcs8 == null || pkcs8.length > MAX_PRIVATE_KEY_BYTES) {
            throw new InvalidKeyException("a " + spec + " private key is PKCS#8 DER of at most "
                    + MAX_PRIVATE_KEY_BYTES + " bytes");
        }
        AlgorithmIdentifier algorithm;
        try {
            // fromByteArray refuses trailing bytes after the one structure
            algorithm = PrivateKeyInfo.getInstance(ASN1Primitive.fromByteArray(pkcs8)).getPrivateKeyAlgorithm();
        } catch (IOException | RuntimeException e) {
            throw new InvalidKeyException("not a PKCS#8 private key", e);
        }
        checkAlgorithm(spec, algorithm);
        PrivateKey key;
        try {
            key = keyFactory(spec).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new InvalidKeyException("not a valid " + spec + " private key", e);
        }
        requireSpec(spec, specOf(key));
        if (key instanceof ECPrivateKey ec) {
            BigInteger s = ec.getS();
            if (s.signum() <= 0 || s.compareTo(ec.getParams().getOrder()) >= 0) {
                throw new InvalidKeyException("not a valid " + spec + " private key: scalar out of range");
            }
        }
        return key;
    }

    /**
     * A public key of {@code spec} from X.509 SubjectPublicKeyInfo DER, which may come from a
     * caller (a peer's key for ECDH): bounded, parsed strictly, and refused unless it is of
     * {@code spec} (same curve; for EC, a point on the curve).
     */
    public static PublicKey decodePublic(KeySpec spec, byte[] x509) throws InvalidKeyException {
        requireAsymmetric(spec);
        if (x509 == null || x509.length > MAX_PUBLIC_KEY_BYTES) {
            throw new InvalidKeyException("a " + spec + " public key is X.509 DER of at most "
                    + MAX_PUBLIC_KEY_BYTES + " bytes");
        }
        SubjectPublicKeyInfo info;
        try {
            info = SubjectPublicKeyInfo.getInstance(ASN1Primitive.fromByteArray(x509));
            // DER only: one encoding per key, so no BER variant slips past the checks below
            if (!Arrays.equals(info.getEncoded("DER"), x509)) {
                throw new InvalidKeyException("not DER: the public key has a non-canonical encoding");
            }
            if (info.getPublicKeyData().getPadBits() != 0) {
                throw new InvalidKeyException("the public key's BIT STRING is not whole bytes");
            }
        } catch (IOException | RuntimeException e) {
            throw new InvalidKeyException("not an X.509 SubjectPublicKeyInfo", e);
        }
        checkAlgorithm(spec, info.getAlgorithm());
        if (spec.family() == KeySpec.Family.EC) {
            byte[] point = info.getPublicKeyData().getOctets();
            int n = curve(spec).fieldBytes();
            if (point.length != 1 + 2 * n || point[0] != 0x04) {
                throw new InvalidKeyException("a " + spec + " public key must be an uncompressed point of "
                        + (1 + 2 * n) + " bytes");
            }
        }
        PublicKey key;
        try {
            key = keyFactory(spec).generatePublic(new X509EncodedKeySpec(x509));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new InvalidKeyException("not a valid " + spec + " public key", e);
        }
        requireSpec(spec, specOf(key));
        if (key instanceof ECPublicKey ec) {
            checkOnCurve(spec, ec.getW());
        }
        return key;
    }

    /**
     * A pairwise-consistency test of an imported pair (FIPS 140-3 IG 10.3.A): {@code privateKey}
     * signs a fixed message with the spec's first AWS signing algorithm and {@code publicKey} must
     * verify it. Refuses, for instance, an RSA key whose CRT components disagree with its modulus
     * and exponents, which would be stored and then refuse every signature and decryption.
     *
     * @throws InvalidKeyException the keys are not a working pair (naming no material)
     */
    public static void checkPairwise(KeySpec spec, PrivateKey privateKey, PublicKey publicKey) throws InvalidKeyException {
        requireAsymmetric(spec);
        SigningAlgorithm algorithm = SigningAlgorithm.forKey(spec, KeyUsage.SIGN_VERIFY).get(0);
        boolean valid;
        try {
            AsymmetricPrimitives primitives = new AsymmetricPrimitives();
            byte[] signature = primitives.sign(privateKey, spec, algorithm, MessageType.RAW, PAIRWISE_MESSAGE, 0,
                    PAIRWISE_MESSAGE.length);
            valid = primitives.verify(publicKey, spec, algorithm, MessageType.RAW, PAIRWISE_MESSAGE, signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new InvalidKeyException("the " + spec + " private key is not a working key pair with its public key "
                    + "(pairwise consistency test: it cannot sign)", e);
        }
        if (!valid) {
            throw new InvalidKeyException("the " + spec + " private key is not a working key pair with its public key "
                    + "(pairwise consistency test: its signature does not verify)");
        }
    }

    private static final byte[] PAIRWISE_MESSAGE = "kms-jca pairwise consistency test".getBytes(StandardCharsets.US_ASCII);

    /** The public key of a private key of {@code spec} (stored beside it; derived on import). */
    public static PublicKey publicOf(KeySpec spec, PrivateKey key) throws InvalidKeyException {
        requireAsymmetric(spec);
        if (key instanceof KmsPrivateKeyHandle handle) {
            requireSpec(spec, handle.keySpec());
            return handle.publicKey();
        }
        requireSpec(spec, specOf(key));
        try {
            KeyFactory f = keyFactory(spec);
            switch (spec.family()) {
                case RSA -> {
                    if (!(key instanceof RSAPrivateCrtKey crt) || crt.getPublicExponent() == null
                            || crt.getPublicExponent().signum() <= 0) {
                        throw new InvalidKeyException("an RSA private key without its public exponent (CRT form)");
                    }
                    return f.generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
                }
                case EC -> {
                    if (!(key instanceof ECPrivateKey ec)) {
                        throw new InvalidKeyException("an EC private key must implement ECPrivateKey");
                    }
                    Curve c = curve(spec);
                    var bcParams = org.bouncycastle.asn1.x9.ECNamedCurveTable.getByName(c.name());
                    var q = new FixedPointCombMultiplier().multiply(bcParams.getG(), ec.getS()).normalize();
                    ECPoint w = new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
                    return f.generatePublic(new ECPublicKeySpec(w, c.params()));
                }
                case EDDSA -> {
                    byte[] seed = ed25519Seed(key);
                    byte[] spki = Arrays.copyOf(ED25519_SPKI_PREFIX, ED25519_SPKI_PREFIX.length + Ed25519.PUBLIC_KEY_SIZE);
                    try {
                        Ed25519.generatePublicKey(seed, 0, spki, ED25519_SPKI_PREFIX.length);
                    } finally {
                        Arrays.fill(seed, (byte) 0);
                    }
                    return f.generatePublic(new X509EncodedKeySpec(spki));
                }
                case ML_DSA -> {
                    if (key instanceof MLDSAPrivateKey ml) {
                        return ml.getPublicKey();
                    }
                    byte[] encoded = key.getEncoded();
                    try {
                        return ((MLDSAPrivateKey) decodePrivate(spec, encoded)).getPublicKey();
                    } finally {
                        if (encoded != null) {
                            Arrays.fill(encoded, (byte) 0);
                        }
                    }
                }
                default -> throw new InvalidKeyException(spec + " is not an asymmetric key spec");
            }
        } catch (InvalidKeyException e) {
            throw e;
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new InvalidKeyException("cannot derive the public key of a " + spec + " private key", e);
        }
    }

    /** The 32-byte Ed25519 private key (RFC 8032 seed); the caller wipes it. */
    static byte[] ed25519Seed(PrivateKey key) throws InvalidKeyException {
        if (key instanceof EdECPrivateKey ed) {
            byte[] seed = ed.getBytes().orElseThrow(() -> new InvalidKeyException("an Ed25519 key without its bytes"));
            if (seed.length != Ed25519.SECRET_KEY_SIZE) {
                Arrays.fill(seed, (byte) 0);
                throw new InvalidKeyException("not an Ed25519 private key");
            }
            return seed;
        }
        byte[] encoded = key.getEncoded();
        if (encoded == null || encoded.length > MAX_PRIVATE_KEY_BYTES) {
            throw new InvalidKeyException("an Ed25519 private key must have a PKCS#8 encoding");
        }
        byte[] octets = null;
        try {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(ASN1Primitive.fromByteArray(encoded));
            if (!ED25519.equals(info.getPrivateKeyAlgorithm().getAlgorithm())) {
                throw new InvalidKeyException("not an Ed25519 private key");
            }
            octets = ASN1OctetString.getInstance(info.parsePrivateKey()).getOctets();
            if (octets.length != Ed25519.SECRET_KEY_SIZE) {
                throw new InvalidKeyException("not an Ed25519 private key");
            }
            return octets.clone();
        } catch (IOException | RuntimeException e) {
            throw new InvalidKeyException("not an Ed25519 private key", e);
        } finally {
            Arrays.fill(encoded, (byte) 0);
            if (octets != null) {
                Arrays.fill(octets, (byte) 0);
            }
        }
    }

    /** The 32-byte Ed25519 public key A of an X.509 Ed25519 key. */
    static byte[] ed25519PublicBytes(PublicKey key) throws InvalidKeyException {
        byte[] spki = key.getEncoded();
        if (spki == null || spki.length != ED25519_SPKI_PREFIX.length + Ed25519.PUBLIC_KEY_SIZE
                || !Arrays.equals(spki, 0, ED25519_SPKI_PREFIX.length, ED25519_SPKI_PREFIX, 0, ED25519_SPKI_PREFIX.length)) {
            throw new InvalidKeyException("not an Ed25519 public key");
        }
        return Arrays.copyOfRange(spki, ED25519_SPKI_PREFIX.length, spki.length);
    }

    /** The named curve's parameters of an EC spec. */
    static ECParameterSpec ecParameters(KeySpec spec) {
        return curve(spec).params();
    }

    /** Whether {@code w} is a finite point of {@code spec}'s curve (y^2 = x^3 + ax + b over F_p, cofactor 1). */
    static void checkOnCurve(KeySpec spec, ECPoint w) throws InvalidKeyException {
        ECParameterSpec params = curve(spec).params();
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

    /** The KeyFactory of {@code spec}'s provider. */
    static KeyFactory keyFactory(KeySpec spec) throws GeneralSecurityException {
        String algorithm = switch (spec.family()) {
            case RSA -> "RSA";
            case EC -> "EC";
            case EDDSA -> "Ed25519";
            case ML_DSA -> "ML-DSA";
            case AES, HMAC -> throw new InvalidKeyException(spec + " is not an asymmetric key spec");
        };
        return KeyFactory.getInstance(algorithm, AsymmetricProviders.of(spec));
    }

    private static void checkAlgorithm(KeySpec spec, AlgorithmIdentifier id) throws InvalidKeyException {
        ASN1ObjectIdentifier oid = id.getAlgorithm();
        boolean ok = switch (spec.family()) {
            case RSA -> RSA_ENCRYPTION.equals(oid);
            case EC -> EC_PUBLIC_KEY.equals(oid) && curve(spec).oid().equals(id.getParameters());
            case EDDSA -> ED25519.equals(oid) && id.getParameters() == null;
            case ML_DSA -> mlDsaOid(spec).equals(oid) && id.getParameters() == null;
            case AES, HMAC -> false;
        };
        if (!ok) {
            throw new InvalidKeyException("not a " + spec + " key: its algorithm is " + oid
                    + (id.getParameters() != null ? " with parameters " + id.getParameters() : ""));
        }
    }

    private static ASN1ObjectIdentifier mlDsaOid(KeySpec spec) {
        return switch (spec) {
            case ML_DSA_44 -> new ASN1ObjectIdentifier("2.16.840.1.101.3.4.3.17");
            case ML_DSA_65 -> new ASN1ObjectIdentifier("2.16.840.1.101.3.4.3.18");
            case ML_DSA_87 -> new ASN1ObjectIdentifier("2.16.840.1.101.3.4.3.19");
            default -> throw new IllegalArgumentException(spec + " is not ML-DSA");
        };
    }

    static MLDSAParameterSpec mlDsaParameters(KeySpec spec) {
        return switch (spec) {
            case ML_DSA_44 -> MLDSAParameterSpec.ml_dsa_44;
            case ML_DSA_65 -> MLDSAParameterSpec.ml_dsa_65;
            case ML_DSA_87 -> MLDSAParameterSpec.ml_dsa_87;
            default -> throw new IllegalArgumentException(spec + " is not ML-DSA");
        };
    }

    private static Curve curve(KeySpec spec) {
        Curve c = CURVES.get(spec);
        if (c == null) {
            throw new IllegalArgumentException(spec + " is not an EC key spec");
        }
        return c;
    }

    private static void requireAsymmetric(KeySpec spec) throws InvalidKeyException {
        if (spec == null || !spec.isAsymmetric()) {
            throw new InvalidKeyException(spec + " is not an asymmetric key spec");
        }
    }

    private static void requireSpec(KeySpec expected, KeySpec actual) throws InvalidKeyException {
        if (expected != actual) {
            throw new InvalidKeyException("the key is " + actual + ", not " + expected);
        }
    }
}
