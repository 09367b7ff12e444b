package io.kmsjca.server;

import io.kmsjca.internal.json.MalformedJsonException;
import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyAccessDeniedException;
import io.kmsjca.keys.KeyNotFoundException;
import io.kmsjca.keys.KeyStateException;
import io.kmsjca.keys.KeyUnavailableException;
import io.kmsjca.keys.KeyUseDeniedException;
import io.kmsjca.spi.OutOfSyncException;

import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import javax.crypto.IllegalBlockSizeException;

/**
 * What the key service and the JCA throw, as AWS KMS's error types (docs/server.md, "Errors").
 * The JCA wraps a refusal in the exceptions its methods may throw ({@code BadPaddingException}
 * from {@code doFinal}, {@code ProviderException} from {@code generateKey}), so the cause chain is
 * searched for the most specific failure first. Anything unrecognised is a
 * {@code KMSInternalException} whose message says nothing of the failure.
 */
final class ErrorMapping {

    private static final int MAX_CAUSES = 16;

    private ErrorMapping() {
    }

    static KmsError of(Throwable failure) {
        if (failure instanceof KmsError known) {
            return known;
        }
        if (outOfSync(failure)) {
            // a shared store this server could not confirm it is up to date with: transient, so retryable as AWS's 503
            return new KmsError("DependencyTimeoutException", 503,
                    "the key store could not confirm it is up to date; retry the request");
        }
        KmsError specific = specific(failure);
        if (specific != null) {
            return specific;
        }
        Throwable t = failure;
        for (int i = 0; t != null && i < MAX_CAUSES; i++, t = t.getCause()) {
            if (t instanceof IllegalBlockSizeException || t instanceof BadPaddingException) {
                return KmsError.invalidCiphertext("the ciphertext is not a valid ciphertext of this service");
            }
        }
        return KmsError.internal("the server failed to process the request");
    }

    private static boolean outOfSync(Throwable failure) {
        Throwable t = failure;
        for (int i = 0; t != null && i < MAX_CAUSES; i++, t = t.getCause()) {
            if (t instanceof OutOfSyncException) {
                return true;
            }
        }
        return false;
    }

    /** The first failure in the chain with its own AWS error type, or null. */
    private static KmsError specific(Throwable failure) {
        Throwable t = failure;
        for (int i = 0; t != null && i < MAX_CAUSES; i++, t = t.getCause()) {
            String message = t.getMessage();
            if (t instanceof KmsError known) {
                return known;
            }
            if (t instanceof KeyAccessDeniedException || t instanceof KeyUseDeniedException) {
                return new KmsError("AccessDeniedException", 400, message);
            }
            if (t instanceof KeyNotFoundException) {
                return KmsError.notFound(message);
            }
            if (t instanceof KeyUnavailableException) {
                // KeyUse: "key NAME is Disabled" for a disabled key; any other state is not a disabled key
                return message != null && message.endsWith(" is Disabled")
                        ? new KmsError("DisabledException", 400, message)
                        : new KmsError("KMSInvalidStateException", 400, message);
            }
            if (t instanceof KeyStateException && t.getCause() instanceof KeyUnavailableException) {
                continue; // a key use refused for the key's state (GetPublicKey of a disabled key): its cause says which
            }
            if (t instanceof KeyStateException) {
                return new KmsError("KMSInvalidStateException", 400, message);
            }
            if (t instanceof InvalidKeyRequestException || t instanceof MalformedJsonException) {
                return KmsError.validation(message);
            }
            if (t instanceof AEADBadTagException) {
                return KmsError.invalidCiphertext("the ciphertext, its encryption context or its key do not authenticate");
            }
            if (t instanceof IllegalArgumentException) {
                // the provider's argument checks (an encryption context over its limits, a bad tag): messages name no secret
                return KmsError.validation(message);
            }
        }
        return null;
    }
}
