package io.kmsjca.provider;


import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KmsCredential;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.spi.KeyRecordStore;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.UnrecoverableEntryException;
import java.security.UnrecoverableKeyException;
import java.util.Objects;

/**
 * The one way in for administering KMS keys: every {@code open} returns the {@link KeyService}
 * of a store, which creates, rotates, disables, imports and audits keys. Close it when done.
 * <pre>{@code
 * try (KeyService keys = KmsAdmin.open(Path.of("keys.kms"), password)) {   // a live file, created when absent
 *     keys.createKey("orders", "order payloads");
 * }
 * KeyService keys = KmsAdmin.open(keyStore, password);            // behind a loaded KMS KeyStore
 * KeyService keys = KmsAdmin.open(backend, password, options);    // a shared backend (keystore-postgres)
 * KeyService keys = KmsAdmin.open(file, KmsCredential.keyFile(keyFile), options);   // as the key file's principal
 * }</pre>
 * The other direction, a {@code KeyStore} view of a key service the application holds, is
 * {@link KmsLoadParameter#of} (use of the keys only) or {@link KmsLoadParameter#managing}.
 */
public final class KmsAdmin {

    private KmsAdmin() {
    }

    /**
     * The live store in {@code file}, created when absent, with the default options. Every change
     * is durable when its call returns.
     *
     * @throws IOException with an {@link UnrecoverableKeyException} cause for a wrong password, or
     *                     an {@link io.kmsjca.spi.CorruptStoreException} for a damaged file
     */
    public static KeyService open(Path file, char[] password) throws IOException {
        return open(file, password, KeyServiceOptions.defaults());
    }

    /** {@link #open(Path, char[])} with {@code options} (audit, key derivation, maintenance). */
    public static KeyService open(Path file, char[] password, KeyServiceOptions options) throws IOException {
        return KeyStores.openFile(Objects.requireNonNull(file, "file"), password, Objects.requireNonNull(options, "options"));
    }

    /**
     * The live store in {@code file}, opened with a credential: a password (of a named principal
     * or not) or a key file. The credential names the principal of every request made through the
     * returned service (docs/authorization.md, "Credentials"). A file that does not exist is
     * created with a password credential as its administrator password.
     *
     * @throws IOException with an {@link UnrecoverableKeyException} cause for a wrong password or
     *                     key file; a key file others may read is refused
     */
    public static KeyService open(Path file, KmsCredential credential, KeyServiceOptions options) throws IOException {
        return KeyStores.openFile(Objects.requireNonNull(file, "file"), Objects.requireNonNull(credential, "credential"),
                Objects.requireNonNull(options, "options"));
    }

    /** {@link #open(KeyRecordStore, char[], KeyServiceOptions)} with a credential, as {@link #open(Path, KmsCredential, KeyServiceOptions)}. */
    public static KeyService open(KeyRecordStore backend, KmsCredential credential, KeyServiceOptions options) throws IOException {
        return KeyStores.open(Objects.requireNonNull(backend, "backend"), Objects.requireNonNull(credential, "credential"),
                Objects.requireNonNull(options, "options"));
    }

    /**
     * A store kept by a backend shared by many processes ({@code PostgresKeyRecordStore}, or any
     * {@link KeyRecordStore}), initialised on first use; the service owns {@code backend} and
     * closes it, also when the open fails.
     *
     * @throws IOException with an {@link UnrecoverableKeyException} cause for a wrong password, a
     *                     {@link io.kmsjca.spi.CorruptStoreException} for a damaged store, or the backend's failure
     */
    public static KeyService open(KeyRecordStore backend, char[] password, KeyServiceOptions options) throws IOException {
        return KeyStores.open(Objects.requireNonNull(backend, "backend"), password, Objects.requireNonNull(options, "options"));
    }

    /**
     * The key service behind a loaded {@code KMS} key store. The store password is checked again,
     * so code that only holds the loaded {@code KeyStore} (and can therefore wrap and unwrap)
     * cannot manage its keys without it; a view loaded with {@link KmsLoadParameter#of} gives none.
     *
     * @throws KeyStoreException           {@code keyStore} is not a loaded KMS key store
     * @throws UnrecoverableEntryException the password is wrong
     */
    public static KeyService open(KeyStore keyStore, char[] password) throws KeyStoreException, UnrecoverableEntryException {
        Objects.requireNonNull(password, "password");
        if (!"KMS".equals(keyStore.getType())) {
            throw new KeyStoreException("not a KMS key store: " + keyStore.getType());
        }
        try {
            var entry = keyStore.getEntry(KmsKeyStores.MANAGEMENT_ENTRY, new KeyStore.PasswordProtection(password));
            return ((KmsKeyStores.ManagementEntry) entry).service();
        } catch (NoSuchAlgorithmException e) {
            throw new KeyStoreException(e);
        }
    }

    /**
     * Seals every key {@code keys} holds anew to the principals its key policy, the store policy
     * and its grants let use it now (docs/authorization.md, "Sealing per principal"): after the
     * store's last credential without a key pair is deleted, and whenever a principal that may use
     * a key was given that right by a credential that does not hold it. Keys this credential
     * does not hold are left as they are.
     *
     * @return how many keys were written, and which keys no credential may use (their material
     *         stays in the record, readable by every credential, until one may)
     * @throws KeyStoreException {@code keys} is a remote key service, or a key could not be written
     */
    public static ResealReport resealKeys(KeyService keys) throws KeyStoreException {
        if (!(keys instanceof io.kmsjca.internal.service.EmbeddedKeyService embedded)) {
            throw new KeyStoreException("keys are sealed by the process that holds the store, not through a server");
        }
        return embedded.resealKeys();
    }

    /**
     * Deletes {@code principal}'s credential even when it is the only credential some key's
     * material is sealed to ({@link KeyService#deleteCredential} refuses that): the way to revoke a
     * compromised key user at once. The material of those keys is lost for good.
     */
    public static void deleteCredentialAcceptingKeyLoss(KeyService keys, String principal) throws KeyStoreException {
        if (!(keys instanceof io.kmsjca.internal.service.EmbeddedKeyService embedded)) {
            throw new KeyStoreException("credentials are managed by the process that holds the store, not through a server");
        }
        embedded.deleteCredential(principal, true);
    }

    /**
     * Gives the key-file credential {@code keys} was opened with a new secret, written first to
     * {@code newKeyFile} (owner-only; refused if it exists): the same principal and key pair, so
     * every key sealed to it stays its; the old key file no longer opens the store once this
     * returns (docs/authorization.md, "Credentials").
     */
    public static io.kmsjca.keys.CredentialInfo replaceKeyFile(KeyService keys, Path newKeyFile) throws IOException {
        return KeyStores.replaceKeyFile(keys, Objects.requireNonNull(newKeyFile, "newKeyFile"));
    }

    /** Re-wraps the root key of {@code keys}' store under a new password, durably (keytool -storepasswd). */
    public static void changePassword(KeyService keys, char[] newPassword) throws IOException {
        KeyStores.changePassword(keys, Objects.requireNonNull(newPassword, "newPassword"));
    }

    /**
     * Puts the previous generation of a live store file back ({@code NAME.prev}) after the current
     * one was damaged outside kms-jca; the damaged file is kept as {@code NAME.damaged}. The
     * previous generation must open with {@code password}.
     *
     * @throws IOException the previous generation does not open either
     */
    public static void restorePreviousGeneration(Path file, char[] password) throws IOException {
        KeyStores.restorePreviousGeneration(Objects.requireNonNull(file, "file"), password);
    }
}
