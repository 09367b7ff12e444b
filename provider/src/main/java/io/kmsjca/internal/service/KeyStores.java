package io.kmsjca.internal.service;

import java.util.Arrays;
import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.keys.CreatedCredential;
import io.kmsjca.keys.CredentialInfo;
import io.kmsjca.internal.store.RootKey;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;

import io.kmsjca.internal.audit.AuditDispatcher;
import io.kmsjca.internal.audit.ContextHasher;
import io.kmsjca.internal.format.RootKeyHeader;
import io.kmsjca.spi.CorruptStoreException;
import io.kmsjca.internal.format.KeySlot;
import io.kmsjca.internal.format.KeySlots;
import io.kmsjca.internal.store.CredentialSecret;
import io.kmsjca.internal.store.KeyFileFormat;
import io.kmsjca.internal.store.SlotKeys;
import io.kmsjca.keys.KmsCredential;
import io.kmsjca.spi.audit.AuditListener;
import io.kmsjca.spi.KeyRecordStore;
import io.kmsjca.spi.MemoryKeyRecordStore;
import io.kmsjca.spi.StaleRecordException;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.file.FileKeyRecordStore;
import io.kmsjca.spi.file.StoreImageStreams;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.UnrecoverableKeyException;
import io.kmsjca.internal.format.EncryptionContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Opening and writing key stores: a live file, a stream image, or a new in-memory store. Every
 * way in checks the password against the sealed root key and authenticates the whole image
 * before any key is read.
 *
 * <p>Applications open stores through {@code io.kmsjca.provider.KmsAdmin}, the one way in for
 * administration; this class is what it and the KeyStore SPI build on.
 */
public final class KeyStores {

    private KeyStores() {
    }

    /** A new, empty store in memory, written out with {@link #write}. */
    public static EmbeddedKeyService newInMemory(KeyServiceOptions options) {
        try {
            return audited(KeyServiceFactory.open(new MemoryKeyRecordStore(), RootKey.generate(), null, options,
                    CredentialIdentity.V1_ADMINISTRATOR));
        } catch (IOException e) {
            throw new IllegalStateException(e); // an empty memory store has nothing to read
        }
    }

    /**
     * Reads a whole store image (what {@link #write} produced) into memory.
     *
     * @throws IOException with an {@link UnrecoverableKeyException} cause for a wrong password,
     *                     or a {@link CorruptStoreException} for a damaged or foreign stream
     */
    public static EmbeddedKeyService read(InputStream in, char[] password, KeyServiceOptions options) throws IOException {
        try {
            SlotKeys.Unlocked[] unlocked = new SlotKeys.Unlocked[1];
            KmsCredential credential = password == null ? null : KmsCredential.password(password);
            MemoryKeyRecordStore store = StoreImageStreams.read(in, header -> {
                unlocked[0] = unlock(header, credential);
                return unlocked[0].root()::imageTag;
            });
            return opened(store, unlocked[0], options);
        } catch (IOException e) {
            throw failedLoad(options, e);
        }
    }

    /**
     * Writes the whole store as one authenticated image whose root key is wrapped under
     * {@code password} (a new password re-wraps the root key; no record changes).
     */
    public static void write(KeyService keys, OutputStream out, char[] password) throws IOException {
        EmbeddedKeyService service = EmbeddedKeyService.of(keys);
        Objects.requireNonNull(password, "a KMS key store is always written with a password");
        KeyServiceOptions options = service.options();
        byte[] header = imageHeader(service, password);
        StoreImageStreams.write(out, header, service.backend().list(), service.root()::imageTag);
        service.auditRecorder().record(AuditOperation.STORE_KEY_STORE, null, 0, null, null, EncryptionContext.EMPTY);
    }

    /**
     * The header of a stream image: the root key wrapped under {@code password} (version 1); or,
     * for a store that seals keys per principal, its own credentials, which alone open the seals
     * (docs/FORMAT.md, "Version 6: sealing per principal"), so {@code password} must be one of theirs.
     */
    private static byte[] imageHeader(EmbeddedKeyService service, char[] password) throws IOException {
        Optional<byte[]> live = service.backend().header();
        KeySlots slots;
        try {
            slots = live.map(KeySlots::decode).orElse(null);
        } catch (IllegalArgumentException e) {
            throw new CorruptStoreException("key store header is invalid: " + e.getMessage(), e);
        }
        if (slots == null || slots.slots().stream().noneMatch(KeySlot::holdsKeyPair)) {
            return service.root().wrap(password, service.options().kdf()).encode();
        }
        CredentialSecret secret = CredentialSecret.password(null, password);
        for (KeySlot slot : slots.slots()) {
            if (SlotKeys.opens(service.root(), slot, secret)) {
                return live.get();
            }
        }
        throw new IOException("this store seals keys to its credentials' key pairs, so its image keeps its credentials:"
                + " write it with the password of one of them", new UnrecoverableKeyException("not a credential's password"));
    }

    /**
     * Opens the live store in {@code file}, creating it when there is none. Every later change
     * is durable when its call returns.
     */
    public static EmbeddedKeyService openFile(Path file, char[] password, KeyServiceOptions options) throws IOException {
        Objects.requireNonNull(password, "a KMS key store file needs a password");
        return openFile(file, KmsCredential.password(password), options);
    }

    /**
     * Opens the live store in {@code file} with a credential (a password, or a key file), which
     * names the principal of every request; a file that does not exist yet is created with a
     * password credential as its administrator password.
     */
    public static EmbeddedKeyService openFile(Path file, KmsCredential credential, KeyServiceOptions options) throws IOException {
        Objects.requireNonNull(credential, "a KMS key store file needs a credential");
        try {
            return open(file, credential, options);
        } catch (IOException e) {
            throw failedLoad(options, e);
        }
    }

    private static EmbeddedKeyService open(Path file, KmsCredential credential, KeyServiceOptions options) throws IOException {
        if (Files.notExists(file)) {
            RootKey root = RootKey.generate();
            byte[] header = firstHeader(root, credential, options, file.toString());
            return audited(KeyServiceFactory.open(FileKeyRecordStore.create(file, header, root::imageTag), root, null, options,
                    CredentialIdentity.V1_ADMINISTRATOR));
        }
        SlotKeys.Unlocked[] unlocked = new SlotKeys.Unlocked[1];
        FileKeyRecordStore store = FileKeyRecordStore.open(file, header -> {
            unlocked[0] = unlock(header, credential);
            return unlocked[0].root()::imageTag;
        });
        return opened(store, unlocked[0], options);
    }

    /**
     * The header of a new store: its root key wrapped under the password of {@code credential},
     * as a version-1 header whose one credential is the administrator {@value KeySlot#V1_PRINCIPAL}.
     */
    private static byte[] firstHeader(RootKey root, KmsCredential credential, KeyServiceOptions options, String where)
            throws IOException {
        if (credential.password().isEmpty()) {
            throw new java.io.FileNotFoundException("no key store at " + where + " (a new store is created with a password,"
                    + " not a key file)");
        }
        if (credential.principal().isPresent() && !credential.principal().get().equals(KeySlot.V1_PRINCIPAL)) {
            throw new IOException("a new key store's first credential is its administrator password (principal '"
                    + KeySlot.V1_PRINCIPAL + "'); add the credentials of other principals with createCredential");
        }
        return root.wrap(credential.password().get(), options.kdf()).encode();
    }

    private static EmbeddedKeyService opened(KeyRecordStore store, SlotKeys.Unlocked unlocked, KeyServiceOptions options)
            throws IOException {
        return audited(KeyServiceFactory.open(store, unlocked.root(), unlocked.keyPair(), options,
                CredentialIdentity.of(unlocked.slot())));
    }

    /**
     * Opens a store kept by a backend shared by many processes (a database, through
     * {@code keystore-postgres}), initialising it on first use: of several processes opening a
     * new store at once, one writes the header and the others read it. Changes other processes
     * make reach this one through the backend's change feed.
     *
     * @throws IOException with an {@link UnrecoverableKeyException} cause for a wrong password,
     *                     a {@link CorruptStoreException} for a damaged store, or the backend's failure
     */
    public static EmbeddedKeyService open(KeyRecordStore backend, char[] password, KeyServiceOptions options) throws IOException {
        Objects.requireNonNull(password, "a KMS key store needs a password");
        return open(backend, KmsCredential.password(password), options);
    }

    /** {@link #open(KeyRecordStore, char[], KeyServiceOptions)} with a credential: a password or a key file. */
    public static EmbeddedKeyService open(KeyRecordStore backend, KmsCredential credential, KeyServiceOptions options)
            throws IOException {
        Objects.requireNonNull(credential, "a KMS key store needs a credential");
        KeyServiceOptions withBackendAudit = backend.auditListener().map(l -> {
            List<AuditListener> listeners = new ArrayList<>(options.auditListeners());
            listeners.add(l);
            return options.withAuditListeners(listeners);
        }).orElse(options);
        try {
            SlotKeys.Unlocked unlocked;
            Optional<byte[]> header = backend.header();
            if (header.isPresent()) {
                unlocked = unlock(header.get(), credential);
            } else {
                RootKey root = RootKey.generate();
                try {
                    byte[] first = firstHeader(root, credential, options, "the shared backend");
                    backend.putHeader(null, first);
                    unlocked = new SlotKeys.Unlocked(root, KeySlots.decode(first).slots().get(0));
                } catch (StaleRecordException initialisedElsewhere) {
                    root.destroy();
                    unlocked = unlock(backend.header().orElseThrow(), credential);
                }
            }
            return opened(backend, unlocked, withBackendAudit);
        } catch (IOException e) {
            closeQuietly(backend, e);
            throw failedLoad(options, e);
        } catch (RuntimeException e) {
            closeQuietly(backend, e);
            throw e;
        }
    }

    private static void closeQuietly(KeyRecordStore backend, Exception failure) {
        try {
            backend.close();
        } catch (IOException | RuntimeException closing) {
            failure.addSuppressed(closing);
        }
    }

    /**
     * Puts the previous generation of a live store file back ({@code NAME.prev}, kept at every
     * change), for a current file damaged outside kms-jca (a disk fault, an editor, a bad copy).
     * The previous generation is checked with {@code password} first; the damaged file is kept as
     * {@code NAME.damaged}. What the last change did is lost, nothing before it.
     *
     * @throws IOException the previous generation does not open either (wrong password, damaged too)
     */
    public static void restorePreviousGeneration(Path file, char[] password) throws IOException {
        KmsCredential credential = password == null ? null : KmsCredential.password(password);
        FileKeyRecordStore.restorePrevious(file, header -> unlock(header, credential).root()::imageTag);
    }

    /**
     * Re-wraps the root key of a store under a new password, durably (keytool -storepasswd): the
     * password of the credential the store was opened with. A version-1 header stays version 1.
     *
     * @throws IOException the store was opened with a key file, or its credential was deleted
     */
    public static void changePassword(KeyService keys, char[] newPassword) throws IOException {
        EmbeddedKeyService service = EmbeddedKeyService.of(keys);
        KeyRecordStore backend = service.backend();
        byte[] current = backend.header().orElse(null);
        byte[] next = current == null ? service.root().wrap(newPassword, service.options().kdf()).encode()
                : rewrapped(service, KeySlots.decode(current), newPassword);
        try {
            backend.putHeader(current, next);
        } catch (StaleRecordException e) {
            throw new IOException("the key store password was changed by another writer", e);
        }
        service.auditRecorder().record(AuditOperation.STORE_KEY_STORE, null, 0, null, null, EncryptionContext.EMPTY);
    }

    /**
     * Gives the key-file credential the store was opened with a new random secret, written to
     * {@code newKeyFile} (owner-only, never over an existing file) before the store's header
     * changes: the same principal, flags and key pair, so every key sealed to it stays its.
     * Once this returns the old key file no longer opens the store; if the header cannot be
     * changed, the new file is deleted and the old one still opens it. (Deleting the credential
     * and creating it again would make a new key pair, and lose what is sealed to the old one.)
     *
     * @throws IOException the store was opened with a password, its credential was deleted, or a file failed
     */
    public static CredentialInfo replaceKeyFile(KeyService keys, Path newKeyFile) throws IOException {
        EmbeddedKeyService service = EmbeddedKeyService.of(keys);
        KeyRecordStore backend = service.backend();
        service.backend().refresh();
        byte[] current = backend.header().orElseThrow(() -> new IOException("this store has no key-file credential"));
        KeySlots slots;
        try {
            slots = KeySlots.decode(current);
        } catch (IllegalArgumentException e) {
            throw new CorruptStoreException("key store header is invalid: " + e.getMessage(), e);
        }
        KeySlot own = ownSlot(service, slots);
        if (own.kind().isPassword()) {
            throw new IOException("this store was opened with a password: change it with changePassword");
        }
        if (service.keyPair() == null) {
            throw new IOException("the credential of principal '" + own.principal() + "' has no key pair: delete it and"
                    + " create it again");
        }
        byte[] secret = new byte[CredentialSecret.KEY_FILE_SECRET_BYTES];
        KmsRandom.nextBytes(secret);
        CredentialSecret slotSecret = CredentialSecret.keyFile(own.principal(), secret.clone());
        CreatedCredential created = null;
        try {
            KeySlot next = SlotKeys.seal(service.root(), own.principal(), own.flags(), service.options().kdf(), slotSecret,
                    service.keyPair());
            created = new CreatedCredential(CredentialIdentity.info(next), KeyFileFormat.format(own.principal(), secret));
            created.writeKeyFile(newKeyFile);
            try {
                backend.putHeader(current, slots.replacing(own.principal(), next).encode());
            } catch (StaleRecordException e) {
                throw deleted(newKeyFile, new IOException("the store's credentials were changed by another writer: try again", e));
            } catch (IOException e) {
                throw deleted(newKeyFile, e);
            }
            service.auditRecorder().record(AuditOperation.STORE_KEY_STORE, null, 0, null, null, EncryptionContext.EMPTY);
            return created.info();
        } finally {
            if (created != null) {
                created.wipe();
            }
            slotSecret.wipe();
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** {@code failure}, once {@code keyFile} (written for a change that did not happen) is deleted. */
    private static IOException deleted(Path keyFile, IOException failure) {
        try {
            Files.deleteIfExists(keyFile);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
        return failure;
    }

    /**
     * The slot of the very credential this process opened the store with, as {@code slots} hold it
     * now: refused if it was deleted, or deleted and created again under the same name (a revoked
     * credential's process must not take over its successor's slot). The key pair tells them apart;
     * a slot from before credentials held key pairs is taken as the caller's, as it always was.
     */
    private static KeySlot ownSlot(EmbeddedKeyService service, KeySlots slots) throws IOException {
        String principal = service.caller().principal();
        KeySlot own = slots.find(principal).orElseThrow(() -> new IOException("the credential of principal '"
                + principal + "' this store was opened with was deleted"));
        boolean opened = service.keyPair() == null ? !own.holdsKeyPair()
                : own.holdsKeyPair() && service.keyPair().hasPublicKey(own.publicKey());
        if (!opened) {
            throw new IOException("the credential of principal '" + principal + "' is not the one this store was"
                    + " opened with (it was deleted and created again)");
        }
        return own;
    }

    private static byte[] rewrapped(EmbeddedKeyService service, KeySlots slots, char[] newPassword) throws IOException {
        KeySlot own = ownSlot(service, slots);
        if (!own.kind().isPassword()) {
            throw new IOException("this store was opened with a key file: it has no password to change");
        }
        if (slots.isVersion1()) {
            return service.root().wrap(newPassword, service.options().kdf()).encode();
        }
        KeySlot next = SlotKeys.seal(service.root(), own.principal(), own.flags(), service.options().kdf(),
                CredentialSecret.password(own.principal(), newPassword), service.keyPair());
        return slots.replacing(own.principal(), next).encode();
    }

    /**
     * A store that did not open (a wrong password, a damaged file) has no audit trail of its own
     * yet: the attempt goes to the listeners that exist without it (in code, ServiceLoader,
     * configured classes, System.Logger). The file sink needs the store's key, so it cannot
     * take this event (docs/audit.md).
     */
    private static IOException failedLoad(KeyServiceOptions options, IOException failure) {
        try (AuditDispatcher standalone = new AuditDispatcher(options.clock(), options.audit().withFile(null, false, 4096),
                options.auditListeners(), ContextHasher.PLAIN)) {
            standalone.record(AuditOperation.LOAD_KEY_STORE, null, 0, null, failure, EncryptionContext.EMPTY);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
        return failure;
    }

    private static EmbeddedKeyService audited(EmbeddedKeyService service) {
        service.auditRecorder().record(AuditOperation.LOAD_KEY_STORE, null, 0, null, null, EncryptionContext.EMPTY);
        return service;
    }

    /** The root key, and the slot {@code credential} opened. */
    private static SlotKeys.Unlocked unlock(byte[] headerBytes, KmsCredential credential) throws IOException {
        if (credential == null) {
            throw new IOException("a password is needed to open a KMS key store",
                    new UnrecoverableKeyException("no password given"));
        }
        KeySlots header;
        try {
            header = KeySlots.decode(headerBytes);
        } catch (IllegalArgumentException e) {
            throw new CorruptStoreException("key store header is invalid: " + e.getMessage(), e);
        }
        CredentialSecret secret = secret(credential);
        try {
            return SlotKeys.unlock(header, secret);
        } catch (UnrecoverableKeyException e) {
            throw new IOException(secret.isPassword() ? "keystore password was incorrect"
                    : "key store credential was incorrect (key file " + credential.keyFile().orElseThrow() + ")", e);
        } finally {
            secret.wipe();
        }
    }

    /** What {@code credential} presents: its password, or its key file's principal and secret (read now). */
    static CredentialSecret secret(KmsCredential credential) throws IOException {
        if (credential.password().isPresent()) {
            return CredentialSecret.password(credential.principal().orElse(null), credential.password().get());
        }
        return KeyFileFormat.read(credential.keyFile().orElseThrow());
    }
}
