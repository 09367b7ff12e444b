package io.kmsjca.internal.engine;

import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.MacAlgorithm;

import java.security.GeneralSecurityException;

/**
 * The HMAC operations of a kms-jca server's key, for the JCA {@code Mac} given a remote handle:
 * KMS GenerateMac by request (the message bounded by {@link MacEngine#MAX_MESSAGE_BYTES}, as AWS).
 */
public interface RemoteMacOperations {

    /** KMS GenerateMac on the server: the HMAC of {@code message} under {@code key}. */
    byte[] generateMac(KmsKeyHandle key, byte[] message, MacAlgorithm algorithm) throws GeneralSecurityException;

    /** KMS DescribeKey on the server, to refuse a key of another spec or usage at init: the key's MAC algorithms. */
    java.util.List<MacAlgorithm> macAlgorithms(KmsKeyHandle key) throws java.security.InvalidKeyException;
}
