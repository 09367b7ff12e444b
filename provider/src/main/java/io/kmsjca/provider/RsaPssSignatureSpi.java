package io.kmsjca.provider;

import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;

import java.security.AlgorithmParameters;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.ProviderException;
import java.security.SignatureException;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.InvalidParameterSpecException;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@code Signature "RSASSA-PSS"} with a KMS RSA key: the parameters AWS KMS signs with and no
 * others (RSASSA_PSS_SHA_256/384/512: MGF1 with the same hash, a salt as long as the hash, trailer
 * field 1), given by {@code setParameter} before or after {@code initSign}, as JSSE and keytool do.
 * The digest is the JDK's, made when the parameters are set.
 */
final class RsaPssSignatureSpi extends KmsSignatureSpi {

    private PSSParameterSpec spec;
    private SigningAlgorithm algorithm;
    private MessageDigest digest;

    RsaPssSignatureSpi() {
        super("RSASSA-PSS");
    }

    @Override
    boolean fits(KeySpec spec) {
        return spec.family() == KeySpec.Family.RSA;
    }

    @Override
    SigningAlgorithm algorithm() {
        return algorithm;
    }

    @Override
    void resetMessage() {
        if (digest != null) {
            digest.reset();
        }
    }

    /**
     * Takes a {@link PSSParameterSpec} of AWS KMS's: SHA-256, SHA-384 or SHA-512, MGF1 with the
     * same hash, salt length = hash length, trailer field 1. Anything else (another hash, another
     * salt length) is refused: the key could not sign with it.
     */
    @Override
    protected void engineSetParameter(AlgorithmParameterSpec params) throws InvalidAlgorithmParameterException {
        if (!(params instanceof PSSParameterSpec pss)) {
            throw new InvalidAlgorithmParameterException("RSASSA-PSS takes a PSSParameterSpec, not "
                    + (params == null ? "null" : params.getClass().getName()));
        }
        SigningAlgorithm next = awsAlgorithm(pss);
        KmsPrivateKeyHandle key = key();
        if (key != null) {
            SigningAlgorithm previous = algorithm;
            try {
                this.algorithm = next;
                checkAlgorithm(key);
            } catch (InvalidKeyException e) {
                this.algorithm = previous; // refused parameters change nothing
                throw new InvalidAlgorithmParameterException(e.getMessage(), e);
            }
        }
        if (algorithm != next || digest == null) {
            digest = DigestSignatureSpi.newDigest(next.digestAlgorithm());
        }
        digest.reset();
        this.algorithm = next;
        this.spec = pss;
    }

    /** AWS KMS's name for {@code pss}, or the refusal naming what differs. */
    static SigningAlgorithm awsAlgorithm(PSSParameterSpec pss) throws InvalidAlgorithmParameterException {
        String hash = normalized(pss.getDigestAlgorithm());
        SigningAlgorithm algorithm = switch (hash) {
            case "SHA256" -> SigningAlgorithm.RSASSA_PSS_SHA_256;
            case "SHA384" -> SigningAlgorithm.RSASSA_PSS_SHA_384;
            case "SHA512" -> SigningAlgorithm.RSASSA_PSS_SHA_512;
            default -> throw new InvalidAlgorithmParameterException("RSASSA-PSS with a KMS key hashes with SHA-256, "
                    + "SHA-384 or SHA-512 (as AWS KMS), not " + pss.getDigestAlgorithm());
        };
        int hashLength = Integer.parseInt(hash.substring(3)) / 8;
        if (!"MGF1".equalsIgnoreCase(pss.getMGFAlgorithm())
                || !(pss.getMGFParameters() instanceof MGF1ParameterSpec mgf)
                || !normalized(mgf.getDigestAlgorithm()).equals(hash)) {
            throw new InvalidAlgorithmParameterException("RSASSA-PSS with a KMS key uses MGF1 with the message hash ("
                    + pss.getDigestAlgorithm() + "), as AWS KMS does");
        }
        if (pss.getSaltLength() != hashLength) {
            throw new InvalidAlgorithmParameterException("RSASSA-PSS with a KMS key uses a salt as long as the hash ("
                    + hashLength + " bytes), as AWS KMS does, not " + pss.getSaltLength());
        }
        if (pss.getTrailerField() != PSSParameterSpec.TRAILER_FIELD_BC) {
            throw new InvalidAlgorithmParameterException("RSASSA-PSS with a KMS key uses trailer field 1, not "
                    + pss.getTrailerField());
        }
        return algorithm;
    }

    private static String normalized(String digestName) {
        return digestName == null ? "" : digestName.toUpperCase(Locale.ROOT).replace("-", "");
    }

    /** The parameters set, for the AlgorithmIdentifier of a certificate or a CMS signature; null before. */
    @Override
    protected AlgorithmParameters engineGetParameters() {
        if (spec == null) {
            return null;
        }
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("RSASSA-PSS");
            parameters.init(spec);
            return parameters;
        } catch (java.security.NoSuchAlgorithmException | InvalidParameterSpecException e) {
            throw new ProviderException("the JDK cannot encode RSASSA-PSS parameters", e);
        }
    }

    @Override
    protected void engineUpdate(byte b) throws SignatureException {
        requireReady();
        digest.update(b);
    }

    @Override
    protected void engineUpdate(byte[] b, int off, int len) throws SignatureException {
        requireReady();
        digest.update(b, off, len);
    }

    private void requireReady() throws SignatureException {
        requireKey();
        if (digest == null) {
            throw new SignatureException("RSASSA-PSS needs its PSSParameterSpec (setParameter) before update");
        }
    }

    @Override
    protected byte[] engineSign() throws SignatureException {
        requireReady();
        byte[] hash = digest.digest();
        try {
            return sign(hash, MessageType.DIGEST);
        } finally {
            Arrays.fill(hash, (byte) 0);
        }
    }
}
