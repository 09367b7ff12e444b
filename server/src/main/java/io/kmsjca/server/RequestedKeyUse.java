package io.kmsjca.server;

import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsPrivateKeyHandle;

import java.security.InvalidAlgorithmParameterException;
import java.security.SignatureException;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One use of the key a request names (Sign with key K, ...), with the refusal AWS answers when the
 * key's type, usage or the algorithm does not fit ({@code InvalidKeyUsageException}), known from
 * the key's spec and usage before anything is done. The key service is called even then, so that it
 * refuses, and audits the refusal, itself; its answer decides unless it is about something else
 * (the key's state, the caller's rights), and this refusal stands in for its JCA exception.
 */
final class RequestedKeyUse {

    /** The key service's refusals that come before a usage refusal, as AWS's do. */
    private static final Set<String> FIRST = Set.of("AccessDeniedException", "NotFoundException", "DisabledException",
            "KMSInvalidStateException", "DependencyTimeoutException");

    /** A call to the key service. */
    @FunctionalInterface
    interface ServiceCall<T> {
        T run() throws Exception;
    }

    private final UUID keyId;
    private final KmsPrivateKeyHandle pair;
    /** A secret key's JCA algorithm: "AES" (SYMMETRIC_DEFAULT) or an HMAC key's MAC ("HmacSHA256"); null for a pair. */
    private final String secretAlgorithm;
    private final KmsError refusal;

    private RequestedKeyUse(UUID keyId, KmsPrivateKeyHandle pair, String secretAlgorithm, KmsError refusal) {
        this.keyId = keyId;
        this.pair = pair;
        this.secretAlgorithm = secretAlgorithm;
        this.refusal = refusal;
    }

    /**
     * The key {@code resolved} names, not refused yet.
     *
     * @throws java.security.KeyStoreException NotFoundException when there is no such key
     */
    static RequestedKeyUse of(OperationContext kms, String resolved) throws Exception {
        KmsPrivateKeyHandle pair = kms.privateKey(resolved).orElse(null);
        if (pair != null) {
            return new RequestedKeyUse(pair.keyId(), pair, null, null);
        }
        io.kmsjca.keys.KmsKeyHandle secret = kms.handle(resolved);
        return new RequestedKeyUse(secret.keyId(), null, secret.getAlgorithm(), null);
    }

    /** This use, refused with InvalidKeyUsageException unless the key is an HMAC key whose MAC is {@code algorithm}. */
    RequestedKeyUse needsMac(io.kmsjca.keys.MacAlgorithm algorithm, String operation) {
        boolean hmac = secretAlgorithm != null && !secretAlgorithm.equals("AES");
        return unless(hmac, KmsError.invalidKeyUsage(operation + " needs an HMAC GENERATE_VERIFY_MAC key; key " + keyId
                + " is " + described()))
                .unless(!hmac || algorithm.jcaName().equals(secretAlgorithm), KmsError.invalidKeyUsage("MacAlgorithm "
                        + algorithm + " is not key " + keyId + "'s (" + secretAlgorithm + ")"));
    }

    /** This use, refused with InvalidKeyUsageException unless the key is an asymmetric key of {@code usage}. */
    RequestedKeyUse needs(KeyUsage usage, String operation) {
        return unless(pair != null && pair.keyUsage() == usage, KmsError.invalidKeyUsage(operation + " needs an asymmetric "
                + usage + " key; key " + keyId + " is " + described()));
    }

    /** This use, refused with InvalidKeyUsageException unless the key is a symmetric key. */
    RequestedKeyUse needsSymmetric(String operation) {
        return unless(pair == null && "AES".equals(secretAlgorithm), KmsError.invalidKeyUsage(operation + " needs a symmetric ENCRYPT_DECRYPT key; key "
                + keyId + " is " + described()));
    }

    private String described() {
        if (pair != null) {
            return pair.keySpec() + " / " + pair.keyUsage();
        }
        return "AES".equals(secretAlgorithm) ? "SYMMETRIC_DEFAULT / ENCRYPT_DECRYPT"
                : "an HMAC key (" + secretAlgorithm + ") / GENERATE_VERIFY_MAC";
    }

    /** This use, refused with {@code otherwise} unless {@code allowed} (the first refusal stands). */
    RequestedKeyUse unless(boolean allowed, KmsError otherwise) {
        return allowed || refusal != null ? this : new RequestedKeyUse(keyId, pair, secretAlgorithm, otherwise);
    }

    UUID keyId() {
        return keyId;
    }

    /** The asymmetric key, or null when it is a symmetric one. */
    KmsPrivateKeyHandle pair() {
        return pair;
    }

    /** Whether AWS refuses this use. */
    boolean refused() {
        return refusal != null;
    }

    /**
     * Calls the key service: its state, access and not-found refusals stand; any other failure is
     * this use's refusal when there is one, a {@code SignatureException} a ValidationException and
     * an {@code InvalidAlgorithmParameterException} an InvalidKeyUsageException. Should the service
     * do what AWS refuses, its result is {@code discard}ed and the refusal answered all the same.
     */
    <T> T call(ServiceCall<T> call, Consumer<T> discard) throws Exception {
        T result;
        try {
            result = call.run();
        } catch (Exception e) {
            KmsError mapped = ErrorMapping.of(e);
            if (refusal != null && !FIRST.contains(mapped.type())) {
                throw refusal;
            }
            if (mapped.type().equals("KMSInternalException")) {
                if (e instanceof SignatureException) {
                    throw KmsError.validation(e.getMessage());
                }
                if (e instanceof InvalidAlgorithmParameterException) {
                    throw KmsError.invalidKeyUsage(e.getMessage());
                }
            }
            throw e;
        }
        if (refusal != null) {
            discard.accept(result);
            throw refusal;
        }
        return result;
    }
}
