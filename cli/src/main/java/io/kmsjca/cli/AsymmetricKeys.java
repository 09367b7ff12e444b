package io.kmsjca.cli;

import io.kmsjca.keys.EncryptionAlgorithm;
import io.kmsjca.keys.KeyAccessDeniedException;
import io.kmsjca.keys.KeyAgreementAlgorithm;
import io.kmsjca.keys.KeyNotFoundException;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyStateException;
import io.kmsjca.keys.KeyUnavailableException;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KeyUseDeniedException;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.keys.SigningAlgorithm;

import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Optional;

/**
 * What the asymmetric commands share: finding the key pair a {@code --key-id} names, the
 * algorithm lists AWS prints for a key, and refusals put into AWS's words
 * (InvalidKeyUsageException) when the key's usage or algorithms explain them.
 */
final class AsymmetricKeys {

    /** AWS KMS's name for a refusal by the key's usage or algorithms. */
    static final String INVALID_KEY_USAGE = "KMS InvalidKeyUsageException";

    private AsymmetricKeys() {
    }

    /**
     * The asymmetric key {@code given} names (key id, alias or ARN). A symmetric key is refused
     * here, saying so; an unknown name is {@link KeyNotFoundException}.
     */
    static KmsPrivateKeyHandle resolve(KeyService keys, String given, String operation) throws KeyNotFoundException {
        String ref = Inputs.keyRef(given);
        Optional<KmsPrivateKeyHandle> pair = keys.findPrivateKey(ref);
        if (pair.isPresent()) {
            return pair.get();
        }
        Optional<io.kmsjca.keys.KmsKeyHandle> secret = keys.findKey(ref);
        if (secret.isPresent()) {
            String kind = secret.get().getAlgorithm().equals("AES") ? "SYMMETRIC_DEFAULT" : "an HMAC key, " + secret.get().getAlgorithm();
            throw new CliException(ExitCode.REFUSED, "key " + given + " is a symmetric key (" + kind + "): " + operation
                    + " needs an asymmetric key (" + INVALID_KEY_USAGE + "); 'kms create-key --key-spec ... --key-usage ...' makes one");
        }
        throw new KeyNotFoundException(given);
    }

    /** The asymmetric key {@code given} names, or empty when it names a symmetric key; unknown: {@link KeyNotFoundException}. */
    static Optional<KmsPrivateKeyHandle> find(KeyService keys, String given) throws KeyNotFoundException {
        String ref = Inputs.keyRef(given);
        Optional<KmsPrivateKeyHandle> pair = keys.findPrivateKey(ref);
        if (pair.isEmpty() && keys.findKey(ref).isEmpty()) {
            throw new KeyNotFoundException(given);
        }
        return pair;
    }

    /**
     * A refusal of the key service, explained by the key when its usage is not {@code needed} or
     * {@code algorithm} is not one of {@code allowed}; a refusal by the key's state, a policy or
     * a grant stays as it is.
     */
    static GeneralSecurityException explain(GeneralSecurityException e, KmsPrivateKeyHandle key, String given,
                                            KeyUsage needed, Enum<?> algorithm, List<? extends Enum<?>> allowed) {
        if (e instanceof KeyStateException || e instanceof KeyUnavailableException || e instanceof KeyUseDeniedException
                || e instanceof KeyAccessDeniedException || e instanceof KeyNotFoundException) {
            return e;
        }
        if (key.keyUsage() != needed) {
            throw new CliException(ExitCode.REFUSED, "key " + given + " (" + key.keySpec() + ") is for " + key.keyUsage()
                    + ", not " + needed + " (" + INVALID_KEY_USAGE + "); its usage was fixed when it was created", e);
        }
        if (algorithm != null && !allowed.contains(algorithm)) {
            throw new CliException(ExitCode.REFUSED, algorithm + " is not an algorithm of key " + given + " (" + key.keySpec()
                    + "), which allows " + allowed + " (" + INVALID_KEY_USAGE + ")", e);
        }
        return e;
    }

    /** The algorithms AWS lists for a key (in KeyMetadata and GetPublicKey), by their field names; empty lists left out. */
    static Shapes.Result algorithms(Shapes.Result result, KeySpec spec, KeyUsage usage) {
        return result.with("EncryptionAlgorithms", names(EncryptionAlgorithm.forKey(spec, usage)))
                .with("SigningAlgorithms", names(SigningAlgorithm.forKey(spec, usage)))
                .with("KeyAgreementAlgorithms", names(KeyAgreementAlgorithm.forKey(spec, usage)))
                .with("MacAlgorithms", names(io.kmsjca.keys.MacAlgorithm.forKey(spec, usage)));
    }

    private static List<String> names(List<? extends Enum<?>> values) {
        return values.isEmpty() ? null : values.stream().map(Enum::name).toList();
    }
}
