package io.kmsjca.provider;

import io.kmsjca.provider.KmsDataKey;
import io.kmsjca.provider.KmsDataKeySpec;

import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.internal.engine.MasterKeyOperations;
import io.kmsjca.internal.engine.WrapEngine;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.spi.audit.AuditOperation;

import javax.crypto.KeyGeneratorSpi;
import javax.crypto.SecretKey;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;

/**
 * {@code KeyGenerator "KMSDataKey"}: KMS GenerateDataKey. Initialised only with a
 * {@link KmsDataKeySpec}; generates a fresh AES key and wraps it under the spec's master key.
 * The {@code SecureRandom} given to {@code init} is ignored: data keys come from the provider's
 * own generator ({@link KmsRandom}), like every salt and nonce.
 */
final class KmsDataKeyGeneratorSpi extends KeyGeneratorSpi {

    private final WrapEngine engine = new WrapEngine();
    private KmsDataKeySpec spec;

    @Override
    protected void engineInit(SecureRandom rnd) {
        throw new InvalidParameterException("KMSDataKey needs a KmsDataKeySpec naming the master key");
    }

    @Override
    protected void engineInit(int keysize, SecureRandom rnd) {
        throw new InvalidParameterException("KMSDataKey needs a KmsDataKeySpec naming the master key, not a key size");
    }

    @Override
    protected void engineInit(AlgorithmParameterSpec params, SecureRandom rnd) throws InvalidAlgorithmParameterException {
        if (!(params instanceof KmsDataKeySpec dataKeySpec)) {
            throw new InvalidAlgorithmParameterException("KMSDataKey needs a KmsDataKeySpec, not "
                    + (params == null ? "null" : params.getClass().getName()));
        }
        this.spec = dataKeySpec;
    }

    /**
     * @throws IllegalStateException not initialised
     * @throws ProviderException     the master key cannot be used (its cause says why: disabled,
     *                               deleted, a destroyed handle), as {@code generateKey} may throw
     *                               no checked exception
     */
    @Override
    protected SecretKey engineGenerateKey() {
        if (spec == null) {
            throw new IllegalStateException("KMSDataKey not initialized: call init(KmsDataKeySpec)");
        }
        byte[] key = new byte[spec.keySizeBits() / 8];
        AuditOperation op = spec.withPlaintext() ? AuditOperation.GENERATE_DATA_KEY
                : AuditOperation.GENERATE_DATA_KEY_WITHOUT_PLAINTEXT;
        try {
            KmsKeyHandle master = spec.masterKey();
            byte[] blob;
            if (master instanceof MasterKeyOperations.Remote remote) { // a server's key: one request
                blob = remote.operations().generateDataKey(master, key, spec.encodedContext(), op);
            } else { // the embedded path as it always was: the engine itself, no interface call
                KmsRandom.nextBytes(key);
                blob = engine.seal(master, key, 0, key.length, spec.encodedContext(), null, 0, op);
            }
            return new KmsDataKey(spec.withPlaintext() ? key : null, blob);
        } catch (InvalidKeyException e) {
            throw new ProviderException("cannot generate a data key: " + e.getMessage(), e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }
}
