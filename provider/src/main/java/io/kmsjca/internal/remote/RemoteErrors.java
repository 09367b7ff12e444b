package io.kmsjca.internal.remote;

import io.kmsjca.keys.AccessDenial;
import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyAccessDeniedException;
import io.kmsjca.keys.KeyNotFoundException;
import io.kmsjca.keys.KeyStateException;
import io.kmsjca.keys.KeyUnavailableException;
import io.kmsjca.keys.KeyUseDeniedException;
import io.kmsjca.keys.KmsKeyHandle;

import javax.crypto.AEADBadTagException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyStoreException;
import java.security.UnrecoverableKeyException;
import java.util.Set;

/**
 * AWS KMS error types back into the exceptions the embedded mode throws in the same case, each
 * with the {@link RemoteFailure} (the server's URL, type and words) as its cause:
 * <pre>
 *   NotFoundException                          KeyNotFoundException        | InvalidKeyException
 *   DisabledException, KMSInvalidStateException, KeyUnavailableException
 *                                              KeyStateException           | KeyUnavailableException
 *   AccessDeniedException                      KeyAccessDeniedException    | KeyUseDeniedException
 *   InvalidCiphertextException                 InvalidKeyRequestException  | AEADBadTagException
 *   IncorrectKeyException                      InvalidKeyRequestException  | InvalidKeyException
 *   ValidationException, AlreadyExistsException, InvalidAliasNameException, LimitExceededException,
 *   MalformedPolicyDocumentException, ...      InvalidKeyRequestException  | InvalidKeyException
 *   UnrecognizedClientException, InvalidSignatureException, IncompleteSignatureException
 *                                              KeyStoreException with an UnrecoverableKeyException cause (a bad credential)
 *   no answer                                  KeyStoreException           | KeyUnavailableException   (naming the URL)
 * </pre>
 * (management calls | key use).
 */
final class RemoteErrors {

    /** The server refused the credential itself. */
    static final Set<String> CREDENTIAL = Set.of("UnrecognizedClientException", "InvalidSignatureException",
            "IncompleteSignatureException", "MissingAuthenticationTokenException", "InvalidClientTokenId",
            "SignatureDoesNotMatch", "ExpiredTokenException");
    private static final Set<String> STATE = Set.of("DisabledException", "KMSInvalidStateException",
            "KeyUnavailableException", "PendingDeletionException");

    private RemoteErrors() {
    }

    /** For a management call on {@code key} (null: on the store). */
    static KeyStoreException management(RemoteFailure f, String action, String key) {
        KeyStoreException e;
        if (f.type() == null) {
            e = new KeyStoreException(f.getMessage());
        } else if (f.is("NotFoundException")) {
            e = key == null ? new KeyStoreException(f.getMessage()) : new KeyNotFoundException(key);
        } else if (STATE.contains(f.type())) {
            e = new KeyStateException(f.serverMessage(), f);
        } else if (f.is("AccessDeniedException")) {
            e = new KeyAccessDeniedException(denial(action, key, f));
        } else if (CREDENTIAL.contains(f.type())) {
            e = new KeyStoreException(credentialRefused(f));
            e.initCause(new UnrecoverableKeyException(f.getMessage()));
            return e;
        } else if (f.status() >= 400 && f.status() < 500 && !f.is("ThrottlingException")) {
            e = new InvalidKeyRequestException(f.serverMessage() + " (" + f.type() + ")", f);
        } else {
            e = new KeyStoreException(f.getMessage());
        }
        if (e.getCause() == null) {
            e.initCause(f);
        }
        return e;
    }

    /** For a cryptographic use of {@code handle} (Encrypt, GenerateDataKey, a Decrypt's key errors). */
    static InvalidKeyException keyUse(RemoteFailure f, String action, KmsKeyHandle handle) {
        InvalidKeyException e;
        if (f.type() == null) {
            e = new KeyUnavailableException("key " + handle + " cannot be used now: " + f.getMessage(), f);
        } else if (f.is("NotFoundException")) {
            e = new InvalidKeyException("key " + handle.keyId() + " does not exist on kms-jca server " + f.url(), f);
        } else if (STATE.contains(f.type())) {
            e = new KeyUnavailableException(f.serverMessage() + " (" + f.type() + ", kms-jca server " + f.url() + ")", f);
        } else if (f.is("AccessDeniedException")) {
            e = new KeyUseDeniedException(denial(action, handle.keyId().toString(), f));
            e.initCause(f);
        } else if (CREDENTIAL.contains(f.type())) {
            e = new InvalidKeyException(credentialRefused(f), f);
        } else {
            e = new InvalidKeyException(f.serverMessage() + " (" + f.type() + ", kms-jca server " + f.url() + ")", f);
        }
        return e;
    }

    /**
     * For a cryptographic use of the asymmetric key {@code key} (Sign, Verify, RSA Encrypt/Decrypt,
     * DeriveSharedSecret, GenerateDataKeyPair): as {@link #keyUse}, and a key of the wrong usage or an
     * algorithm the key does not take ({@code InvalidKeyUsageException}) an {@link InvalidKeyException}
     * with the server's words.
     */
    static InvalidKeyException keyUse(RemoteFailure f, String action, String key) {
        if (f.type() == null) {
            return new KeyUnavailableException("key " + key + " cannot be used now: " + f.getMessage(), f);
        }
        if (f.is("NotFoundException")) {
            return new InvalidKeyException("key " + key + " does not exist on kms-jca server " + f.url(), f);
        }
        if (STATE.contains(f.type())) {
            return new KeyUnavailableException(f.serverMessage() + " (" + f.type() + ", kms-jca server " + f.url() + ")", f);
        }
        if (f.is("AccessDeniedException")) {
            InvalidKeyException e = new KeyUseDeniedException(denial(action, key, f));
            e.initCause(f);
            return e;
        }
        if (CREDENTIAL.contains(f.type())) {
            return new InvalidKeyException(credentialRefused(f), f);
        }
        return new InvalidKeyException(f.serverMessage() + " (" + f.type() + ", kms-jca server " + f.url() + ")", f);
    }

    /** For a Decrypt: a blob or context that does not authenticate is an {@link AEADBadTagException}. */
    static GeneralSecurityException opening(RemoteFailure f, KmsKeyHandle handle) {
        if (f.is("InvalidCiphertextException")) {
            var e = new AEADBadTagException(f.serverMessage() + " (kms-jca server " + f.url() + ")");
            e.initCause(f);
            return e;
        }
        return keyUse(f, "kms:Decrypt", handle);
    }

    /** For {@code KeyStore.load}: no answer, or a refused credential, fails the load. */
    static IOException loading(RemoteFailure f) {
        if (f.type() != null && CREDENTIAL.contains(f.type())) {
            return new IOException(credentialRefused(f), new UnrecoverableKeyException(f.getMessage()));
        }
        return new IOException(f.getMessage(), f);
    }

    private static String credentialRefused(RemoteFailure f) {
        return "kms-jca server " + f.url() + " refused the access key (" + f.type() + "): " + f.serverMessage()
                + "; check access-key-id and the secret in the configuration";
    }

    /**
     * The refusal, as far as the client knows it: the server names neither the principal nor the
     * statement in a form to parse, so its words stay in the cause.
     */
    private static AccessDenial denial(String action, String key, RemoteFailure f) {
        return new AccessDenial("(this access key)", action, key, null, key == null ? "store policy" : "key policy");
    }
}
