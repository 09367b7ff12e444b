package io.kmsjca.provider;

import io.kmsjca.internal.engine.MacEngine;
import io.kmsjca.internal.service.ServiceKeyHandle;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.MacAlgorithm;

import javax.crypto.MacSpi;
import java.nio.ByteBuffer;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.spec.AlgorithmParameterSpec;

/**
 * {@code Mac HmacSHA224 ... HmacSHA512} with a KMS HMAC key's handle: the HMAC is computed inside
 * the provider with the key's material, which never leaves it (KMS GenerateMac). Registered with
 * {@code SupportedKeyClasses} = {@link KmsKeyHandle}, so {@code Mac.getInstance("HmacSHA256")}
 * runs here given a KMS handle and in the JDK given a {@code SecretKeySpec}. A thin adapter over
 * {@link MacEngine}: init checks the key (state, usage, algorithm, the caller's rights, audited
 * when refused), update streams, each doFinal is audited once (docs/decisions.md).
 */
abstract class KmsMacSpi extends MacSpi {

    private final MacAlgorithm algorithm;
    private final MacEngine engine = new MacEngine();
    private final RemoteMac remote;
    private boolean remoteKey;

    KmsMacSpi(MacAlgorithm algorithm) {
        this.algorithm = algorithm;
        this.remote = new RemoteMac(algorithm);
    }

    /** The algorithm's length, initialized or not, as the JDK's HMAC answers it. */
    @Override
    protected int engineGetMacLength() {
        return switch (algorithm) {
            case HMAC_SHA_224 -> 28;
            case HMAC_SHA_256 -> 32;
            case HMAC_SHA_384 -> 48;
            case HMAC_SHA_512 -> 64;
        };
    }

    @Override
    protected void engineInit(Key key, AlgorithmParameterSpec params) throws InvalidKeyException,
            InvalidAlgorithmParameterException {
        if (params != null) {
            throw new InvalidAlgorithmParameterException("an HMAC takes no parameters");
        }
        if (!(key instanceof KmsKeyHandle handle)) {
            throw new InvalidKeyException("Mac " + algorithm.jcaName() + " of the KMS provider takes a KMS HMAC key's"
                    + " handle (KeyStore \"KMS\"), not " + (key == null ? "null" : key.getClass().getName())
                    + ": a raw key is the JDK's Mac's");
        }
        if (handle instanceof ServiceKeyHandle) {
            engine.init(handle, algorithm);
            remoteKey = false;
        } else {
            remote.init(handle);
            remoteKey = true;
        }
    }

    @Override
    protected void engineUpdate(byte input) {
        if (remoteKey) {
            remote.update(new byte[] {input}, 0, 1);
        } else {
            engine.update(input);
        }
    }

    @Override
    protected void engineUpdate(byte[] input, int offset, int len) {
        if (remoteKey) {
            remote.update(input, offset, len);
        } else {
            engine.update(input, offset, len);
        }
    }

    @Override
    protected void engineUpdate(ByteBuffer input) {
        if (!input.hasRemaining()) {
            return;
        }
        byte[] chunk = new byte[Math.min(input.remaining(), 8192)];
        while (input.hasRemaining()) {
            int n = Math.min(chunk.length, input.remaining());
            input.get(chunk, 0, n);
            engineUpdate(chunk, 0, n);
        }
    }

    @Override
    protected byte[] engineDoFinal() {
        return remoteKey ? remote.doFinal() : engine.doFinal();
    }

    @Override
    protected void engineReset() {
        if (remoteKey) {
            remote.reset();
        } else {
            engine.reset();
        }
    }

    /** HMAC-SHA-224 with an HMAC_224 key. */
    static final class HmacSHA224 extends KmsMacSpi {
        HmacSHA224() {
            super(MacAlgorithm.HMAC_SHA_224);
        }
    }

    /** HMAC-SHA-256 with an HMAC_256 key. */
    static final class HmacSHA256 extends KmsMacSpi {
        HmacSHA256() {
            super(MacAlgorithm.HMAC_SHA_256);
        }
    }

    /** HMAC-SHA-384 with an HMAC_384 key. */
    static final class HmacSHA384 extends KmsMacSpi {
        HmacSHA384() {
            super(MacAlgorithm.HMAC_SHA_384);
        }
    }

    /** HMAC-SHA-512 with an HMAC_512 key. */
    static final class HmacSHA512 extends KmsMacSpi {
        HmacSHA512() {
            super(MacAlgorithm.HMAC_SHA_512);
        }
    }
}
