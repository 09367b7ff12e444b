package io.kmsjca.keys;

import java.security.KeyStoreException;

/**
 * ImportKeyMaterial or GetParametersForImport refused for a reason of its own (AWS KMS's error
 * names in {@link Reason}): the import token is altered, for another key or superseded, or
 * expired; the material decrypts to something other than the key's first material; the
 * encrypted material does not decrypt; or the key is not of origin EXTERNAL. Audited as FAILED;
 * the key is unchanged. The message never carries material.
 */
public final class ImportRefusedException extends KeyStoreException {
    private static final long serialVersionUID = 1L;

    /** Why, as AWS KMS names the error. */
    public enum Reason {
        /** InvalidImportTokenException: altered, truncated, for another key, or superseded by a later GetParametersForImport. */
        INVALID_IMPORT_TOKEN("InvalidImportTokenException"),
        /** ExpiredImportTokenException: past its ParametersValidTo (24 hours). */
        EXPIRED_IMPORT_TOKEN("ExpiredImportTokenException"),
        /** IncorrectKeyMaterialException: not the key's material (a re-import must bring the same material). */
        INCORRECT_KEY_MATERIAL("IncorrectKeyMaterialException"),
        /** InvalidCiphertextException: the encrypted material does not decrypt with the wrapping key. */
        INVALID_CIPHERTEXT("InvalidCiphertextException"),
        /** UnsupportedOperationException: the key's origin is not EXTERNAL. */
        UNSUPPORTED_OPERATION("UnsupportedOperationException");

        private final String awsName;

        Reason(String awsName) {
            this.awsName = awsName;
        }

        /** AWS KMS's error type. */
        public String awsName() {
            return awsName;
        }
    }

    private final Reason reason;

    public ImportRefusedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
