package io.kmsjca.provider;

import io.kmsjca.internal.engine.PrivateKeyEngine;
import io.kmsjca.internal.engine.PrivateKeyOperations;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;
import io.kmsjca.spi.audit.AuditOperation;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.security.spec.AlgorithmParameterSpec;
import java.util.List;

/**
 * The {@code Signature} services of KMS private keys: what {@code initSign} with a
 * {@link KmsPrivateKeyHandle} reaches, by name or through the JCA's delayed provider selection
 * ({@code SupportedKeyClasses}, {@link KmsProvider}). A thin adapter: it checks that the key fits
 * the algorithm, then hands the message, hashed here ({@link Digesting}) or buffered
 * ({@link Buffering}: Ed25519, ML-DSA), to the key's {@link PrivateKeyOperations}, which check the
 * key's state, usage and the caller's rights, sign inside the provider and audit (KMS Sign).
 *
 * <p>It only signs: {@code initVerify} is refused, since a public key is a standard JDK key that any
 * provider verifies with, and {@code Signature.getInstance(name)} without a provider routes it to
 * the JDK.
 */
abstract class KmsSignatureSpi extends SignatureSpi {

    /** The embedded store's operations; a server's key or a pending key pair brings its own. */
    private final PrivateKeyOperations embedded = new PrivateKeyEngine();
    private final String name;
    private PrivateKeyOperations ops;
    private KmsPrivateKeyHandle key;

    KmsSignatureSpi(String name) {
        this.name = name;
    }

    @Override
    protected final void engineInitVerify(PublicKey publicKey) throws InvalidKeyException {
        throw new InvalidKeyException(name + " of the KMS provider only signs: verify with the public key through "
                + "Signature.getInstance(\"" + name + "\") without naming a provider (the JDK verifies)");
    }

    @Override
    protected final void engineInitSign(PrivateKey privateKey) throws InvalidKeyException {
        if (!(privateKey instanceof KmsPrivateKeyHandle handle)) {
            throw new InvalidKeyException(name + " of the KMS provider signs with a KMS private-key handle only, not "
                    + (privateKey == null ? "null" : privateKey.getClass().getName()));
        }
        if (!fits(handle.keySpec())) {
            throw new InvalidKeyException(name + " cannot sign with " + handle + ", a " + handle.keySpec() + " key");
        }
        resetMessage();
        this.key = null;
        if (handle.keyUsage() == KeyUsage.SIGN_VERIFY) {
            checkAlgorithm(handle); // before the audited check: JSSE tries one algorithm after another
        }
        PrivateKeyOperations next = PrivateKeyOperations.of(handle, embedded);
        next.checkUsable(handle, AuditOperation.SIGN); // state, usage, rights: refusals audited
        checkAlgorithm(handle);
        started(handle);
        this.ops = next;
        this.key = handle;
    }

    /** Called once {@code handle} is accepted, before the first {@code update}: what a subclass prepares per key. */
    void started(KmsPrivateKeyHandle handle) throws InvalidKeyException {
    }

    /** Whether a key of {@code spec} can make this signature at all (the JCA's question: RSA, EC, ...). */
    abstract boolean fits(KeySpec spec);

    /** The AWS algorithm this signature is, or null while parameters it needs are missing (RSASSA-PSS). */
    abstract SigningAlgorithm algorithm();

    /**
     * Refuses a key whose AWS signing algorithms do not include this one (a P-384 key signs with
     * ECDSA_SHA_384 only), so the JCA and JSSE learn it at {@code init} and can try another.
     */
    void checkAlgorithm(KmsPrivateKeyHandle handle) throws InvalidKeyException {
        SigningAlgorithm algorithm = algorithm();
        if (algorithm != null && !SigningAlgorithm.forKey(handle.keySpec(), handle.keyUsage()).contains(algorithm)) {
            List<SigningAlgorithm> its = SigningAlgorithm.forKey(handle.keySpec(), handle.keyUsage());
            throw new InvalidKeyException(handle + " does not sign with " + algorithm + " (" + name + "), as AWS KMS keys of "
                    + handle.keySpec() + " do not; it signs with " + its
                    + (its.isEmpty() ? "" : ": Signature \"" + jcaName(its.get(0)) + "\" (keytool, jarsigner: -sigalg "
                    + jcaName(its.get(0)) + ")"));
        }
    }

    /** The JCA name of a signing algorithm (RSASSA-PSS names no hash: its parameters do). */
    static String jcaName(SigningAlgorithm algorithm) {
        return switch (algorithm) {
            case RSASSA_PKCS1_V1_5_SHA_256 -> "SHA256withRSA";
            case RSASSA_PKCS1_V1_5_SHA_384 -> "SHA384withRSA";
            case RSASSA_PKCS1_V1_5_SHA_512 -> "SHA512withRSA";
            case RSASSA_PSS_SHA_256, RSASSA_PSS_SHA_384, RSASSA_PSS_SHA_512 -> "RSASSA-PSS";
            case ECDSA_SHA_256 -> "SHA256withECDSA";
            case ECDSA_SHA_384 -> "SHA384withECDSA";
            case ECDSA_SHA_512 -> "SHA512withECDSA";
            case ML_DSA_SHAKE_256 -> "ML-DSA";
            case ED25519_SHA_512, ED25519_PH_SHA_512 -> "Ed25519";
        };
    }

    /** The handle this signature was initialised with, or null. */
    final KmsPrivateKeyHandle key() {
        return key;
    }

    /** KMS Sign of {@code message} as {@code type} with this signature's algorithm. */
    final byte[] sign(byte[] message, MessageType type) throws SignatureException {
        if (key == null) {
            throw new SignatureException(name + " is not initialized for signing");
        }
        SigningAlgorithm algorithm = algorithm();
        if (algorithm == null) {
            throw new SignatureException(name + " needs its parameters (setParameter) before signing");
        }
        try {
            return ops.sign(key, message, 0, message.length, type, algorithm);
        } catch (SignatureException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new SignatureException(name + " with " + key + " failed: " + e.getMessage(), e);
        }
    }

    /** An update before initSign is an error, as in every provider. */
    final void requireKey() throws SignatureException {
        if (key == null) {
            throw new SignatureException(name + " is not initialized for signing");
        }
    }

    /** Never initialised for verification: {@link #engineInitVerify} refuses. */
    @Override
    protected final boolean engineVerify(byte[] sigBytes) throws SignatureException {
        throw new SignatureException(name + " is not initialized for verification: the KMS provider only signs");
    }

    /** Drops what {@code update} gave since the last signature. */
    abstract void resetMessage();

    @Override
    protected void engineSetParameter(AlgorithmParameterSpec params) throws InvalidAlgorithmParameterException {
        if (params != null) {
            throw new InvalidAlgorithmParameterException(name + " takes no parameters, not " + params.getClass().getName());
        }
    }

    /** Null: no parameters (RSASSA-PSS overrides). */
    @Override
    protected AlgorithmParameters engineGetParameters() {
        return null;
    }

    /** @deprecated as in {@link SignatureSpi}. */
    @Deprecated
    @Override
    protected final void engineSetParameter(String param, Object value) {
        throw new InvalidParameterException(name + " has no named parameters");
    }

    /** @deprecated as in {@link SignatureSpi}. */
    @Deprecated
    @Override
    protected final Object engineGetParameter(String param) {
        throw new InvalidParameterException(name + " has no named parameters");
    }

    /** Whether {@code spec} is of {@code family}. */
    static boolean isFamily(KeySpec spec, KeySpec.Family family) {
        return spec.family() == family;
    }
}
