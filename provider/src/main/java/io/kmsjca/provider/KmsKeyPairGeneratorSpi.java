package io.kmsjca.provider;

import io.kmsjca.internal.crypto.KeyPairs;
import io.kmsjca.keys.KeySpec;

import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidParameterException;
import java.security.KeyPair;
import java.security.KeyPairGeneratorSpi;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Locale;
import java.util.Map;

/**
 * {@code KeyPairGenerator} {@code RSA}, {@code EC}, {@code Ed25519} and {@code ML-DSA} of the KMS
 * provider, reached by naming it ({@code getInstance("EC", "KMS")}, {@code keytool -genkeypair
 * -providername KMS}): a key pair whose private key is a {@link PendingPrivateKey}, generated inside
 * the provider (with its own randomness: the {@code SecureRandom} given is not used), which signs
 * its certificate and becomes a stored key with {@code KeyStore.setKeyEntry} on a KMS key store. Its
 * sizes and curves are AWS KMS's key specs; anything else is refused. No parameter spec of its own:
 * the JDK's ({@link RSAKeyGenParameterSpec}, {@link ECGenParameterSpec}, {@link NamedParameterSpec})
 * or a key size say which spec, and the usage is SIGN_VERIFY (docs/decisions.md).
 */
abstract class KmsKeyPairGeneratorSpi extends KeyPairGeneratorSpi {

    private final String name;
    private KeySpec spec;

    KmsKeyPairGeneratorSpi(String name, KeySpec defaultSpec) {
        this.name = name;
        this.spec = defaultSpec;
    }

    @Override
    public final void initialize(int keysize, SecureRandom random) {
        this.spec = specOfSize(keysize);
    }

    @Override
    public final void initialize(AlgorithmParameterSpec params, SecureRandom random) throws InvalidAlgorithmParameterException {
        if (params == null) {
            throw new InvalidAlgorithmParameterException(name + " needs parameters, not null");
        }
        this.spec = specOf(params);
    }

    /** The spec of a key size, or {@link InvalidParameterException} naming the sizes there are. */
    abstract KeySpec specOfSize(int keysize);

    /** The spec of parameters, or {@link InvalidAlgorithmParameterException} naming those there are. */
    abstract KeySpec specOf(AlgorithmParameterSpec params) throws InvalidAlgorithmParameterException;

    @Override
    public final KeyPair generateKeyPair() {
        KeyPair pair = KeyPairs.generate(spec);
        return new KeyPair(pair.getPublic(), PendingPrivateKey.of(spec, pair));
    }

    final InvalidAlgorithmParameterException unsupported(AlgorithmParameterSpec params, String supported) {
        return new InvalidAlgorithmParameterException(name + " of the KMS provider makes AWS KMS's key specs: "
                + supported + "; not " + describe(params));
    }

    private static String describe(AlgorithmParameterSpec params) {
        if (params instanceof NamedParameterSpec named) {
            return named.getName();
        }
        if (params instanceof ECGenParameterSpec ec) {
            return ec.getName();
        }
        return params.getClass().getName();
    }

    /** RSA 2048, 3072 or 4096 bits, public exponent 65537 (AWS KMS's RSA_2048, RSA_3072, RSA_4096). */
    static final class Rsa extends KmsKeyPairGeneratorSpi {
        Rsa() {
            super("RSA", KeySpec.RSA_2048);
        }

        @Override
        KeySpec specOfSize(int keysize) {
            return switch (keysize) {
                case 2048 -> KeySpec.RSA_2048;
                case 3072 -> KeySpec.RSA_3072;
                case 4096 -> KeySpec.RSA_4096;
                default -> throw new InvalidParameterException("RSA of the KMS provider makes 2048, 3072 or 4096-bit "
                        + "keys (AWS KMS's RSA key specs), not " + keysize);
            };
        }

        @Override
        KeySpec specOf(AlgorithmParameterSpec params) throws InvalidAlgorithmParameterException {
            if (!(params instanceof RSAKeyGenParameterSpec rsa)) {
                throw unsupported(params, "an RSAKeyGenParameterSpec of 2048, 3072 or 4096 bits");
            }
            if (!RSAKeyGenParameterSpec.F4.equals(rsa.getPublicExponent())) {
                throw new InvalidAlgorithmParameterException("RSA of the KMS provider uses the public exponent 65537, not "
                        + rsa.getPublicExponent());
            }
            try {
                return specOfSize(rsa.getKeysize());
            } catch (InvalidParameterException e) {
                throw new InvalidAlgorithmParameterException(e.getMessage(), e);
            }
        }
    }

    /** The curves of AWS KMS: secp256r1, secp384r1, secp521r1 and secp256k1, by name or (NIST curves) size. */
    static final class Ec extends KmsKeyPairGeneratorSpi {
        private static final Map<String, KeySpec> CURVES = Map.ofEntries(
                Map.entry("secp256r1", KeySpec.ECC_NIST_P256), Map.entry("p-256", KeySpec.ECC_NIST_P256),
                Map.entry("nist p-256", KeySpec.ECC_NIST_P256), Map.entry("prime256v1", KeySpec.ECC_NIST_P256),
                Map.entry("1.2.840.10045.3.1.7", KeySpec.ECC_NIST_P256),
                Map.entry("secp384r1", KeySpec.ECC_NIST_P384), Map.entry("p-384", KeySpec.ECC_NIST_P384),
                Map.entry("nist p-384", KeySpec.ECC_NIST_P384), Map.entry("1.3.132.0.34", KeySpec.ECC_NIST_P384),
                Map.entry("secp521r1", KeySpec.ECC_NIST_P521), Map.entry("p-521", KeySpec.ECC_NIST_P521),
                Map.entry("nist p-521", KeySpec.ECC_NIST_P521), Map.entry("1.3.132.0.35", KeySpec.ECC_NIST_P521),
                Map.entry("secp256k1", KeySpec.ECC_SECG_P256K1), Map.entry("1.3.132.0.10", KeySpec.ECC_SECG_P256K1));

        Ec() {
            super("EC", KeySpec.ECC_NIST_P256);
        }

        @Override
        KeySpec specOfSize(int keysize) {
            return switch (keysize) {
                case 256 -> KeySpec.ECC_NIST_P256;
                case 384 -> KeySpec.ECC_NIST_P384;
                case 521 -> KeySpec.ECC_NIST_P521;
                default -> throw new InvalidParameterException("EC of the KMS provider makes keys on secp256r1, "
                        + "secp384r1, secp521r1 (sizes 256, 384, 521) or secp256k1 (by name), not of size " + keysize);
            };
        }

        @Override
        KeySpec specOf(AlgorithmParameterSpec params) throws InvalidAlgorithmParameterException {
            String curve = params instanceof ECGenParameterSpec ec ? ec.getName()
                    : params instanceof NamedParameterSpec named ? named.getName() : null;
            KeySpec found = curve == null ? null : CURVES.get(curve.toLowerCase(Locale.ROOT));
            if (found == null) {
                throw unsupported(params, "secp256r1, secp384r1, secp521r1 or secp256k1 (ECGenParameterSpec)");
            }
            return found;
        }
    }

    /** Ed25519 (AWS KMS's ECC_NIST_EDWARDS25519). */
    static final class Ed25519 extends KmsKeyPairGeneratorSpi {
        Ed25519() {
            super("Ed25519", KeySpec.ECC_NIST_EDWARDS25519);
        }

        @Override
        KeySpec specOfSize(int keysize) {
            if (keysize != 255) {
                throw new InvalidParameterException("Ed25519 keys are of size 255, not " + keysize);
            }
            return KeySpec.ECC_NIST_EDWARDS25519;
        }

        @Override
        KeySpec specOf(AlgorithmParameterSpec params) throws InvalidAlgorithmParameterException {
            if (params instanceof NamedParameterSpec named && named.getName().equalsIgnoreCase("Ed25519")) {
                return KeySpec.ECC_NIST_EDWARDS25519;
            }
            throw unsupported(params, "Ed25519");
        }
    }

    /** ML-DSA-44, ML-DSA-65 (the default, as the JDK's) or ML-DSA-87, by a NamedParameterSpec. */
    static final class MlDsa extends KmsKeyPairGeneratorSpi {
        MlDsa() {
            super("ML-DSA", KeySpec.ML_DSA_65);
        }

        @Override
        KeySpec specOfSize(int keysize) {
            throw new InvalidParameterException("ML-DSA has no key size: initialize with new NamedParameterSpec(\"ML-DSA-44\"), "
                    + "\"ML-DSA-65\" or \"ML-DSA-87\"");
        }

        @Override
        KeySpec specOf(AlgorithmParameterSpec params) throws InvalidAlgorithmParameterException {
            String set = params instanceof NamedParameterSpec named ? named.getName().toUpperCase(Locale.ROOT) : "";
            return switch (set) {
                case "ML-DSA-44" -> KeySpec.ML_DSA_44;
                case "ML-DSA-65" -> KeySpec.ML_DSA_65;
                case "ML-DSA-87" -> KeySpec.ML_DSA_87;
                default -> throw unsupported(params, "ML-DSA-44, ML-DSA-65 or ML-DSA-87 (NamedParameterSpec)");
            };
        }
    }

}
