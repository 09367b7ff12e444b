package io.kmsjca.spi.file;

import io.kmsjca.spi.CorruptStoreException;
import io.kmsjca.spi.KeyRecord;
import io.kmsjca.spi.SnapshotKeyRecordStore;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import java.util.Objects;

/**
 * The embedded default backend: the whole store in one authenticated file
 * ({@link StoreImage}), replaced atomically on every change ({@link AtomicFiles}), so the file
 * on disk is always the last change that returned, or the one before it.
 */
public final class FileKeyRecordStore extends SnapshotKeyRecordStore {

    private final Path file;
    private final ImageAuthenticator authenticator;

    private FileKeyRecordStore(Path file, ImageAuthenticator authenticator, Snapshot initial) {
        super(initial);
        this.file = file;
        this.authenticator = authenticator;
    }

    /** Opens an existing store; {@code factory} turns its header into the authenticator. */
    public static FileKeyRecordStore open(Path file, ImageAuthenticator.Factory factory) throws IOException {
        byte[] image = read(file);
        ImageAuthenticator authenticator = Objects.requireNonNull(factory.forHeader(StoreImage.readHeader(image)));
        StoreImage decoded = StoreImage.decode(image, authenticator);
        var records = new java.util.HashMap<String, KeyRecord>();
        decoded.records().forEach(r -> records.put(r.keyId(), r));
        return new FileKeyRecordStore(file, authenticator, new Snapshot(decoded.header(), records));
    }

    /** Creates a new store holding only {@code header}; fails if {@code file} exists. */
    public static FileKeyRecordStore create(Path file, byte[] header, ImageAuthenticator authenticator)
            throws IOException {
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString());
        }
        var store = new FileKeyRecordStore(file, authenticator, new Snapshot(header, Map.of()));
        store.persist(new Snapshot(header, Map.of()));
        return store;
    }

    /** The header of the store in {@code file}, read before its authenticator exists. */
    public static byte[] readHeader(Path file) throws IOException {
        return StoreImage.readHeader(read(file));
    }

    /** The file this store lives in. */
    public Path file() {
        return file;
    }

    @Override
    protected void persist(Snapshot next) throws IOException {
        var image = new StoreImage(next.header(), new ArrayList<>(next.records().values()));
        AtomicFiles.replace(file, image.encode(authenticator));
    }

    private static byte[] read(Path file) throws IOException {
        long size = Files.size(file);
        StoreImage.checkSize(size);
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length != size) {
            throw new CorruptStoreException("key store changed size while it was read");
        }
        return bytes;
    }
}
