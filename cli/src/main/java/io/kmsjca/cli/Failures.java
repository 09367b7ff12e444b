package io.kmsjca.cli;

import io.kmsjca.keys.StorePasswordRequiredException;
import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyAccessDeniedException;
import io.kmsjca.keys.KeyNotFoundException;
import io.kmsjca.keys.KeyUseDeniedException;
import io.kmsjca.keys.KeyStateException;
import io.kmsjca.keys.KeyUnavailableException;

import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import javax.crypto.IllegalBlockSizeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyStoreException;
import java.security.ProviderException;
import java.security.UnrecoverableKeyException;

/**
 * The one place that turns an exception into what the user reads: an exit code and one line
 * saying what went wrong and what to do. Messages of the provider never carry key material, so
 * they may be shown.
 */
final class Failures {

    static final String BAD_CIPHERTEXT = "the ciphertext does not decrypt: it was altered, or the encryption context "
            + "differs from the one it was encrypted with; pass the same --encryption-context";

    private Failures() {
    }

    static CliException explain(Throwable e) {
        Throwable t = e;
        while ((t instanceof UncheckedIOException || t instanceof ProviderException) && t.getCause() != null) {
            t = t.getCause(); // KeyGenerator.generateKey and streams may only throw unchecked
        }
        if (t instanceof CliException c) {
            return c;
        }
        if (t instanceof KeyNotFoundException && t.getMessage().contains(" has no grant '")) {
            return new CliException(ExitCode.NOT_FOUND, t.getMessage() + "; 'kms list-grants --key-id KEY' lists the key's"
                    + " grants", t); // KeyNotFoundException.grant: the key was found, the grant was not
        }
        if (t instanceof KeyNotFoundException) {
            return new CliException(ExitCode.NOT_FOUND, t.getMessage() + "; see 'kms list-aliases' and 'kms list-keys'", t);
        }
        if (t instanceof io.kmsjca.keys.ImportRefusedException r) {
            return new CliException(ExitCode.REFUSED, r.reason().awsName() + ": " + t.getMessage(), t);
        }
        if (t instanceof InvalidKeyRequestException) {
            return new CliException(ExitCode.USAGE, t.getMessage(), t); // wrong in any state: no hint about the key's
        }
        if (t instanceof KeyAccessDeniedException || t instanceof KeyUseDeniedException) {
            return new CliException(ExitCode.REFUSED, t.getMessage() + "; 'kms get-key-policy' and 'kms list-grants'"
                    + " show who may do what", t);
        }
        if (t instanceof KeyStateException || t instanceof KeyUnavailableException) {
            return new CliException(ExitCode.REFUSED, t.getMessage() + "; 'kms describe-key' shows the key's state", t);
        }
        if (t instanceof InvalidKeyException && t.getCause() instanceof AEADBadTagException) {
            return new CliException(ExitCode.REFUSED, BAD_CIPHERTEXT, t); // Cipher.unwrap may only throw InvalidKeyException
        }
        if (t instanceof AEADBadTagException) {
            return new CliException(ExitCode.REFUSED, BAD_CIPHERTEXT, t);
        }
        if (t instanceof IllegalBlockSizeException || t instanceof BadPaddingException) {
            return new CliException(ExitCode.REFUSED, "the ciphertext is malformed or truncated: " + t.getMessage(), t);
        }
        if (t instanceof NoSuchFileException n) {
            return new CliException(ExitCode.FILE, "no such file: " + n.getFile(), t);
        }
        if (t instanceof AccessDeniedException a) {
            return new CliException(ExitCode.FILE, "permission denied: " + a.getFile(), t);
        }
        if (t instanceof FileAlreadyExistsException f) {
            return new CliException(ExitCode.FILE, "file exists: " + f.getFile(), t);
        }
        if (t instanceof IOException) {
            return new CliException(ExitCode.FILE, "I/O error: " + t.getMessage(), t);
        }
        if (t instanceof KeyStoreException && !(t instanceof KeyStateException || t instanceof StorePasswordRequiredException)) {
            return new CliException(ExitCode.FAILED, "the key store failed: " + t.getMessage()
                    + "; rerun with --debug for the cause, docs/reliability.md for what to do", t);
        }
        if (t instanceof GeneralSecurityException) {
            return new CliException(ExitCode.REFUSED, t.getMessage(), t);
        }
        if (t instanceof IllegalArgumentException) {
            return new CliException(ExitCode.USAGE, t.getMessage(), t);
        }
        return new CliException(ExitCode.INTERNAL, "internal error (" + t.getClass().getName() + ": " + t.getMessage()
                + "); rerun with --debug and report the stack trace", t);
    }

    /** A key store that does not open, put into words. */
    static CliException storeDoesNotOpen(Path file, IOException e) {
        Throwable cause = e.getCause();
        if (cause instanceof UnrecoverableKeyException) {
            return new CliException(ExitCode.KEY_STORE, "the password does not open key store " + file
                    + " (wrong password?); check KMS_KEYSTORE_PASSWORD or --password-file", e);
        }
        if (e instanceof NoSuchFileException || e instanceof AccessDeniedException) {
            return explain(e);
        }
        return new CliException(ExitCode.KEY_STORE, "key store " + file + " does not open: " + e.getMessage()
                + "; docs/reliability.md tells how to restore its previous generation", e);
    }
}
