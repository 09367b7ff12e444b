package io.kmsjca.provider;

import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;

import java.security.InvalidAlgorithmParameterException;
import java.security.SignatureException;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.EdDSAParameterSpec;

/**
 * {@code Ed25519} ({@code EdDSA}): a pure signature of the whole message, which the key signs
 * itself (KMS Sign with MessageType RAW: pure Ed25519 hashes the message twice, so nothing can be
 * hashed here), so {@code update} buffers it, up to {@link #MAX_MESSAGE_BYTES} (docs/decisions.md,
 * "How long a message Ed25519 and ML-DSA sign"); one byte more is a {@code SignatureException} at
 * that {@code update}, and the buffer is wiped after each signature. (ML-DSA streams instead:
 * {@link MlDsaSignatureSpi}.)
 */
abstract class MessageSignatureSpi extends KmsSignatureSpi {

    /**
     * The longest message: AWS KMS's RAW limit, 4096 bytes, which the embedded store applies too
     * ({@code AsymmetricPrimitives}) and a kms-jca server must, so a key signs the same messages
     * wherever it lives.
     */
    static final int MAX_MESSAGE_BYTES = MessageType.MAX_RAW_BYTES;

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
            throw refusedTooLong();
        }
        byte[] raw = message.toByteArray();
        try {
            return sign(raw, MessageType.RAW);
        } finally {
            java.util.Arrays.fill(raw, (byte) 0);
            resetMessage();
        }
    }

    /**
     * The refusal of a message longer than any the key signs, made by the key's owner (the key
     * service, or a server), so the refused Sign is audited as {@code KeyService.sign} audits it: the
     * owner is sent a stand-in of one byte over the bound, as the refusal depends on the length alone.
     */
    private SignatureException refusedTooLong() {
        SignatureException refused = new SignatureException(name + ": the message was longer than "
                + MAX_MESSAGE_BYTES + " bytes");
        try {
            sign(new byte[MAX_MESSAGE_BYTES + 1], MessageType.RAW); // refused by every owner: nothing is signed
        } catch (SignatureException audited) {
            refused.initCause(audited);
        }
        return refused;
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
}
