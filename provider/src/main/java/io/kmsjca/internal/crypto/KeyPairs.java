package io.kmsjca.internal.crypto;

import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jcajce.interfaces.MLDSAPrivateKey;
import org.bouncycastle.jcajce.spec.MLDSAParameterSpec;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * Key pairs of every asymmetric {@link KeySpec}: generated with the provider's randomness
 * ({@link KmsRandom}), encoded (PKCS#8 / X.509 DER) and decoded, a public key derived from its
 * private key, and a pair's consistency checked. Which spec a caller's key is: {@link KeySpecs};
 * the curves: {@link NamedCurves}. RSA, NIST curves and Ed25519 come from the JDK (SunRsaSign, SunEC) when it
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

    /** X.509 prefix of an Ed25519 public key (RFC 8410 section 4): SEQUENCE, algorithm, BIT STRING of 32 bytes. */
    private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};


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
                    g.initialize(new ECGenParameterSpec(NamedCurves.of(spec).name()), KmsRandom.generator());
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
        KeySpecs.requireAlgorithm(spec, algorithm);
        PrivateKey key;
        try {
            key = keyFactory(spec).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new InvalidKeyException("not a valid " + spec + " private key", e);
        }
        requireSpec(spec, KeySpecs.of(key));
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
        KeySpecs.requireAlgorithm(spec, info.getAlgorithm());
        if (spec.family() == KeySpec.Family.EC) {
            byte[] point = info.getPublicKeyData().getOctets();
            int n = NamedCurves.of(spec).fieldBytes();
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
        requireSpec(spec, KeySpecs.of(key));
        if (key instanceof ECPublicKey ec) {
            NamedCurves.checkOnCurve(spec, ec.getW());
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
        requireSpec(spec, KeySpecs.of(key));
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
                    NamedCurves.Curve c = NamedCurves.of(spec);
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
            if (!KeySpecs.ED25519.equals(info.getPrivateKeyAlgorithm().getAlgorithm())) {
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


    static MLDSAParameterSpec mlDsaParameters(KeySpec spec) {
        return switch (spec) {
            case ML_DSA_44 -> MLDSAParameterSpec.ml_dsa_44;
            case ML_DSA_65 -> MLDSAParameterSpec.ml_dsa_65;
            case ML_DSA_87 -> MLDSAParameterSpec.ml_dsa_87;
            default -> throw new IllegalArgumentException(spec + " is not ML-DSA");
        };
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
