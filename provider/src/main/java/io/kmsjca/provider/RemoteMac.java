package io.kmsjca.provider;

import io.kmsjca.internal.engine.MacEngine;
import io.kmsjca.internal.engine.MasterKeyOperations;
import io.kmsjca.internal.engine.RemoteMacOperations;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.MacAlgorithm;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Arrays;

/**
 * A JCA {@code Mac} with a kms-jca server's HMAC key: the message is buffered (at most
 * {@link MacEngine#MAX_MESSAGE_BYTES}, AWS's GenerateMac bound, refused beyond it) and sent in one
 * GenerateMac request at doFinal, which the server audits.
 */
final class RemoteMac {

    private final MacAlgorithm algorithm;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private KmsKeyHandle key;
    private RemoteMacOperations operations;

    RemoteMac(MacAlgorithm algorithm) {
        this.algorithm = algorithm;
    }

    void init(KmsKeyHandle handle) throws InvalidKeyException {
        if (!(handle instanceof MasterKeyOperations.Remote remote)
                || !(remote.operations() instanceof RemoteMacOperations ops)) {
            throw new InvalidKeyException("not a handle a KMS key store gave out: " + handle.getClass().getName());
        }
        if (!ops.macAlgorithms(handle).contains(algorithm)) {
            throw new InvalidKeyException("key " + handle.keyId() + " is not an HMAC key of " + algorithm);
        }
        reset();
        this.key = handle;
        this.operations = ops;
    }

    void update(byte[] data, int off, int len) {
        requireInit();
        if (buffer.size() + (long) len > MacEngine.MAX_MESSAGE_BYTES) {
            reset();
            throw new IllegalStateException("a MAC by a kms-jca server's key covers at most " + MacEngine.MAX_MESSAGE_BYTES
                    + " bytes (KMS GenerateMac)");
        }
        buffer.write(data, off, len);
    }

    byte[] doFinal() {
        requireInit();
        byte[] message = buffer.toByteArray();
        try {
            return operations.generateMac(key, message, algorithm);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e.getMessage(), e);
        } finally {
            Arrays.fill(message, (byte) 0);
            reset();
        }
    }

    void reset() {
        byte[] old = buffer.toByteArray();
        Arrays.fill(old, (byte) 0);
        buffer.reset();
    }

    private void requireInit() {
        if (key == null) {
            throw new IllegalStateException("Mac not initialized with a KMS HMAC key");
        }
    }
}
