package io.kmsjca.keys;

import java.time.Instant;
import java.util.UUID;

/**
 * KMS GetParametersForImport's answer: a wrapping public key and an import token, both valid
 * until {@code parametersValidTo} (24 hours), bound to {@code keyId} and to each other.
 *
 * @param publicKey   the wrapping public key, X.509 SubjectPublicKeyInfo DER
 * @param importToken an opaque token ImportKeyMaterial must be given back
 */
public record ImportParameters(UUID keyId, byte[] importToken, byte[] publicKey, WrappingAlgorithm algorithm,
                               KeySpec wrappingKeySpec, Instant parametersValidTo) {
}
