package io.kmsjca.internal.service;

import io.kmsjca.internal.store.RootKey;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;

import io.kmsjca.internal.audit.AuditDispatcher;
import io.kmsjca.internal.audit.ContextHasher;
import io.kmsjca.internal.format.RootKeyHeader;
import io.kmsjca.spi.CorruptStoreException;
import io.kmsjca.spi.KeyRecordStore;
import io.kmsjca.spi.StaleRecordException;
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
            return audited(KeyServiceFactory.open(new MemoryKeyRecordStore(), RootKey.generate(), options));
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
            RootKey[] root = new RootKey[1];
            MemoryKeyRecordStore store = StoreImageStreams.read(in, header -> {
                root[0] = unwrapRoot(header, password);
                return root[0]::imageTag;
            });
            return audited(KeyServiceFactory.open(store, root[0], options));
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
        RootKeyHeader header = service.root().wrap(password, options.kdf());
        StoreImageStreams.write(out, header.encode(), service.backend().list(), service.root()::imageTag);
        service.auditRecorder().record(AuditOperation.STORE_KEY_STORE, null, 0, null, null, EncryptionContext.EMPTY);
    }

    /**
     * Opens the live store in {@code file}, creating it when there is none. Every later change
     * is durable when its call returns.
     */
    public static EmbeddedKeyService openFile(Path file, char[] password, KeyServiceOptions options) throws IOException {
        try {
            return open(file, password, options);
        } catch (IOException e) {
            throw failedLoad(options, e);
        }
    }

    private static EmbeddedKeyService open(Path file, char[] password, KeyServiceOptions options) throws IOException {
        Objects.requireNonNull(password, "a KMS key store file needs a password");
        if (Files.notExists(file)) {
            RootKey root = RootKey.generate();
            byte[] header = root.wrap(password, options.kdf()).encode();
            return audited(KeyServiceFactory.open(FileKeyRecordStore.create(file, header, root::imageTag), root, options));
        }
        RootKey[] root = new RootKey[1];
        FileKeyRecordStore store = FileKeyRecordStore.open(file, header -> {
            root[0] = unwrapRoot(header, password);
            return root[0]::imageTag;
        });
        return audited(KeyServiceFactory.open(store, root[0], options));
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
        KeyServiceOptions withBackendAudit = backend.auditListener().map(l -> {
            List<AuditListener> listeners = new ArrayList<>(options.auditListeners());
            listeners.add(l);
            return options.withAuditListeners(listeners);
        }).orElse(options);
        try {
            RootKey root;
            Optional<byte[]> header = backend.header();
            if (header.isPresent()) {
                root = unwrapRoot(header.get(), password);
            } else {
                root = RootKey.generate();
                try {
                    backend.putHeader(null, root.wrap(password, options.kdf()).encode());
                } catch (StaleRecordException initialisedElsewhere) {
                    root = unwrapRoot(backend.header().orElseThrow(), password);
                }
            }
            return audited(KeyServiceFactory.open(backend, root, withBackendAudit));
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
        FileKeyRecordStore.restorePrevious(file, header -> unwrapRoot(header, password)::imageTag);
    }

    /** Re-wraps the root key of a store under a new password, durably (keytool -storepasswd). */
    public static void changePassword(KeyService keys, char[] newPassword) throws IOException {
        EmbeddedKeyService service = EmbeddedKeyService.of(keys);
        KeyRecordStore backend = service.backend();
        byte[] current = backend.header().orElse(null);
        byte[] next = service.root().wrap(newPassword, service.options().kdf()).encode();
        try {
            backend.putHeader(current, next);
        } catch (StaleRecordException e) {
            throw new IOException("the key store password was changed by another writer", e);
        }
        service.auditRecorder().record(AuditOperation.STORE_KEY_STORE, null, 0, null, null, EncryptionContext.EMPTY);
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

    private static RootKey unwrapRoot(byte[] headerBytes, char[] password) throws IOException {
        if (password == null) {
            throw new IOException("a password is needed to open a KMS key store",
                    new UnrecoverableKeyException("no password given"));
        }
        RootKeyHeader header;
        try {
            header = RootKeyHeader.decode(headerBytes);
        } catch (IllegalArgumentException e) {
            throw new CorruptStoreException("key store header is invalid: " + e.getMessage(), e);
        }
        try {
            return RootKey.unwrap(header, password);
        } catch (UnrecoverableKeyException e) {
            throw new IOException("keystore password was incorrect", e);
        }
    }
}
