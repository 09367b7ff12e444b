package io.kmsjca.internal.crypto;

import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jcajce.interfaces.MLDSAKey;

import java.io.IOException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;
import java.util.Arrays;

/**
 * Which asymmetric {@link KeySpec} a key is: a caller's key of any provider, recognised by its
 * interface (RSA modulus size, EC curve, Ed25519, ML-DSA parameter set) or else by the algorithm
 * its encoding names; and the algorithm identifiers (OIDs) that name each spec in X.509 and PKCS#8.
 * A key of no supported spec is refused with an InvalidKeyException naming what it is and what is
 * supported, never its material.
 */
public final class KeySpecs {

    private static final ASN1ObjectIdentifier RSA_ENCRYPTION = new ASN1ObjectIdentifier("1.2.840.113549.1.1.1");
    private static final ASN1ObjectIdentifier EC_PUBLIC_KEY = new ASN1ObjectIdentifier("1.2.840.10045.2.1");
    static final ASN1ObjectIdentifier ED25519 = new ASN1ObjectIdentifier("1.3.101.112");

    private KeySpecs() {
    }

    /** The spec of a caller's private key, or InvalidKeyException naming what it is and what is supported. */
    public static KeySpec of(PrivateKey key) throws InvalidKeyException {
        if (key instanceof KmsPrivateKeyHandle handle) {
            return handle.keySpec();
        }
        return specOfKey(key);
    }

    /** The spec of a public key (X.509 certificate's, for instance). */
    public static KeySpec of(PublicKey key) throws InvalidKeyException {
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
            return NamedCurves.specOf(ec.getParams());
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
        if (encoded == null || encoded.length > KeyPairs.MAX_PRIVATE_KEY_BYTES) {
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

    private static KeySpec mlDsaSpec(String parameterSet) throws InvalidKeyException {
        return switch (parameterSet.toUpperCase(java.util.Locale.ROOT)) {
            case "ML-DSA-44" -> KeySpec.ML_DSA_44;
            case "ML-DSA-65" -> KeySpec.ML_DSA_65;
            case "ML-DSA-87" -> KeySpec.ML_DSA_87;
            default -> throw new InvalidKeyException("unsupported key: " + parameterSet
                    + "; supported ML-DSA keys: ML-DSA-44, ML-DSA-65, ML-DSA-87 (pure, not HashML-DSA)");
        };
    }

    /** Refuses an algorithm identifier (X.509 or PKCS#8) that does not name {@code spec}: for EC, its curve too. */
    static void requireAlgorithm(KeySpec spec, AlgorithmIdentifier id) throws InvalidKeyException {
        ASN1ObjectIdentifier oid = id.getAlgorithm();
        boolean ok = switch (spec.family()) {
            case RSA -> RSA_ENCRYPTION.equals(oid);
            case EC -> EC_PUBLIC_KEY.equals(oid) && NamedCurves.of(spec).oid().equals(id.getParameters());
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
}
