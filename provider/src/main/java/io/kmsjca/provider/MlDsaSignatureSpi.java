package io.kmsjca.provider;

import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;
import org.bouncycastle.crypto.digests.SHAKEDigest;

import java.security.InvalidKeyException;
import java.security.SignatureException;
import java.util.Arrays;

/**
 * {@code ML-DSA} of any parameter set, and {@code ML-DSA-44/65/87} of one (FIPS 204, AWS's
 * ML_DSA_SHAKE_256), for messages of any length: {@code update} streams the message into the
 * external mu of FIPS 204 (Algorithm 7, line 6: μ = SHAKE256(tr ‖ 0 ‖ 0 ‖ M, 64) with an empty
 * context, tr = SHAKE256(pk, 64)), and the key signs that mu (KMS Sign with MessageType
 * EXTERNAL_MU). The signature is the ML-DSA signature of the message itself, which any ML-DSA
 * verifier checks against the message; AWS KMS signs external mu the same way, so a message need
 * not fit its 4096-byte RAW limit. Bouncy Castle's SHAKE256 (JDK 17 has no SHAKE digest).
 */
class MlDsaSignatureSpi extends KmsSignatureSpi {

    private static final int TR_BYTES = 64;

    private final KeySpec only;
    private final SHAKEDigest mu = new SHAKEDigest(256);
    private byte[] tr;

    MlDsaSignatureSpi() {
        this("ML-DSA", null);
    }

    MlDsaSignatureSpi(String name, KeySpec only) {
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

    /** Computes tr, the hash of the raw public key, once per key, then starts the message's mu. */
    @Override
    void started(KmsPrivateKeyHandle handle) throws InvalidKeyException {
        byte[] spki = handle.publicKey().getEncoded();
        int length = rawPublicKeyBytes(handle.keySpec());
        if (spki == null || spki.length < length) {
            throw new InvalidKeyException(handle + " has no " + handle.keySpec() + " public key");
        }
        SHAKEDigest h = new SHAKEDigest(256);
        h.update(spki, spki.length - length, length); // the SubjectPublicKeyInfo ends with the raw key (FIPS 204 pkEncode)
        byte[] next = new byte[TR_BYTES];
        h.doFinal(next, 0, TR_BYTES);
        this.tr = next;
        resetMessage();
    }

    /** FIPS 204 Table 2: the size of pk. */
    private static int rawPublicKeyBytes(KeySpec spec) throws InvalidKeyException {
        return switch (spec) {
            case ML_DSA_44 -> 1312;
            case ML_DSA_65 -> 1952;
            case ML_DSA_87 -> 2592;
            default -> throw new InvalidKeyException(spec + " is no ML-DSA key");
        };
    }

    @Override
    void resetMessage() {
        mu.reset();
        if (tr != null) {
            mu.update(tr, 0, tr.length);
            mu.update((byte) 0); // pure ML-DSA (not HashML-DSA)
            mu.update((byte) 0); // an empty context
        }
    }

    @Override
    protected void engineUpdate(byte b) throws SignatureException {
        requireKey();
        mu.update(b);
    }

    @Override
    protected void engineUpdate(byte[] b, int off, int len) throws SignatureException {
        requireKey();
        mu.update(b, off, len);
    }

    @Override
    protected byte[] engineSign() throws SignatureException {
        requireKey();
        byte[] externalMu = new byte[64];
        mu.doFinal(externalMu, 0, externalMu.length);
        try {
            return sign(externalMu, MessageType.EXTERNAL_MU);
        } finally {
            Arrays.fill(externalMu, (byte) 0);
            resetMessage();
        }
    }

    static final class MlDsa44 extends MlDsaSignatureSpi {
        MlDsa44() {
            super("ML-DSA-44", KeySpec.ML_DSA_44);
        }
    }

    static final class MlDsa65 extends MlDsaSignatureSpi {
        MlDsa65() {
            super("ML-DSA-65", KeySpec.ML_DSA_65);
        }
    }

    static final class MlDsa87 extends MlDsaSignatureSpi {
        MlDsa87() {
            super("ML-DSA-87", KeySpec.ML_DSA_87);
        }
    }
}
