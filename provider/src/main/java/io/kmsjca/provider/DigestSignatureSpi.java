package io.kmsjca.provider;

import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.ProviderException;
import java.security.SignatureException;
import java.util.Arrays;

/**
 * {@code SHA*withRSA} and {@code SHA*withECDSA}: the message is hashed here, with the JDK's
 * {@code MessageDigest} made once per {@code Signature}, and the digest is signed inside the
 * provider (KMS Sign with MessageType DIGEST), so a message of any length costs one KMS request.
 * One subclass per JCA name, as the JDK's {@code RSASignature.SHA256withRSA}.
 */
abstract class DigestSignatureSpi extends KmsSignatureSpi {

    private final KeySpec.Family family;
    private final SigningAlgorithm algorithm;
    private final MessageDigest digest;

    DigestSignatureSpi(String name, KeySpec.Family family, SigningAlgorithm algorithm) {
        super(name);
        this.family = family;
        this.algorithm = algorithm;
        this.digest = newDigest(algorithm.digestAlgorithm());
    }

    /** The JDK's digest of {@code name} (SHA-256, SHA-384, SHA-512 exist in every JDK). */
    static MessageDigest newDigest(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new ProviderException(name + " is missing from this JDK", e);
        }
    }

    @Override
    boolean fits(KeySpec spec) {
        return spec.family() == family;
    }

    @Override
    SigningAlgorithm algorithm() {
        return algorithm;
    }

    @Override
    void resetMessage() {
        digest.reset();
    }

    @Override
    protected void engineUpdate(byte b) throws SignatureException {
        requireKey();
        digest.update(b);
    }

    @Override
    protected void engineUpdate(byte[] b, int off, int len) throws SignatureException {
        requireKey();
        digest.update(b, off, len);
    }

    @Override
    protected byte[] engineSign() throws SignatureException {
        byte[] hash = digest.digest();
        try {
            return sign(hash, MessageType.DIGEST);
        } finally {
            Arrays.fill(hash, (byte) 0);
        }
    }

    static final class Sha256WithRsa extends DigestSignatureSpi {
        Sha256WithRsa() {
            super("SHA256withRSA", KeySpec.Family.RSA, SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_256);
        }
    }

    static final class Sha384WithRsa extends DigestSignatureSpi {
        Sha384WithRsa() {
            super("SHA384withRSA", KeySpec.Family.RSA, SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_384);
        }
    }

    static final class Sha512WithRsa extends DigestSignatureSpi {
        Sha512WithRsa() {
            super("SHA512withRSA", KeySpec.Family.RSA, SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_512);
        }
    }

    static final class Sha256WithEcdsa extends DigestSignatureSpi {
        Sha256WithEcdsa() {
            super("SHA256withECDSA", KeySpec.Family.EC, SigningAlgorithm.ECDSA_SHA_256);
        }
    }

    static final class Sha384WithEcdsa extends DigestSignatureSpi {
        Sha384WithEcdsa() {
            super("SHA384withECDSA", KeySpec.Family.EC, SigningAlgorithm.ECDSA_SHA_384);
        }
    }

    static final class Sha512WithEcdsa extends DigestSignatureSpi {
        Sha512WithEcdsa() {
            super("SHA512withECDSA", KeySpec.Family.EC, SigningAlgorithm.ECDSA_SHA_512);
        }
    }
}
