package io.kmsjca.provider;

import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;

import java.security.InvalidAlgorithmParameterException;
import java.security.SignatureException;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.EdDSAParameterSpec;

/**
 * {@code Ed25519} ({@code EdDSA}) and {@code ML-DSA}: pure signatures of the whole message, which
 * the key signs itself (KMS Sign with MessageType RAW), so {@code update} buffers it here, up to
 * {@link #MAX_MESSAGE_BYTES} (docs/decisions.md, "How long a message Ed25519 and ML-DSA sign");
 * one byte more is a {@code SignatureException} at that {@code update}, and the buffer is wiped
 * after each signature.
 */
abstract class MessageSignatureSpi extends KmsSignatureSpi {

    /**
     * The longest message these signatures take: 1 MiB. AWS KMS signs RAW messages of at most
     * 4096 bytes, too few for the signature file of a jar that {@code jarsigner} signs; the
     * embedded store signs longer RAW messages for these two algorithms (which hash inside the
     * signature scheme), and a kms-jca server applies AWS's limit.
     */
    static final int MAX_MESSAGE_BYTES = 1 << 20;

    private final String name;
    private final SecretBuffer message = new SecretBuffer();
    private boolean tooLong;

    MessageSignatureSpi(String name) {
        super(name);
        this.name = name;
    }

    @Override
    void resetMessage() {
        message.wipe();
        tooLong = false;
    }

    @Override
    protected void engineUpdate(byte b) throws SignatureException {
        engineUpdate(new byte[] {b}, 0, 1);
    }

    @Override
    protected void engineUpdate(byte[] b, int off, int len) throws SignatureException {
        requireKey();
        if (tooLong || len > MAX_MESSAGE_BYTES - message.size()) {
            tooLong = true; // the signature would be of a truncated message: refuse it at engineSign too
            throw new SignatureException(name + " with a KMS key signs messages of at most " + MAX_MESSAGE_BYTES
                    + " bytes (it buffers the message for the key); sign a hash of a longer message");
        }
        message.write(b, off, len);
    }

    @Override
    protected byte[] engineSign() throws SignatureException {
        requireKey();
        if (tooLong) {
            resetMessage();
            throw new SignatureException(name + ": the message was longer than " + MAX_MESSAGE_BYTES + " bytes");
        }
        byte[] raw = message.toByteArray();
        try {
            return sign(raw, MessageType.RAW);
        } finally {
            java.util.Arrays.fill(raw, (byte) 0);
            resetMessage();
        }
    }

    /** {@code Ed25519} and its alias {@code EdDSA}: pure Ed25519 (RFC 8032), AWS's ED25519_SHA_512. */
    static final class Ed25519 extends MessageSignatureSpi {
        Ed25519() {
            super("Ed25519");
        }

        @Override
        boolean fits(KeySpec spec) {
            return spec == KeySpec.ECC_NIST_EDWARDS25519;
        }

        @Override
        SigningAlgorithm algorithm() {
            return SigningAlgorithm.ED25519_SHA_512;
        }

        /** Only pure Ed25519 with no context, which is what no parameters mean. */
        @Override
        protected void engineSetParameter(AlgorithmParameterSpec params) throws InvalidAlgorithmParameterException {
            if (params instanceof EdDSAParameterSpec eddsa && !eddsa.isPrehash() && eddsa.getContext().isEmpty()) {
                return;
            }
            super.engineSetParameter(params);
        }
    }

    /** {@code ML-DSA} of any parameter set, or {@code ML-DSA-44/65/87} of one (FIPS 204, AWS's ML_DSA_SHAKE_256). */
    static class MlDsa extends MessageSignatureSpi {
        private final KeySpec only;

        MlDsa() {
            this("ML-DSA", null);
        }

        MlDsa(String name, KeySpec only) {
            super(name);
            this.only = only;
        }

        @Override
        boolean fits(KeySpec spec) {
            return only == null ? spec.family() == KeySpec.Family.ML_DSA : spec == only;
        }

        @Override
        SigningAlgorithm algorithm() {
            return SigningAlgorithm.ML_DSA_SHAKE_256;
        }
    }

    static final class MlDsa44 extends MlDsa {
        MlDsa44() {
            super("ML-DSA-44", KeySpec.ML_DSA_44);
        }
    }

    static final class MlDsa65 extends MlDsa {
        MlDsa65() {
            super("ML-DSA-65", KeySpec.ML_DSA_65);
        }
    }

    static final class MlDsa87 extends MlDsa {
        MlDsa87() {
            super("ML-DSA-87", KeySpec.ML_DSA_87);
        }
    }
}
