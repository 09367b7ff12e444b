package io.kmsjca.server;

/**
 * A request refused with one of AWS KMS's error types ({@code __type}) and its HTTP status. The
 * message is sent to the client: it names keys and principals, never key material or a secret.
 * Carries no stack trace: it is an answer, not a fault.
 */
final class KmsError extends Exception {
    private static final long serialVersionUID = 1L;

    private final String type;
    private final int status;

    KmsError(String type, int status, String message) {
        super(message, null, false, false);
        this.type = type;
        this.status = status;
    }

    String type() {
        return type;
    }

    int status() {
        return status;
    }

    static KmsError validation(String message) {
        return new KmsError("ValidationException", 400, message);
    }

    static KmsError notFound(String message) {
        return new KmsError("NotFoundException", 400, message);
    }

    static KmsError unsupported(String message) {
        return new KmsError("UnsupportedOperationException", 400, message);
    }

    static KmsError invalidCiphertext(String message) {
        return new KmsError("InvalidCiphertextException", 400, message);
    }

    static KmsError incorrectKey(String message) {
        return new KmsError("IncorrectKeyException", 400, message);
    }

    static KmsError invalidSignature(String message) {
        return new KmsError("InvalidSignatureException", 400, message);
    }

    static KmsError incompleteSignature(String message) {
        return new KmsError("IncompleteSignatureException", 400, message);
    }

    /** AWS's refusal of an operation the key's usage, or an algorithm the key's spec, does not allow. */
    static KmsError invalidKeyUsage(String message) {
        return new KmsError("InvalidKeyUsageException", 400, message);
    }

    /** Verify's answer for a signature that is not valid (not the SigV4 {@code InvalidSignatureException}). */
    static KmsError kmsInvalidSignature(String message) {
        return new KmsError("KMSInvalidSignatureException", 400, message);
    }

    /** VerifyMac's answer for a MAC that is not valid. */
    static KmsError kmsInvalidMac(String message) {
        return new KmsError("KMSInvalidMacException", 400, message);
    }

    static KmsError internal(String message) {
        return new KmsError("KMSInternalException", 500, message);
    }
}
